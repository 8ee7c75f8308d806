#!/usr/bin/env python3
"""hermes-bench's load generator against wrk, on the same trivial endpoint, in one run.

Usage: Benchmarks/generator_vs_wrk.py [--bench .build/release/hermes-bench] [--repeats 3]
                                      [--connections 64] [--seconds 8]

Starts `hermes-bench sim llm` answering at once with a one-token reply, then alternates wrk
(Debian's `wrk`, POSTing the same chat request) and `hermes-bench run` (closed model, one user
per connection, no think time) against it, so drift hits both equally. Prints each pair and the
median requests per second of each, and their ratio. The issue's bar: at least 0.5.
"""
import argparse
import os
import re
import statistics
import subprocess
import tempfile

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--bench", default=".build/release/hermes-bench")
parser.add_argument("--repeats", type=int, default=3)
parser.add_argument("--connections", type=int, default=64)
parser.add_argument("--seconds", type=int, default=8)
args = parser.parse_args()

directory = tempfile.mkdtemp(prefix="hermes-generator-")
with open(os.path.join(directory, "sim.yaml"), "w") as file:
    file.write("first_token: 0ms\nreply_tokens: {min: 1, max: 1}\n")
body = '{"model":"hermes-agent","stream":false,"messages":[{"role":"user","content":"plan the next release check logs"}]}'
with open(os.path.join(directory, "post.lua"), "w") as file:
    file.write('wrk.method = "POST"\nwrk.body = \'%s\'\nwrk.headers["Content-Type"] = "application/json"\n' % body)

simulator = subprocess.Popen(
    [args.bench, "sim", "llm", "--port", "0", "--config", os.path.join(directory, "sim.yaml")],
    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
try:
    line = simulator.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    if not match:
        raise SystemExit("the simulator did not say where it listens: %r" % line)
    server = "http://127.0.0.1:%s" % match.group(1)
    with open(os.path.join(directory, "generator.yaml"), "w") as file:
        file.write(
            "name: generator-check\nabout: The generator against a trivial endpoint.\n"
            "target: {url: %s}\nworkload: {model: closed, users: %d, duration: %ds, sessions: %d}\n"
            % (server, args.connections, args.seconds, args.connections))
    wrk_rates, bench_rates = [], []
    for repeat in range(args.repeats):
        wrk = subprocess.run(
            ["wrk", "-t2", "-c%d" % args.connections, "-d%ds" % args.seconds, "-s", os.path.join(directory, "post.lua"),
             server + "/v1/chat/completions"], capture_output=True, text=True, check=True).stdout
        wrk_rates.append(float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1)))
        bench = subprocess.run(
            [args.bench, "run", os.path.join(directory, "generator.yaml"), "--out", os.path.join(directory, "runs")],
            capture_output=True, text=True).stdout
        bench_rates.append(float(re.search(r"turns completed in [\d.]+ s \(([\d.]+)/s\)", bench).group(1)))
        print("repeat %d: wrk %.0f/s, hermes-bench %.0f/s" % (repeat + 1, wrk_rates[-1], bench_rates[-1]))
    wrk_median, bench_median = statistics.median(wrk_rates), statistics.median(bench_rates)
    print("median: wrk %.0f/s, hermes-bench %.0f/s, ratio %.2f" % (wrk_median, bench_median, bench_median / wrk_median))
finally:
    simulator.terminate()
    simulator.wait()
