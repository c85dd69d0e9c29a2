"""Phase 3: movement. Forces leave their origin along routes and travel so many km a day by
the route's kind; a journey longer than a turn's reach waits in transit and arrives turns
later. An advance on a place held by an enemy goes slower, the more so the weaker the
attackers and the harder the ground (in the manner of Dupuy's TNDM advance rates). Bad
weather slows every pace by its share for the route's kind, fixed on the turn a journey sets
out. Forces arriving at a place held by an enemy arrive as attackers, the others simply
move; attackers arriving along a route that crosses a river or strait carry the crossing's
cost into the battle. Nobody sets out along a route closed to them (or cut); forces already
on it when it closes go on (the cut falls behind them)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from frontlines.engine.arrays import BoolArray, FloatArray, IntArray
from frontlines.engine.orders import OrderArrays
from frontlines.engine.rules.common import (
    SEQUENTIAL_SUM_MAX,
    barred_arcs,
    derived,
    hostile_here,
    sum_axis1,
    weighted_count,
)
from frontlines.engine.state import State
from frontlines.engine.world import World


def resolve_movement(
    world: World, state: State, orders: OrderArrays, *, hostile: BoolArray | None = None
) -> tuple[State, BoolArray, FloatArray | None]:
    """Move forces on the road one turn on, then apply every flow (never more than is
    present); returns the new state, which factions attacked (``B x F``): sent strength
    that arrived this turn at a place held by an enemy, and what crossing cost them there
    (``B x F x L``: the strength that arrived across a river or strait times the crossing's
    ``1 - 1 / factor``; ``None`` on maps without crossings).

    Flows along arcs barred to their faction (:func:`barred_arcs`) are dropped.

    ``hostile`` is :func:`~frontlines.engine.rules.common.hostile_here` of ``state`` if the caller
    has it. Flows are few, so only the arcs that carry something are looked at: their amounts are
    summed per place in arc order, as summing every arc would (adding zeros changes no sum).
    """
    n_b, n_f, n_d = orders.flow.shape
    n_l = world.n_locations
    roads = world.roads
    flat = orders.flow.reshape(-1)
    barred = barred_arcs(state)
    if barred is not None:
        flat = np.where(barred.reshape(-1), 0.0, flat)
    index = (flat > 0).nonzero()[0]
    amount = flat[index]
    row = index // n_d  # run * F + faction
    arc = index - row * n_d
    usable = np.isfinite(amount)
    if np.count_nonzero(state.done):
        usable &= ~state.done[row // n_f]
    if np.count_nonzero(usable) < usable.size:
        amount, row, arc = amount[usable], row[usable], arc[usable]
    origin = row * n_l + world.arc_src[arc]  # flat B x F x L index of each flow's origin
    end = row * n_l + world.arc_dst[arc]
    size = n_b * n_f * n_l
    present = state.forces.reshape(-1)
    # Absurd amounts sum to inf (``np.bincount`` gives no overflow warning); clipped below.
    leaving = np.bincount(origin, weights=amount, minlength=size)[origin]
    there = present[origin]
    scale = np.where(leaving > there, there / np.maximum(leaving, 1e-300), 1.0)
    moved = amount * scale
    if hostile is None:
        hostile = hostile_here(state)
    into_enemy = hostile.reshape(-1)[end]
    weather = world.weather.declared
    legs = roads.weather_legs[state.weather[row // n_f], arc] if weather else roads.free_legs[arc]
    march = state.pace.reshape(-1)[row]  # each flow's faction's pace in its run
    brisk = march != 1.0
    if roads.n_slots and np.count_nonzero(brisk):
        legs = legs.copy()
        kept = roads.weather_pace[state.weather[row // n_f], arc][brisk] if weather else 1.0
        legs[brisk] = roads.free(arc[brisk], kept, march[brisk])
    if roads.n_slots:
        slowed = into_enemy & (legs <= roads.slots[arc])  # where a slower pace can tell
        if np.count_nonzero(slowed):
            legs = legs.copy()
            legs[slowed] = _opposed_legs(
                world, state, hostile, row, arc, end, moved, slowed, march[slowed]
            )
    now = legs == 1
    gone = np.bincount(origin, weights=moved, minlength=size)
    arrived = np.bincount(end[now], weights=moved[now], minlength=size).astype(
        np.float64, copy=False
    )
    attacked = np.zeros(n_b * n_f, dtype=bool)
    attacked[row[now & into_enemy & (moved > 0)]] = True
    crossed: FloatArray | None = None
    if world.has_crossings:
        assault = now & into_enemy
        cost = moved[assault] * world.crossing_loss[arc[assault]]
        crossed = np.bincount(end[assault], weights=cost, minlength=size).astype(
            np.float64, copy=False
        )
    transit = state.transit
    away = ~now
    if roads.n_slots:
        transit, landed, landed_cost = _travel(
            world, state.transit, row[away], arc[away], legs[away], moved[away], costed=True
        )
        if landed is not None:
            arrived = arrived + landed
            hit = (landed > 0) & hostile.reshape(-1)  # flat B x F x L
            attacked[np.flatnonzero(hit) // n_l] = True
        if crossed is not None and landed_cost is not None:
            crossed = crossed + landed_cost * hostile.reshape(-1)
    # Where the orders ask for all that is there or more, all of it goes: what the scaled
    # amounts would leave behind is rounding, not a force that holds or fights.
    left = np.maximum(present - gone, 0.0)
    left[origin[leaving > there]] = 0.0
    staying = left.reshape(state.forces.shape)
    forces = staying + arrived.reshape(state.forces.shape)
    changes: dict[str, IntArray | FloatArray] = {"forces": forces, "transit": transit}
    if np.count_nonzero(state.unsupplied) or np.count_nonzero(state.transit_unsupplied != 0):
        # The turns cut off belong to the forces: what moves carries its count with it, and
        # forces that meet take the strength-weighted count of both.
        carried = moved * state.unsupplied.reshape(-1)[origin]
        brought = np.bincount(end[now], weights=carried[now], minlength=size).astype(
            np.float64, copy=False
        )
        if roads.n_slots:
            on_road, carried_in, _ = _travel(
                world, state.transit_unsupplied, row[away], arc[away], legs[away], carried[away]
            )
            changes["transit_unsupplied"] = on_road
            if carried_in is not None:
                brought = brought + carried_in
        mass = staying * state.unsupplied + brought.reshape(forces.shape)
        changes["unsupplied"] = weighted_count(mass, forces, state.unsupplied)
    if np.count_nonzero(state.done):
        over = state.done[:, np.newaxis, np.newaxis]
        for name, value in changes.items():
            changes[name] = np.where(over, getattr(state, name), value)
        attacked &= ~np.repeat(state.done, n_f)
    if crossed is not None:
        crossed = crossed.reshape(state.forces.shape)
        if np.count_nonzero(state.done):
            crossed = np.where(state.done[:, np.newaxis, np.newaxis], 0.0, crossed)
    return state.evolve(**changes), attacked.reshape(n_b, n_f), crossed


def _opposed_legs(
    world: World,
    state: State,
    hostile: BoolArray,
    row: IntArray,
    arc: IntArray,
    end: IntArray,
    moved: FloatArray,
    slowed: BoolArray,
    march: FloatArray,
) -> IntArray:
    """Turns each opposed journey (``slowed``) takes: the free pace times the attackers'
    strength ratio over the defenders at the far end (all that a faction sends there this
    turn counts), times ``opposed_per_ratio`` and the terrain's advance factor, between
    ``opposed_floor`` and 1; ``march`` is each journey's faction's pace."""
    move = world.rules.movement
    n_f = world.n_factions
    pick = slowed.nonzero()[0]
    # What each faction sends to each enemy place, summed in flow order (as any grouping of
    # the flows by their end would: a flow into a place held by an ally adds to no total read).
    sent = np.bincount(end, weights=moved)[end[pick]]
    run, place = row[pick] // n_f, world.arc_dst[arc[pick]]
    if n_f <= SEQUENTIAL_SUM_MAX and pick.size * n_f * 8 > state.forces.size:
        # Many opposed journeys: the defence of every place, read where they go, costs less
        # than two gathers of every faction's strength and hostility there (either way the
        # factions add up in order).
        defending = sum_axis1(state.forces * ~hostile)  # B x L
        defence = defending.reshape(-1)[run * world.n_locations + place]
    else:
        defence = sum_axis1(state.forces[run, :, place] * ~hostile[run, :, place])
    # A defence of a few denormal units makes the ratio overflow to inf, which the pace's
    # upper bound turns into the free pace, as it should: not worth a warning.
    with np.errstate(over="ignore"):
        ratio = np.divide(sent, defence, out=np.zeros(pick.size), where=defence > 0)
    pace = (move.opposed_per_ratio * ratio * world.roads.advance[place]).clip(
        move.opposed_floor, 1.0
    )
    pace = np.where(defence > 0, pace, 1.0)  # nobody to stop them: the free pace
    if world.weather.declared:
        kept = world.roads.weather_pace[state.weather[run], arc[pick]]
        return world.roads.legs(arc[pick], pace, kept, march)
    return world.roads.legs(arc[pick], pace, 1.0, march)


@dataclass(frozen=True)
class _Slots:
    """Each transit slot of a map as :func:`_travel` reads it: whether it is the head of its
    arc (what it holds arrives next), and the place its arc leads to and the arc's crossing
    cost."""

    head: BoolArray  # T
    end: IntArray  # T
    loss: FloatArray  # T


def _slots(world: World) -> _Slots:
    """The :class:`_Slots` of ``world``."""
    roads = world.roads
    head = np.zeros(roads.n_slots, dtype=bool)
    head[roads.slot_start[roads.slots > 0]] = True
    return _Slots(head, world.arc_dst[roads.slot_arc], world.crossing_loss[roads.slot_arc])


def _travel(
    world: World,
    on_road: FloatArray,
    row: IntArray,
    arc: IntArray,
    legs: IntArray,
    moved: FloatArray,
    *,
    costed: bool = False,
) -> tuple[FloatArray, FloatArray | None, FloatArray | None]:
    """Move what is on the road (``on_road``, ``B x F x T``: strength, or anything carried in
    proportion to it) one turn on and put this turn's long journeys on it; returns the new
    contents of the road, what reached the end of its arc (flat ``B x F x L``, ``None`` if
    nothing was on the road) and, if ``costed``, the same weighted by each arc's crossing
    cost (``None`` also on maps without crossings).

    The road is mostly empty, so only the slots that hold something are looked at: what is
    in an arc's head slot lands, summed per place in slot order (as summing every head slot
    would: adding zeros changes no sum), and the rest moves one slot nearer the head (an
    arc's slots lie side by side, the head first)."""
    roads = world.roads
    n_b, n_f, n_t = on_road.shape
    landed: FloatArray | None = None
    landed_cost: FloatArray | None = None
    transit = np.zeros(on_road.shape)  # (C order: written into below)
    cells = np.flatnonzero(on_road != 0)  # (numpy finds set flags much faster than nonzeros)
    if cells.size:
        slots = derived(world, _slots)
        slot = cells % n_t
        amount = on_road.reshape(-1)[cells]
        head = slots.head[slot]
        n_l = world.n_locations
        arriving = amount[head]
        place = (cells[head] // n_t) * n_l + slots.end[slot[head]]
        size = n_b * n_f * n_l
        landed = np.bincount(place, weights=arriving, minlength=size).astype(np.float64, copy=False)
        if costed and world.has_crossings:
            cost = arriving * slots.loss[slot[head]]
            landed_cost = np.bincount(place, weights=cost, minlength=size).astype(
                np.float64, copy=False
            )
        on = ~head
        transit.reshape(-1)[cells[on] - 1] = amount[on]
    if row.size:
        slot = roads.slot_start[arc] + legs - 2
        transit.reshape(-1)[row * n_t + slot] += moved
    return transit, landed, landed_cost
