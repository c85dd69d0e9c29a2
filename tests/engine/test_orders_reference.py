"""Order legality against a plain reading of docs/rules.md ("Orders and legality"): for
random orders, legal and not, given after random pending orders, ``validate`` accepts exactly
what the documented rules accept; ``legal_orders`` lists exactly what they list; and
``compile_orders`` adds up what the orders say."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.engine import Airstrike, Attack, CloseSupport, Game, Move, load_scenario
from frontlines.engine import strategies as fst
from frontlines.engine.orders import Order, compile_orders, is_legal, legal_orders
from frontlines.engine.scenario.checks import great_circle_km
from frontlines.engine.weather import weather_section
from frontlines.engine.world import World


def _allied(game: Game, a: str, b: str) -> bool:
    world = game.world
    return bool(game.state.allied[0, world.faction_index(a), world.faction_index(b)])


def _holder(game: Game, place: str) -> str:
    world = game.world
    return world.faction_ids[int(game.state.controller[0, world.location_index(place)])]


def _strength(game: Game, faction: str, place: str) -> float:
    world = game.world
    return float(game.state.forces[0, world.faction_index(faction), world.location_index(place)])


def _routes(world: World) -> set[tuple[str, str]]:
    routes = set()
    for route in world.scenario.routes:
        routes |= {(route.from_, route.to), (route.to, route.from_)}
    return routes


def _closed(game: Game, faction: str, origin: str, target: str) -> bool:
    """Whether the route between two places is closed to the faction or one of its allies."""
    for e, route in enumerate(game.scenario.routes):
        if {route.from_, route.to} == {origin, target}:
            return any(
                _allied(game, faction, other) and bool(game.state.closed[0, g, e])
                for g, other in enumerate(game.world.faction_ids)
            )
    return False


def _sorties_available(game: Game, entry: Any) -> int:
    if entry.base is not None and not _allied(game, entry.provider, _holder(game, entry.base)):
        return 0
    per_day = int(game.state.sortie_rate[0, game.world.air_index(entry.id)])
    weather = weather_section(game.scenario)  # in declared weather, its share of a day's
    if weather is not None:
        per_day = math.floor(per_day * weather.kinds[int(game.state.weather[0])].sorties)
    return per_day * game.scenario.turn_length_days


def _in_range(game: Game, entry: Any, place: str) -> bool:
    if entry.base is None:
        return True
    locations = {loc.id: loc for loc in game.scenario.locations}
    base, target = locations[entry.base], locations[place]
    return great_circle_km(base.lat, base.lon, target.lat, target.lon) <= entry.range_km


def _enemy_forces_at(game: Game, side: str, place: str) -> bool:
    return any(
        not _allied(game, side, f.id) and _strength(game, f.id, place) > 0
        for f in game.scenario.factions
    )


def _enemy_due_at(game: Game, side: str, place: str) -> bool:
    """Whether an enemy of ``side`` arrives at ``place`` from the road this turn."""
    return any(
        not _allied(game, side, f.id) and _arrives_from_the_road(game, f.id, place)
        for f in game.scenario.factions
    )


def reference_legal(game: Game, order: Order, pending: list[Order]) -> bool:
    """Whether the rules as docs/rules.md states them allow ``order`` after ``pending``."""
    if game.over:
        return False
    factions = {f.id for f in game.scenario.factions}
    places = {loc.id for loc in game.scenario.locations}
    if order.faction not in factions or order.target not in places:
        return False
    if isinstance(order, Attack | Move):
        if order.origin not in places:
            return False
        amount = order.amount
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            return False
        if not math.isfinite(amount) or amount <= 0:
            return False
        if (order.origin, order.target) not in _routes(game.world):
            return False
        if _closed(game, order.faction, order.origin, order.target):
            return False
        sent = sum(
            p.amount
            for p in pending
            if isinstance(p, Attack | Move)
            and (p.faction, p.origin) == (order.faction, order.origin)
        )
        if amount > _strength(game, order.faction, order.origin) - sent + 1e-9:
            return False
        friendly = _allied(game, order.faction, _holder(game, order.target))
        return friendly == isinstance(order, Move)
    entries = {e.id: e for e in game.scenario.air_support}
    entry = entries.get(order.air_support)
    if entry is None or entry.provider != order.faction:
        return False
    sorties = order.sorties
    if isinstance(sorties, bool) or not isinstance(sorties, int) or sorties <= 0:
        return False
    flown = sum(
        p.sorties
        for p in pending
        if isinstance(p, Airstrike | CloseSupport) and p.air_support == entry.id
    )
    if sorties > _sorties_available(game, entry) - flown:
        return False
    if not _in_range(game, entry, order.target):
        return False
    side = entry.beneficiary
    if _enemy_forces_at(game, side, order.target):
        return True
    if isinstance(order, Airstrike):  # a strike also catches the columns due there
        return _enemy_due_at(game, side, order.target)
    # A battle this turn needs forces that can arrive this turn: from next door along a route
    # crossed in one turn at the free pace, or from the road (docs/rules.md).
    holds = _allied(game, side, _holder(game, order.target))
    quick = [n for n in _neighbours(game, order.target) if _one_turn(game, n, order.target)]
    if holds and any(_enemy_forces_at(game, side, n) for n in quick):
        return True
    for faction in game.scenario.factions:  # enemies coming, or the side's own attackers
        coming = _arrives_from_the_road(game, faction.id, order.target)
        if coming and _allied(game, side, faction.id) != holds:
            return True
    return any(
        isinstance(p, Attack)
        and p.target == order.target
        and _allied(game, side, p.faction)
        and _one_turn(game, p.origin, order.target)
        for p in pending
    )


def _neighbours(game: Game, place: str) -> list[str]:
    return sorted(b for a, b in _routes(game.world) if a == place)


def _one_turn(game: Game, origin: str, target: str) -> bool:
    """Whether the route from ``origin`` to ``target`` is crossed in one turn at the free
    pace: its length over the km a day of its kind times the days of a turn, at most 1."""
    world = game.world
    for route in game.scenario.routes:
        if {route.from_, route.to} == {origin, target}:
            arc = world.arc_index(origin, target)
            assert arc is not None
            length = float(world.graph.arc_length_km()[arc])
            pace = getattr(game.scenario.rules.movement, route.kind.value)
            return length <= pace * game.scenario.turn_length_days
    return False


def _arrives_from_the_road(game: Game, faction: str, place: str) -> bool:
    """Whether strength of ``faction`` on the road reaches ``place`` this turn."""
    world = game.world
    roads, f = world.roads, world.faction_index(faction)
    for arc in range(world.n_arcs):
        if world.location_ids[int(world.arc_dst[arc])] != place or roads.slots[arc] == 0:
            continue
        if game.state.transit[0, f, int(roads.slot_start[arc])] > 0:
            return True
    return False


def reference_listing(game: Game, faction: str) -> list[Order]:
    """The orders docs/rules.md says ``legal_orders`` lists, in its order."""
    if game.over:
        return []
    listed: list[Order] = []
    world = game.world
    for arc in range(world.n_arcs):
        origin = world.location_ids[int(world.arc_src[arc])]
        target = world.location_ids[int(world.arc_dst[arc])]
        strength = _strength(game, faction, origin)
        if strength <= 0 or _closed(game, faction, origin, target):
            continue
        kind = Move if _allied(game, faction, _holder(game, target)) else Attack
        listed.append(kind(faction, origin, target, strength))
    for entry in game.scenario.air_support:
        count = _sorties_available(game, entry)
        if entry.provider != faction or count <= 0:
            continue
        for loc in game.scenario.locations:
            if not _in_range(game, entry, loc.id):
                continue
            here = _enemy_forces_at(game, entry.beneficiary, loc.id)
            if here or _enemy_due_at(game, entry.beneficiary, loc.id):
                listed.append(Airstrike(faction, entry.id, loc.id, count))
            if here:
                listed.append(CloseSupport(faction, entry.id, loc.id, count))
    return listed


SHIPPED = st.sampled_from(["aleppo-2024", "hama-2024", "two-rivers"]).map(load_scenario)
games = fst.played_games(
    scenario_strategy=st.one_of(SHIPPED, fst.scenarios(max_locations=7)), max_turns=4
)


@st.composite
def candidate_orders(draw: st.DrawFn, game: Game) -> Order:
    """An order that may or may not be legal: a listed one, changed in one or two ways."""
    world = game.world
    ids = {
        "faction": st.sampled_from([*world.faction_ids, "nobody"]),
        "place": st.sampled_from([*world.location_ids, "nowhere"]),
        "air": st.sampled_from([*world.air_ids, "no-air"]),
    }
    options = [o for f in world.faction_ids for o in legal_orders(world, game.state, f)]
    if options and draw(st.booleans()):
        order = draw(st.sampled_from(options))
    else:
        kind = draw(st.sampled_from([Attack, Move, Airstrike, CloseSupport]))
        if kind in (Attack, Move):
            order = kind(draw(ids["faction"]), draw(ids["place"]), draw(ids["place"]), 1.0)
        else:
            order = kind(draw(ids["faction"]), draw(ids["air"]), draw(ids["place"]), 1)
    if isinstance(order, Attack | Move):
        scale = draw(st.sampled_from([1.0, 0.5, 0.999999, 1.000001, 2.0, 0.0, -1.0]))
        amount: Any = order.amount * scale
        amount = draw(st.sampled_from([amount, amount, float("nan"), float("inf"), True, "1"]))
        order = replace(order, amount=amount)
        if draw(st.booleans()):
            order = replace(order, target=draw(ids["place"]))
        if draw(st.booleans()):
            flipped = Move if isinstance(order, Attack) else Attack
            order = flipped(order.faction, order.origin, order.target, order.amount)
    else:
        sorties = draw(st.sampled_from([order.sorties, 1, 0, -1, order.sorties + 1, 1000, True]))
        order = replace(order, sorties=sorties)
        if draw(st.booleans()):
            order = replace(order, target=draw(ids["place"]))
        if draw(st.booleans()):
            flipped2 = CloseSupport if isinstance(order, Airstrike) else Airstrike
            order = flipped2(order.faction, order.air_support, order.target, order.sorties)
    if draw(st.integers(0, 5)) == 0:
        order = replace(order, faction=draw(ids["faction"]))
    return order


@settings(max_examples=150, deadline=None)
@given(game=games, data=st.data())
def test_validate_accepts_exactly_what_the_rules_allow(game: Game, data: st.DataObject) -> None:
    pending: list[Order] = []
    for _ in range(data.draw(st.integers(1, 12))):
        order = data.draw(candidate_orders(game))
        expected = reference_legal(game, order, pending)
        assert is_legal(game.world, game.state, order, pending) == expected, (order, pending)
        if expected:
            pending.append(order)


@settings(max_examples=100, deadline=None)
@given(game=games)
def test_legal_orders_lists_what_the_rules_say(game: Game) -> None:
    for faction in game.world.faction_ids:
        assert legal_orders(game.world, game.state, faction) == reference_listing(game, faction)


@settings(max_examples=100, deadline=None)
@given(game=games, data=st.data())
def test_compiled_orders_add_up_what_the_orders_say(game: Game, data: st.DataObject) -> None:
    runs = [data.draw(fst.turn_orders(game)) for _ in range(data.draw(st.integers(1, 3)))]
    arrays = compile_orders(game.world, runs)
    world = game.world
    for b, orders in enumerate(runs):
        flow = np.zeros((world.n_factions, world.n_arcs))
        strike = np.zeros((len(world.air_ids), world.n_locations))
        support = np.zeros_like(strike)
        for order in orders:
            if isinstance(order, Attack | Move):
                arc = next(
                    d
                    for d in range(world.n_arcs)
                    if world.location_ids[int(world.arc_src[d])] == order.origin
                    and world.location_ids[int(world.arc_dst[d])] == order.target
                )
                flow[world.faction_index(order.faction), arc] += order.amount
            else:
                into = strike if isinstance(order, Airstrike) else support
                into[world.air_index(order.air_support), world.location_index(order.target)] += (
                    order.sorties
                )
        assert (arrays.flow[b] == flow).all()
        assert (arrays.strike[b] == strike).all() and (arrays.support[b] == support).all()
