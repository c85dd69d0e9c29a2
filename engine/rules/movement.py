"""Phase 3: movement. Forces leave their origin along routes; those entering a place held by
an enemy arrive as attackers, the others simply move."""

from __future__ import annotations

import numpy as np

from engine.orders import OrderArrays
from engine.rules.common import hostile_here
from engine.state import State
from engine.world import BoolArray, World


def resolve_movement(world: World, state: State, orders: OrderArrays) -> tuple[State, BoolArray]:
    """Apply every flow (never more than is present); returns the new state and which
    factions attacked (``B x F``)."""
    flow = np.where(np.isfinite(orders.flow) & (orders.flow > 0), orders.flow, 0.0)
    flow = flow * ~state.done[:, np.newaxis, np.newaxis]
    with np.errstate(over="ignore"):  # absurd amounts sum to inf and are clipped just below
        leaving = world.sum_at_origins(flow)  # B x F x L
    scale = np.where(leaving > state.forces, state.forces / np.maximum(leaving, 1e-300), 1.0)
    moved = flow * scale[:, :, world.arc_src]
    forces = state.forces - world.sum_at_origins(moved)
    forces = np.maximum(forces, 0.0) + world.sum_at_ends(moved)
    into_enemy = hostile_here(state)[:, :, world.arc_dst]  # B x F x D
    attacked: BoolArray = np.asarray(((moved > 0) & into_enemy).any(axis=2))
    return state.evolve(forces=forces), attacked
