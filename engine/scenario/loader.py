"""Loading scenarios: from a path or a shipped id, to a validated :class:`Scenario`."""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from frontlines.engine.scenario.base import ID_PATTERN
from frontlines.engine.scenario.build import scenario_from_data
from frontlines.engine.scenario.checks import CheckContext
from frontlines.engine.scenario.diagnostics import (
    DataPath,
    Diagnostic,
    Problem,
    ScenarioError,
    Severity,
    SuggestionBudget,
    YamlInputError,
    describe_value,
    one_line,
    suggest,
)
from frontlines.engine.scenario.errors import Found, report
from frontlines.engine.scenario.facts import known_facts
from frontlines.engine.scenario.model import LIST_SECTIONS, Scenario
from frontlines.engine.scenario.yamlio import decode, dump_yaml, parse_document, read_text
from frontlines.engine.text import shown

FEATURED = ("aleppo-2024", "hama-2024", "two-rivers")
"""Shipped scenarios in the order a picker shows them: the seed scenario first."""


@dataclass(frozen=True)
class CheckResult:
    """What checking one file found: the scenario if it is valid, and every diagnostic."""

    scenario: Scenario | None
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        """Whether the file holds a valid scenario: one was built, and no diagnostic is an error."""
        return self.scenario is not None and not any(
            d.severity is Severity.ERROR for d in self.diagnostics
        )


def shipped_dir() -> Path:
    """The folder of shipped scenarios and the JSON Schema."""
    return Path(str(importlib.resources.files("frontlines.scenarios")))


def shipped_ids() -> list[str]:
    """Ids of the shipped scenarios, featured ones first."""
    found = sorted(p.stem for p in shipped_dir().glob("*.yaml"))
    return [i for i in FEATURED if i in found] + [i for i in found if i not in FEATURED]


def resolve(path_or_id: str | Path) -> Path:
    """A scenario file from a path, or from the id of a shipped scenario."""
    if not str(path_or_id):  # (``Path("")`` is the working folder)
        raise ScenarioError(
            [Diagnostic("''", None, "an empty name is neither a file nor a shipped scenario")]
        )
    path = Path(path_or_id)
    try:
        if path.exists():
            return path
    except OSError as exc:
        raise ScenarioError(
            [Diagnostic(str(path_or_id), None, f"cannot read file: {exc.strerror or exc}")]
        ) from None
    text = str(path_or_id)
    if "/" not in text and not text.endswith((".yaml", ".yml")):
        candidate = shipped_dir() / f"{text}.yaml"
        if candidate.is_file():
            return candidate
        raise ScenarioError(
            [
                Diagnostic(
                    text,
                    None,
                    f"no such file, and no shipped scenario {shown(text)}"
                    f"{suggest(text, shipped_ids())}; shipped: {', '.join(shipped_ids())}",
                )
            ]
        )
    raise ScenarioError([Diagnostic(text, None, "no such file")])


def check_file(path: Path, *, name: str | None = None) -> CheckResult:
    """Check a scenario file and report everything wrong with it."""
    label = name or str(path)
    try:
        text = read_text(path)
    except YamlInputError as exc:
        return CheckResult(None, (Diagnostic(label, exc.mark, one_line(exc.message)),))
    return check_text(text, name=label, facts_for=path)


def check_bytes(raw: bytes, *, name: str = "<bytes>") -> CheckResult:
    """Check scenario file contents given as bytes."""
    try:
        text = decode(raw)
    except YamlInputError as exc:
        return CheckResult(None, (Diagnostic(name, exc.mark, one_line(exc.message)),))
    return check_text(text, name=name)


