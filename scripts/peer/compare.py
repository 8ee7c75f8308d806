#!/usr/bin/env python3
"""Writes Reports/peer/comparison.md from what scripts/peer/run measured (DIR/*/results.jsonl,
one line per run with the figures it took from /proc, the simulator and the hermes-bench report).
Run by scripts/peer/run; never edit comparison.md by hand."""
import json
import statistics
import sys
from pathlib import Path

root = Path(sys.argv[1] if len(sys.argv) > 1 else "Reports/peer")


def spread(values, fmt):
    middle = statistics.median(values)
    return f"{fmt(middle)} ({fmt(min(values))}–{fmt(max(values))})", middle


def per_call(line, key):
    return line[key] / max(line["model_requests"], 1) if key in line else None


def rows_for(results):
    by_side = {"python": [], "swift": []}
    for line in results:
        turns = max(line["completed"], 1)
        latency = line["turn"]
        # Calls beyond one chat call a turn and the summaries are background reviews, made after
        # a turn and inside none: their share of the model's time (as many mean chat calls) is
        # left out of what the turns are charged. Every peer turn makes one chat call.
        summary_calls = line.get("summary_requests", 0)
        summary_busy = line.get("summary_busy_seconds", 0)
        chat_calls = max(line["model_requests"] - summary_calls, 1)
        reviews = max(line["model_requests"] - summary_calls - line["completed"], 0)
        review_busy = reviews * (line["model_busy_seconds"] - summary_busy) / chat_calls
        model_per_turn = (line["model_busy_seconds"] - review_busy) / turns
        # A quantile's turn is a chat turn (compressing ones are few), so it sheds the chat calls only.
        chat_per_turn = (line["model_busy_seconds"] - summary_busy - review_busy) / turns
        by_side[line["side"]].append({
            "startup": line["startup_seconds"],
            "startup_cpu": line.get("startup_cpu_seconds", 0),
            "throughput": line["throughput_per_second"],
            "turn_p50": latency.get("p50", 0), "turn_p99": latency.get("p99", 0),
            "turn_mean": latency.get("mean", 0), "model_per_turn": model_per_turn,
            "summary_mean": line.get("summary_busy_seconds", 0) / max(line.get("summary_requests", 0), 1),
            "overhead_mean": latency.get("mean", 0) - model_per_turn,
            "overhead_p50": latency.get("p50", 0) - chat_per_turn,
            "overhead_p99": latency.get("p99", 0) - chat_per_turn,
            "cpu_per_turn": line["cpu_seconds"] / turns,
            "rss": line["peak_rss_bytes"],
            "errors": line["error_rate"],
            "model_calls_per_turn": line["model_requests"] / turns,
            # What each model call carried, summaries included; None in results measured before
            # the simulator counted it, and then the row is left out.
            "prompt_bytes_per_call": per_call(line, "system_prompt_bytes"),
            "schema_bytes_per_call": per_call(line, "tool_schema_bytes"),
            "summaries": line.get("summary_requests", 0),
            "line": line,
        })
    return by_side


ms = lambda v: f"{v * 1000:.1f} ms"
seconds = lambda v: f"{v:.2f} s"
rate = lambda v: f"{v:.1f}/s"
mib = lambda v: f"{v / 1048576:.0f} MiB"
percent = lambda v: f"{v * 100:.2f}%"
calls = lambda v: f"{v:.2f}"
figures = [
    ("start-up (process start → first answered turn)", "startup", seconds, False),
    ("CPU to start (first turn included)", "startup_cpu", seconds, False),
    ("turns/s at this concurrency", "throughput", rate, True),
    ("turn p50", "turn_p50", ms, False),
    ("turn p99", "turn_p99", ms, False),
    ("overhead mean (turn − model time)", "overhead_mean", ms, False),
    ("overhead p50 (turn p50 − mean chat model time)", "overhead_p50", ms, False),
    ("overhead p99 (turn p99 − mean chat model time)", "overhead_p99", ms, False),
    ("CPU per turn", "cpu_per_turn", ms, False),
    ("peak RSS", "rss", mib, False),
    ("error rate", "errors", percent, False),
    ("model calls per turn", "model_calls_per_turn", calls, False),
    ("system prompt bytes per model call", "prompt_bytes_per_call", lambda v: f"{v:,.0f}", False),
    ("tool schema bytes per model call", "schema_bytes_per_call", lambda v: f"{v:,.0f}", False),
    ("compression summaries in the run", "summaries", lambda v: f"{v:.0f}", False),
]

