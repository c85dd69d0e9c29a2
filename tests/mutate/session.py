"""One mutation-testing run: checks first, then every mutant's tests and, for survivors,
the oracle, each in a bounded child forked from this already-loaded process."""

from __future__ import annotations

import itertools
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.mutate import oracle
from tests.mutate.children import Limits, Outcome, Task, Work, run_one, run_tasks
from tests.mutate.mutants import Mutant, applied, broken
from tests.mutate.testrun import preload, pytest_args, run_tests

KILLED, TIMEOUT, CHANGING, EQUIVALENT, ERROR = (
    "killed",
    "timeout",
    "survived",
    "equivalent",
    "error",
)
"""How a mutant ends: a test failed, it ran out of CPU time, the tests passed but the oracle
saw a change, nobody saw a change, or the tool could not run it."""


BASELINE_CPU_SECONDS = 1800.0
"""The CPU limit of the run of the unmutated code (its time sets the mutants' limit)."""
CPU_FACTOR = 4
"""With no CPU limit given, a mutant may take this many times the unmutated tests' CPU time."""
MIN_CPU_SECONDS = 60.0


class Abort(Exception):
    """A check before the mutants failed; the run means nothing."""


@dataclass(frozen=True)
class Settings:
    """What a run mutates, with which tests, and the bounds on each child."""

    modules: list[str]
    seed: int
    tests: list[str]
    deselect: list[str]  # test ids left out (a test known to fail while it is being fixed)
    with_golden: bool
    cpu_seconds: float | None  # None: worked out from the unmutated tests' CPU time
    memory_mb: int
    jobs: int


@dataclass
class Verdict:
    """What happened to one mutant."""

    mutant: Mutant
    status: str = ERROR
    killed_by: str | None = None
    tests_cpu: float = 0.0
    oracle_cpu: float | None = None
    reached_by_tests: bool | None = None
    reached_by_oracle: bool | None = None
    difference: dict[str, Any] | None = None
    note: str | None = None


@dataclass
class Run:
    """A finished run: the verdicts and what the checks before them measured."""

    verdicts: list[Verdict]
    baseline: dict[str, Any]


def probed(work: Callable[[], dict[str, Any]], mutant: Mutant) -> Work:
    """``work`` with the mutant applied, noting whether the mutated statement ever ran."""

    def run() -> dict[str, Any]:
        calls = itertools.count()
        with applied(mutant, probe=calls.__next__):
            result = work()
        return {**result, "reached": next(calls) > 0}

    return run


def _oracle_work() -> dict[str, Any]:
    return {"difference": oracle.first_difference(oracle.baseline())}


def _checks(
    settings: Settings, args: list[str], folder: Path, log: Callable[[str], None]
) -> tuple[Limits, dict[str, Any]]:
    """The unmutated code passes the tests, and breaking each module is seen by both the
    tests and the oracle (so swapping code objects takes effect); returns the limits for
    the mutants, and what the checks measured."""
    start = time.process_time()
    lines = oracle.baseline()
    info: dict[str, Any] = {"oracle_lines": len(lines), "oracle_cpu": time.process_time() - start}
    log(f"oracle: {len(lines)} lines in {info['oracle_cpu']:.1f}s CPU")
    first = Limits(max(settings.cpu_seconds or 0.0, BASELINE_CPU_SECONDS), settings.memory_mb)
    clean = run_one(lambda: run_tests(args), first, folder)
    if clean.result is None or clean.result["exit"] != 0:
        why = "ran out of CPU time" if clean.timed_out else f"failed: {clean.result or clean.error}"
        raise Abort(f"the unmutated code does not pass the selected tests; they {why}")
    cpu_limit = settings.cpu_seconds or max(MIN_CPU_SECONDS, CPU_FACTOR * clean.cpu)
    limits = Limits(cpu_limit, settings.memory_mb)
    info |= {"tests_cpu": clean.cpu, "cpu_limit": cpu_limit}
    log(f"tests: pass unmutated in {clean.cpu:.1f}s CPU; limit per child {cpu_limit:.0f}s CPU")
    problems: list[str] = []

    def sanity(module: str) -> Work:
        def work() -> dict[str, Any]:
            with broken(module):
                tests = run_tests(args)
                seen = oracle.first_difference(lines) is not None
            return {"tests": tests["exit"], "oracle": seen}

        return work

    def judge(task: Task, outcome: Outcome) -> list[Task]:
        result = outcome.result or {}
        if result.get("tests") != 1 and not outcome.timed_out:
            problems.append(f"{task.key}: a sanity mutant (every function raises) passes the tests")
        if not result.get("oracle") and not outcome.timed_out:
            problems.append(f"{task.key}: the oracle does not see a sanity mutant")
        return []

    tasks = [Task(module, sanity(module)) for module in settings.modules]
    run_tasks(tasks, judge, jobs=settings.jobs, limits=limits, folder=folder)
    if problems:
        raise Abort("swapping in mutants does not take effect:\n" + "\n".join(problems))
    log(f"sanity: breaking each of {len(settings.modules)} modules is seen")
    return limits, info


