"""Crossings and closed routes (rules 4): an attack across a river or strait is weaker; a cut
route, or one closed to a side, is refused to orders and never used by the computer players,
retreats or supply; events cut, restore, close and open routes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import frontlines.engine.strategies as fst
from frontlines.engine import Game
from frontlines.engine.ai import choose_orders
from frontlines.engine.ai.heuristic import heuristic_orders
from frontlines.engine.events import Battle, Retreat, ScriptedRoute
from frontlines.engine.orders import Attack, IllegalOrderError, Move, no_orders, validate
from frontlines.engine.rules.common import barred_arcs
from frontlines.engine.rules.supply import supplied
from frontlines.engine.scenario import scenario_from_data
from frontlines.engine.state import initial_state
from frontlines.engine.turn import resolve_turn
from frontlines.engine.view import observe
from frontlines.engine.world import World, compile_world


def _place(pid: str, lat: float, controller: str, garrison: dict[str, float], **more: Any) -> dict:  # type: ignore[type-arg]
    return {
        "id": pid,
        "name": pid.title(),
        "kind": "town",
        "lat": lat,
        "lon": 10.0,
        "terrain": "flat",
        "controller": controller,
        "garrison": garrison,
        **more,
    }


def riverland(keep: float = 20.0, **changes: Any) -> dict[str, Any]:
    """West holds a camp and a ford town, East a keep (with ``keep`` strength) between them
    and its own depot; West's ally North waits at the camp. Every route is a short road."""
    routes = changes.pop("routes", None)
    data: dict[str, Any] = {
        "schema": 1,
        "id": "riverland",
        "title": "Riverland",
        "start_date": "2030-05-01",
        "max_turns": 6,
        "factions": [
            {"id": "west", "name": "West", "colour": "#2874a6"},
            {"id": "east", "name": "East", "colour": "#a04000"},
            {"id": "north", "name": "North", "colour": "#1e8449"},
        ],
        "alliances": [{"id": "pact", "name": "Pact", "members": ["west", "north"]}],
        "locations": [
            _place("camp", 10.0, "west", {"west": 30, "north": 5}, supply_source=True),
            _place("ford", 10.02, "west", {"west": 30}),
            _place("keep", 10.1, "east", {"east": keep}),
            _place("depot", 10.2, "east", {"east": 5}, supply_source=True),
        ],
        "routes": routes
        or [
            {"from": "camp", "to": "keep"},
            {"from": "ford", "to": "keep"},
            {"from": "camp", "to": "ford"},
            {"from": "keep", "to": "depot"},
        ],
        "victory": [],
        **changes,
    }
    return data


def with_route(data: dict[str, Any], a: str, b: str, **fields: Any) -> dict[str, Any]:
    """``data`` with fields added to the route between ``a`` and ``b``."""
    routes = [dict(r) for r in data["routes"]]
    for route in routes:
        if {route["from"], route["to"]} == {a, b}:
            route.update(fields)
    return {**data, "routes": routes}


def battle_at(events: tuple[Any, ...], place: str) -> Battle:
    (battle,) = [e for e in events if isinstance(e, Battle) and e.location == place]
    return battle


def crossing(battle: Battle) -> float:
    return next(f.attacker for f in battle.factors if f.name == "crossing")


# -- crossings -------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "factor"), [("river", 1.5), ("strait", 2.0)])
def test_an_attack_across_a_crossing_is_weaker_than_the_same_attack_without(
    kind: str, factor: float
) -> None:
    orders = [Attack("west", "camp", "keep", 20.0)]
    plain = Game.new(scenario_from_data(riverland()), seed=3).end_turn(orders)
    data = with_route(riverland(), "camp", "keep", crossing=kind)
    crossed = Game.new(scenario_from_data(data), seed=3).end_turn(orders)
    before, after = battle_at(plain, "keep"), battle_at(crossed, "keep")
    # The same chance (same seed), the same defence: only the attackers' power changes.
    assert after.defender_power == pytest.approx(before.defender_power, rel=1e-12)
    assert after.attacker_power == pytest.approx(before.attacker_power / factor, rel=1e-12)
    assert crossing(after) == pytest.approx(1 / factor) and crossing(before) == 1.0
    assert after.attacker_losses > before.attacker_losses


def test_the_crossing_factor_is_the_scenarios() -> None:
    orders = [Attack("west", "camp", "keep", 20.0)]
    data = with_route(
        riverland(rules={"crossing": {"river": 4.0}}), "camp", "keep", crossing="river"
    )
    events = Game.new(scenario_from_data(data), seed=3).end_turn(orders)
    assert crossing(battle_at(events, "keep")) == pytest.approx(0.25)


