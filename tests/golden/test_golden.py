"""Golden games: each shipped scenario and the rare-paths scenario, a fixed seed and orders,
and the exact outcome, events included. Nothing here is typed in by hand: ``make repin``
records the outcomes after an intended change of the rules, and the checks below hold for
any outcome (they are what must stay true when the numbers move)."""

from __future__ import annotations

import json

import pytest

from frontlines.engine.rules import RULES_VERSION
from frontlines.engine.scenario import shipped_ids
from tests.golden.orders import GOLDEN_ORDERS
from tests.golden.runner import EXPECTED, changed_digests, first_divergence, play_golden

EXPECTED_DATA = json.loads(EXPECTED.read_text())
GAMES = EXPECTED_DATA["games"]


@pytest.fixture(scope="module")
def played() -> dict[str, dict]:  # type: ignore[type-arg]
    return {key: play_golden(key) for key in GOLDEN_ORDERS}


@pytest.mark.parametrize("key", sorted(GOLDEN_ORDERS))
def test_golden_game_replays_exactly(key: str, played: dict) -> None:  # type: ignore[type-arg]
    expected, actual = GAMES[key], played[key]
    if actual["final_digest"] != expected["final_digest"]:
        advice = (
            "if this change of the rules is meant, raise RULES_VERSION in "
            "engine/rules/__init__.py and run make repin"
            if EXPECTED_DATA["rules_version"] == RULES_VERSION
            else "run make repin to record the games under the new rules"
        )
        pytest.fail(f"{key}: {first_divergence(expected, actual)}; {advice}")
    assert actual == expected, first_divergence(expected, actual)


def test_the_golden_games_were_pinned_under_these_rules(played: dict) -> None:  # type: ignore[type-arg]
    assert EXPECTED_DATA["rules_version"] == RULES_VERSION
    assert not changed_digests(EXPECTED_DATA, {"games": played})


def test_every_shipped_scenario_has_a_golden_game() -> None:
    assert set(shipped_ids()) <= set(GOLDEN_ORDERS) == set(GAMES)


def test_the_rare_paths_game_reaches_the_rare_paths(played: dict) -> None:  # type: ignore[type-arg]
    reached = played["rare-paths"]["reached"]
    assert reached["factions"] > 7  # sums over factions take numpy's long way
    assert reached["most_places_lost_in_a_turn"] >= 3
    assert reached["most_turns_cut_off"] >= 2
    assert reached["one_sortie_strikes"] >= 2
    assert reached["air_entries_grounded"] == ["blue-air"]  # its base was taken
    assert reached["reinforcements_turned_back"] >= 1
    assert reached["scripted_effects"] == [
        "ScriptedAlliance",
        "ScriptedControl",  # a contested hand-over: the capture rules take it back
        "ScriptedForces",
        "ScriptedMorale",
        "ScriptedQuality",
        "ScriptedSorties",
    ]


def test_a_golden_game_strikes_a_column_on_the_road_in(played: dict) -> None:  # type: ignore[type-arg]
    strikes = [
        event
        for turn in played["aleppo-2024"]["turns"]
        for event in turn["events"]
        if event["kind"] == "StrikeFlown" and event["location"] == "hama"
    ]
    caught = [event for event in strikes if event["on_road"] > 0]
    assert caught and all(0 < e["on_road"] < e["destroyed"] for e in caught)


@pytest.mark.parametrize("key", sorted(GOLDEN_ORDERS))
def test_a_golden_game_accounts_for_every_loss(key: str, played: dict) -> None:  # type: ignore[type-arg]
    """What each faction lost, summed from the events, is what it had, plus what came, less
    what it has at the end (the numbers change with the rules; this does not)."""
    game = played[key]
    for earlier, later in zip(game["turns"], game["turns"][1:], strict=False):
        change = {f: 0.0 for f in later["forces"]}
        for event in later["events"]:
            kind = event["kind"]
            if kind == "Battle":
                for side in ("attacker", "defender"):
                    for f, lost in zip(
                        event[f"{side}_ids"], event[f"{side}_losses_by"], strict=True
                    ):
                        change[f] -= lost
            elif kind == "StrikeFlown":
                for f, lost in event["destroyed_by"]:
                    change[f] -= lost
            elif kind == "Retreat":
                change[event["faction_id"]] -= event["lost"]
            elif kind == "ReinforcementReport" and event["arrived"]:
                change[event["faction_id"]] += event["strength"]
            elif kind == "ScriptedForces":
                change[event["faction_id"]] += event["change"]
        for f, delta in change.items():
            had = sum(earlier["forces"][f].values()) + sum(earlier["on_the_road"][f].values())
            has = sum(later["forces"][f].values()) + sum(later["on_the_road"][f].values())
            assert has - had == pytest.approx(delta, abs=1e-4), (key, later["turn"], f)


def test_a_mismatch_names_the_first_turn_and_place_that_diverged(played: dict) -> None:  # type: ignore[type-arg]
    expected = json.loads(json.dumps(GAMES["aleppo-2024"]))
    turn = expected["turns"][2]
    turn["digest"] = "changed"
    turn["controller"]["saraqib"] = "iran"
    actual = played["aleppo-2024"]
    assert first_divergence(expected, actual) == (
        f"turn 3: saraqib is held by {actual['turns'][2]['controller']['saraqib']}, expected iran"
    )
    same = json.loads(json.dumps(GAMES["aleppo-2024"]))
    same["turns"][0]["events"][0]["text"] = "something else"
    assert first_divergence(same, actual).startswith("turn 1: the events differ first at")
