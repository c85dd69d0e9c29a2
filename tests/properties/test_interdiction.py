"""Forces in transit can be caught: a strike on a place also hits the enemy columns due there
this turn, by the same share as the enemy at the place, and nothing else on the road; the
strike's report accounts for every loss, on the road included."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from frontlines.engine.audit import audit_turn
from frontlines.engine.events import StrikeFlown
from frontlines.engine.orders import Airstrike, Move, compile_orders, no_orders
from frontlines.engine.rules.air import resolve_air
from frontlines.engine.scenario import scenario_from_data
from frontlines.engine.state import State, initial_state
from frontlines.engine.turn import resolve_turn
from frontlines.engine.world import World, compile_world

SEED = [11]


def approach(length_km: float, *, air_defence: float = 0.0, allied_flyers: bool = False) -> World:
    """Blue holds ``start`` and ``end`` (a garrison of 5) joined by a road of ``length_km``
    (100 km a day); ``red-air`` flies for red (or, if ``allied_flyers``, for blue's ally
    green) over the whole map."""
    beneficiary = "green" if allied_flyers else "red"
    data: dict[str, Any] = {
        "schema": 1,
        "id": "approach",
        "title": "Approach",
        "start_date": "2000-01-01",
        "turn_length_days": 1,
        "max_turns": 10,
        "factions": [
            {"id": "blue", "name": "Blue", "colour": "#2874a6"},
            {"id": "red", "name": "Red", "colour": "#b03a2e"},
            {"id": "green", "name": "Green", "colour": "#1e8449"},
        ],
        "alliances": [{"id": "pact", "name": "Pact", "members": ["blue", "green"]}],
        "locations": [
            {
                "id": "start",
                "name": "Start",
                "kind": "town",
                "lat": 0.0,
                "lon": 0.0,
                "terrain": "flat",
                "controller": "blue",
                "garrison": {"blue": 20},
                "supply_source": True,
            },
            {
                "id": "end",
                "name": "End",
                "kind": "town",
                "lat": 0.0,
                "lon": 0.1,
                "terrain": "flat",
                "controller": "blue",
                "garrison": {"blue": 5},
                "air_defence": air_defence,
                "supply_source": True,
            },
            {
                "id": "far",
                "name": "Far",
                "kind": "town",
                "lat": 0.0,
                "lon": 3.0,
                "terrain": "flat",
                "controller": "red",
                "garrison": {"red": 5},
                "supply_source": True,
            },
        ],
        "routes": [
            {"from": "start", "to": "end", "kind": "road", "length_km": length_km},
            {"from": "end", "to": "far", "kind": "road", "length_km": 400.0},
        ],
        "air_support": [
            {
                "id": "red-air",
                "name": "Red air",
                "provider": "red" if not allied_flyers else "green",
                "beneficiary": beneficiary,
                "sorties_per_day": 200,
                "range_km": 20_000,
            }
        ],
        "rules": {"movement": {"road": 100.0}},
    }
    return compile_world(scenario_from_data(data))


def set_out(world: World, amount: float) -> State:
    """The state after turn 1, on which blue sent ``amount`` from start towards end."""
    orders = compile_orders(world, [[Move("blue", "start", "end", amount)]])
    state, _ = resolve_turn(world, initial_state(world), orders, SEED, record=False)
    return state


def strike(world: World, state: State, target: str, sorties: int) -> tuple[State, list[Any]]:
    """One turn in which the air entry strikes ``target`` with ``sorties``."""
    provider = world.faction_ids[int(world.air_provider[0])]
    orders = compile_orders(world, [[Airstrike(provider, "red-air", target, sorties)]])
    after, events = resolve_turn(world, state, orders, SEED, record=True)
    return after, events[0]


amounts = st.floats(0.5, 20.0, allow_nan=False)  # no more than the 20 at the start
sorties = st.integers(1, 150)


@given(amounts, sorties, st.floats(0.0, 0.9))
def test_the_column_due_at_a_struck_place_keeps_what_the_garrison_keeps(
    amount: float, flown: int, defence: float
) -> None:
    world = approach(150.0, air_defence=defence)  # two turns on the road: due on turn 2
    state = set_out(world, amount)
    assert math.isclose(float(state.transit.sum()), amount, rel_tol=1e-12)
    after, events = strike(world, state, "end", flown)
    end = world.location_index("end")
    there = float(after.forces[0, 0, end])
    # The column arrived in this turn's movement phase, after the strike: the strength at
    # the end is the garrison's and the column's, each kept by the same share.
    keep = (1.0 - world.rules.air.strike_damage) ** (flown * (1.0 - defence))
    assert math.isclose(there, (5.0 + amount) * keep, rel_tol=1e-9)
    assert float(after.transit.sum()) == 0.0
    report = next(e for e in events if isinstance(e, StrikeFlown))
    assert math.isclose(report.destroyed, (5.0 + amount) * (1.0 - keep), rel_tol=1e-9)
    assert math.isclose(report.on_road, amount * (1.0 - keep), rel_tol=1e-9, abs_tol=1e-12)
    # The news log says what was caught on the road, when it shows at one decimal.
    assert ("of it on the road in" in report.describe()) == (report.on_road >= 0.05)
    assert audit_turn(world, state, after, events) == []


@given(amounts, sorties)
def test_a_strike_elsewhere_or_on_a_column_further_out_leaves_the_road_alone(
    amount: float, flown: int
) -> None:
    world = approach(250.0)  # three turns: on turn 2 the column is still a turn out
    state = set_out(world, amount)
    for target in ("end", "start"):
        after, events = strike(world, state, target, flown)
        assert float(after.transit.sum()) == float(state.transit.sum())
        report = next(e for e in events if isinstance(e, StrikeFlown))
        assert report.on_road == 0.0
        assert audit_turn(world, state, after, events) == []


@given(amounts, sorties)
def test_flyers_never_strike_their_own_sides_columns(amount: float, flown: int) -> None:
    world = approach(150.0, allied_flyers=True)
    state = set_out(world, amount)
    after, _ = strike(world, state, "end", flown)
    end = world.location_index("end")
    assert math.isclose(float(after.forces[0, 0, end]), 5.0 + amount, rel_tol=1e-12)


@given(amounts, sorties)
def test_a_strike_never_adds_to_anything_on_the_road(amount: float, flown: int) -> None:
    world = approach(150.0)
    state = set_out(world, amount)
    unsupplied = state.evolve(transit_unsupplied=state.transit * 3.0)
    orders = compile_orders(world, [[Airstrike("red", "red-air", "end", flown)]])
    after, _ = resolve_air(world, unsupplied, orders, np.array(SEED, dtype=np.uint64))
    assert (after.transit <= unsupplied.transit).all()
    # The turns cut off are carried in proportion: the column's count is unchanged.
    on_road = after.transit > 0
    count = after.transit_unsupplied[on_road] / after.transit[on_road]
    np.testing.assert_allclose(count, 3.0, rtol=1e-12)


def test_without_a_strike_the_column_arrives_whole() -> None:
    world = approach(150.0)
    state = set_out(world, 10.0)
    after, _ = resolve_turn(world, state, no_orders(world, 1), SEED, record=False)
    assert math.isclose(float(after.forces[0, 0, world.location_index("end")]), 15.0)