def test_attackers_from_several_routes_pay_by_the_share_that_crossed() -> None:
    """20 strength across the river and 10 over dry land: the crossing costs a third of
    the river share's power, weighted by its share of the attack."""
    orders = [Attack("west", "camp", "keep", 20.0), Attack("west", "ford", "keep", 10.0)]
    data = with_route(riverland(), "camp", "keep", crossing="river")
    battle = battle_at(Game.new(scenario_from_data(data), seed=5).end_turn(orders), "keep")
    assert crossing(battle) == pytest.approx((20 / 1.5 + 10) / 30)


def test_a_bridgehead_fights_in_full_the_turn_after_the_crossing() -> None:
    data = with_route(riverland(keep=200.0), "camp", "keep", crossing="river")
    game = Game.new(scenario_from_data(data), seed=1)
    first = battle_at(game.end_turn([Attack("west", "camp", "keep", 20.0)]), "keep")
    second = battle_at(game.end_turn(), "keep")  # still there, nobody new crossing
    assert crossing(first) < 1.0 and crossing(second) == 1.0


def test_forces_arriving_from_the_road_across_a_river_pay_too() -> None:
    """A river route two turns long: the attackers arrive on turn 2, weaker by the river."""
    data = with_route(riverland(), "camp", "keep", crossing="river", length_km=150, kind="road")
    game = Game.new(scenario_from_data(data), seed=2)
    arrivals: list[float] = []
    for turn in range(6):
        orders = [Attack("west", "camp", "keep", 20.0)] if turn == 0 else []
        battles = [e for e in game.end_turn(orders) if isinstance(e, Battle)]
        arrivals += [crossing(b) for b in battles if b.location == "keep"]
        if arrivals:
            break
    assert arrivals == [pytest.approx(1 / 1.5)]


# -- closed routes ---------------------------------------------------------------------------


def test_a_cut_route_is_refused_to_every_side_with_a_clear_reason() -> None:
    game = Game.new(scenario_from_data(with_route(riverland(), "camp", "keep", cut=True)), seed=1)
    with pytest.raises(
        IllegalOrderError, match="may not use the route from camp to keep: it is cut"
    ):
        validate(game.world, game.state, Attack("west", "camp", "keep", 5.0))
    with pytest.raises(IllegalOrderError, match="it is cut"):
        validate(game.world, game.state, Attack("east", "keep", "camp", 5.0))
    validate(game.world, game.state, Attack("west", "ford", "keep", 5.0))  # other routes open
    for faction in game.world.faction_ids:
        assert not [
            o
            for o in game.legal_orders(faction)
            if isinstance(o, Attack | Move) and {o.origin, o.target} == {"camp", "keep"}
        ]


def test_a_route_closed_to_a_side_bars_it_and_its_allies_only() -> None:
    data = with_route(riverland(), "camp", "ford", closed_to=["north"])
    game = Game.new(scenario_from_data(data), seed=1)
    world, state = game.world, game.state
    with pytest.raises(IllegalOrderError, match="it is closed to north"):
        validate(world, state, Move("north", "camp", "ford", 1.0))
    with pytest.raises(IllegalOrderError, match="closed to north and their allies"):
        validate(world, state, Move("west", "camp", "ford", 1.0))
    validate(world, state, Attack("east", "keep", "camp", 1.0))  # (another route, as a check)
    east_only = with_route(riverland(), "camp", "keep", closed_to=["east"])
    game = Game.new(scenario_from_data(east_only), seed=1)
    with pytest.raises(IllegalOrderError, match="closed to east"):
        validate(game.world, game.state, Attack("east", "keep", "camp", 1.0))
    validate(game.world, game.state, Attack("west", "camp", "keep", 1.0))  # West may


def test_flows_along_a_closed_route_move_nothing_even_unchecked() -> None:
    world = compile_world(scenario_from_data(with_route(riverland(), "camp", "keep", cut=True)))
    state = initial_state(world)
    orders = no_orders(world, 1)
    arc = world.arc_index("camp", "keep")
    assert arc is not None
    orders.flow[0, world.faction_index("west"), arc] = 20.0
    after, _ = resolve_turn(world, state, orders, [1])
    assert np.array_equal(after.forces[0, :, world.location_index("keep")], [0.0, 20.0, 0.0])


def route_events(**effects: dict[str, Any]) -> list[dict[str, Any]]:
    """One event per turn: turn 1's effect, turn 2's, ... (keyword order)."""
    return [
        {"id": f"on-{i + 1}", "when": {"turn": i + 1}, "effects": [{"route": effect}]}
        for i, effect in enumerate(effects.values())
    ]


def test_events_cut_and_restore_a_route_and_say_so() -> None:
    events = route_events(
        cut={"from": "keep", "to": "camp", "cut": True},
        restore={"from": "camp", "to": "keep", "restore": True},
    )
    game = Game.new(scenario_from_data(riverland(events=events)), seed=1)
    attack = Attack("west", "camp", "keep", 1.0)
    validate(game.world, game.state, attack)
    news = game.end_turn()
    (cut,) = [e for e in news if isinstance(e, ScriptedRoute)]
    assert cut.describe() == "The route from Keep to Camp is cut." and cut.closed
    with pytest.raises(IllegalOrderError, match="it is cut"):
        validate(game.world, game.state, attack)
    news = game.end_turn()
    (restored,) = [e for e in news if isinstance(e, ScriptedRoute)]
    assert restored.describe() == "The route from Camp to Keep is open again."
    validate(game.world, game.state, attack)


