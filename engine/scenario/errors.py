"""Pydantic's validation errors, rewritten as messages a scenario author can act on, and the
report of everything found in one file."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from frontlines.engine.scenario.base import (
    COLOUR_PATTERN,
    FACT_ID_PATTERN,
    ID_PATTERN,
    SCHEMA_VERSION,
)
from frontlines.engine.scenario.diagnostics import (
    MAX_DIAGNOSTICS,
    DataPath,
    Diagnostic,
    Mark,
    Problem,
    SuggestionBudget,
    describe_value,
    omission,
    one_line,
    suggest,
)
from frontlines.engine.scenario.model import Scenario

if TYPE_CHECKING:
    from frontlines.engine.scenario.yamlio import Document

Found = Problem | ErrorDetails
"""A problem found in a file: checked already, or a pydantic error not yet put into words."""

_YAML11_BOOLS = {
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Yes",
    "No",
    "On",
    "Off",
    "YES",
    "NO",
    "ON",
    "OFF",
}
_EXPECTED = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "string": "text",
    "list": "a list",
    "dict": "a mapping",
    "model": "a mapping",
    "date": "a date (YYYY-MM-DD)",
}


def problems_from_validation(
    error: ValidationError,
    root: type[BaseModel] = Scenario,
    budget: SuggestionBudget | None = None,
) -> list[Problem]:
    """One :class:`Problem` per error pydantic found validating ``root`` (a scenario unless
    given), in the order it found them."""
    return [_problem(detail, root, budget) for detail in error.errors(include_url=False)]


def report(
    name: str, document: Document, found: Sequence[Found], root: type[BaseModel]
) -> list[Diagnostic]:
    """The diagnostics of file ``name``, in file order, for what was found validating its data
    against ``root``.

    Past :data:`MAX_DIAGNOSTICS`, only the first problems are shown and one last line counts
    the rest; a pydantic error is put into words only if it is shown. Their hints have a budget
    of their own, which the hints of the problems already checked cannot have spent.
    """
    marks = [_mark(document, item) for item in found]
    order = sorted(range(len(found)), key=marks.__getitem__)
    shown = order if len(order) <= MAX_DIAGNOSTICS else order[: MAX_DIAGNOSTICS - 1]
    budget = SuggestionBudget()
    diagnostics = [
        _diagnostic(name, document, _as_problem(found[i], root, budget), marks[i]) for i in shown
    ]
    hidden = [found[i] for i in order[len(shown) :]]
    if hidden:
        errors = any(not isinstance(item, Problem) or item.is_error for item in hidden)
        diagnostics.append(omission(name, len(hidden), errors=errors))
    return diagnostics


def _mark(document: Document, item: Found) -> Mark:
    path, at_key = (item.path, item.at_key) if isinstance(item, Problem) else _where(item)
    return document.locate(path, key=at_key)


def _as_problem(item: Found, root: type[BaseModel], budget: SuggestionBudget | None) -> Problem:
    return item if isinstance(item, Problem) else _problem(item, root, budget)


def _diagnostic(name: str, document: Document, problem: Problem, mark: Mark) -> Diagnostic:
    message = problem.describe()
    if problem.first is not None:
        message += f" (first at line {document.locate(problem.first).line})"
    span = document.spans.get(problem.path)
    if span is not None and problem.is_error:
        message += (
            f"; this quoted text runs from line {span[0]} to line {span[1]}: "
            "is a closing quote missing?"
        )
    return Diagnostic(name, mark, one_line(message), problem.severity)


def _where(detail: ErrorDetails) -> tuple[DataPath, bool]:
    """The path a pydantic error is reported at, and whether at the key rather than the value."""
    loc: DataPath = tuple(detail["loc"])
    kind = detail["type"]
    if kind == "missing":
        return loc[:-1], False
    if kind == "extra_forbidden":
        return loc, True
    if loc and loc[-1] == "[key]":
        return loc[:-1], True
    return loc, False


def _problem(
    detail: ErrorDetails, root: type[BaseModel], budget: SuggestionBudget | None
) -> Problem:
    path, at_key = _where(detail)
    loc: DataPath = tuple(detail["loc"])
    kind = detail["type"]
    ctx = detail.get("ctx", {})
    value = detail.get("input")
    if kind == "missing":
        return Problem(path, f"missing required field '{loc[-1]}'")
    if kind == "extra_forbidden":
        name = str(loc[-1])
        allowed = _fields_at(root, loc[:-1])
        return Problem(path, f"unknown field '{name}'{suggest(name, allowed, budget)}", at_key=True)
    if at_key:  # a mapping key of the wrong kind: the key is the value at fault
        value = path[-1]
    return Problem(
        path, _message(kind, ctx, value, path, str(detail["msg"]), budget), at_key=at_key
    )


def _message(
    kind: str,
    ctx: dict[str, Any],
    value: Any,
    loc: DataPath,
    fallback: str,
    budget: SuggestionBudget | None,
) -> str:
    field = loc[-1] if loc else ""
    if kind in ("date_format", "date_real"):
        return fallback
    if kind == "string_pattern_mismatch":
        return _pattern_message(str(ctx.get("pattern")), value)
    if kind == "enum":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = suggest(value, options, budget) if isinstance(value, str) else ""
        return f"{describe_value(value)} is not one of: {', '.join(options)}{hint}"
    if kind == "literal_error" and field == "schema":
        is_number = isinstance(value, int) and not isinstance(value, bool)
        shown = str(value) if is_number else describe_value(value)
        return f"unsupported scenario format {shown}; this version reads 'schema: {SCHEMA_VERSION}'"
    if kind == "literal_error":
        return f"expected {ctx.get('expected')}, got {describe_value(value)}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {
            "greater_than_equal": ("at least", "ge"),
            "greater_than": ("more than", "gt"),
            "less_than_equal": ("at most", "le"),
            "less_than": ("less than", "lt"),
        }[kind]
        return f"must be {words[0]} {ctx.get(words[1])} (got {value!r})"
    if kind == "finite_number":
        return f"must be a finite number, got {describe_value(value)}"
    if kind == "int_from_float":
        return f"expected a whole number, got {value!r}"
    if kind in ("too_short", "too_long"):
        limit = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        word = "at least" if kind == "too_short" else "at most"
        return (
            f"needs {word} {limit} item{'s' if limit != 1 else ''}, got {ctx.get('actual_length')}"
        )
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long (at most {ctx.get('max_length')} characters)"
    if kind == "value_error":
        return str(fallback).removeprefix("Value error, ")
    if (
        kind.startswith("date_")
        and isinstance(value, str)
        and re.fullmatch(r"\d{4}-\d\d-\d\d", value)
    ):
        return f"'{value}' is not a real date ({ctx.get('error', 'out of range')})"
    if kind.startswith("date_"):
        return f"expected a date as YYYY-MM-DD, got {describe_value(value)}"
    for prefix, expected in _EXPECTED.items():
        if kind.startswith(prefix + "_"):
            hint = _yaml_hint(prefix, value, field)
            return f"expected {expected}, got {describe_value(value)}{hint}"
    return fallback


def _yaml_hint(expected: str, value: Any, field: Any) -> str:
    if field == "colour" and value is None:
        return "; quote the colour, since '#' starts a comment: colour: '#3366cc'"
    if not isinstance(value, str):
        return ""
    if expected == "bool" and value in _YAML11_BOOLS:
        return f" (YAML 1.2 reads {value} as text; write true or false)"
    if expected in ("int", "float") and value in _YAML11_BOOLS:
        return f" (YAML 1.2 reads {value} as text, not a number or a switch)"
    if expected in ("int", "float") and re.fullmatch(r"[-+]?\d+(:[0-5]?\d)+(\.\d*)?", value):
        return f" ('{value}' is text, not a number; write it as a plain number)"
    if expected == "int" and re.fullmatch(r"[-+]?0\d+", value):
        return f" (numbers with a leading zero are text; write {int(value)})"
    if expected in ("int", "float") and re.fullmatch(r"[-+]?[\d.eE+-]+", value):
        return " (it is quoted; remove the quotes to make it a number)"
    return ""


def _pattern_message(pattern: str, value: Any) -> str:
    if pattern == ID_PATTERN:
        return (
            f"'{value}' is not a valid id: use lower-case letters, digits, '-' and '_', "
            "starting with a letter"
        )
    if pattern == FACT_ID_PATTERN:
        return f"'{value}' is not a fact id: write SHEET/F01 or SHEET/C01, e.g. aleppo-2024/F03"
    if pattern == COLOUR_PATTERN:
        return f"'{value}' is not a colour: write #rrggbb in quotes, e.g. '#3366cc'"
    return f"'{value}' does not match the pattern {pattern}"


def _fields_at(root: type[BaseModel], path: DataPath) -> list[str]:
    """The field names (aliases) that the model at ``path`` accepts, for suggestions."""
    current: Any = root
    for part in path:
        current = _step(current, part)
        if current is None:
            return []
    model = _model_of(current)
    if model is None:
        return []
    return [info.alias or name for name, info in model.model_fields.items() if name != "extensions"]


def _step(annotation: Any, part: Any) -> Any:
    model = _model_of(annotation)
    if model is not None and isinstance(part, str):
        for name, info in model.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
        return None
    inner = _unwrap(annotation)
    origin = typing.get_origin(inner)
    args = typing.get_args(inner)
    if origin is list and isinstance(part, int):
        return args[0]
    if origin is dict:
        return args[1]
    return None


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        else:
            return annotation


def _model_of(annotation: Any) -> type[BaseModel] | None:
    inner = _unwrap(annotation)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return inner
    return None
