"""Variants: named what-ifs merged into the base scenario.

A variant's ``changes`` mirror the scenario's own sections. Entity sections (``factions``,
``locations``, ``air_support``, ``alliances``, ``events``) are keyed by the id of the entity to
change and hold only the fields that change; mappings merge key by key (so a garrison entry
changes one faction's strength and keeps the others), anything else is replaced whole.
``rules`` merges the same way; ``title``, ``description``, ``start_date``, ``weather``,
``turn_length_days`` and ``max_turns`` are replaced.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ValidationError

from frontlines.engine.scenario.base import EXTENSION_PREFIX, same_field_names
from frontlines.engine.scenario.checks import CheckContext, check_scenario
from frontlines.engine.scenario.diagnostics import (
    Candidates,
    DataPath,
    Problem,
    Severity,
    SuggestionBudget,
    suggest,
)
from frontlines.engine.scenario.errors import problems_from_validation
from frontlines.engine.scenario.model import Scenario, Variant

PATCHABLE_SECTIONS = ("factions", "alliances", "locations", "air_support", "events")
REPLACED_FIELDS = ("title", "description", "start_date", "turn_length_days", "max_turns", "weather")
CHANGEABLE = (*REPLACED_FIELDS, "rules", *PATCHABLE_SECTIONS)

Override = tuple[DataPath, DataPath]
"""Where a merged value sits in the scenario data, and where it came from in ``changes``."""


class UnknownVariantError(KeyError):
    """The scenario has no variant of that name."""

    def __str__(self) -> str:
        return str(self.args[0])


def merge_changes(
    base: dict[str, Any], changes: dict[str, Any], budget: SuggestionBudget | None = None
) -> tuple[dict[str, Any], list[Override], list[Problem]]:
    """Apply ``changes`` to a copy of scenario data ``base`` (see :func:`base_data`).

    Returns the merged data, where each changed value came from, and the problems found in
    ``changes`` itself (paths relative to ``changes``). What the changes touch is plain data;
    the rest is left as it is in ``base``.
    """
    merged = dict(base)  # copied only where changed: base is shared by every variant
    overrides: list[Override] = []
    problems: list[Problem] = []
    for key, value in changes.items():
        if key.startswith(EXTENSION_PREFIX):
            continue
        if key not in CHANGEABLE:
            sections = {info.alias or name for name, info in Scenario.model_fields.items()}
            hint = "" if key in sections else suggest(key, CHANGEABLE, budget)
            problems.append(
                Problem(
                    (key,),
                    f"a variant cannot change '{key}'{hint}; it can change "
                    + ", ".join(CHANGEABLE),
                    at_key=True,
                )
            )
        elif key in PATCHABLE_SECTIONS:
            problems.extend(_merge_section(merged, key, value, overrides, budget))
        elif key == "rules":
            if not isinstance(value, dict):
                problems.append(Problem((key,), "expected a mapping of rules groups to change"))
                continue
            rules = merged["rules"] = _plain(merged.get("rules", {}))
            _deep_merge(rules, value, ("rules",), ("rules",), overrides)
        else:
            merged[key] = copy.deepcopy(value)
            overrides.append(((key,), (key,)))
    return merged, overrides, problems


def _merge_section(
    merged: dict[str, Any],
    section: str,
    value: Any,
    overrides: list[Override],
    budget: SuggestionBudget | None,
) -> list[Problem]:
    if not isinstance(value, dict):
        return [
            Problem((section,), f"expected a mapping from {section} ids to the fields to change")
        ]
    entities = merged[section] = list(merged.get(section, []))
    index = {_id_of(e): i for i, e in enumerate(entities) if isinstance(e, dict | BaseModel)}
    known: Candidates | None = None
    problems: list[Problem] = []
    for entity_id, patch in value.items():
        path = (section, entity_id)
        if entity_id not in index:
            if known is None:
                known = Candidates(k for k in index if isinstance(k, str))
            problems.append(
                Problem(
                    path,
                    f"no {section} entry '{entity_id}'{suggest(entity_id, known, budget)}",
                    at_key=True,
                )
            )
        elif not isinstance(patch, dict):
            problems.append(Problem(path, "expected a mapping of the fields to change"))
        elif "id" in patch:
            problems.append(Problem((*path, "id"), "a variant cannot change an id", at_key=True))
        else:
            i = index[entity_id]
            entities[i] = _plain(entities[i])
            _deep_merge(entities[i], patch, (section, i), path, overrides)
    return problems


def _id_of(entity: dict[str, Any] | BaseModel) -> Any:
    return entity.get("id") if isinstance(entity, dict) else getattr(entity, "id", None)


def _plain(value: Any) -> Any:
    """A copy of ``value`` as plain data, to be changed: a model as it is written in a file."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    return copy.deepcopy(value)


