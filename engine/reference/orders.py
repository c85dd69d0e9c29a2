"""Orders as the reference reads them: one game's requests, and the sorties each entry has."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from frontlines.engine.arrays import FloatArray
from frontlines.engine.orders import Airstrike, Attack, Move, Order, OrderArrays
from frontlines.engine.reference.common import ally, holder
from frontlines.engine.state import State
from frontlines.engine.weather import weather_section
from frontlines.engine.world import World


@dataclass(frozen=True)
class PlainOrders:
    """One game's orders: ``flow[f, arc]`` strength sent along each directed arc,
    ``strike[a, p]`` and ``support[a, p]`` sorties requested (anything at all: the rules
    decide what of it is usable)."""

    flow: FloatArray
    strike: FloatArray
    support: FloatArray


def plain_orders(world: World, orders: OrderArrays | Sequence[Order], run: int = 0) -> PlainOrders:
    """Game ``run`` of arrays, or a list of orders added up (orders of one kind on the same
    arc or place add up)."""
    if isinstance(orders, OrderArrays):
        return PlainOrders(
            orders.flow[run].copy(), orders.strike[run].copy(), orders.support[run].copy()
        )
    n_a, n_l = len(world.air_ids), world.n_locations
    flow = np.zeros((world.n_factions, world.n_arcs))
    strike, support = np.zeros((n_a, n_l)), np.zeros((n_a, n_l))
    for order in orders:
        target = world.location_ids.index(order.target)
        if isinstance(order, Attack | Move):
            origin = world.location_ids.index(order.origin)
            arcs = [
                arc
                for arc in range(world.n_arcs)
                if world.arc_src[arc] == origin and world.arc_dst[arc] == target
            ]
            flow[world.faction_ids.index(order.faction), arcs[0]] += order.amount
        else:
            entry = world.air_ids.index(order.air_support)
            kind = strike if isinstance(order, Airstrike) else support
            kind[entry, target] += order.sorties
    return PlainOrders(flow, strike, support)


def available_sorties(world: World, state: State) -> list[int]:
    """Sorties each air-support entry can fly this turn: its rate a day times the days of a
    turn, or none while the game is over or while a faction that is not the provider's ally
    holds its base; in declared weather, the weather's share of each day's, rounded down."""
    out = []
    section = weather_section(world.scenario)
    share = None if section is None else section.kinds[int(state.weather[0])].sorties
    for a in range(len(world.air_ids)):
        base = int(world.air_base[a])
        provider = int(world.air_provider[a])
        grounded = base >= 0 and not ally(state, provider, holder(state, base))
        per_day = int(state.sortie_rate[0, a])
        if share is not None:
            per_day = math.floor(per_day * share)
        can = per_day * world.turn_length_days
        out.append(0 if bool(state.done[0]) or grounded else can)
    return out
