"""Loading scenarios: the shipped ones, their sources, variants, schema and error reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from frontlines.engine.scenario import (
    ScenarioError,
    apply_variant,
    check_file,
    check_text,
    dump_scenario,
    load_scenario,
    load_scenario_text,
    scenario_from_data,
    shipped_ids,
)
from frontlines.engine.scenario.checks import citations
from frontlines.engine.scenario.facts import load_sheets, shipped_seeds_dir
from frontlines.engine.scenario.loader import shipped_dir
from frontlines.engine.scenario.model import Scenario
from frontlines.engine.scenario.schema import SCHEMA_FILE, schema_text
from frontlines.engine.scenario.yamlio import dump_yaml

SEED_SCENARIOS = ("aleppo-2024", "hama-2024")


def all_citations(scenario: Scenario) -> set[str]:
    return {fact for _, cited in citations(scenario) for fact in cited}


@pytest.fixture(scope="module")
def facts() -> set[str]:
    return {fid for sheet in load_sheets(shipped_seeds_dir()) for fid in sheet.fact_ids()}


def test_the_seed_scenarios_and_a_fictional_one_ship() -> None:
    ids = shipped_ids()
    assert ids[0] == "aleppo-2024"
    assert {"aleppo-2024", "hama-2024"} <= set(ids)
    assert len(ids) >= 3


@pytest.mark.parametrize("scenario_id", shipped_ids())
def test_every_shipped_scenario_validates_cleanly(scenario_id: str) -> None:
    path = shipped_dir() / f"{scenario_id}.yaml"
    result = check_file(path)
    assert result.ok, "\n".join(d.render() for d in result.diagnostics)
    assert result.diagnostics == ()
    assert result.scenario is not None and result.scenario.id == scenario_id


@pytest.mark.parametrize("scenario_id", shipped_ids())
def test_shipped_scenarios_name_the_schema_on_their_first_line(scenario_id: str) -> None:
    first = (shipped_dir() / f"{scenario_id}.yaml").read_text().splitlines()[0]
    assert first == f"# yaml-language-server: $schema={SCHEMA_FILE}"


@pytest.mark.parametrize("scenario_id", shipped_ids())
def test_every_cited_fact_exists(scenario_id: str, facts: set[str]) -> None:
    missing = all_citations(load_scenario(scenario_id)) - facts
    assert not missing


@pytest.mark.parametrize("scenario_id", shipped_ids())
def test_every_variant_applies(scenario_id: str) -> None:
    scenario = load_scenario(scenario_id)
    for variant_id in scenario.variant_ids():
        changed = apply_variant(scenario, variant_id)
        assert changed.variants == []
        assert changed != scenario


def test_the_seed_article_is_covered_by_the_seed_scenarios(facts: set[str]) -> None:
    cited: set[str] = set()
    for scenario_id in SEED_SCENARIOS:
        cited |= all_citations(load_scenario(scenario_id))
    article = {f for f in facts if f.startswith("aleppo-2024/F")}
    assert article - cited == set(), "article facts no scenario uses"


@pytest.mark.parametrize("scenario_id", SEED_SCENARIOS)
def test_seed_scenarios_have_the_required_places_factions_and_air(scenario_id: str) -> None:
    scenario = load_scenario(scenario_id)
    faction_ids = {f.id for f in scenario.factions}
    assert {"government", "russia", "iran", "opposition"} <= faction_ids
    location_ids = {loc.id for loc in scenario.locations}
    assert {"idlib", "aleppo", "hama", "homs", "damascus", "kuweires"} <= location_ids
    kinds = {loc.kind.value for loc in scenario.locations}
    assert {"city", "town", "base", "region"} <= kinds
    russian = [a for a in scenario.air_support if a.provider == "russia"]
    assert [a.beneficiary for a in russian] == ["government"]
    assert any(f.startswith("aleppo-2024/F") for f in russian[0].sources)
    assert {"no-russian-air"} < set(scenario.variant_ids())
    no_air = apply_variant(scenario, "no-russian-air")
    assert all(a.sorties_per_day == 0 for a in no_air.air_support if a.provider == "russia")
    assert not any(
        e.enabled and any(x.sorties and x.sorties.air_support == russian[0].id for x in e.effects)
        for e in no_air.events
    )


def test_aleppo_2024_starts_on_the_day_the_offensive_began() -> None:
    scenario = load_scenario("aleppo-2024")
    assert scenario.start_date.isoformat() == "2024-11-27"
    assert scenario.turn_length_days == 1
    assert scenario.location("aleppo").controller == "government"


def test_hama_2024_starts_on_the_sunday_of_the_article() -> None:
    scenario = load_scenario("hama-2024")
    assert scenario.start_date.isoformat() == "2024-12-01"
    assert scenario.location("aleppo").controller == "opposition"
    assert scenario.location("kuweires").controller == "opposition"
    assert scenario.location("hama").controller == "government"


def test_fact_sheet_separates_article_and_context() -> None:
    (sheet,) = [s for s in load_sheets(shipped_seeds_dir()) if s.sheet == "aleppo-2024"]
    assert len(sheet.article) >= 15
    assert all(f.id.startswith("F") for f in sheet.article)
    assert all(f.id.startswith("C") for f in sheet.context)
    assert "4" in sheet.fact("F09").text and "50" in sheet.fact("F09").text
    assert "27 November 2024" in " ".join(f.text for f in sheet.context)


def test_committed_schema_is_up_to_date() -> None:
    committed = (shipped_dir() / SCHEMA_FILE).read_text()
    assert committed == schema_text(), "run `make schema` to regenerate the committed schema"


def test_schema_is_draft_07() -> None:
    schema = json.loads(schema_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "$defs" not in schema and "definitions" in schema
    assert "#/$defs/" not in schema_text()
    location = schema["definitions"]["Location"]
    assert location["additionalProperties"] is False
    assert "^x-" in location["patternProperties"]


@pytest.mark.parametrize("scenario_id", shipped_ids())
def test_shipped_scenarios_survive_a_dump_and_load(scenario_id: str) -> None:
    scenario = load_scenario(scenario_id)
    assert load_scenario_text(dump_scenario(scenario)) == scenario


def test_a_program_can_validate_data_directly() -> None:
    data = load_scenario("two-rivers").model_dump(mode="json", by_alias=True)
    data["locations"][0]["controller"] = "nobody"
    with pytest.raises(ValidationError, match="unknown faction 'nobody'"):
        scenario_from_data(data)


def test_extension_keys_are_kept_and_written_back() -> None:
    text = dump_scenario(load_scenario("two-rivers"))
    text = text.replace("\nfactions:\n", "\nx-editor: {zoom: 3}\nfactions:\n", 1)
    scenario = load_scenario_text(text)
    assert scenario.extensions == {"x-editor": {"zoom": 3}}
    assert "x-editor:" in dump_scenario(scenario)


def test_errors_are_all_reported_at_once_and_sorted() -> None:
    text = dump_scenario(load_scenario("two-rivers"))
    lines = text.splitlines()
    controllers = [i for i, line in enumerate(lines) if line.strip().startswith("controller:")]
    for i in controllers[:3]:
        lines[i] = lines[i].split(":")[0] + ": nobody"
    result = check_text("\n".join(lines), name="x.yaml")
    assert not result.ok
    assert len(result.diagnostics) == 3
    assert [d.mark.line for d in result.diagnostics if d.mark] == [i + 1 for i in controllers[:3]]
    assert all("unknown faction 'nobody'" in d.message for d in result.diagnostics)


def test_unknown_shipped_id_suggests_the_closest() -> None:
    with pytest.raises(ScenarioError, match="did you mean 'aleppo-2024'"):
        load_scenario("aleppo-2042")


def test_sources_may_come_from_a_seeds_folder_beside_the_scenario(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "my-notes.yaml").write_text(
        "sheet: my-notes\ntitle: Notes\nsource: my own notes\n"
        "article:\n  - id: F01\n    text: The bridge was closed.\n"
    )
    text = dump_scenario(load_scenario("two-rivers")).replace(
        "\nfactions:\n", "\nsources: [my-notes/F01]\nfactions:\n", 1
    )
    path = tmp_path / "mine.yaml"
    path.write_text(text)
    assert check_file(path).ok
    path.write_text(text.replace("my-notes/F01", "my-notes/F02"))
    result = check_file(path)
    assert not result.ok
    assert "no fact 'my-notes/F02' in the fact sheets (did you mean 'my-notes/F01'?)" in (
        result.diagnostics[0].message
    )


def _two_rivers_with(**changes: object) -> list[str]:
    """Diagnostics of two-rivers after changing its data in place."""
    data = load_scenario("two-rivers").model_dump(mode="json", by_alias=True)
    for dotted, value in changes.items():
        node: Any = data
        *parents, last = dotted.split("__")
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
    return [d.render() for d in check_text(dump_yaml(data), name="t.yaml").diagnostics]


def test_a_variant_that_changes_nothing_is_flagged() -> None:
    (line,) = _two_rivers_with(variants__0__changes={})
    assert line.endswith("warning: variants[0].changes: this variant changes nothing")


def test_warnings_a_variant_causes_are_reported_on_the_variant() -> None:
    lines = _two_rivers_with(variants__0__changes={"max_turns": 1})
    assert lines
    assert all("with variant" in line and "after the last turn (1)" in line for line in lines)


def test_leaving_an_alliance_one_is_not_in_is_flagged() -> None:
    scenario = load_scenario("two-rivers")
    outsider = next(f.id for f in scenario.factions if f.id not in scenario.alliances[0].members)
    effect = {"alliance": {"alliance": scenario.alliances[0].id, "leave": outsider}}
    event = {"id": "split", "when": {"turn": 2}, "effects": [effect]}
    (line,) = _two_rivers_with(events=[*scenario.model_dump(by_alias=True)["events"], event])
    assert f"warning: events[{len(scenario.events)}].effects[0].alliance.leave:" in line
    assert "no event adds it" in line


def test_a_route_far_longer_than_the_map_is_flagged() -> None:
    (line,) = _two_rivers_with(routes__0__length_km=4000)
    assert "warning: routes[0].length_km: length_km 4000 is far longer" in line


def test_a_faction_belongs_to_one_alliance() -> None:
    scenario = load_scenario("two-rivers")
    alliance = scenario.alliances[0]
    second = {"id": "second-pact", "name": "Second pact", "members": list(alliance.members)}
    lines = _two_rivers_with(alliances=[alliance.model_dump(by_alias=True), second])
    assert len(lines) == len(alliance.members)
    assert all("is already in alliance" in line and "error:" in line for line in lines)
