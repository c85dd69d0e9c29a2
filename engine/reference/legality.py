"""Which orders the rules allow, plainly: the checks of ``docs/rules.md`` in their order."""

from __future__ import annotations

import math
from collections.abc import Sequence

from frontlines.engine.orders import Airstrike, Attack, CloseSupport, Move, Order
from frontlines.engine.reference.common import ally, barred, holder, one_game
from frontlines.engine.reference.orders import available_sorties
from frontlines.engine.state import State
from frontlines.engine.world import World

REASONS = {
    "over": "the game is over",
    "faction": "unknown faction",
    "location": "unknown location",
    "number": "the amount must be a number",
    "finite": "the amount must be a finite number",
    "positive": "the amount must be more than 0",
    "route": "no route joins",
    "closed": "may not use the route",
    "too much": "cannot send",
    "friendly": "move there instead",
    "hostile": "attack it instead",
    "entry": "unknown air-support entry",
    "provider": "is flown by",
    "sorties": "sorties must be a whole number above 0",
    "too many": "sorties left this turn",
    "range": "is out of range of",
    "allies": "only allies would be hit",
    "battle": "no battle is possible",
}
"""Each reason an order is refused, and words the engine's message for it contains."""


def refusal(world: World, state: State, order: Order, pending: Sequence[Order] = ()) -> str | None:
    """The first reason (a key of :data:`REASONS`) the rules refuse ``order`` in the game,
    given the orders already accepted this turn; ``None`` if it is legal."""
    one_game(state)
    if bool(state.done[0]):
        return "over"
    if not isinstance(order.faction, str) or order.faction not in world.faction_ids:
        return "faction"
    if not isinstance(order.target, str) or order.target not in world.location_ids:
        return "location"
    faction = world.faction_ids.index(order.faction)
    target = world.location_ids.index(order.target)
    if isinstance(order, Attack | Move):
        return _ground(world, state, order, faction, target, pending)
    return _air(world, state, order, faction, target, pending)


def _ground(
    world: World,
    state: State,
    order: Attack | Move,
    faction: int,
    target: int,
    pending: Sequence[Order],
) -> str | None:
    if not isinstance(order.origin, str) or order.origin not in world.location_ids:
        return "location"
    origin = world.location_ids.index(order.origin)
    amount = order.amount
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        return "number"
    try:
        finite = math.isfinite(float(amount))
    except OverflowError:  # an integer too big for a float
        finite = False
    if not finite:
        return "finite"
    if amount <= 0:
        return "positive"
    joined = [
        arc
        for arc in range(world.n_arcs)
        if world.arc_src[arc] == origin and world.arc_dst[arc] == target
    ]
    if not joined:
        return "route"
    if barred(state, faction, joined[0]):
        return "closed"
    committed = 0.0
    for other in pending:
        if not isinstance(other, Attack | Move):
            continue
        if other.faction == order.faction and other.origin == order.origin:
            committed += other.amount
    if amount > float(state.forces[0, faction, origin]) - committed + 1e-9:
        return "too much"
    friendly = ally(state, faction, holder(state, target))
    if isinstance(order, Attack) and friendly:
        return "friendly"
    if isinstance(order, Move) and not friendly:
        return "hostile"
    return None


def _air(
    world: World,
    state: State,
    order: Airstrike | CloseSupport,
    faction: int,
    target: int,
    pending: Sequence[Order],
) -> str | None:
    if not isinstance(order.air_support, str) or order.air_support not in world.air_ids:
        return "entry"
    entry = world.air_ids.index(order.air_support)
    if int(world.air_provider[entry]) != faction:
        return "provider"
    sorties = order.sorties
    if isinstance(sorties, bool) or not isinstance(sorties, int) or sorties <= 0:
        return "sorties"
    left = available_sorties(world, state)[entry]
    for other in pending:
        if isinstance(other, Airstrike | CloseSupport) and other.air_support == order.air_support:
            left -= other.sorties
    if sorties > left:
        return "too many"
    if not bool(world.air_in_range[entry, target]):
        return "range"
    beneficiary = int(world.air_beneficiary[entry])
    enemies_here = any(
        not ally(state, beneficiary, f) and state.forces[0, f, target] > 0
        for f in range(world.n_factions)
    )
    if isinstance(order, Airstrike):
        return None if enemies_here or _enemy_due(world, state, beneficiary, target) else "allies"
    if enemies_here or _threatened(world, state, beneficiary, target, pending):
        return None
    return "battle"


