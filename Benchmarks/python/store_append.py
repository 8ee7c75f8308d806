#!/usr/bin/env python3
"""The Python project's SessionDB.append_message under the same write storm as
`hermes-bench store bench`: N writer threads, one session each, one message per call, the same
messages (a 120-byte user message and a 480-byte assistant reply, alternating).

Needs the hermes-agent source, which is not vendored here:
    pip download --no-deps hermes-agent==0.19.0 -d /tmp/hermes-py
    (cd /tmp/hermes-py && mkdir -p src && cd src && unzip -oq ../hermes_agent-0.19.0-*.whl)
    python3 Benchmarks/python/store_append.py --src /tmp/hermes-py/src --writers 1,16,64
"""
import argparse
import os
import sys
import tempfile
import threading
import time

USER = "How do I deploy it? " * 6
ASSISTANT = ("Build the image, push it, then roll it out. " * 11)[:480]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run(session_db_class, writers, messages):
    directory = tempfile.mkdtemp(prefix="hermes-py-store-")
    db = session_db_class(db_path=__import__("pathlib").Path(directory) / "state.db")
    sessions = [f"bench-{index}" for index in range(writers)]
    for session in sessions:
        db.create_session(session, "bench")
    latencies = [[] for _ in sessions]

    def writer(index):
        share = messages // writers + (1 if index < messages % writers else 0)
        for number in range(share):
            role, text = ("user", USER) if number % 2 == 0 else ("assistant", ASSISTANT)
            started = time.perf_counter()
            db.append_message(sessions[index], role, text)
            latencies[index].append(time.perf_counter() - started)

    threads = [threading.Thread(target=writer, args=(index,)) for index in range(writers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    db.close()
    every = [value for values in latencies for value in values]
    print(f"python SessionDB: {writers} writers, {messages} messages")
    print(f"  messages/s          {messages / seconds:.0f}")
    print(f"  append p50 / p99    {percentile(every, 0.50) * 1e6:.0f} us / {percentile(every, 0.99) * 1e6:.0f} us"
          f" (max {max(every) * 1e6:.0f} us)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", required=True, help="the unpacked hermes-agent wheel (holds hermes_state.py)")
    parser.add_argument("--writers", default="1,16,64")
    parser.add_argument("--messages", type=int, default=20000)
    arguments = parser.parse_args()
    sys.path.insert(0, os.path.abspath(arguments.src))
    from hermes_state import SessionDB
    for writers in (int(value) for value in arguments.writers.split(",")):
        run(SessionDB, writers, arguments.messages)


if __name__ == "__main__":
    main()