def under_ten(sides):
    """Why a throughput or overhead ratio is under 10×, where the measurements say why."""
    median = lambda side, key: statistics.median(r[key] for r in sides[side])
    notes = []
    throughput = median("swift", "throughput") / max(median("python", "throughput"), 1e-9)
    model = median("swift", "model_per_turn")
    if throughput < 10 and model > 0.8 * median("swift", "turn_mean"):
        notes.append(
            f"Turns/s is {throughput:.1f}× here, under 10×, because a turn waits for the simulated model: "
            f"on Swift's side {ms(model)} per turn (summaries included), "
            f"{model / median('swift', 'turn_mean'):.0%} of its turn. Even a runtime that cost nothing "
            f"would reach at most {median('python', 'turn_mean') / model:.1f}× Python's turns/s. "
            f"Only a faster model raises that ceiling; the runtime's own share is in the overhead rows.")
    summaries = median("swift", "summaries")
    p99 = median("python", "overhead_p99") / max(median("swift", "overhead_p99"), 1e-9)
    if summaries > 0 and p99 < 10:
        less = {side: median(side, "overhead_p99") - median(side, "summary_mean") for side in sides}
        notes.append(
            f"Overhead p99 is {p99:.1f}× here, under 10×, because the p99 turns are the ones that compress, "
            f"and each includes a summary call to the simulated model ({ms(median('swift', 'summary_mean'))} "
            f"on average) that neither runtime can shorten. Less that call: Python {ms(less['python'])}, "
            f"Swift {ms(less['swift'])} ({less['python'] / max(less['swift'], 1e-9):.1f}×).")
    return notes


sections = []
machine = None
for results_file in sorted(root.glob("*/results.jsonl")):
    lines = [json.loads(line) for line in results_file.read_text().splitlines() if line.strip()]
    sides = rows_for(lines)
    if not sides["python"] or not sides["swift"]:
        continue
    sample = sides["swift"][0]["line"]
    machine = machine or sample["machine"]
    table = ["| figure | Python 0.19.0 | Swift | Swift's advantage |", "|---|---:|---:|---:|"]
    # A run of one turn (cold-start) measures starting; its turn figures would be one sample.
    one_turn = all(r["line"]["completed"] <= 1 for side in sides.values() for r in side)
    for title, key, fmt, higher_better in figures:
        if one_turn and key not in ("startup", "startup_cpu", "rss", "errors"):
            continue
        if any(r[key] is None for side in sides.values() for r in side):
            continue
        py_text, py = spread([r[key] for r in sides["python"]], fmt)
        sw_text, sw = spread([r[key] for r in sides["swift"]], fmt)
        if key in ("errors", "model_calls_per_turn", "summaries", "prompt_bytes_per_call", "schema_bytes_per_call"):
            advantage = ""
        elif higher_better:
            advantage = f"{sw / py:.1f}×" if py > 0 else "–"
        else:
            advantage = f"{py / sw:.1f}×" if sw > 0 else "–"
        table.append(f"| {title} | {py_text} | {sw_text} | {advantage} |")
    name = results_file.parent.name
    scenario = sample["scenario_file"]
    notes = [] if one_turn else under_ten(sides)
    sections.append(
        f"## {name}\n\n`{scenario}`, {len(sides['python'])} repetitions per side, alternating "
        f"(Python, Swift, Python, …), Swift at commit `{(sample.get('git_commit') or 'unknown')[:12]}`; "
        f"medians, with the range in brackets.\n\n" + "\n".join(table) + "\n"
        + "".join(f"\n{note}\n" for note in notes))

if not sections:
    sys.exit("compare.py: no results under " + str(root) + "; run scripts/peer/run SCENARIO first")
header = f"""# Python hermes-agent 0.19.0 and Hermes for Swift, side by side

Regenerated by `scripts/peer/run SCENARIO` (which calls `scripts/peer/compare.py`); do not edit.

Machine: {machine['cores']} cores, {machine['memory_bytes'] / 2**30:.0f} GiB, {machine['os']}.
Versions: hermes-agent 0.19.0 (pip, `[messaging]` extra, in `.venv-peer`); Hermes for Swift, release
build, at the commit each section names.
Both servers talk to the same LLM simulator (`hermes-bench sim llm --scenario FILE`) and are
started afresh for each repetition, each with a fresh `HERMES_HOME` (its own `state.db`) holding
the same `config.yaml`: the same model endpoint, admission limit and compression settings, and
the same toolsets for the API server (web, terminal, file, skills, todo, memory, session_search:
the ones both implement), so each builds its own system prompt from the same home and sends the
model the same tool schemas; the "bytes per model call" rows show what each side sent.

How the figures are made: `hermes-bench run SCENARIO --target URL` drives each server (its report
is under `Reports/peer/NAME/python|swift/`); CPU seconds and peak RSS (`VmHWM`) of the server
process come from `/proc` around the run; model time is the simulator's own busy time over the
run. Neither server's per-turn model time is visible to the client, so overhead p50/p99 subtract
the mean chat model time per turn (compression summaries left out) from the turn's quantiles —
exact when every chat call costs the model the same, as in the peer scenarios (constant latency
and reply length). In long-session the p99 turns are the compressing ones, so their overhead
includes the summary call (500 ms on both sides). Both sides review memory and skills in the
background after some turns (Python's self-improvement nudges: a session's tenth user turn, and
on ours also its tenth model call without `skill_manage`; Python's API server makes a fresh agent
per request, so its skills count never gets there): those model calls are counted in "model
calls per turn" but belong to no turn, so the model time the overhead rows subtract leaves them
out (as many mean chat calls; every peer turn makes one chat call). Start-up is measured by a probe, started and
ready before the server is, that polls with a chat turn every 10 ms (resolution about 10 ms);
its CPU is the server's own CPU time over that span. Under a table, a note says why a
throughput or overhead ratio is under 10× where the measurements show the cause.

Reproduce: `scripts/peer/setup && scripts/peer/run Scenarios/peer/concurrent-32.yaml`.

"""
(root / "comparison.md").write_text(header + "\n".join(sections))
