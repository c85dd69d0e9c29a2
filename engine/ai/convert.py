"""Batched orders back to order objects, so the computer's orders for one game go through the
same validation as a player's."""

from __future__ import annotations

import numpy as np

from frontlines.engine.orders import Airstrike, Attack, CloseSupport, Move, Order, OrderArrays
from frontlines.engine.rules.common import hostile_here
from frontlines.engine.state import State
from frontlines.engine.world import World


def orders_of_run(world: World, state: State, orders: OrderArrays, run: int = 0) -> list[Order]:
    """Run ``run``'s orders as objects: ground orders first (air support may depend on the
    attacks they make), then strikes and close support."""
    result: list[Order] = []
    hostile = hostile_here(state)[run]
    flow = orders.flow[run]
    for f, arc in zip(*np.nonzero(flow > 0), strict=True):
        origin, target = int(world.arc_src[arc]), int(world.arc_dst[arc])
        kind = Attack if hostile[f, target] else Move
        result.append(
            kind(
                world.faction_ids[f],
                world.location_ids[origin],
                world.location_ids[target],
                float(flow[f, arc]),
            )
        )
    for sorties, kind_air in ((orders.strike[run], Airstrike), (orders.support[run], CloseSupport)):
        for entry, place in zip(*np.nonzero(sorties > 0), strict=True):
            result.append(
                kind_air(
                    world.faction_ids[world.air_provider[entry]],
                    world.air_ids[entry],
                    world.location_ids[place],
                    int(sorties[entry, place]),
                )
            )
    return result
