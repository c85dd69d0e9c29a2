"""The shape of the code: no import cycles, one namespace, and the layers kept apart.

The import graph is read from the source (every ``import`` and ``from ... import``, those inside
functions included, since an import moved into a function to break a cycle still is one);
imports under ``if TYPE_CHECKING:`` are left out, as they never run.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGES = ("engine", "tui")
OLD_TOP_LEVEL = ("engine", "tui", "scenarios", "seeds")


def modules() -> dict[str, Path]:
    """Every module of Frontlines by dotted name."""
    found = {"frontlines": ROOT / "frontlines" / "__init__.py"}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(("frontlines", *parts))] = path
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported(tree: ast.AST, name: str, is_package: bool) -> Iterator[tuple[str, int]]:
    """Every module name ``tree`` imports when it runs, with the line; relative imports are
    resolved, and ``from package import name`` names the submodule if there is one (the
    caller decides which names are modules)."""

    def visit(node: ast.AST) -> Iterator[tuple[str, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for other in child.orelse:
                    yield from visit(other)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, child.lineno
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    package = name if is_package else name.rpartition(".")[0]
                    for _ in range(child.level - 1):
                        package = package.rpartition(".")[0]
                    base = f"{package}.{base}" if base else package
                yield base, child.lineno
                for alias in child.names:
                    yield f"{base}.{alias.name}", child.lineno
            yield from visit(child)

    yield from visit(tree)


def import_graph() -> dict[str, dict[str, int]]:
    """Module -> the Frontlines modules it imports (each with the first line doing so)."""
    known = modules()
    graph: dict[str, dict[str, int]] = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        edges: dict[str, int] = {}
        for target, line in imported(tree, name, path.name == "__init__.py"):
            if target in known and target != name:
                edges.setdefault(target, line)
        graph[name] = edges
    return graph


def test_there_are_no_import_cycles() -> None:
    graph = import_graph()
    try:
        tuple(TopologicalSorter({m: set(edges) for m, edges in graph.items()}).static_order())
    except CycleError as error:
        cycle = error.args[1]
        steps = [f"{a} imports {b} (line {graph[a][b]})" for a, b in itertools.pairwise(cycle)]
        pytest.fail("import cycle: " + "; ".join(steps))


def test_the_cycle_check_sees_imports_inside_functions() -> None:
    source = "def f():\n    from frontlines.engine import world\n"
    found = dict(imported(ast.parse(source), "frontlines.engine.state", False))
    assert "frontlines.engine.world" in found
    hidden = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import frontlines.tui\n"
    assert "frontlines.tui" not in dict(imported(ast.parse(hidden), "frontlines.x", False))


def test_the_scenario_models_are_a_leaf_of_loading() -> None:
    graph = import_graph()
    steps = {m for m in graph if m.startswith("frontlines.engine.scenario.")}
    assert not set(graph["frontlines.engine.scenario.model"]) & (
        steps
        - {
            "frontlines.engine.scenario.base",
            "frontlines.engine.scenario.diagnostics",
            "frontlines.engine.scenario.rules",
            "frontlines.engine.scenario.weather",
        }
    )


def test_the_engine_never_imports_the_terminal_app() -> None:
    for name, edges in import_graph().items():
        if name.startswith("frontlines.engine"):
            assert not [m for m in edges if m.startswith("frontlines.tui")], name


def test_nothing_imports_the_old_top_level_names() -> None:
    wrong = []
    for folder in ("engine", "tui", "benchmarks", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "corpus" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for target, line in imported(tree, "x", False):
                if target.split(".")[0] in OLD_TOP_LEVEL:
                    wrong.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not wrong


RULE_INTERNALS = (
    "frontlines.engine.rules",
    "frontlines.engine.reference",
    "frontlines.engine.audit",
    "frontlines.engine.invariants",
    "frontlines.engine.strategies",
)


def test_the_terminal_app_reads_no_rule_internals() -> None:
    """The app shows the game through the engine's public API and its views
    (``frontlines.engine.view``), never through a phase's helpers."""
    wrong = [
        f"{name} imports {target}"
        for name, edges in import_graph().items()
        if name.startswith("frontlines.tui")
        for target in edges
        if target.startswith(RULE_INTERNALS)
    ]
    assert not wrong


TURN_MODULES = ("frontlines.engine.rules", "frontlines.engine.events", "frontlines.engine.turn")
"""What runs in a turn: the phases, their events and the turn that calls them."""


def test_no_rule_reads_the_scenario_during_a_turn() -> None:
    """The World compiles the whole scenario once; the phases and their events read only it
    (and the rule constants), never the scenario's models or ``world.scenario``."""
    wrong = []
    graph = import_graph()
    for name, path in modules().items():
        if not name.startswith(TURN_MODULES):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        wrong += [
            f"{name}:{node.lineno} reads .scenario"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "scenario"
        ]
        wrong += [
            f"{name} imports {target}"
            for target in graph[name]
            if target.startswith("frontlines.engine.scenario.model")
        ]
    assert not wrong


def test_saved_orders_are_read_back_in_one_place() -> None:
    """Only ``engine/saves.py`` turns saved orders back into orders, in its ``Replay``: loading
    a save, ``frontlines replay`` and ``forecast --from`` all play a save through it
    (``tests/robustness/test_saves.py`` checks that each does)."""
    readers = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Name) and node.id == "order_from_data") or (
                isinstance(node, ast.alias) and node.name == "order_from_data"
            ):
                readers.append(name)
                break
    assert readers == ["frontlines.engine.saves"]
