"""Golden games: each shipped scenario, a fixed seed and orders, and the exact outcome."""

from __future__ import annotations

import json

import pytest

from tests.golden.orders import GOLDEN_ORDERS
from tests.golden.runner import EXPECTED, first_divergence, play_golden

EXPECTED_DATA = json.loads(EXPECTED.read_text())


@pytest.mark.parametrize("scenario_id", sorted(GOLDEN_ORDERS))
def test_golden_game_replays_exactly(scenario_id: str) -> None:
    expected = EXPECTED_DATA[scenario_id]
    actual = play_golden(scenario_id)
    assert actual["final_digest"] == expected["final_digest"], first_divergence(expected, actual)
    assert actual == expected


def test_every_shipped_scenario_has_a_golden_game() -> None:
    from engine.scenario import shipped_ids

    assert set(shipped_ids()) == set(GOLDEN_ORDERS) == set(EXPECTED_DATA)


def test_readable_facts_of_the_golden_games() -> None:
    """What the pinned games say, in words a reader can check against expected.json."""
    aleppo = EXPECTED_DATA["aleppo-2024"]
    assert aleppo["facts"] == {"aleppo_on_day_4": "opposition"}
    assert aleppo["winner"] == "draw"  # the opposition never reaches Damascus in this game
    assert aleppo["losses"] == {
        "government": 3.667,
        "iran": 0.262,
        "opposition": 2.149,
        "russia": 0.0,
    }
    hama = EXPECTED_DATA["hama-2024"]
    assert hama["facts"] == {"aleppo_on_day_4": "opposition"}
    assert hama["winner"] == "government"


def test_a_mismatch_names_the_first_turn_and_place_that_diverged() -> None:
    expected = json.loads(json.dumps(EXPECTED_DATA["aleppo-2024"]))
    turn = expected["turns"][2]
    turn["digest"] = "changed"
    turn["controller"]["saraqib"] = "iran"
    actual = play_golden("aleppo-2024")
    assert first_divergence(expected, actual) == (
        f"turn 3: saraqib is held by {actual['turns'][2]['controller']['saraqib']}, expected iran"
    )
