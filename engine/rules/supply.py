"""Phase 6: supply. A faction's forces are supplied where a chain of places held by it or its
allies links them to a supply source its side holds (a force besieging a place draws supply
from the friendly place next to it); cut-off forces count the turns they have been cut off."""

from __future__ import annotations

import numpy as np

from engine.state import State
from engine.world import BoolArray, World


def supplied(world: World, state: State) -> BoolArray:
    """``B x F x L``: where each faction's forces are in supply."""
    b = np.arange(state.batch)[:, np.newaxis, np.newaxis]
    f = np.arange(world.n_factions)[np.newaxis, :, np.newaxis]
    friendly = state.allied[b, f, state.controller[:, np.newaxis, :]]  # B x F x L
    reach = friendly & world.supply_source[np.newaxis, np.newaxis, :]
    for _ in range(world.n_locations):  # one step of the flood per iteration, to the diameter
        spread = world.any_at_ends(reach[:, :, world.arc_src])
        grown = reach | (spread & friendly)
        if np.array_equal(grown, reach):
            break
        reach = grown
    next_to = world.any_at_ends(reach[:, :, world.arc_src])
    return reach | next_to


def resolve_supply(world: World, state: State) -> State:
    """Count, for each faction and place, the turns its forces there have been cut off."""
    ok = supplied(world, state)
    present = state.forces > 0
    unsupplied = np.where(present & ~ok, state.unsupplied + 1, 0)
    unsupplied = np.where(state.done[:, np.newaxis, np.newaxis], state.unsupplied, unsupplied)
    return state.evolve(unsupplied=unsupplied)
