"""The forecast report: its JSON keeps the documented keys in their order and reads back."""

from __future__ import annotations

import doctest
import json
from functools import cache

import frontlines.engine.report
from frontlines.engine.forecast import ForecastRequest, forecast
from frontlines.engine.report import Difference, ForecastReport, Victory
from frontlines.engine.scenario import Scenario, load_scenario


@cache
def aleppo() -> Scenario:
    return load_scenario("aleppo-2024")


@cache
def small_report() -> ForecastReport:
    request = ForecastRequest(aleppo(), runs=20, turns=3, seed=5, variants=("no-russian-air",))
    return forecast(request)


def test_the_examples_in_the_docstrings_hold() -> None:
    assert doctest.testmod(frontlines.engine.report).failed == 0


def test_the_json_keeps_the_documented_keys_in_their_order() -> None:
    """``docs/forecasts.md`` lists these keys; scripts read them."""
    scenario = aleppo()
    data = small_report().to_data()
    assert list(data) == [
        "scenario",
        "title",
        "source",
        "runs",
        "turns",
        "seed",
        "start_turn",
        "days",
        "opponents",
        "factions",
        "base",
        "variants",
    ]
    factions = [f.id for f in scenario.factions]
    assert list(data["factions"]) == factions
    assert list(data["base"]) == ["victory", "locations"]
    assert list(data["base"]["victory"]) == [*factions, "draw", "undecided"]
    assert list(data["base"]["locations"]) == [loc.id for loc in scenario.locations]
    for place in data["base"]["locations"].values():
        assert list(place) == [
            "holder_at_start",
            "at_end",
            "changes_hands",
            "fallen_by_turn",
            "turn_half_fallen",
            "by_turn",
        ]
        assert list(place["at_end"]) == factions
    variant = data["variants"]["no-russian-air"]
    assert list(variant) == ["title", "victory", "locations", "compared_to_base"]
    compared = variant["compared_to_base"]
    assert list(compared) == ["victory", "changes_hands"]
    assert list(compared["victory"]) == [*factions, "draw"]
    assert list(compared["changes_hands"]) == [loc.id for loc in scenario.locations]
    for d in [*compared["victory"].values(), *compared["changes_hands"].values()]:
        assert list(d) == ["difference", "ci95"] and len(d["ci95"]) == 2


def test_the_json_reads_back_as_the_same_report() -> None:
    report = small_report()
    data = json.loads(json.dumps(report.to_data()))
    assert ForecastReport.from_data(data) == report
    assert ForecastReport.from_data({**data, "timing": {"seconds": 0.5}}) == report
    assert ForecastReport.from_data(data).to_data() == data


def test_a_single_run_has_no_interval() -> None:
    assert Difference(1.0, None).to_data() == {"difference": 1.0, "ci95": None}
    assert not Difference(1.0, None).excludes_zero
    assert Difference.from_data({"difference": -1.0, "ci95": None}) == Difference(-1.0, None)


def test_victory_reads_a_faction_a_draw_or_no_end() -> None:
    victory = Victory((("red", 0.25), ("blue", 0.5)), draw=0.125, undecided=0.125)
    assert [victory.chance(o) for o in ("red", "blue", "draw", "undecided")] == [
        0.25,
        0.5,
        0.125,
        0.125,
    ]
    assert list(victory.to_data()) == ["red", "blue", "draw", "undecided"]
    assert Victory.from_data(victory.to_data()) == victory
