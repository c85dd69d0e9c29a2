"""Phase 6, plainly: a breadth-first flood from each side's supply sources."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from frontlines.engine.arrays import BoolArray
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


def supply(world: World, state: State) -> tuple[State, SupplyOutcome]:
    """Count, for each faction and place, the turns its forces there have been cut off: one
    more where it has forces out of supply, zero elsewhere."""
    ok = supplied(world, state)
    if bool(state.done[0]):
        return state, SupplyOutcome(ok)
    counts = state.unsupplied[0].copy()
    for f in range(world.n_factions):
        for p in range(world.n_locations):
            cut_off = state.forces[0, f, p] > 0 and not ok[f, p]
            counts[f, p] = counts[f, p] + 1 if cut_off else 0
    return state.evolve(unsupplied=counts[np.newaxis]), SupplyOutcome(ok)
