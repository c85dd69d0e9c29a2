"""Phase 6, plainly: a breadth-first flood from each side's supply sources, and the days of
travel from the nearest one by a shortest-path search."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from frontlines.engine.arrays import BoolArray, FloatArray
from frontlines.engine.reference.common import ally, barred, holder, one_game
from frontlines.engine.state import State
from frontlines.engine.world import World


@dataclass(frozen=True)
class SupplyOutcome:
    """Where each faction's forces are in supply (``F x L``)."""

    supplied: BoolArray


def supplied(world: World, state: State) -> BoolArray:
    """``F x L``: the places held by a faction's side that a chain of such places links to a
    supply source its side holds, and every place next to one of them; never along a route
    barred to the faction."""
    one_game(state)
    n_f, n_l = world.n_factions, world.n_locations
    ok = np.zeros((n_f, n_l), dtype=bool)
    for f in range(n_f):
        next_to: list[list[int]] = [[] for _ in range(n_l)]
        for arc in range(world.n_arcs):
            if not barred(state, f, arc):
                next_to[int(world.arc_src[arc])].append(int(world.arc_dst[arc]))
        friendly = [ally(state, f, holder(state, p)) for p in range(n_l)]
        reached = [friendly[p] and bool(world.supply_source[p]) for p in range(n_l)]
        queue = deque(p for p in range(n_l) if reached[p])
        while queue:
            here = queue.popleft()
            for there in next_to[here]:
                if friendly[there] and not reached[there]:
                    reached[there] = True
                    queue.append(there)
        for p in range(n_l):
            ok[f, p] = reached[p] or any(reached[n] for n in next_to[p])
    return ok


def supply_days(world: World, state: State) -> FloatArray:
    """``F x L``: the days of travel from each faction's nearest supply source held by its
    side, along routes through places its side holds (the last may lead into any place) and
    not barred to it; ``inf`` where none is reached. Bellman-Ford: relax every route until
    nothing changes."""
    one_game(state)
    n_f, n_l = world.n_factions, world.n_locations
    if world.rules.supply.range_days is None:
        return np.where(supplied(world, state), 0.0, math.inf)
    days = [float(d) for d in world.roads.days]
    out = np.full((n_f, n_l), math.inf)
    for f in range(n_f):
        friendly = [ally(state, f, holder(state, p)) for p in range(n_l)]
        best = [0.0 if friendly[p] and world.supply_source[p] else math.inf for p in range(n_l)]
        changed = True
        while changed:
            changed = False
            for arc in range(world.n_arcs):
                a, b = int(world.arc_src[arc]), int(world.arc_dst[arc])
                if barred(state, f, arc):
                    continue
                if friendly[b] and best[a] + days[arc] < best[b]:
                    best[b] = best[a] + days[arc]
                    changed = True
        for p in range(n_l):
            out[f, p] = best[p]
            for arc in range(world.n_arcs):
                if int(world.arc_dst[arc]) == p and not barred(state, f, arc):
                    out[f, p] = min(out[f, p], best[int(world.arc_src[arc])] + days[arc])
    return out


def supply(world: World, state: State) -> tuple[State, SupplyOutcome]:
    """Count, for each faction and place, the turns its forces there have been cut off: one
    more where it has forces out of supply, zero elsewhere; and measure how far each place
    is from the faction's supply."""
    ok = supplied(world, state)
    if bool(state.done[0]):
        return state, SupplyOutcome(ok)
    days = supply_days(world, state)
    counts = state.unsupplied[0].copy()
    for f in range(world.n_factions):
        for p in range(world.n_locations):
            cut_off = state.forces[0, f, p] > 0 and not ok[f, p]
            counts[f, p] = counts[f, p] + 1 if cut_off else 0
    evolved = state.evolve(unsupplied=counts[np.newaxis], supply_days=days[np.newaxis])
    return evolved, SupplyOutcome(ok)
