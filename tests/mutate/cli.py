"""The command line of ``python -m tests.mutate``.

Exit codes: 0 the score reaches ``--min-score``, 1 it does not, 2 a usage error or a failed
check before the mutants (the unmutated code fails the tests, or mutants do not take effect).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

from tests.mutate import report
from tests.mutate.mutants import MutantError, diff
from tests.mutate.sampling import default_modules, find, module_name, sample
from tests.mutate.session import Abort, Settings, run, stderr_log
from tests.mutate.testrun import selected_tests

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MUTANTS = 300


def parser() -> argparse.ArgumentParser:
    """The command line's options."""
    p = argparse.ArgumentParser(
        prog="python -m tests.mutate",
        description="Seeded, bounded mutation testing of the rules and the orders.",
    )
    p.add_argument("--seed", type=int, default=0, help="the sampling seed (default 0)")
    p.add_argument(
        "--mutants",
        type=int,
        default=DEFAULT_MUTANTS,
        metavar="N",
        help="how many to sample (default %(default)s)",
    )
    p.add_argument("--all", action="store_true", help="every mutant, no sampling")
    p.add_argument(
        "--mutant",
        action="append",
        metavar="ID",
        help="run this mutant (MODULE#NUMBER) instead of a sample; may repeat",
    )
    p.add_argument(
        "--module",
        action="append",
        metavar="MODULE",
        help="restrict to a module (path or dotted name); may repeat",
    )
    p.add_argument(
        "--tests", nargs="+", metavar="PATH", help="the tests to run instead of the default ones"
    )
    p.add_argument(
        "--deselect", action="append", metavar="TEST_ID", help="leave out a test; may repeat"
    )
    p.add_argument("--with-golden", action="store_true", help="let the golden games judge too")
    p.add_argument(
        "--cpu-seconds",
        type=float,
        help="CPU limit of each child (default: 4 times the unmutated tests' CPU time, at "
        "least 60)",
    )
    p.add_argument(
        "--memory-mb",
        type=int,
        default=4096,
        help="address-space limit of each child (default %(default)s)",
    )
    p.add_argument("--jobs", type=int, default=2, help="children at once (default %(default)s)")
    p.add_argument(
        "--min-score", type=float, default=0.85, help="fail below this score (default %(default)s)"
    )
    p.add_argument("--json", type=Path, metavar="FILE", help="write the report here, not to stdout")
    p.add_argument("--list", action="store_true", help="print the sampled mutants and stop")
    p.add_argument(
        "--show", metavar="ID", help="print one mutant (MODULE#NUMBER) as a diff and stop"
    )
    return p


def _settings_data(options: argparse.Namespace, settings: Settings, count: int) -> dict[str, Any]:
    return {
        "seed": settings.seed,
        "mutants_requested": options.mutant or (None if options.all else options.mutants),
        "mutants": count,
        "modules": settings.modules,
        "tests": settings.tests,
        "deselect": settings.deselect,
        "with_golden": settings.with_golden,
        "cpu_seconds": settings.cpu_seconds,
        "memory_mb": settings.memory_mb,
        "jobs": settings.jobs,
        "min_score": options.min_score,
        "hypothesis_profile": "mutate",
        "python": platform.python_version(),
    }


def _cpu_so_far() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    options = parser().parse_args(argv)
    os.chdir(ROOT)
    if options.show:
        try:
            print(diff(find(options.show), ROOT), end="")
        except (MutantError, ModuleNotFoundError) as exc:
            print(f"mutate: {exc}", file=sys.stderr)
            return 2
        return 0
    modules = (
        [module_name(m, ROOT) for m in options.module] if options.module else default_modules(ROOT)
    )
    try:
        if options.mutant:
            mutants = [find(name) for name in options.mutant]
            modules = sorted({m.module for m in mutants})
        else:
            mutants = sample(modules, None if options.all else options.mutants, options.seed)
    except (MutantError, ModuleNotFoundError) as exc:
        print(f"mutate: {exc}", file=sys.stderr)
        return 2
    if options.list:
        for mutant in mutants:
            print(mutant.describe())
        return 0
    settings = Settings(
        modules=modules,
        seed=options.seed,
        tests=selected_tests(ROOT, options.tests, with_golden=options.with_golden),
        deselect=options.deselect or [],
        with_golden=options.with_golden,
        cpu_seconds=options.cpu_seconds,
        memory_mb=options.memory_mb,
        jobs=max(1, options.jobs),
    )
    stderr_log(f"mutate: {len(mutants)} mutants of {len(modules)} modules, seed {options.seed}")
    started = time.monotonic()
    try:
        finished = run(settings, mutants, stderr_log)
    except Abort as exc:
        print(f"mutate: {exc}", file=sys.stderr)
        return 2
    timing = {"wall": time.monotonic() - started, "cpu": _cpu_so_far()}
    data = report.build(
        _settings_data(options, settings, len(mutants)),
        finished.verdicts,
        finished.baseline,
        timing,
    )
    text = json.dumps(data, indent=1) + "\n"
    if options.json:
        options.json.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    stderr_log(report.table(data))
    overall = data["overall"]["score"]
    return 1 if overall is not None and overall < options.min_score else 0
