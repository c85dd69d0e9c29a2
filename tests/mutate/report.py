"""The run's report as JSON data: the score per module and overall, and every mutant that
was not killed.

Score = (killed + timeouts) / (killed + timeouts + survivors that change behaviour): the
share of the mutants that change behaviour which the tests catch. Mutants the oracle did not
see change anything (``equivalent``) and those the tool could not run (``error``) are left
out of it.
"""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from tests.mutate.session import CHANGING, EQUIVALENT, ERROR, KILLED, TIMEOUT, Verdict

STATUSES = (KILLED, TIMEOUT, CHANGING, EQUIVALENT, ERROR)


def score(counts: Counter[str]) -> float | None:
    """Caught over caught plus behaviour-changing survivors; ``None`` with neither."""
    caught = counts[KILLED] + counts[TIMEOUT]
    total = caught + counts[CHANGING]
    return round(caught / total, 4) if total else None


def _summary(verdicts: list[Verdict]) -> dict[str, Any]:
    counts = Counter(v.status for v in verdicts)
    return {
        "mutants": len(verdicts),
        "killed": counts[KILLED],
        "timeouts": counts[TIMEOUT],
        "survived_changing": counts[CHANGING],
        "equivalent": counts[EQUIVALENT],
        "errors": counts[ERROR],
        "score": score(counts),
    }


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def _cpu(verdicts: list[Verdict]) -> dict[str, Any]:
    """Median CPU seconds per mutant, by how it ended (tests and oracle together)."""
    by_status: dict[str, Any] = {}
    for status in STATUSES:
        cpu = [v.tests_cpu + (v.oracle_cpu or 0.0) for v in verdicts if v.status == status]
        by_status[status] = _median(cpu)
    by_status["all"] = _median([v.tests_cpu + (v.oracle_cpu or 0.0) for v in verdicts])
    return by_status


def _not_killed(verdict: Verdict) -> dict[str, Any]:
    m = verdict.mutant
    return {
        "id": m.id,
        "module": m.module,
        "function": m.function,
        "line": m.line,
        "column": m.column,
        "operator": m.operator,
        "original": m.original,
        "mutated": m.mutated,
        "status": verdict.status,
        "equivalent": verdict.status == EQUIVALENT,
        "reached_by_tests": verdict.reached_by_tests,
        "reached_by_oracle": verdict.reached_by_oracle,
        "first_difference": verdict.difference,
        "note": verdict.note,
        "cpu_seconds": round(verdict.tests_cpu + (verdict.oracle_cpu or 0.0), 3),
    }


def build(
    settings: dict[str, Any],
    verdicts: list[Verdict],
    baseline: dict[str, Any],
    timing: dict[str, float],
) -> dict[str, Any]:
    """The whole report."""
    modules = sorted({v.mutant.module for v in verdicts})
    kills = Counter((v.killed_by or "").split("::")[0] for v in verdicts if v.status == KILLED)
    return {
        "settings": settings,
        "baseline": {k: round(v, 3) if isinstance(v, float) else v for k, v in baseline.items()},
        "modules": {m: _summary([v for v in verdicts if v.mutant.module == m]) for m in modules},
        "overall": _summary(verdicts),
        "operators": {
            op: _summary([v for v in verdicts if v.mutant.operator == op])
            for op in sorted({v.mutant.operator for v in verdicts})
        },
        "kills_by_test_file": dict(kills.most_common()),
        "cpu_seconds_per_mutant": _cpu(verdicts),
        "wall_seconds": round(timing["wall"], 1),
        "cpu_seconds": round(timing["cpu"], 1),
        "not_killed": [_not_killed(v) for v in verdicts if v.status not in (KILLED, TIMEOUT)],
    }


def table(report: dict[str, Any]) -> str:
    """The scores as a small text table (for the end of the progress output)."""
    rows = [
        f"{'module':<28} {'mutants':>7} {'killed':>6} {'t/o':>4} {'surv':>5} {'equiv':>5} score"
    ]
    for name, s in [*report["modules"].items(), ("overall", report["overall"])]:
        shown = "-" if s["score"] is None else f"{s['score']:.1%}"
        rows.append(
            f"{name:<28} {s['mutants']:>7} {s['killed']:>6} {s['timeouts']:>4} "
            f"{s['survived_changing']:>5} {s['equivalent']:>5} {shown}"
        )
    return "\n".join(rows)
