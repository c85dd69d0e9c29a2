"""Phase 3, plainly: every flow moves at once, never more than is present."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from frontlines.engine.arrays import BoolArray, FloatArray
from frontlines.engine.reference.common import barred, hostile_at, merged_count, one_game
from frontlines.engine.reference.orders import PlainOrders
from frontlines.engine.state import State
from frontlines.engine.weather import weather_section
from frontlines.engine.world import World


@dataclass(frozen=True)
class MovementOutcome:
    """Which factions attacked (``F``): sent strength into a place where they are hostile;
    the strength that went along each arc (``F x arcs``); and what crossings cost each
    faction's attackers (``F x L``): strength that arrived at a place where it is hostile
    along a route across a river or strait, times ``1 - 1 / factor``."""

    attacked: BoolArray
    moved: FloatArray
    crossed: FloatArray | None = None


def movement(world: World, state: State, orders: PlainOrders) -> tuple[State, MovementOutcome]:
    """Move what is on the road one turn on, then the ordered strength along its routes. A
    faction sending more out of a place than it has there sends every flow scaled by
    ``strength / leaving``; a journey takes as many turns as its length over a turn's reach
    (stretched where it is opposed, and over the pace the weather keeps as it sets out), and
    waits in transit until then. Nothing sets out along an arc barred to its faction; what is
    on the road already goes on."""
    one_game(state)
    n_f, n_l, n_arcs = world.n_factions, world.n_locations, world.n_arcs
    before = state.forces[0]
    attacked = np.zeros(n_f, dtype=bool)
    moved = np.zeros((n_f, n_arcs))
    crossed = np.zeros((n_f, n_l))
    if bool(state.done[0]):
        return state, MovementOutcome(attacked, moved, crossed)
    src = [int(s) for s in world.arc_src]
    dst = [int(d) for d in world.arc_dst]
    slots = [int(k) for k in world.roads.slots]
    start = [int(k) for k in world.roads.slot_start]
    count = state.unsupplied[0]
    old, old_carried = state.transit[0], state.transit_unsupplied[0]
    transit, carried = np.zeros_like(old), np.zeros_like(old_carried)
    landed, landed_carried = np.zeros((n_f, n_l)), np.zeros((n_f, n_l))
    landed_cost = np.zeros((n_f, n_l))
    loss = [float(x) for x in world.crossing_loss]
    for f in range(n_f):
        for arc in range(n_arcs):
            if slots[arc] == 0:
                continue
            landed[f, dst[arc]] += float(old[f, start[arc]])
            landed_carried[f, dst[arc]] += float(old_carried[f, start[arc]])
            landed_cost[f, dst[arc]] += float(old[f, start[arc]]) * loss[arc]
            for j in range(slots[arc] - 1):
                transit[f, start[arc] + j] = old[f, start[arc] + j + 1]
                carried[f, start[arc] + j] = old_carried[f, start[arc] + j + 1]
    forces = before.copy()
    counts = count.copy()
    for f in range(n_f):
        amount = [float(orders.flow[f, arc]) for arc in range(n_arcs)]
        amount = [x if math.isfinite(x) and x > 0 else 0.0 for x in amount]
        amount = [0.0 if barred(state, f, arc) else amount[arc] for arc in range(n_arcs)]
        leaving = [0.0] * n_l
        for arc in range(n_arcs):
            leaving[src[arc]] += amount[arc]
        scale = [
            float(before[f, p]) / max(leaving[p], 1e-300) if leaving[p] > before[f, p] else 1.0
            for p in range(n_l)
        ]
        for arc in range(n_arcs):
            moved[f, arc] = amount[arc] * scale[src[arc]]
        sent = [0.0] * n_l  # this turn's strength sent towards each place it is hostile to
        for arc in range(n_arcs):
            if amount[arc] > 0 and hostile_at(state, f, dst[arc]):
                sent[dst[arc]] += float(moved[f, arc])
        gone, arrived, brought = [0.0] * n_l, [0.0] * n_l, [0.0] * n_l
        for arc in range(n_arcs):
            if amount[arc] <= 0:
                continue
            gone[src[arc]] += float(moved[f, arc])
            legs = journey_legs(world, state, f, arc, sent[dst[arc]])
            # What moves carries its turns cut off with it (as strength times turns).
            mass = float(moved[f, arc]) * int(count[f, src[arc]])
            if legs == 1:
                arrived[dst[arc]] += float(moved[f, arc])
                brought[dst[arc]] += mass
                if hostile_at(state, f, dst[arc]):
                    crossed[f, dst[arc]] += float(moved[f, arc]) * loss[arc]
                if moved[f, arc] > 0 and hostile_at(state, f, dst[arc]):
                    attacked[f] = True
            else:
                transit[f, start[arc] + legs - 2] += float(moved[f, arc])
                carried[f, start[arc] + legs - 2] += mass
        for p in range(n_l):
            if hostile_at(state, f, p):
                crossed[f, p] += landed_cost[f, p]
            if landed[f, p] > 0 and hostile_at(state, f, p):
                attacked[f] = True
            # Asked for all that is there or more: all of it goes (no rounding is left).
            staying = 0.0 if leaving[p] > before[f, p] else max(float(before[f, p]) - gone[p], 0.0)
            forces[f, p] = staying + (arrived[p] + landed[f, p])
            mass = staying * int(count[f, p]) + (brought[p] + landed_carried[f, p])
            counts[f, p] = merged_count(mass, float(forces[f, p]), int(count[f, p]))
    evolved = state.evolve(
        forces=forces[np.newaxis],
        transit=transit[np.newaxis],
        unsupplied=counts[np.newaxis],
        transit_unsupplied=carried[np.newaxis],
    )
    return evolved, MovementOutcome(attacked, moved, crossed)


def weather_pace(world: World, state: State, kind: str) -> float:
    """The fraction of the pace along a route of ``kind`` that this turn's weather keeps."""
    section = weather_section(world.scenario)
    if section is None:
        return 1.0
    return float(getattr(section.kinds[int(state.weather[0])].movement, kind))


