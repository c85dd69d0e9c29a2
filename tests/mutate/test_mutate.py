"""The mutation tool itself: operators, sampling, applying mutants, and bounded children."""

from __future__ import annotations

import ast
import importlib
import itertools
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from tests.mutate.children import Limits, run_one
from tests.mutate.mutants import Mutant, applied, broken, diff, mutants, mutated_code, mutated_tree
from tests.mutate.operators import OPERATORS
from tests.mutate.sampling import quotas, sample
from tests.mutate.session import KILLED, TIMEOUT, Verdict, judge_tests, probed
from tests.mutate.testrun import run_tests

EXAMPLES = '''
import numpy as np


def every_operator(x, y, items, state) -> tuple[State, float]:
    """A docstring 1 + 2, never mutated."""
    total = x + y - 1
    total = total * 2 / 3 ** 2 // 1 % 5
    total += 1
    flags = (x < y) and (x >= 0) or not y
    bits = (x & 3) | (y ^ 1) << 1
    negative = -x + ~y
    ratio = np.maximum(x, 1e-9).clip(0, 1)
    best = np.argmax(items) + items.max()
    picked = items[x] + items[x, y] + len(items[x:y])
    done = True
    for item in items:
        if item is None:
            continue
        if item == 0.5:
            break
    print(total, flags, bits, negative, ratio, best, picked, done)
    return state.evolve(turn=1), total


def skipped(x: int = 1 + 2) -> int:
    """Only the return value is mutated here."""
    assert x, f"message {x + 1}"
    logger.info("count %d", x + 1)
    label = f"{x + 1}"
    flat = x.reshape(-1), x.reshape((x, -1))
    return x
'''
TINY = """
def add(a, b):
    return a + b


def countdown(n):
    while n > 0:
        n -= 1
    return n
"""
TINY_TESTS = """
from {target} import add, countdown


def test_add():
    assert add(2, 3) == 5


def test_countdown():
    assert countdown(3) == 0
"""
PYTEST = ["-x", "-q", "-p", "no:cacheprovider", "-p", "no:textual-snapshot", "-p", "no:syrupy"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder on ``sys.path`` with the example modules and a tiny test file."""
    path = tmp_path_factory.mktemp("mutate")
    (path / "mutate_examples.py").write_text(EXAMPLES)
    (path / "mutate_tiny.py").write_text(TINY)
    (path / "mutate_tiny_user.py").write_text(
        "from mutate_tiny import add\n\n\ndef use():\n    return add(2, 3)\n"
    )
    (path / "test_tiny.py").write_text(TINY_TESTS.format(target="mutate_tiny"))
    sys.path.insert(0, str(path))
    yield path
    sys.path.remove(str(path))
    for name in ("mutate_examples", "mutate_tiny", "mutate_tiny_user", "test_tiny"):
        sys.modules.pop(name, None)


@pytest.fixture(scope="module")
def tiny(folder: Path) -> ModuleType:
    return importlib.import_module("mutate_tiny")


def _find(module: str, operator: str, function: str) -> Mutant:
    return next(m for m in mutants(module) if (m.operator, m.function) == (operator, function))


def test_every_operator_yields_code_that_compiles_and_differs(folder: Path) -> None:
    found = mutants("mutate_examples")
    assert {m.operator for m in found} == set(OPERATORS)
    original = ast.dump(ast.parse(EXAMPLES))
    for mutant in found:
        _, tree = mutated_tree(mutant)
        assert ast.dump(tree) != original, mutant.describe()
        assert mutated_code(mutant, probe=True).co_qualname == mutant.function


def test_docstrings_annotations_defaults_messages_fstrings_logging_and_sizes_are_not_mutated(
    folder: Path,
) -> None:
    found = [m for m in mutants("mutate_examples") if m.function == "skipped"]
    assert [(m.operator, m.original, m.mutated) for m in found] == [
        ("return", "return x", "return 0")
    ]


def test_the_real_targets_give_mutants_that_compile() -> None:
    for mutant in sample(
        ["frontlines.engine.orders", "frontlines.engine.rules.combat"], 24, seed=0
    ):
        assert mutated_code(mutant, probe=True).co_qualname == mutant.function


def test_sampling_is_deterministic_for_a_seed_and_spread_by_sites() -> None:
    modules = ["frontlines.engine.rules.victory", "frontlines.engine.orders"]
    first = sample(modules, 20, seed=5)
    assert first == sample(modules, 20, seed=5)
    assert first != sample(modules, 20, seed=6)
    assert len(first) == 20
    assert quotas({"a": 10, "b": 30}, 8) == {"a": 2, "b": 6}
    assert quotas({"a": 1, "b": 1, "c": 1}, 2) == {"a": 1, "b": 1, "c": 0}
    assert quotas({"a": 3}, 10) == {"a": 3}


def test_a_mutant_is_applied_where_imported_by_name_and_reverted(tiny: ModuleType) -> None:
    user = importlib.import_module("mutate_tiny_user")
    mutant = _find("mutate_tiny", "arith", "add")
    calls = itertools.count()
    with applied(mutant, probe=calls.__next__):
        assert user.use() == -1
        assert tiny.add(5, 1) == 4
    assert next(calls) == 2
    assert user.use() == 5
    assert not hasattr(tiny, "_mutate_reached")
    with broken("mutate_tiny") as count:
        assert count == 2
        with pytest.raises(RuntimeError, match="sanity mutant"):
            user.use()
    assert user.use() == 5


def test_a_mutant_shows_as_a_diff(folder: Path) -> None:
    text = diff(_find("mutate_tiny", "arith", "add"), folder)
    assert "-    return a + b\n+    return a - b\n" in text
    assert "a/mutate_tiny.py" in text


def test_a_broken_mutant_is_killed_by_a_tiny_test(folder: Path, tiny: ModuleType) -> None:
    args = [str(folder / "test_tiny.py"), *PYTEST]
    limits = Limits(cpu_seconds=20, memory_mb=4096)
    assert run_one(lambda: run_tests(args), limits, folder).result == {"exit": 0, "failed": None}

    mutant = _find("mutate_tiny", "arith", "add")
    verdict = Verdict(mutant)
    assert (
        judge_tests(verdict, run_one(probed(lambda: run_tests(args), mutant), limits, folder))
        is False
    )
    assert (verdict.status, verdict.reached_by_tests) == (KILLED, True)
    assert verdict.killed_by is not None and verdict.killed_by.endswith("test_tiny.py::test_add")


def test_a_cpu_bound_mutant_is_stopped_and_counted_as_a_timeout(
    folder: Path, tiny: ModuleType
) -> None:
    mutant = _find("mutate_tiny", "augassign", "countdown")  # n -= 1 -> n += 1: no end

    args = [f"{folder / 'test_tiny.py'}::test_countdown", *PYTEST]
    outcome = run_one(probed(lambda: run_tests(args), mutant), Limits(1, 4096), folder)
    verdict = Verdict(mutant)
    assert judge_tests(verdict, outcome) is False
    assert verdict.status == TIMEOUT
    assert outcome.timed_out and not outcome.hung
    # The kernel sends SIGXCPU by its own tick count, which can run ahead of the usage the
    # parent reads back by a tenth of a second or more on a busy machine.
    assert 0.5 <= outcome.cpu < 4
