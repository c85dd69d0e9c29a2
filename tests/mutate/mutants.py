"""Mutants: one change at one site, named, shown as a diff, compiled and swapped in.

A mutant is applied by compiling the mutated module and setting the ``__code__`` of the
module-level function (or method) that holds the site to the mutated code object, so every
reference to that function, ``from module import name`` included, runs the mutant. Nested
functions and lambdas come along: they are constants of the outer code object.
"""

from __future__ import annotations

import ast
import difflib
import importlib
import importlib.util
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tests.mutate.sites import Site, module_functions, sites

PROBE = "_mutate_reached"
"""The global a probed mutant calls just before the statement that holds its change."""
TEXT_LIMIT = 200


class MutantError(Exception):
    """A mutant that cannot be built or applied (the source changed, a function is missing)."""


@dataclass(frozen=True)
class Mutant:
    """One change at one site: where it is, what it changes and into what."""

    module: str
    index: int  # the site's number among the module's sites, in source order
    function: str
    line: int
    column: int  # 1-based, in characters
    operator: str
    original: str  # the source text of the changed node
    mutated: str  # the changed node, as unparsed source

    @property
    def id(self) -> str:
        return f"{self.module}#{self.index}"

    def to_data(self) -> dict[str, Any]:
        """The mutant as JSON data."""
        return {"id": self.id, **asdict(self)}

    def describe(self) -> str:
        """One line: id, place, operator and the change."""
        return (
            f"{self.id} {self.function} {self.line}:{self.column} {self.operator}: "
            f"{self.original} -> {self.mutated}"
        )


@cache
def source_of(module: str) -> tuple[str, str]:
    """A module's file name and source text (read once)."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        raise MutantError(f"no Python source for module {module!r}")
    return spec.origin, Path(spec.origin).read_text(encoding="utf-8")


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= TEXT_LIMIT else flat[: TEXT_LIMIT - 3] + "..."


def _column(text: str, node: ast.expr | ast.stmt) -> int:
    line = text.splitlines()[node.lineno - 1].encode("utf-8")
    return len(line[: node.col_offset].decode("utf-8", errors="replace")) + 1


def _parsed(module: str) -> tuple[str, str, ast.Module, list[Site]]:
    path, text = source_of(module)
    tree = ast.parse(text, path)
    return path, text, tree, list(sites(tree))


def count_sites(module: str) -> int:
    """How many mutants the module has."""
    return len(_parsed(module)[3])


def mutants(module: str, indices: list[int] | None = None) -> list[Mutant]:
    """The module's mutants (or those numbered ``indices``), in source order."""
    _, text, _, found = _parsed(module)
    chosen = range(len(found)) if indices is None else indices
    result = []
    for k in chosen:
        site = found[k]
        segment = ast.get_source_segment(text, site.node) or ast.unparse(site.node)
        result.append(
            Mutant(
                module,
                k,
                site.function,
                site.node.lineno,
                _column(text, site.node),
                site.operator,
                _one_line(segment),
                _one_line(ast.unparse(site.build())),
            )
        )
    return result


def _site(mutant: Mutant, found: list[Site]) -> Site:
    if mutant.index >= len(found):
        raise MutantError(f"{mutant.id}: the module has only {len(found)} sites now")
    site = found[mutant.index]
    if (site.operator, site.node.lineno) != (mutant.operator, mutant.line):
        raise MutantError(f"{mutant.id}: the source changed since the mutant was listed")
    return site


def mutated_tree(mutant: Mutant, *, probe: bool = False) -> tuple[str, ast.Module]:
    """The module's file name and tree with the mutant's change (and the probe call)."""
    path, _, tree, found = _parsed(mutant.module)
    site = _site(mutant, found)
    new = ast.copy_location(site.build(), site.node)
    if site.index is None:
        setattr(site.holder, site.field, new)
    else:
        getattr(site.holder, site.field)[site.index] = new
    if probe:
        holder, field, index = site.statement
        call = ast.Expr(ast.Call(ast.Name(PROBE, ast.Load()), [], []))
        getattr(holder, field).insert(index, ast.copy_location(call, site.node))
    return path, ast.fix_missing_locations(tree)


