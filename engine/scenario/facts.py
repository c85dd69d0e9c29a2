"""Fact sheets: the source material scenarios cite, one YAML file per source in ``seeds/``.

A sheet lists the facts its source states (ids ``F01``, ``F02`` ...) and, apart from them, the
context facts a scenario needs that the source does not state (``C01`` ...). Scenario entities
cite them as ``SHEET/F01``.
"""

from __future__ import annotations

import functools
import importlib.resources
from dataclasses import replace
from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints, ValidationError, model_validator

from frontlines.engine.scenario.base import ID_PATTERN, Name, Spec, Text
from frontlines.engine.scenario.diagnostics import (
    Diagnostic,
    Omission,
    ScenarioError,
    Severity,
    YamlInputError,
    one_line,
)
from frontlines.engine.scenario.yamlio import parse_document, read_text


class Fact(Spec):
    """One fact, in the project's own words."""

    id: Annotated[str, StringConstraints(pattern=r"^[FC][0-9]{2,3}$")]
    text: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    topic: Annotated[str, StringConstraints(max_length=60)] = ""


class FactSheet(Spec):
    """Every fact taken from one source, and the context facts kept beside them."""

    sheet: Annotated[str, StringConstraints(pattern=ID_PATTERN)]
    title: Name
    source: Text = Field(description="What the source is: outlet, kind, date.")
    article: list[Fact] = Field(description="Facts the source states (ids F01...).")
    context: list[Fact] = Field(
        default_factory=list, description="Facts from general knowledge, not the source (C01...)."
    )

    @model_validator(mode="after")
    def _id_prefixes(self) -> FactSheet:
        for section, prefix in (("article", "F"), ("context", "C")):
            for fact in getattr(self, section):
                if not fact.id.startswith(prefix):
                    raise ValueError(
                        f"{section} fact '{fact.id}' must have an id starting {prefix}"
                    )
        ids = [f.id for f in (*self.article, *self.context)]
        if len(ids) != len(set(ids)):
            raise ValueError("fact ids must be unique within a sheet")
        return self

    def fact_ids(self) -> set[str]:
        """Every fact id of the sheet, qualified by the sheet name."""
        return {f"{self.sheet}/{fact.id}" for fact in (*self.article, *self.context)}

    def fact(self, fact_id: str) -> Fact:
        """A fact by its id within this sheet (``F03``) or qualified (``aleppo-2024/F03``)."""
        local = fact_id.split("/", 1)[-1]
        for fact in (*self.article, *self.context):
            if fact.id == local:
                return fact
        raise KeyError(fact_id)


def shipped_seeds_dir() -> Path:
    """The ``seeds/`` folder that ships with Frontlines."""
    return Path(str(importlib.resources.files("frontlines.seeds")))


def load_sheet(path: Path) -> FactSheet:
    """Read one fact sheet; raises :class:`ScenarioError` if it is malformed."""
    from frontlines.engine.scenario.errors import report

    name = str(path)
    try:
        document = parse_document(read_text(path))
    except YamlInputError as exc:
        raise ScenarioError([Diagnostic(name, exc.mark, one_line(exc.message))]) from None
    try:
        sheet = FactSheet.model_validate(document.data)
    except ValidationError as exc:
        found = exc.errors(include_url=False)
        raise ScenarioError(report(name, document, found, FactSheet)) from None
    if sheet.sheet != path.stem:
        raise ScenarioError(
            [
                Diagnostic(
                    name,
                    document.locate(("sheet",)),
                    one_line(f"sheet '{sheet.sheet}' must be named {sheet.sheet}.yaml"),
                )
            ]
        )
    return sheet


def seed_dirs_for(scenario_path: Path | None) -> list[Path]:
    """Where fact sheets for a scenario are looked for: the shipped ones, then a ``seeds/``
    folder beside the scenario or one level up."""
    dirs = [shipped_seeds_dir()]
    if scenario_path is not None:
        here = scenario_path.resolve().parent
        dirs += [here / "seeds", here.parent / "seeds"]
    unique: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


@functools.lru_cache(maxsize=256)
def _cached_sheet(path: Path, mtime: float, size: int) -> FactSheet | ScenarioError:
    try:
        return load_sheet(path)
    except ScenarioError as exc:
        return exc


def _sheet_results(directory: Path) -> list[FactSheet | ScenarioError]:
    results: list[FactSheet | ScenarioError] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            stat = path.stat()
        except OSError as exc:
            message = one_line(f"cannot read: {exc}")
            results.append(ScenarioError([Diagnostic(str(path), None, message)]))
            continue
        results.append(_cached_sheet(path, stat.st_mtime, stat.st_size))
    return results


def load_sheets(directory: Path) -> tuple[FactSheet, ...]:
    """Every fact sheet in a folder (cached until a file changes); raises on a bad one."""
    sheets: list[FactSheet] = []
    for result in _sheet_results(directory):
        if isinstance(result, ScenarioError):
            raise result
        sheets.append(result)
    return tuple(sheets)


def known_facts(scenario_path: Path | None) -> tuple[frozenset[str], tuple[Diagnostic, ...]]:
    """Every fact id a scenario at ``scenario_path`` may cite, and warnings for any fact
    sheet that could not be read: the good sheets still count, and a citation of a fact in a
    broken sheet is an error of the scenario's own."""
    ids: set[str] = set()
    problems: list[Diagnostic] = []
    for directory in seed_dirs_for(scenario_path):
        for result in _sheet_results(directory):
            if isinstance(result, ScenarioError):
                problems.extend(
                    replace(d, severity=Severity.WARNING)
                    if isinstance(d, Omission)
                    else replace(
                        d, severity=Severity.WARNING, message=f"fact sheet not read: {d.message}"
                    )
                    for d in result.diagnostics
                )
            else:
                ids |= result.fact_ids()
    return frozenset(ids), tuple(problems)
