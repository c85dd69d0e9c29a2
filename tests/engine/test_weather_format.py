"""The ``weather:`` section of the format, and a faction's march pace: what they check, with
the file, line and column of each mistake, and what a file without them means."""

from __future__ import annotations

import re

from frontlines.engine.scenario import check_text, dump_scenario, load_scenario, load_scenario_text
from frontlines.engine.scenario.weather import Weather, default_kinds
from frontlines.engine.world import compile_world

TWO_RIVERS = dump_scenario(load_scenario("two-rivers"))


def _errors(weather: str, *, events: str = "") -> list[str]:
    """Diagnostics of two-rivers with this ``weather:`` section (YAML text, indented by 2)."""
    text = re.sub(r"\nweather:\n(  .*\n)+", "\n", TWO_RIVERS)
    text += "weather:\n" + weather
    if events:
        text = text.replace("\nevents:\n", "\nevents:\n" + events, 1)
    return [
        d.render() for d in check_text(text, name="w.yaml").diagnostics if d.severity == "error"
    ]


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_file_without_weather_has_none_and_the_defaults_are_four_kinds() -> None:
    assert load_scenario("aleppo-2024").weather is None
    assert [k.id for k in Weather().kinds] == ["clear", "overcast", "rain", "storm"]
    assert all(0 <= k.sorties <= 1 for k in default_kinds())


def test_a_misspelt_kind_is_named_with_its_place_and_the_closest_kind() -> None:
    found = _errors("  start: rian\n")
    assert len(found) == 1
    assert re.fullmatch(
        r"w\.yaml:\d+:10: error: weather\.start: unknown kind of weather 'rian' "
        r"\(did you mean 'rain'\?\)",
        found[0],
    )


def test_transition_rows_must_name_kinds_and_sum_to_one() -> None:
    found = _errors(
        "  transitions:\n"
        "    clear: {clear: 0.5, rain: 0.4}\n"
        "    sunny: {clear: 1.0}\n"
        "    rain: {claer: 1.0}\n"
        "    storm: {rain: 0.1, overcast: 0.2, clear: 0.7}\n"  # 1 within rounding: fine
    )
    assert len(found) == 3, found
    assert "weather.transitions.clear: the chances after 'clear' sum to 0.9, not 1" in found[0]
    assert "unknown kind of weather 'sunny'" in found[1]
    assert "weather.transitions.rain.claer: unknown kind of weather 'claer'" in found[2]
    assert "did you mean 'clear'?" in found[2]


def test_schedule_dates_must_fall_inside_the_scenario_and_turns_not_twice() -> None:
    found = _errors(
        "  schedule:\n"
        "    - {from_date: 2030-03-31, weather: rain}\n"
        "    - {from_date: 2030-04-09, weather: rain}\n"
        "    - {from_turn: 2, weather: storm}\n"
        "    - {from_date: 2030-04-02, weather: clear}\n"
        "    - {from_date: 2030-04-08, weather: clear}\n"
    )
    assert len(found) == 2, found  # a date after the end is a warning: it never happens
    assert "schedule[0].from_date: 2030-03-31 is outside the scenario (2030-04-01 to " in found[0]
    assert "schedule[3]: another change of weather falls on turn 2 too" in found[1]


def test_a_change_gives_a_turn_or_a_date_not_both() -> None:
    found = _errors("  schedule:\n    - {from_turn: 2, from_date: 2030-04-02, weather: rain}\n")
    assert len(found) == 1 and "exactly one of 'from_turn' and 'from_date'" in found[0]


def test_an_event_that_sets_unknown_weather_is_an_error_at_its_place() -> None:
    effect = "- id: fog\n  when: {turn: 2}\n  effects:\n  - weather: fogg\n"
    found = _errors("  start: clear\n", events=effect)
    assert len(found) == 1
    assert "events[0].effects[0].weather: unknown kind of weather 'fogg'" in found[0]


def test_factors_must_be_fractions_and_pace_above_zero() -> None:
    found = _errors(
        "  kinds:\n    - {id: mud, sorties: 1.5}\n    - {id: ice, movement: {track: 0}}\n"
    )
    assert len(found) == 2, found
    assert "weather.kinds[0].sorties: must be at most 1.0" in found[0]
    assert "weather.kinds[1].movement.track: must be more than 0.0" in found[1]


def test_a_kind_is_listed_once() -> None:
    found = _errors("  kinds:\n    - {id: mud}\n    - {id: mud, sorties: 0.5}\n")
    assert len(found) == 1 and "duplicate kind of weather 'mud'" in found[0]


def _event_errors(effect: str) -> list[str]:
    """Diagnostics of two-rivers with one more event carrying ``effect`` (a YAML mapping)."""
    event = f"- id: change\n  when: {{turn: 2}}\n  effects:\n  - {effect}\n"
    text = TWO_RIVERS.replace("\nevents:\n", "\nevents:\n" + event, 1)
    return [
        d.render() for d in check_text(text, name="w.yaml").diagnostics if d.severity == "error"
    ]


def test_a_faction_rules_effect_changes_exactly_one_constant() -> None:
    assert _event_errors("faction_rules: {faction: lowlands, pace: 0.5}") == []
    for effect in (
        "faction_rules: {faction: lowlands}",
        "faction_rules: {faction: lowlands, quality: 1.1, pace: 0.5}",
    ):
        found = _event_errors(effect)
        assert len(found) == 1, found
        assert re.match(r"w\.yaml:\d+:\d+: error: ", found[0])
        assert "give exactly one constant to change: 'quality' or 'pace'" in found[0]
    (slow,) = _event_errors("faction_rules: {faction: lowlands, pace: 0.01}")
    assert "pace" in slow and "0.1" in slow


def test_a_faction_marches_at_its_pace_and_slots_cover_the_slowest() -> None:
    text = TWO_RIVERS.replace("  quality: 0.9\n", "  quality: 0.9\n  pace: 0.5\n", 1)
    slow = compile_world(load_scenario_text(text))
    usual = compile_world(load_scenario("two-rivers"))
    assert slow.pace.tolist()[0] == 0.5 and usual.pace.tolist()[0] == 1.0
    assert (slow.roads.slots >= usual.roads.slots).all()
    assert slow.roads.n_slots > usual.roads.n_slots
