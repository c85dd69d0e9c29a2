"""The mutation operators: for one AST node, the one-change replacements each operator makes.

Replacements are built lazily (only for the mutants that are sampled), and each differs from
the node it replaces by construction.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass

Build = Callable[[], ast.AST]
"""Makes the node that replaces the original (a new node; the tree is not touched)."""

OPERATORS = (
    "arith",
    "augassign",
    "compare",
    "boolop",
    "unary",
    "bitwise",
    "number",
    "boolean",
    "call",
    "clip",
    "index",
    "loop",
    "return",
    "delete",
)
"""Every operator, by name (the names the report and ``--list`` use)."""

ARITH: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.Pow: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv,
}
BITWISE: dict[type[ast.operator], type[ast.operator]] = {
    ast.BitAnd: ast.BitOr,
    ast.BitOr: ast.BitAnd,
    ast.BitXor: ast.BitOr,
    ast.LShift: ast.RShift,
    ast.RShift: ast.LShift,
}
COMPARE: dict[type[ast.cmpop], tuple[type[ast.cmpop], ...]] = {
    ast.Lt: (ast.LtE, ast.Gt),
    ast.LtE: (ast.Lt, ast.GtE),
    ast.Gt: (ast.GtE, ast.Lt),
    ast.GtE: (ast.Gt, ast.LtE),
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
}
NUMPY_SWAPS = {
    "maximum": "minimum",
    "minimum": "maximum",
    "fmax": "fmin",
    "fmin": "fmax",
    "any": "all",
    "all": "any",
    "logical_and": "logical_or",
    "logical_or": "logical_and",
    "argmax": "argmin",
    "argmin": "argmax",
    "max": "min",
    "min": "max",
    "amax": "amin",
    "amin": "amax",
    "floor": "ceil",
    "ceil": "floor",
    "zeros": "ones",
    "ones": "zeros",
    "zeros_like": "ones_like",
    "ones_like": "zeros_like",
}
"""``np.NAME`` swaps."""
METHOD_SWAPS = {"any": "all", "all": "any", "max": "min", "min": "max"}
METHOD_SWAPS |= {"argmax": "argmin", "argmin": "argmax"}
"""``x.NAME(...)`` swaps (array methods)."""
BUILTIN_SWAPS = {"max": "min", "min": "max", "any": "all", "all": "any"}
ARRAY_TYPES = ("FloatArray", "BoolArray", "IntArray", "np.ndarray", "npt.NDArray")
TYPE_TESTS = ("isinstance", "issubclass")
NEUTRAL_SCALARS: dict[str, int | float | str] = {"int": 0, "float": 0.0, "str": ""}


@dataclass(frozen=True)
class Where:
    """What an operator may need to know about a node's place in the function."""

    holder: ast.AST | None  # the node that holds this one
    field: str  # the holder's field that holds it
    returns: str  # the innermost function's return annotation, unparsed ("" if none)
    params: frozenset[str]  # the innermost function's parameter names
    numpy: frozenset[str]  # the names numpy is bound to in the module
    rebinding: bool = False  # an assignment whose names are all bound before it


def replacements(node: ast.AST, where: Where) -> Iterator[tuple[str, Build]]:
    """Every one-change replacement of ``node``, as (operator, builder)."""
    if isinstance(node, ast.BinOp):
        yield from _binop(node, where)
    elif isinstance(node, ast.AugAssign):
        yield from _swap_op(node, "augassign")
    elif isinstance(node, ast.Compare):
        yield from _compare(node)
    elif isinstance(node, ast.BoolOp):
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        yield "boolop", _changed(node, op=other)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.Invert | ast.USub):
        yield "unary", lambda: copy.deepcopy(node.operand)
    elif isinstance(node, ast.Constant):
        yield from _constant(node)
    elif isinstance(node, ast.Attribute | ast.Name):
        yield from _call_swap(node, where)
    elif isinstance(node, ast.Call):
        yield from _clip(node, where)
    elif isinstance(node, ast.Subscript):
        yield from _index(node)
    elif isinstance(node, ast.Break):
        yield "loop", ast.Continue
    elif isinstance(node, ast.Continue):
        yield "loop", ast.Break
    elif isinstance(node, ast.Return):
        yield from _return(node, where)
    if _deletable(node, where):
        yield "delete", ast.Pass


def _changed(node: ast.AST, **fields: object) -> Build:
    """A builder of a copy of ``node`` with some fields replaced."""

    def build() -> ast.AST:
        new = copy.deepcopy(node)
        for name, value in fields.items():
            setattr(new, name, copy.deepcopy(value))
        return new

    return build


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str | bytes)
    )


def _binop(node: ast.BinOp, where: Where) -> Iterator[tuple[str, Build]]:
    if _is_text(node.left) or _is_text(node.right):
        return  # text being built (a message), not arithmetic
    if isinstance(where.holder, ast.Call) and where.field == "args":
        func = where.holder.func
        if isinstance(func, ast.Name) and func.id in TYPE_TESTS:
            return  # ``isinstance(x, A | B)``: a union of types
    yield from _swap_op(node, "bitwise" if type(node.op) in BITWISE else "arith")


def _swap_op(node: ast.BinOp | ast.AugAssign, kind: str) -> Iterator[tuple[str, Build]]:
    other = ARITH.get(type(node.op)) or BITWISE.get(type(node.op))
    if other is not None:
        yield kind, _changed(node, op=other())


def _compare(node: ast.Compare) -> Iterator[tuple[str, Build]]:
    for k, op in enumerate(node.ops):
        for other in COMPARE.get(type(op), ()):
            ops = [*node.ops[:k], other(), *node.ops[k + 1 :]]
            yield "compare", _changed(node, ops=ops)


