"""Properties of the scenario format: round trips, and a loader that never crashes."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from frontlines.engine import strategies as fst
from frontlines.engine.scenario import (
    Scenario,
    ScenarioError,
    check_bytes,
    check_text,
    dump_scenario,
    load_scenario,
    load_scenario_text,
)
from frontlines.engine.scenario.yamlio import dump_yaml


@given(fst.scenarios())
def test_valid_scenarios_survive_dump_and_load(scenario: Scenario) -> None:
    assert load_scenario_text(dump_scenario(scenario)) == scenario


@given(fst.scenario_data())
def test_generated_data_loads_through_yaml_without_problems(data: dict[str, Any]) -> None:
    result = check_text(dump_yaml(data))
    assert result.ok, "\n".join(d.render() for d in result.diagnostics)


@given(st.text(max_size=400))
@example("a: !!python/object/apply:os.system ['true']")
@example("- [a, b]\n- {c: d}")
@example("&a [*a]")
@example("a: " + "9" * 5000)
@example("name: a\u2028b")
@example("? [a]\n: b")
@example("schema: 1\nid: x\nfactions: [1, 2]\nlocations: no\n")
def test_any_text_gives_a_scenario_or_diagnostics(text: str) -> None:
    result = check_text(text, name="fuzz.yaml")
    assert result.ok or result.diagnostics
    for diagnostic in result.diagnostics:
        assert diagnostic.render().startswith("fuzz.yaml")


@given(st.binary(max_size=400))
@example(b"\xff\xfe\x00a")
@example(b"\xef\xbb\xbfschema: 1")
def test_any_bytes_give_a_scenario_or_diagnostics(raw: bytes) -> None:
    result = check_bytes(raw, name="fuzz.yaml")
    assert result.ok or result.diagnostics


_SEED = load_scenario("aleppo-2024").model_dump(mode="json", by_alias=True)
_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


_SEED_PATHS = _paths(_SEED)[1:]


@given(st.lists(st.tuples(st.sampled_from(_SEED_PATHS), _JUNK), min_size=1, max_size=4))
def test_damaged_scenarios_are_reported_not_crashed_on(
    damage: list[tuple[tuple[Any, ...], Any]],
) -> None:
    data = copy.deepcopy(_SEED)
    for path, junk in damage:
        node = data
        try:
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = junk
        except (KeyError, IndexError, TypeError):
            continue
    result = check_text(dump_yaml(data), name="damaged.yaml")
    if not result.ok:
        assert all(d.mark is not None for d in result.diagnostics)
        try:
            load_scenario_text(dump_yaml(data))
        except ScenarioError as exc:
            assert exc.errors
