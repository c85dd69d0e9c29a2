"""Phase 3: movement. Forces leave their origin along routes; those entering a place held by
an enemy arrive as attackers, the others simply move."""

from __future__ import annotations

import numpy as np

from frontlines.engine.arrays import BoolArray
from frontlines.engine.orders import OrderArrays
from frontlines.engine.rules.common import hostile_here
from frontlines.engine.state import State
from frontlines.engine.world import World


def resolve_movement(
    world: World, state: State, orders: OrderArrays, *, hostile: BoolArray | None = None
) -> tuple[State, BoolArray]:
    """Apply every flow (never more than is present); returns the new state and which
    factions attacked (``B x F``).

    ``hostile`` is :func:`~frontlines.engine.rules.common.hostile_here` of ``state`` if the caller
    has it. Flows are few, so only the arcs that carry something are looked at: their amounts are
    summed per place in arc order, as summing every arc would (adding zeros changes no sum).
    """
    n_b, n_f, n_d = orders.flow.shape
    n_l = world.n_locations
    flat = orders.flow.reshape(-1)
    index = (flat > 0).nonzero()[0]
    amount = flat[index]
    row = index // n_d  # run * F + faction
    arc = index - row * n_d
    usable = np.isfinite(amount) & ~state.done[row // n_f]
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
    gone = np.bincount(origin, weights=moved, minlength=size).reshape(state.forces.shape)
    arrived = np.bincount(end, weights=moved, minlength=size).reshape(state.forces.shape)
    forces = np.maximum(state.forces - gone, 0.0) + arrived
    if hostile is None:
        hostile = hostile_here(state)
    into_enemy = (moved > 0) & hostile.reshape(-1)[end]
    attacked = np.zeros(n_b * n_f, dtype=bool)
    attacked[row[into_enemy]] = True
    return state.evolve(forces=forces), attacked.reshape(n_b, n_f)
