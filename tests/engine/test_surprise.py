"""Surprise set by the scenario and worn off by the days, and rates per day (rules 3)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from frontlines.engine import Game
from frontlines.engine.events import Battle
from frontlines.engine.orders import Attack
from frontlines.engine.rules.combat import over_days, surprise_multiplier
from frontlines.engine.scenario import scenario_from_data
from frontlines.engine.state import NEVER
from frontlines.engine.world import compile_world


def valley(**changes: Any) -> dict[str, Any]:
    """Two sides and two places: a small force of ``west`` can attack ``east``'s strong keep
    again and again without taking it."""
    west: dict[str, Any] = {"id": "west", "name": "West", "colour": "#2874a6"}
    west.update(changes.pop("west", {}))
    data: dict[str, Any] = {
        "schema": 1,
        "id": "valley",
        "title": "Valley",
        "start_date": "2030-05-01",
        "max_turns": 6,
        "factions": [west, {"id": "east", "name": "East", "colour": "#a04000"}],
        "locations": [
            {
                "id": "camp",
                "name": "Camp",
                "kind": "town",
                "lat": 10.0,
                "lon": 10.0,
                "terrain": "flat",
                "controller": "west",
                "garrison": {"west": 10},
                "supply_source": True,
            },
            {
                "id": "keep",
                "name": "Keep",
                "kind": "base",
                "lat": 10.1,
                "lon": 10.1,
                "terrain": "rugged",
                "controller": "east",
                "garrison": {"east": 100},
                "posture": "fortified",
                "supply_source": True,
            },
        ],
        "routes": [{"from": "camp", "to": "keep"}],
        "victory": [],
        **changes,
    }
    return data


def surprise_in_battles(data: dict[str, Any], attack_on: list[bool]) -> list[float | None]:
    """The attackers' surprise factor in the battle of each turn (``None`` without one), with
    ``west`` attacking the keep with 1 strength on the turns ``attack_on`` says."""
    game = Game.new(scenario_from_data(data), seed=7)
    out: list[float | None] = []
    for attack in attack_on:
        orders = [Attack("west", "camp", "keep", 1.0)] if attack else []
        events = game.end_turn(orders)
        battles = [e for e in events if isinstance(e, Battle)]
        assert len(battles) <= 1
        out.append(
            next(f.attacker for f in battles[0].factors if f.name == "surprise")
            if battles
            else None
        )
    return out


def test_attack_pause_attack_no_longer_regains_surprise() -> None:
    """Under rules 2 a one-turn pause ended the offensive and the next attack had x1.5
    again; now surprise counts the days since the first attack, pause or not."""
    got = surprise_in_battles(valley(), [True, False, True, False, True])
    assert got == [1.5, None, 1.0, None, 1.0]


def test_a_declared_level_wears_off_over_its_days_pause_or_not() -> None:
    data = valley(
        west={"surprise": "complete"},
        rules={"surprise": {"complete": 2.0, "lasts_days": 3}},
    )
    got = surprise_in_battles(data, [True, False, True, True, True])
    assert got == pytest.approx([2.0, None, 1.0 + 1.0 / 3.0, 1.0, 1.0])
    # Attacking every day, the same days give the same surprise.
    every = surprise_in_battles(data, [True, True, True, True])
    assert every == pytest.approx([2.0, 1.0 + 2.0 / 3.0, 1.0 + 1.0 / 3.0, 1.0])


def test_no_surprise_and_surprise_turns_zero_give_none() -> None:
    assert surprise_in_battles(valley(west={"surprise": "none"}), [True]) == [1.0]
    no_turns = valley(rules={"combat": {"surprise_turns": 0}})
    assert surprise_in_battles(no_turns, [True]) == [1.0]


def test_a_turn_of_several_days_gets_the_mean_of_its_days() -> None:
    data = valley(
        turn_length_days=2,
        west={"surprise": "substantial"},
        rules={"surprise": {"substantial": 1.6, "lasts_days": 3}},
    )
    world = compile_world(scenario_from_data(data))
    never = np.full((1, 2), NEVER)
    # Turn 1 (days 0-1): (1.6 + 1.4) / 2; turn 2 (days 2-3) after a first attack on day 0.
    assert surprise_multiplier(world, never, 1)[0, 0] == pytest.approx(1.5)
    started = np.array([[0, NEVER]])
    assert surprise_multiplier(world, started, 2)[0, 0] == pytest.approx((1.2 + 1.0) / 2)
    assert surprise_multiplier(world, started, 3)[0, 0] == 1.0
    # Old files name the rates per turn; they are read as the same rates per day.
    old = valley(rules={"morale": {"recovery_per_turn": 0.03}})
    assert scenario_from_data(old).rules.morale.recovery_per_day == 0.03


def test_losses_compound_over_the_days_of_a_turn() -> None:
    daily = np.array([0.0, 1e-15, 0.08, 0.5, 1.0])
    assert over_days(daily, 1) is daily
    expected = 1.0 - (1.0 - daily) ** 3
    assert over_days(daily, 3) == pytest.approx(expected, rel=1e-12)
    assert over_days(daily, 3)[1] == pytest.approx(3e-15, rel=1e-9)  # no cancellation


def test_surprise_belongs_to_the_front_where_it_is_achieved() -> None:
    """West's surprise is achieved on the keep: an attack on the ford first gets none and
    does not start it wearing off, so the first attack on the keep still has all of it."""
    data = valley(
        west={"surprise": "complete", "surprise_front": ["keep"]},
        rules={"surprise": {"complete": 2.0, "lasts_days": 3}},
    )
    data["locations"].append(
        {
            "id": "ford",
            "name": "Ford",
            "kind": "town",
            "lat": 10.0,
            "lon": 10.1,
            "terrain": "flat",
            "controller": "east",
            "garrison": {"east": 100},
        }
    )
    data["routes"].append({"from": "camp", "to": "ford"})
    game = Game.new(scenario_from_data(data), seed=7)
    got = []
    for target in ("ford", "ford", "keep", "keep"):
        events = game.end_turn([Attack("west", "camp", target, 1.0)])
        battle = next(e for e in events if isinstance(e, Battle))
        assert battle.location == target
        got.append(next(f.attacker for f in battle.factors if f.name == "surprise"))
    assert got == pytest.approx([1.0, 1.0, 2.0, 1.0 + 2.0 / 3.0])


def test_a_surprise_front_must_name_known_places() -> None:
    data = valley(west={"surprise": "minor", "surprise_front": ["nowhere"]})
    with pytest.raises(ValidationError, match=r"surprise_front.*unknown location .nowhere."):
        scenario_from_data(data)