def check_text(text: str, *, name: str = "<string>", facts_for: Path | None = None) -> CheckResult:
    """Check scenario YAML text; ``facts_for`` is the file whose seeds/ the sources may cite."""
    try:
        document = parse_document(text)
    except YamlInputError as exc:
        return CheckResult(None, (Diagnostic(name, exc.mark, one_line(exc.message)),))
    if not isinstance(document.data, dict):
        message = (
            f"the file {'has only comments' if text.strip() else 'is empty'}; a scenario is a "
            "mapping with schema, id, title, factions, locations, routes ..."
            if document.data is None
            else f"a scenario is a mapping of sections (schema:, id:, factions: ...), "
            f"not {describe_value(document.data)}"
        )
        return CheckResult(None, (Diagnostic(name, document.locate(()), message),))
    facts, sheet_problems = known_facts(facts_for)
    budget = SuggestionBudget()
    context = CheckContext(facts=facts, budget=budget)
    found: list[Found]
    try:
        scenario: Scenario | None = scenario_from_data(document.data, context)
        found = list(context.problems)
    except ValidationError as exc:
        scenario = None
        details = exc.errors(include_url=False)
        found = [*details, *_check_the_rest(document.data, details, facts, budget)]
    located = report(name, document, found, Scenario)
    return CheckResult(
        scenario, tuple(sorted([*sheet_problems, *located], key=lambda d: d.sort_key))
    )


# Valid stand-ins for top-level values with errors, so that the rest can still be checked.
_STAND_INS: dict[str, Any] = {
    "schema": 1,
    "id": "scenario",
    "title": "scenario",
    "description": "",
    "notes": "",
    "sources": [],
    "start_date": "2000-01-01",
    "turn_length_days": 1,
    "max_turns": 1000,
}


def _check_the_rest(
    data: dict[str, Any],
    details: list[ErrorDetails],
    facts: frozenset[str],
    budget: SuggestionBudget,
) -> list[Problem]:
    """Cross-checks of the entities that did validate, so that one pass reports both kinds.

    Entities with field errors are left out (their ids still count as known), top-level values
    with errors are replaced by stand-ins and a bad ``rules`` section by the defaults. When a
    whole section is unusable, nothing more can be checked.
    """
    bad: dict[str, set[int]] = {}
    rest = dict(data)
    for detail in details:
        loc = detail["loc"]
        if loc and loc[0] in _STAND_INS:
            rest[str(loc[0])] = _STAND_INS[str(loc[0])]
        elif loc and loc[0] == "rules":
            rest.pop("rules", None)
        elif len(loc) >= 2 and loc[0] in LIST_SECTIONS and isinstance(loc[1], int):
            bad.setdefault(str(loc[0]), set()).add(loc[1])
        else:
            return []
    kept: dict[str, list[int]] = {}
    left_out: dict[str, set[str]] = {}
    for section, indices in bad.items():
        items = data.get(section)
        if not isinstance(items, list):
            return []
        kept[section] = [i for i in range(len(items)) if i not in indices]
        rest[section] = [items[i] for i in kept[section]]
        # An entity whose id cannot be read is recorded as "": see CheckContext.left_out.
        left_out[section] = {
            items[i]["id"]
            if isinstance(items[i], dict)
            and isinstance(items[i].get("id"), str)
            and re.fullmatch(ID_PATTERN, items[i]["id"])
            else ""
            for i in indices
        }
    context = CheckContext(facts=facts, left_out=left_out, budget=budget)
    try:
        scenario_from_data(rest, context)
    except ValidationError:
        return []

    def original(path: DataPath) -> DataPath:
        if len(path) >= 2 and isinstance(path[0], str) and path[0] in kept:
            index = path[1]
            if isinstance(index, int):
                return (path[0], kept[path[0]][index], *path[2:])
        return path

    return [
        replace(p, path=original(p.path), first=original(p.first) if p.first else None)
        for p in context.problems
        if p.is_error
    ]


def load_scenario(path_or_id: str | Path) -> Scenario:
    """Load and validate a scenario from a path or a shipped id; raises :class:`ScenarioError`."""
    path = resolve(path_or_id)
    result = check_file(path)
    if not result.ok or result.scenario is None:
        raise ScenarioError(result.diagnostics)
    return result.scenario


def load_scenario_text(text: str, *, name: str = "<string>") -> Scenario:
    """Load and validate scenario YAML given as text; raises :class:`ScenarioError`."""
    result = check_text(text, name=name)
    if not result.ok or result.scenario is None:
        raise ScenarioError(result.diagnostics)
    return result.scenario


def dump_scenario(scenario: Scenario) -> str:
    """The scenario as YAML text that loads back to an equal scenario."""
    header = "# yaml-language-server: $schema=scenario.schema.json\n"
    return header + dump_yaml(scenario.to_data())
