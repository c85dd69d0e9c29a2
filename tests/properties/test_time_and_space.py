"""Time and space: journeys take as many turns as their length over a turn's reach, a longer
or an opposed one never arrives sooner, longer turns never need more of them, and nothing is
lost or gained on the road."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from frontlines.engine import load_scenario
from frontlines.engine import strategies as fst
from frontlines.engine.forecast import ForecastRequest, forecast
from frontlines.engine.orders import Attack, Move, compile_orders, no_orders
from frontlines.engine.rules.movement import resolve_movement
from frontlines.engine.scenario import scenario_from_data
from frontlines.engine.state import State, initial_state
from frontlines.engine.turn import resolve_turn
from frontlines.engine.world import World, compile_world

KINDS = ("highway", "road", "track", "rough", "rail")
lengths = st.floats(1.0, 5000.0, allow_nan=False)
rates = st.floats(1.0, 2000.0, allow_nan=False)
days = st.sampled_from((1, 2, 3, 5, 7))
kinds = st.sampled_from(KINDS)


def corridor(
    length: float,
    kind: str,
    rate: float,
    turn_days: int,
    *,
    enemy_at_end: bool = False,
    pace: float = 1.0,
    events: list[dict[str, Any]] | None = None,
) -> World:
    """Two places joined by one route; blue (marching at ``pace``) holds the first, and the
    second unless ``enemy_at_end`` (then red holds it with a garrison of 5)."""
    end_holder = "red" if enemy_at_end else "blue"
    data: dict[str, Any] = {
        "schema": 1,
        "id": "corridor",
        "title": "Corridor",
        "start_date": "2000-01-01",
        "turn_length_days": turn_days,
        "max_turns": 40,
        "factions": [
            {"id": "blue", "name": "Blue", "colour": "#2874a6", "pace": pace},
            {"id": "red", "name": "Red", "colour": "#b03a2e"},
        ],
        "locations": [
            {
                "id": "start",
                "name": "Start",
                "kind": "town",
                "lat": 0.0,
                "lon": 0.0,
                "terrain": "flat",
                "controller": "blue",
                "garrison": {"blue": 10},
                "supply_source": True,
            },
            {
                "id": "end",
                "name": "End",
                "kind": "town",
                "lat": 0.0,
                "lon": 0.1,
                "terrain": "flat",
                "controller": end_holder,
                "garrison": {"red": 5} if enemy_at_end else {},
                "supply_source": True,
            },
        ],
        "routes": [{"from": "start", "to": "end", "kind": kind, "length_km": length}],
        "rules": {"movement": {kind: rate}},
        "events": events or [],
    }
    return compile_world(scenario_from_data(data))


def turns_to_arrive(world: World, amount: float = 4.0) -> int | None:
    """The turn on which blue's move from start reaches the end (None within the game)."""
    state = initial_state(world)
    first = compile_orders(world, [[Move("blue", "start", "end", amount)]])
    orders = first
    for turn in range(1, world.max_turns + 1):
        state, _ = resolve_turn(world, state, orders, [7], record=False)
        orders = no_orders(world, 1)
        on_road = float(state.transit.sum())
        there = float(state.forces[0, 0, 1])
        assert math.isclose(on_road + there, amount, rel_tol=1e-12), "lost on the road"
        if there > 0:
            return turn
    return None


@given(lengths, kinds, rates, days)
def test_an_unopposed_journey_arrives_after_its_length_over_a_turns_reach(
    length: float, kind: str, rate: float, turn_days: int
) -> None:
    world = corridor(length, kind, rate, turn_days)
    expected = max(1, math.ceil(length / (rate * turn_days)))
    arrived = turns_to_arrive(world)
    if expected <= world.max_turns:
        assert arrived == expected
    else:
        assert arrived is None


paces = st.sampled_from((0.1, 0.5, 1.0, 1.3, 2.0, 5.0)) | st.floats(0.1, 5.0)


@given(lengths, kinds, rates, days, paces)
def test_a_faction_marching_at_its_pace_arrives_after_its_length_over_that_reach(
    length: float, kind: str, rate: float, turn_days: int, pace: float
) -> None:
    world = corridor(length, kind, rate, turn_days, pace=pace)
    expected = max(1, math.ceil(length / (rate * turn_days) / pace))
    arrived = turns_to_arrive(world)
    if expected <= world.max_turns:
        assert arrived == expected
    else:
        assert arrived is None


@given(lengths, kinds, rates, days, paces, paces)
def test_a_faster_march_never_arrives_later(
    length: float, kind: str, rate: float, turn_days: int, a: float, b: float
) -> None:
    slow, fast = sorted((a, b))
    later = turns_to_arrive(corridor(length, kind, rate, turn_days, pace=slow))
    sooner = turns_to_arrive(corridor(length, kind, rate, turn_days, pace=fast))
    if later is not None:
        assert sooner is not None and sooner <= later


