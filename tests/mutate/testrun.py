"""Which tests judge the mutants, and running them in-process with pytest.

The default selection tests the rules and the orders directly: the fastest, most killing
files first (``-x`` stops at the first failure), then every other file of
``tests/properties/`` and ``tests/engine/`` (new files are picked up by themselves), except
those that test something else and cost much. The golden games are left out unless asked
for: they are re-pinned after intended rule changes, so they should not be what catches
rule bugs.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

FIRST = (
    "tests/engine/test_orders.py",
    "tests/engine/test_turn.py",
    "tests/engine/test_game.py",
    "tests/properties/test_reference.py",
    "tests/properties/test_meaning.py",
    "tests/engine/test_fast_paths.py",
)
"""First the files that take about a second each, then by kills per CPU second (measured on
a 100-mutant sample: ``kills_by_test_file`` in the report)."""
FOLDERS = ("tests/properties", "tests/engine")
EXCLUDED = frozenset(
    {
        "tests/engine/test_ai.py",  # the computer players: slow, and rules only through them
        "tests/engine/test_forecast.py",
        "tests/engine/test_calibration.py",
        "tests/engine/test_scenario.py",  # loading scenarios: no rules run
        "tests/engine/test_yamlio.py",
        "tests/properties/test_ai_properties.py",
        "tests/properties/test_scenario_properties.py",
        "tests/properties/test_strategies.py",  # what the strategies reach, not the rules
    }
)
"""Files under :data:`FOLDERS` that do not test the rules directly and cost much (measured
on the survivors of a 100-mutant sample: they kill none of them; see docs/testing.md)."""
GOLDEN = "tests/golden"
PROFILE = "mutate"
"""The Hypothesis profile the children run with (``tests/conftest.py``)."""
PYTEST_ARGS = (
    "-x",
    "-q",
    "--no-header",
    "-p",
    "no:cacheprovider",
    "-p",
    "no:textual-snapshot",
    "-p",
    "no:syrupy",
    "-W",
    "ignore",
)


def default_tests(root: Path) -> list[str]:
    """The default test files, in the order they run."""
    chosen = [path for path in FIRST if (root / path).is_file()]
    for folder in FOLDERS:
        for path in sorted((root / folder).glob("test_*.py")):
            name = path.relative_to(root).as_posix()
            if name not in EXCLUDED and name not in chosen:
                chosen.append(name)
    return chosen


def expanded(root: Path, given: list[str]) -> list[str]:
    """Folders replaced by their test files, each once, in order (pytest, given a file and
    then its folder, leaves out the folder's other files)."""
    chosen: list[str] = []
    for item in given:
        path = root / item.split("::")[0]
        found = [item]
        if path.is_dir():
            found = [p.relative_to(root).as_posix() for p in sorted(path.rglob("test_*.py"))]
        chosen += [name for name in found if name not in chosen]
    return chosen


def selected_tests(root: Path, given: list[str] | None, *, with_golden: bool) -> list[str]:
    """The tests to run: those given, or the default ones; the golden games last if asked."""
    tests = expanded(root, given) if given else default_tests(root)
    if with_golden:
        tests += [name for name in expanded(root, [GOLDEN]) if name not in tests]
    return tests


def pytest_args(
    tests: list[str], *, deselect: Sequence[str] = (), profile: str | None = PROFILE
) -> list[str]:
    """The arguments of one run of the tests (``deselect``: test ids left out)."""
    extra = [f"--hypothesis-profile={profile}"] if profile else []
    extra += [f"--deselect={nodeid}" for nodeid in deselect]
    return [*tests, *PYTEST_ARGS, *extra]


class _FirstFailure:
    """A pytest plugin that keeps the id of the first test that failed."""

    def __init__(self) -> None:
        self.nodeid: str | None = None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed and self.nodeid is None:
            self.nodeid = report.nodeid

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed and self.nodeid is None:
            self.nodeid = f"{report.nodeid} (collection)"


def run_tests(args: list[str]) -> dict[str, Any]:
    """Run pytest in this process: its exit code and the first test that failed."""
    recorder = _FirstFailure()
    code = pytest.main(args, plugins=[recorder])
    return {"exit": int(code), "failed": recorder.nodeid}


def preload(args: list[str]) -> None:
    """Collect the tests once here, so that every forked child finds the test modules (and
    what they import) already imported; raises ``RuntimeError`` if collection fails."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        code = pytest.main([*args, "--collect-only"])
    if code != pytest.ExitCode.OK:
        raise RuntimeError(f"the tests cannot be collected:\n{output.getvalue()[-3000:]}")