def number_variants(value: float) -> list[float]:
    """The values a numeric constant is changed to (each one mutant)."""
    if isinstance(value, int):
        return [1] if value == 0 else [0, 2] if value == 1 else [value + 1]
    if value == 0.0:
        return [1.0]
    if value == 1.0:
        return [0.0, 2.0]
    if 0.0 < abs(value) < 1e-3:  # a tolerance or a guard against dividing by zero
        return [1e-3 if abs(value) < 1e-4 else value * 10, -value]
    return [value + 1.0, -value]


def _constant(node: ast.Constant) -> Iterator[tuple[str, Build]]:
    value = node.value
    if isinstance(value, bool):
        yield "boolean", _changed(node, value=not value)
    elif isinstance(value, int | float):
        for new in number_variants(value):
            yield "number", _changed(node, value=new)


def _call_swap(node: ast.Attribute | ast.Name, where: Where) -> Iterator[tuple[str, Build]]:
    called = isinstance(where.holder, ast.Call) and where.field == "func"
    if isinstance(node, ast.Name):
        if called and node.id in BUILTIN_SWAPS:
            yield "call", _changed(node, id=BUILTIN_SWAPS[node.id])
        return
    on_numpy = isinstance(node.value, ast.Name) and node.value.id in where.numpy
    if on_numpy and node.attr in NUMPY_SWAPS:
        yield "call", _changed(node, attr=NUMPY_SWAPS[node.attr])
    elif called and not on_numpy and node.attr in METHOD_SWAPS:
        yield "call", _changed(node, attr=METHOD_SWAPS[node.attr])


def _clip(node: ast.Call, where: Where) -> Iterator[tuple[str, Build]]:
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == "clip") or node.keywords:
        return
    on_numpy = isinstance(func.value, ast.Name) and func.value.id in where.numpy
    first = 1 if on_numpy else 0
    bounds = node.args[first : first + 2]
    if len(bounds) != 2 or any(isinstance(b, ast.Starred) for b in bounds):
        return
    for k, bound in enumerate(bounds):
        other = bounds[1 - k]
        if _is_none(bound) or _is_none(other):
            continue  # numpy needs one bound
        args = list(node.args)
        args[first + k] = ast.Constant(None)
        yield "clip", _changed(node, args=args)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _plus_one(node: ast.expr) -> ast.expr:
    return ast.BinOp(copy.deepcopy(node), ast.Add(), ast.Constant(1))


def _index(node: ast.Subscript) -> Iterator[tuple[str, Build]]:
    index = node.slice
    if isinstance(index, ast.Name):
        yield "index", _changed(node, slice=_plus_one(index))
    elif isinstance(index, ast.Tuple):
        for k, part in enumerate(index.elts):
            if isinstance(part, ast.Name):
                elts = [*index.elts[:k], _plus_one(part), *index.elts[k + 1 :]]
                yield "index", _changed(node, slice=ast.Tuple(elts, ast.Load()))
    elif isinstance(index, ast.Slice):
        for name in ("lower", "upper"):
            bound = getattr(index, name)
            if isinstance(bound, ast.Name):
                changed = copy.deepcopy(index)
                setattr(changed, name, _plus_one(bound))
                yield "index", _changed(node, slice=changed)


def neutral_value(value: ast.expr, where: Where) -> ast.expr | None:
    """A neutral value to return instead of ``value``, if there is an obvious one."""
    kind = where.returns.replace(" ", "")
    if isinstance(value, ast.Constant):
        return None  # already neutral, or a constant other operators change
    if kind == "bool":
        return ast.Constant(False)
    if kind in NEUTRAL_SCALARS:
        return ast.Constant(NEUTRAL_SCALARS[kind])
    if kind.startswith("list["):
        return ast.List([], ast.Load())
    if kind.startswith("dict["):
        return ast.Dict([], [])
    if kind == "State" and "state" in where.params:
        return ast.Name("state", ast.Load())
    if kind.startswith("tuple[State,") and "state" in where.params:
        if isinstance(value, ast.Tuple) and value.elts:
            state = ast.Name("state", ast.Load())
            return ast.Tuple([state, *copy.deepcopy(value.elts[1:])], ast.Load())
        return None
    if kind.endswith("|None") or kind.startswith("None|"):
        return ast.Constant(None)
    if kind.startswith(ARRAY_TYPES) and where.numpy and not _makes_zeros(value):
        np_name = sorted(where.numpy)[0]
        zeros = ast.Attribute(ast.Name(np_name, ast.Load()), "zeros_like", ast.Load())
        return ast.Call(zeros, [copy.deepcopy(value)], [])
    return None


def _makes_zeros(value: ast.expr) -> bool:
    """Whether ``value`` is a call of ``zeros`` or ``zeros_like`` (already neutral)."""
    func = value.func if isinstance(value, ast.Call) else None
    return isinstance(func, ast.Attribute) and func.attr in ("zeros", "zeros_like")


def _return(node: ast.Return, where: Where) -> Iterator[tuple[str, Build]]:
    if node.value is None:
        return
    neutral = neutral_value(node.value, where)
    if neutral is not None and ast.dump(neutral) != ast.dump(node.value):
        yield "return", _changed(node, value=neutral)


def _deletable(node: ast.AST, where: Where) -> bool:
    """Whether deleting the statement is a mutant worth running: a first binding of a name
    is not (deleting it only raises ``NameError``)."""
    if isinstance(node, ast.AugAssign):
        return True
    if isinstance(node, ast.Assign) or (isinstance(node, ast.AnnAssign) and node.value):
        return where.rebinding
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
