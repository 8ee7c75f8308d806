#!/usr/bin/env python3
"""Time from starting `hermes gateway` to its `listening on` line, over repeated runs.

Usage: Benchmarks/gateway_coldstart.py [--binary .build/release/hermes] [--runs 30] [--existing-db]

Each run starts the gateway on port 0 with a model endpoint that is never called, reads its first
line, then stops it with SIGTERM. With --existing-db the database is created once and reused (the
usual restart); without it every run creates a new one. Prints the median, min and max in ms.
"""
import argparse
import os
import signal
import statistics
import subprocess
import tempfile
import time

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--binary", default=".build/release/hermes")
parser.add_argument("--runs", type=int, default=30)
parser.add_argument("--warmup", type=int, default=3)
parser.add_argument("--existing-db", action="store_true")
args = parser.parse_args()

directory = tempfile.mkdtemp(prefix="hermes-coldstart-")
database = os.path.join(directory, "state.db")
environment = dict(os.environ, HERMES_BASE_URL="http://127.0.0.1:9/v1")
times = []
for run in range(args.warmup + args.runs):
    if not args.existing_db:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(database + suffix):
                os.remove(database + suffix)
    started = time.perf_counter()
    process = subprocess.Popen(
        [args.binary, "gateway", "--port", "0", "--db", database],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=environment)
    line = process.stdout.readline()
    elapsed = time.perf_counter() - started
    process.send_signal(signal.SIGTERM)
    process.wait()
    if not line.startswith(b"listening on "):
        raise SystemExit(f"the gateway printed {line!r} instead of its address")
    if run >= args.warmup:
        times.append(elapsed * 1000)
kind = "existing database" if args.existing_db else "new database"
print(f"{kind}: median {statistics.median(times):.1f} ms, min {min(times):.1f}, max {max(times):.1f} over {len(times)} runs")