def _deep_merge(
    dst: dict[str, Any],
    src: dict[str, Any],
    dst_path: DataPath,
    src_path: DataPath,
    overrides: list[Override],
) -> None:
    same = same_field_names()
    for key, value in src.items():
        for other in same.get(key, ()):  # a field's old name replaces its new one, and back
            if other != key:
                dst.pop(other, None)
        if isinstance(value, dict) and isinstance(dst.get(key), dict):
            _deep_merge(dst[key], value, (*dst_path, key), (*src_path, key), overrides)
        else:
            dst[key] = copy.deepcopy(value)
            overrides.append(((*dst_path, key), (*src_path, key)))


def base_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario's sections without its variants: what a variant is merged into.

    Entities and rules stay the scenario's own validated models, which validating the merged
    data takes as they are: only what a variant changes, turned into plain data by
    :func:`merge_changes`, is validated again.
    """
    data = {
        info.alias or name: getattr(scenario, name)
        for name, info in type(scenario).model_fields.items()
        if name != "extensions"
    }
    data.update(scenario.extensions)
    data["variants"] = []
    return data


def apply_variant(scenario: Scenario, variant_id: str) -> Scenario:
    """The scenario with the variant's changes applied (and no variants of its own); raises
    :class:`UnknownVariantError`."""
    known = scenario.variant_ids()
    if variant_id not in known:
        raise UnknownVariantError(
            f"scenario '{scenario.id}' has no variant '{variant_id}'{suggest(variant_id, known)}"
            + (f"; its variants are: {', '.join(known)}" if known else "; it has no variants")
        )
    variant = scenario.variants[known.index(variant_id)]
    merged, _, problems = merge_changes(base_data(scenario), variant.changes)
    if problems:
        raise ValueError("; ".join(p.describe() for p in problems))
    return check_scenario(merged)


def check_variants(scenario: Scenario, context: CheckContext, known: set[str]) -> list[Problem]:
    """The last step of loading: problems in each variant of ``scenario`` (see
    :func:`check_variant`)."""
    base = base_data(scenario) if scenario.variants else {}
    return [
        problem
        for i, variant in enumerate(scenario.variants)
        for problem in check_variant(base, i, variant, context, known)
    ]


def check_variant(
    base: dict[str, Any], index: int, variant: Variant, context: CheckContext, known: set[str]
) -> Iterator[Problem]:
    """Problems in one variant, located in its ``changes`` where they come from there.

    Problems outside the changed values that the base scenario already has (``known``, as
    described by :meth:`Problem.describe`) are not repeated.
    """
    prefix: DataPath = ("variants", index, "changes")
    if not variant.changes:
        yield Problem(prefix, "this variant changes nothing", severity=Severity.WARNING)
        return
    merged, overrides, problems = merge_changes(base, variant.changes, context.budget)
    for problem in problems:
        yield replace(problem, path=prefix + problem.path)
    if problems:
        return
    sub = CheckContext(facts=context.facts, budget=context.budget, variant_applied=True)
    try:
        check_scenario(merged, sub)
        found = sub.problems
    except ValidationError as exc:
        found = problems_from_validation(exc, budget=context.budget)
    sources: dict[DataPath, DataPath] = {}
    for dst, src in overrides:
        sources.setdefault(dst, src)
    for problem in found:
        source = _source_of(problem.path, sources)
        if source is not None:
            yield replace(problem, path=prefix + source, first=None)
        elif problem.describe() not in known:
            yield Problem(
                ("variants", index, "id"),
                f"with variant '{variant.id}' applied: {problem.describe()}",
                severity=problem.severity,
            )


def _source_of(path: DataPath, sources: dict[DataPath, DataPath]) -> DataPath | None:
    """Where in ``changes`` the value at ``path`` (or the nearest changed value holding it) came
    from, given where each changed value came from."""
    for end in range(len(path), 0, -1):
        src = sources.get(path[:end])
        if src is not None:
            return src + path[end:]
    return None