def free_legs(world: World, state: State, f: int, arc: int) -> int:
    """Turns faction ``f``'s unopposed journey along ``arc`` takes in this turn's weather: its
    length over a turn's reach, over the share of the pace the weather keeps and over the
    faction's march pace, rounded up."""
    length = float(world.graph.arc_length_km()[arc])
    kind = world.graph.kind[arc % len(world.graph.kind)]
    reach = float(getattr(world.rules.movement, kind)) * world.turn_length_days
    turns = length / reach
    march = float(state.pace[0, f])
    return min(
        max(math.ceil(turns / weather_pace(world, state, kind) / march), 1),
        int(world.roads.slots[arc]) + 1,
    )


def journey_legs(world: World, state: State, f: int, arc: int, sent: float) -> int:
    """Turns faction ``f``'s journey along ``arc`` takes: its length over a turn's reach at
    the route kind's pace, over the share of it the weather keeps and over the faction's march
    pace; into a place held by an enemy the contested share of it goes at the opposed pace,
    set by ``sent`` (all it sends there this turn) over the defenders."""
    move = world.rules.movement
    length = float(world.graph.arc_length_km()[arc])
    kind = world.graph.kind[arc % len(world.graph.kind)]
    reach = float(getattr(move, kind)) * world.turn_length_days
    most = int(world.roads.slots[arc]) + 1
    turns = length / reach
    kept = weather_pace(world, state, kind)
    march = float(state.pace[0, f])
    free = min(max(math.ceil(turns / kept / march), 1), most)
    place = int(world.arc_dst[arc])
    if not hostile_at(state, f, place) or free >= most:
        return free
    defence = 0.0
    for g in range(world.n_factions):
        if not hostile_at(state, g, place):
            defence += float(state.forces[0, g, place])
    if defence <= 0:
        return free  # nobody to stop them
    advance = float(getattr(move, world.location_terrains[place]))
    pace = min(max(move.opposed_per_ratio * (sent / defence) * advance, move.opposed_floor), 1.0)
    stretch = (1.0 - move.contested_share) + move.contested_share / pace
    return min(max(math.ceil(turns * stretch / kept / march), 1), most)