def find_code(code: types.CodeType, qualname: str) -> types.CodeType:
    """The code object of ``qualname`` among the constants of a module's code (the last
    definition, which is the one bound at run time)."""
    found = None
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            if const.co_qualname == qualname:
                found = const
            elif qualname.startswith(const.co_qualname + "."):
                found = find_code(const, qualname)  # a method, in its class body's code
    if found is None:
        raise MutantError(f"no code object for {qualname}")
    return found


def mutated_code(mutant: Mutant, *, probe: bool = False) -> types.CodeType:
    """The mutated code object of the mutant's function."""
    path, tree = mutated_tree(mutant, probe=probe)
    return find_code(compile(tree, path, "exec", dont_inherit=True), mutant.function)


def live_function(module: str, qualname: str) -> types.FunctionType:
    """The function object the running program calls for ``module.qualname``."""
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = vars(obj)[part] if isinstance(obj, type) else getattr(obj, part)
    if isinstance(obj, staticmethod | classmethod):
        obj = obj.__func__
    elif isinstance(obj, property) and obj.fget is not None:
        obj = obj.fget
    while hasattr(obj, "__wrapped__"):
        obj = obj.__wrapped__
    if not isinstance(obj, types.FunctionType) or obj.__code__.co_qualname != qualname:
        raise MutantError(f"{module}.{qualname} is not a plain function")
    return obj


@contextmanager
def swapped(func: types.FunctionType, code: types.CodeType) -> Iterator[None]:
    """Run ``func`` with ``code`` inside the block, then put its own code back."""
    if code.co_freevars != func.__code__.co_freevars:
        raise MutantError(f"{func.__qualname__}: the mutant's free variables differ")
    original = func.__code__
    func.__code__ = code
    try:
        yield
    finally:
        func.__code__ = original


@contextmanager
def applied(mutant: Mutant, probe: Callable[[], object] | None = None) -> Iterator[None]:
    """Run the mutant inside the block; ``probe`` is called whenever the mutated statement
    is about to run."""
    code = mutated_code(mutant, probe=probe is not None)
    func = live_function(mutant.module, mutant.function)
    namespace = sys.modules[mutant.module].__dict__
    if probe is not None:
        namespace[PROBE] = probe
    try:
        with swapped(func, code):
            yield
    finally:
        namespace.pop(PROBE, None)


def _refuse(*args: object, **kwargs: object) -> None:
    raise RuntimeError("mutate: the sanity mutant was called")


@contextmanager
def broken(module: str) -> Iterator[int]:
    """Make every function of ``module`` raise inside the block (the sanity mutant that the
    tests must kill); yields how many functions were broken."""
    _, _, tree, _ = _parsed(module)
    funcs = [live_function(module, name) for name, _ in module_functions(tree)]
    funcs = [f for f in funcs if not f.__code__.co_freevars]
    originals = [f.__code__ for f in funcs]
    for func in funcs:
        func.__code__ = _refuse.__code__
    try:
        yield len(funcs)
    finally:
        for func, code in zip(funcs, originals, strict=True):
            func.__code__ = code


def diff(mutant: Mutant, root: Path) -> str:
    """The mutant as a unified diff of its module's source."""
    path, text, _, found = _parsed(mutant.module)
    site = _site(mutant, found)
    node = site.node
    assert node.end_lineno is not None and node.end_col_offset is not None
    lines = text.splitlines(keepends=True)
    first = lines[node.lineno - 1].encode("utf-8")[: node.col_offset].decode("utf-8")
    last = lines[node.end_lineno - 1].encode("utf-8")[node.end_col_offset :].decode("utf-8")
    changed = [*lines[: node.lineno - 1], first + ast.unparse(site.build()) + last]
    changed += lines[node.end_lineno :]
    name = Path(path).resolve().relative_to(root.resolve()).as_posix()
    header = f"# {mutant.describe()}\n"
    return header + "".join(difflib.unified_diff(lines, changed, f"a/{name}", f"b/{name}"))