def test_a_scripted_pace_speeds_only_the_journeys_that_set_out_after_it() -> None:
    """A 400 km road at 100 km a day: four turns. Blue's pace doubles from turn 2: what set
    out on turn 1 still takes four turns, what sets out on turn 2 takes two."""
    doubled = [
        {
            "id": "fuel",
            "when": {"turn": 2},
            "effects": [{"faction_rules": {"faction": "blue", "pace": 2.0}}],
        }
    ]
    world = corridor(400.0, "road", 100.0, 1, events=doubled)
    state = initial_state(world)
    arrivals: dict[int, float] = {}
    for turn in range(1, 7):
        orders = no_orders(world, 1)
        if turn in (1, 2):
            orders = compile_orders(world, [[Move("blue", "start", "end", 1.0)]])
        state, events = resolve_turn(world, state, orders, [7], record=True)
        if turn == 2:
            assert any(type(e).__name__ == "ScriptedPace" for e in events[0])
        arrivals[turn] = float(state.forces[0, 0, 1])
    assert float(state.pace[0, 0]) == 2.0
    assert arrivals[3] == 1.0  # the second column: set out on turn 2, two turns
    assert arrivals[4] == 2.0  # the first: set out on turn 1 at the old pace, four turns


@given(lengths, lengths, kinds, rates, days)
def test_a_longer_route_never_arrives_sooner(
    a: float, b: float, kind: str, rate: float, turn_days: int
) -> None:
    short, long = sorted((a, b))
    sooner = turns_to_arrive(corridor(short, kind, rate, turn_days))
    later = turns_to_arrive(corridor(long, kind, rate, turn_days))
    if later is not None:
        assert sooner is not None and sooner <= later


@given(lengths, kinds, rates, days)
def test_longer_turns_never_need_more_of_them(
    length: float, kind: str, rate: float, turn_days: int
) -> None:
    one = turns_to_arrive(corridor(length, kind, rate, turn_days))
    double = turns_to_arrive(corridor(length, kind, rate, 2 * turn_days))
    if one is not None:
        assert double is not None and double <= one


@given(lengths, kinds, rates, days, st.floats(0.01, 100.0))
def test_an_opposed_advance_is_never_faster_than_a_free_one(
    length: float, kind: str, rate: float, turn_days: int, amount: float
) -> None:
    free = compile_world(corridor(length, kind, rate, turn_days).scenario)
    opposed = corridor(length, kind, rate, turn_days, enemy_at_end=True)
    arc = np.array([0])
    assert (free.roads.legs(arc) <= opposed.roads.legs(arc, 0.25)).all()
    start = initial_state(opposed)
    orders = compile_orders(opposed, [[Attack("blue", "start", "end", min(amount, 10.0))]])
    after, attacked, _ = resolve_movement(opposed, start, orders)
    legs = max(1, math.ceil(length / (rate * turn_days)))
    if legs > 1:  # still on the road: no attack yet
        assert not attacked[0, 0]
        assert float(after.transit.sum()) > 0


@given(fst.played_games(max_turns=4))
def test_strength_on_the_road_is_conserved_by_movement(game: Any) -> None:
    world: World = game.world
    for before in game.states[:-1]:
        orders = no_orders(world, 1)
        after, _, _ = resolve_movement(world, before, orders)
        assert np.allclose(_total(after), _total(before), rtol=1e-12, atol=1e-12)


@given(fst.turns())
def test_nothing_moves_further_in_a_turn_than_its_reach(turn: Any) -> None:
    """Whatever arrives this turn at the end of an arc set out at most ``legs`` turns ago:
    a departure this turn arrives now only along an arc within a turn's reach at the
    faction's march pace."""
    world: World = turn.world
    orders = compile_orders(world, [turn.orders])
    before: State = turn.before
    after, _, _ = resolve_movement(
        world, before.evolve(transit=np.zeros_like(before.transit)), orders
    )
    roads = world.roads
    arcs = np.arange(world.n_arcs)
    # F x D: the arcs each faction cannot cross in one turn even in fair weather.
    long_arcs = np.array([roads.free(arcs, 1.0, float(pace)) > 1 for pace in before.pace[0]])
    flow = orders.flow[0]
    # What is sent along a long arc from a place where it stands goes on the road.
    there = before.forces[0][:, world.arc_src] > 0
    if np.any((flow > 0) & there & long_arcs):
        assert after.transit.sum() > 0
    # And the strength that arrived somewhere came along arcs within a turn's reach.
    came = np.maximum(after.forces - before.forces, 0.0)[0]
    near = np.zeros((world.n_factions, world.n_locations), dtype=bool)
    for f in range(world.n_factions):
        near[f, world.arc_dst[(flow[f] > 0) & ~long_arcs[f]]] = True
    assert not came[~near].any()


def _total(state: State) -> np.ndarray:
    return state.forces.sum(axis=2) + state.transit.sum(axis=2)


def _falls_by(scenario: Any, place: str, turn: int) -> float:
    report = forecast(ForecastRequest(scenario, runs=200, turns=turn, seed=11))
    return report.base.location(place).fallen_by_turn[turn]


def test_an_operation_over_longer_routes_is_forecast_to_go_slower() -> None:
    """The same campaign with every route three times as long (the same as a third of the
    pace): Hama, 145 km down the M5 from Aleppo, falls later."""
    base = load_scenario("aleppo-2024")
    data = base.to_data()
    for route in data["routes"]:
        route["length_km"] = 3 * float(route.get("length_km") or 0) or None
    longer = scenario_from_data(data)
    assert all(r.length_km for r in longer.routes)
    assert _falls_by(longer, "hama", 9) < _falls_by(base, "hama", 9)
