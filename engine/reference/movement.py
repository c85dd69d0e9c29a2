"""Phase 3, plainly: every flow moves at once, never more than is present."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from frontlines.engine.arrays import BoolArray, FloatArray
from frontlines.engine.reference.common import hostile_at, one_game
from frontlines.engine.reference.orders import PlainOrders
from frontlines.engine.state import State
from frontlines.engine.world import World


@dataclass(frozen=True)
class MovementOutcome:
    """Which factions attacked (``F``): sent strength into a place where they are hostile;
    and the strength that went along each arc (``F x arcs``)."""

    attacked: BoolArray
    moved: FloatArray


def movement(world: World, state: State, orders: PlainOrders) -> tuple[State, MovementOutcome]:
    """Move the ordered strength along its routes. A faction sending more out of a place
    than it has there sends every flow scaled by ``strength / leaving``."""
    one_game(state)
    n_f, n_l, n_arcs = world.n_factions, world.n_locations, world.n_arcs
    before = state.forces[0]
    attacked = np.zeros(n_f, dtype=bool)
    moved = np.zeros((n_f, n_arcs))
    if bool(state.done[0]):
        return state, MovementOutcome(attacked, moved)
    src = [int(s) for s in world.arc_src]
    dst = [int(d) for d in world.arc_dst]
    forces = before.copy()
    for f in range(n_f):
        amount = [float(orders.flow[f, arc]) for arc in range(n_arcs)]
        amount = [x if math.isfinite(x) and x > 0 else 0.0 for x in amount]
        leaving = [0.0] * n_l
        for arc in range(n_arcs):
            leaving[src[arc]] += amount[arc]
        scale = [
            float(before[f, p]) / max(leaving[p], 1e-300) if leaving[p] > before[f, p] else 1.0
            for p in range(n_l)
        ]
        gone, arrived = [0.0] * n_l, [0.0] * n_l
        for arc in range(n_arcs):
            moved[f, arc] = amount[arc] * scale[src[arc]]
            gone[src[arc]] += float(moved[f, arc])
            arrived[dst[arc]] += float(moved[f, arc])
            if moved[f, arc] > 0 and hostile_at(state, f, dst[arc]):
                attacked[f] = True
        for p in range(n_l):
            forces[f, p] = max(float(before[f, p]) - gone[p], 0.0) + arrived[p]
    return state.evolve(forces=forces[np.newaxis]), MovementOutcome(attacked, moved)