def _enemy_due(world: World, state: State, side: int, target: int) -> bool:
    """Whether an enemy of ``side`` has forces on the road that arrive at ``target`` this
    turn (in the head slot of a route into it)."""
    for arc in range(world.n_arcs):
        if int(world.arc_dst[arc]) != target or int(world.roads.slots[arc]) == 0:
            continue
        head = int(world.roads.slot_start[arc])
        for f in range(world.n_factions):
            if not ally(state, side, f) and state.transit[0, f, head] > 0:
                return True
    return False


def _threatened(
    world: World, state: State, side: int, target: int, pending: Sequence[Order]
) -> bool:
    """Whether a battle of ``side`` may be fought at ``target`` this turn: it holds the place
    and an enemy can arrive there this turn (from next to it along a route crossed in one
    turn at the free pace, or from the road), or its side arrives there from the road, or it
    (or an ally) has already ordered an attack on it along a route crossed in one turn."""
    holds = ally(state, side, holder(state, target))
    for arc in range(world.n_arcs):
        if int(world.arc_dst[arc]) != target:
            continue
        there = int(world.arc_src[arc])
        quick = int(world.roads.free_legs[arc]) == 1
        head = int(world.roads.slot_start[arc])
        for f in range(world.n_factions):
            on_road = int(world.roads.slots[arc]) > 0 and state.transit[0, f, head] > 0
            near = quick and state.forces[0, f, there] > 0
            if holds and not ally(state, side, f) and (near or on_road):
                return True
            if not holds and ally(state, side, f) and on_road:
                return True
    for other in pending:
        if not isinstance(other, Attack) or other.target != world.location_ids[target]:
            continue
        road = world.lookup["arcs"].get((world.lookup["locations"].get(other.origin), target))
        f = world.faction_ids.index(other.faction)
        if road is not None and ally(state, side, f) and int(world.roads.free_legs[road]) == 1:
            return True
    return False


def legal_orders(world: World, state: State, faction_id: str) -> list[Order]:
    """Every order the faction may give, each with all it has: an attack or move along every
    arc open to it from each place where it has forces, and for every entry it provides with sorties
    left, a strike and a support order at every place in range where enemies of the
    beneficiary stand."""
    one_game(state)
    if bool(state.done[0]):
        return []
    f = world.faction_ids.index(faction_id)
    orders: list[Order] = []
    for arc in range(world.n_arcs):
        origin, target = int(world.arc_src[arc]), int(world.arc_dst[arc])
        strength = float(state.forces[0, f, origin])
        if strength <= 0 or barred(state, f, arc):
            continue
        kind = Move if ally(state, f, holder(state, target)) else Attack
        orders.append(
            kind(faction_id, world.location_ids[origin], world.location_ids[target], strength)
        )
    sorties = available_sorties(world, state)
    for a, air_id in enumerate(world.air_ids):
        if int(world.air_provider[a]) != f or sorties[a] <= 0:
            continue
        beneficiary = int(world.air_beneficiary[a])
        for p, place in enumerate(world.location_ids):
            if not bool(world.air_in_range[a, p]):
                continue
            here = any(
                not ally(state, beneficiary, g) and state.forces[0, g, p] > 0
                for g in range(world.n_factions)
            )
            if here or _enemy_due(world, state, beneficiary, p):
                orders.append(Airstrike(faction_id, air_id, place, sorties[a]))
            if here:
                orders.append(CloseSupport(faction_id, air_id, place, sorties[a]))
    return orders
