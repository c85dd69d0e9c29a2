"""Every benchmark in one JSON report, with the budgets of DESIGN.md and whether each is met.

    python -m benchmarks [--repeat N] [--system-malloc]

Runs ``benchmarks.engine`` (one turn at B = 1, a B = 1000 turn against the same games one at a
time, generated 100/300/1000-location maps and the growth exponent) and ``benchmarks.ai``
(a B = 1000 AI-vs-AI forecast in run-turns per second against the same games one at a time,
and look-ahead decisions). All figures are medians; this takes a minute or two.

Like the ``frontlines`` command, it first asks ``malloc`` to keep freed memory for reuse
(``engine/memory.py``); ``--system-malloc`` measures with the C library's defaults instead.
The report's ``machine.malloc`` says which.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from benchmarks import ai, engine
from frontlines.engine.memory import keep_freed_memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--system-malloc",
        action="store_true",
        help="measure with the C library's malloc settings, as a program that imports the "
        "engine without calling keep_freed_memory() runs",
    )
    args = parser.parse_args()
    kept = not args.system_malloc and keep_freed_memory()
    started = time.perf_counter()
    rules = engine.measure(args.repeat)
    opponents = ai.measure(args.repeat)
    report = {
        "turn_ms_b1": rules["turn_ms_b1"],
        "forecast_with_ai_b1000": opponents["forecast"],
        "rules_only_b1000": rules["batch"],
        "decision_ms": opponents["decision_ms"],
        "generated": rules["generated"],
        "budgets": {
            "turn_ms_b1_max": engine.BUDGETS["turn_ms_b1_max"],
            "forecast_run_turns_per_s_min": ai.BUDGETS["forecast_run_turns_per_s_min"],
            "batch_speedup_min": ai.BUDGETS["forecast_batch_speedup_min"],
            "normal_decision_ms_max": ai.BUDGETS["normal_decision_ms_max"],
            "generated_1000_ms_max": engine.BUDGETS["generated_1000_ms_max"],
            "generated_growth_exponent_max": engine.BUDGETS["generated_growth_exponent_max"],
        },
        "within_budget": {
            "turn_ms_b1": rules["within_budget"]["turn_ms_b1_record"],
            "forecast_run_turns_per_s": opponents["within_budget"]["forecast_run_turns_per_s"],
            "batch_speedup": opponents["within_budget"]["forecast_batch_speedup"],
            "normal_decision_ms": opponents["within_budget"]["normal_decision_ms"],
            "generated_1000_ms": rules["within_budget"]["generated_1000_ms"],
            "generated_growth_exponent": rules["within_budget"]["generated_growth_exponent"],
        },
        "machine": {
            **{k: rules[k] for k in ("python", "numpy", "cpus", "repeat")},
            "malloc": "keeps freed memory" if kept else "system defaults",
        },
        "benchmark_seconds": round(time.perf_counter() - started, 1),
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
