"""Mutation sites: where in a module's functions the operators apply, in a fixed order.

Only function and method bodies are walked (module and class bodies run once, at import);
docstrings, annotations, decorators, default values, ``assert`` messages, f-strings and
logging calls are skipped.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from tests.mutate.operators import Build, Where, replacements

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
SKIPPED_FIELDS = {
    (ast.FunctionDef, "decorator_list"),
    (ast.FunctionDef, "args"),
    (ast.FunctionDef, "returns"),
    (ast.AsyncFunctionDef, "decorator_list"),
    (ast.AsyncFunctionDef, "args"),
    (ast.AsyncFunctionDef, "returns"),
    (ast.ClassDef, "decorator_list"),
    (ast.ClassDef, "bases"),
    (ast.ClassDef, "keywords"),
    (ast.AnnAssign, "annotation"),
    (ast.AnnAssign, "target"),
    (ast.Assert, "msg"),
    (ast.Lambda, "args"),
}
"""Fields never mutated: annotations, decorators, defaults, bases, ``assert`` messages."""
LOGGERS = frozenset({"log", "logger", "logging", "LOG", "LOGGER", "warnings"})
NUMPY_MODULES = frozenset({"numpy"})


@dataclass(frozen=True)
class Site:
    """One replacement at one node, and where the node and its statement are in the tree."""

    operator: str
    function: str  # qualified name of the module-level function or method holding it
    node: ast.expr | ast.stmt
    build: Build
    holder: ast.AST
    field: str
    index: int | None
    statement: tuple[ast.AST, str, int]  # the enclosing statement's list: holder, field, index


def module_functions(tree: ast.Module) -> Iterator[tuple[str, FunctionNode]]:
    """Module-level functions and methods (of classes at any depth), with qualified names."""

    def walk(body: list[ast.stmt], prefix: str) -> Iterator[tuple[str, FunctionNode]]:
        for stmt in body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                yield prefix + stmt.name, stmt
            elif isinstance(stmt, ast.ClassDef):
                yield from walk(stmt.body, f"{prefix}{stmt.name}.")

    yield from walk(tree.body, "")


def numpy_names(tree: ast.Module) -> frozenset[str]:
    """The names the module binds numpy to (``import numpy as np``)."""
    names = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            names |= {a.asname or a.name for a in stmt.names if a.name in NUMPY_MODULES}
    return frozenset(names)


def sites(tree: ast.Module) -> Iterator[Site]:
    """Every mutation site of the module, in source order (the order mutant numbers follow)."""
    numpy = numpy_names(tree)
    for qualname, func in module_functions(tree):
        yield from _Walker(qualname, numpy).function(func)


def _is_docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _is_logging(stmt: ast.stmt) -> bool:
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return False
    func: ast.expr = stmt.value.func
    while isinstance(func, ast.Attribute | ast.Call):
        func = func.value if isinstance(func, ast.Attribute) else func.func
    return isinstance(func, ast.Name) and func.id in LOGGERS


def _rest_sizes(call: ast.Call) -> Iterator[ast.expr]:
    """The ``-1`` sizes (the rest) of a ``reshape`` call: numpy reads any negative size so, so
    changing them to ``-2`` is equivalent and to ``0`` or ``1`` only breaks the shape."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "reshape"):
        return
    for arg in call.args:
        for size in arg.elts if isinstance(arg, ast.Tuple) else [arg]:
            if (
                isinstance(size, ast.UnaryOp)
                and isinstance(size.op, ast.USub)
                and isinstance(size.operand, ast.Constant)
                and size.operand.value == 1
            ):
                yield size


class _Walker:
    """Walks one module-level function, nested functions and lambdas included."""

    def __init__(self, qualname: str, numpy: frozenset[str]) -> None:
        self.qualname = qualname
        self.numpy = numpy
        self.returns: list[str] = []
        self.params: list[frozenset[str]] = []
        self.bound: list[set[str]] = []  # names bound so far in each function being walked
        self.statement: tuple[ast.AST, str, int] | None = None
        self.skipped: set[int] = set()  # ids of nodes not to walk

    def function(self, func: FunctionNode) -> Iterator[Site]:
        args = func.args
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        self.returns.append(ast.unparse(func.returns) if func.returns else "")
        self.params.append(frozenset(a.arg for a in every if a is not None))
        self.bound.append(set(self.params[-1]))
        yield from self._body(func, "body")
        self.returns.pop()
        self.params.pop()
        self.bound.pop()

    def _rebinds(self, node: ast.Assign | ast.AnnAssign) -> bool:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
        stores = [t for t in targets if not isinstance(t, ast.Name | ast.Tuple | ast.List)]
        return bool(stores) or all(name in self.bound[-1] for name in names)

    def _body(self, holder: ast.AST, field: str) -> Iterator[Site]:
        outer = self.statement
        for i, stmt in enumerate(getattr(holder, field)):
            if _is_docstring(stmt) or _is_logging(stmt):
                continue
            self.statement = (holder, field, i)
            yield from self._visit(stmt, holder, field, i)
        self.statement = outer

    def _visit(
        self, node: ast.AST, holder: ast.AST, field: str, index: int | None
    ) -> Iterator[Site]:
        if isinstance(node, ast.JoinedStr) or id(node) in self.skipped:
            return  # an f-string (text), or the ``-1`` of a ``reshape``
        if isinstance(node, ast.Call):
            self.skipped |= {id(n) for n in _rest_sizes(node)}
        if isinstance(node, FunctionNode):
            yield from self.function(node)
            return
        assert self.statement is not None
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            self.bound[-1].add(node.id)
        rebinding = isinstance(node, ast.Assign | ast.AnnAssign) and self._rebinds(node)
        where = Where(holder, field, self.returns[-1], self.params[-1], self.numpy, rebinding)
        if isinstance(node, ast.expr | ast.stmt):
            for operator, build in replacements(node, where):
                site = Site(
                    operator, self.qualname, node, build, holder, field, index, self.statement
                )
                yield site
        for name, value in ast.iter_fields(node):
            if (type(node), name) in SKIPPED_FIELDS:
                continue
            if isinstance(value, list):
                if value and isinstance(value[0], ast.stmt):
                    yield from self._body(node, name)
                    continue
                for i, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        yield from self._visit(item, node, name, i)
            elif isinstance(value, ast.AST):
                yield from self._visit(value, node, name, None)