def judge_tests(verdict: Verdict, outcome: Outcome) -> bool:
    """Classify the test run; whether the oracle should look at the mutant."""
    verdict.tests_cpu = outcome.cpu
    result = outcome.result
    if outcome.timed_out:
        verdict.status, verdict.note = TIMEOUT, "hung" if outcome.hung else "CPU limit"
        return False
    if result is None:
        if outcome.signal is not None:  # the tests crashed the process: seen
            verdict.status, verdict.killed_by = KILLED, f"crash (signal {outcome.signal})"
        else:
            verdict.status, verdict.note = ERROR, (outcome.error or "")[-800:]
        return False
    verdict.reached_by_tests = bool(result["reached"])
    if result["exit"] == 0:
        return True
    if result["exit"] in (1, 2, 3):
        verdict.status, verdict.killed_by = KILLED, result["failed"] or f"exit {result['exit']}"
    else:
        verdict.status, verdict.note = ERROR, f"pytest exit code {result['exit']}"
    return False


def _judge_oracle(verdict: Verdict, outcome: Outcome) -> None:
    verdict.oracle_cpu = outcome.cpu
    result = outcome.result
    if result is None and outcome.signal is None and not outcome.timed_out:
        verdict.status, verdict.note = ERROR, (outcome.error or "")[-800:]
        return
    if outcome.timed_out or result is None:
        verdict.status = CHANGING
        why = "ran out of CPU time" if outcome.timed_out else f"crashed (signal {outcome.signal})"
        verdict.difference = {"note": f"the oracle {why}", "error": (outcome.error or "")[-800:]}
        return
    verdict.reached_by_oracle = bool(result["reached"])
    verdict.difference = result["difference"]
    verdict.status = EQUIVALENT if result["difference"] is None else CHANGING


def run(settings: Settings, mutants: list[Mutant], log: Callable[[str], None]) -> Run:
    """Check the set-up, then judge every mutant; raises :class:`Abort` if a check fails."""
    os.environ["HYPOTHESIS_PROFILE"] = "mutate"
    args = pytest_args(settings.tests, deselect=settings.deselect)
    preload(args)
    with tempfile.TemporaryDirectory(prefix="mutate-") as name:
        folder = Path(name)
        limits, baseline = _checks(settings, args, folder, log)
        verdicts = {m.id: Verdict(m) for m in mutants}
        done = itertools.count(1)

        def handle(task: Task, outcome: Outcome) -> list[Task]:
            phase, mutant = task.key
            verdict = verdicts[mutant.id]
            if phase == "tests" and judge_tests(verdict, outcome):
                return [Task(("oracle", mutant), probed(_oracle_work, mutant))]
            if phase == "oracle":
                _judge_oracle(verdict, outcome)
            cpu = verdict.tests_cpu + (verdict.oracle_cpu or 0.0)
            count = f"[{next(done)}/{len(mutants)}]"
            log(f"{count} {verdict.status:<10} {mutant.describe()} ({cpu:.1f}s CPU)")
            return []

        tasks = [Task(("tests", m), probed(lambda: run_tests(args), m)) for m in mutants]
        run_tasks(tasks, handle, jobs=settings.jobs, limits=limits, folder=folder)
    return Run(list(verdicts.values()), baseline)


def stderr_log(line: str) -> None:
    """Progress on stderr."""
    print(line, file=sys.stderr, flush=True)