def test_events_close_a_route_to_a_side_and_open_it_again() -> None:
    events = route_events(
        close={"from": "camp", "to": "keep", "close_to": "west"},
        open={"from": "camp", "to": "keep", "open_to": "west"},
    )
    game = Game.new(scenario_from_data(riverland(events=events)), seed=1)
    news = game.end_turn()
    assert [e.describe() for e in news if isinstance(e, ScriptedRoute)] == [
        "The route from Camp to Keep is closed to West and its allies."
    ]
    with pytest.raises(IllegalOrderError, match="closed to west"):
        validate(game.world, game.state, Attack("north", "camp", "keep", 1.0))
    validate(game.world, game.state, Attack("east", "keep", "camp", 1.0))
    game.end_turn()
    validate(game.world, game.state, Attack("north", "camp", "keep", 1.0))


def test_defeated_defenders_never_retreat_along_a_closed_route() -> None:
    """East's keep falls; its only friendly neighbour, the depot, lies over a cut road, so
    the garrison has nowhere to go, where with the road open it falls back there."""
    strong = riverland(keep=5.0)
    outcomes = []
    for data in (strong, with_route(strong, "keep", "depot", cut=True)):
        game = Game.new(scenario_from_data(data), seed=4)
        news = game.end_turn(
            [Attack("west", "camp", "keep", 30.0), Attack("west", "ford", "keep", 30.0)]
        )
        (retreat,) = [e for e in news if isinstance(e, Retreat)]
        outcomes.append(retreat.to_id)
    assert outcomes == ["depot", None]


def test_supply_does_not_flow_along_a_closed_route() -> None:
    world = compile_world(scenario_from_data(riverland()))
    state = initial_state(world)
    ford = world.location_index("ford")
    west = world.faction_index("west")
    assert supplied(world, state)[0, west, ford]
    closed = state.closed.copy()
    closed[0, :, :] = False
    closed[0, world.faction_index("north"), 2] = True  # camp-ford, closed to West's ally
    assert not supplied(world, state.evolve(closed=closed))[0, west, ford]
    east = world.faction_index("east")
    assert supplied(world, state)[0, east, ford]  # next to its keep
    assert supplied(world, state.evolve(closed=closed))[0, east, ford]  # not East's closure


# -- the computer players ---------------------------------------------------------------------


def _closed_worlds() -> st.SearchStrategy[World]:
    return fst.scenarios(max_locations=6).map(compile_world)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=_closed_worlds(), seed=st.integers(0, 2**32 - 1), batch=st.integers(1, 3))
def test_the_heuristic_never_sends_anything_along_a_closed_route(
    world: World, seed: int, batch: int
) -> None:
    rng = np.random.default_rng(seed)
    state = initial_state(world, batch)
    state = state.evolve(closed=rng.uniform(0, 1, state.closed.shape) < 0.4)
    barred = barred_arcs(state)
    everyone = np.ones(world.n_factions, dtype=bool)
    flow = heuristic_orders(world, state, everyone).flow
    assert barred is None or not (flow[barred] > 0).any()


def test_the_computer_players_go_round_a_cut_route() -> None:
    """With the short way cut, West's attack on the keep goes from the ford, at every level."""
    data = with_route(riverland(), "camp", "keep", cut=True)
    game = Game.new(scenario_from_data(data), seed=1)
    for level in ("easy", "normal"):
        orders = choose_orders(game.world, game.state, ["west", "north", "east"], level, seed=1)
        used = {frozenset((o.origin, o.target)) for o in orders if isinstance(o, Attack | Move)}
        assert frozenset(("camp", "keep")) not in used


def test_the_view_lists_closed_routes_and_whom_they_bar() -> None:
    data = with_route(
        with_route(riverland(), "camp", "keep", cut=True), "keep", "depot", closed_to=["east"]
    )
    world = compile_world(scenario_from_data(data))
    state = initial_state(world)
    onlooker = observe(world, state).closed_routes
    assert [(r.origin, r.target, r.cut, r.barred) for r in onlooker] == [
        ("camp", "keep", True, True),
        ("keep", "depot", False, False),
    ]
    assert onlooker[1].closed_to == ("east",)
    assert [r.barred for r in observe(world, state, side="east").closed_routes] == [True, True]
    assert [r.barred for r in observe(world, state, side="north").closed_routes] == [True, False]
    open_world = compile_world(scenario_from_data(riverland()))
    assert observe(open_world, initial_state(open_world)).closed_routes == ()
