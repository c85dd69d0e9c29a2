"""Phase 6: supply. A faction's forces are supplied where a chain of places held by it or its
allies links them to a supply source its side holds (a force besieging a place draws supply
from the friendly place next to it); cut-off forces count the turns they have been cut off.
Supply never flows along a route closed to the faction (or cut)."""

from __future__ import annotations

import numpy as np

from frontlines.engine.arrays import BoolArray, IntArray
from frontlines.engine.rules.common import barred_arcs, friendly_here
from frontlines.engine.state import State
from frontlines.engine.world import World


def supplied(world: World, state: State) -> BoolArray:
    """``B x F x L``: where each faction's forces are in supply."""
    barred = barred_arcs(state)  # (closed routes: the plain flood, with those arcs masked)
    if world.neighbour_bits is not None and barred is None:
        return _supplied_bits(world, state, world.neighbour_bits)
    friendly = friendly_here(state.allied, state.controller)  # B x F x L
    reach = friendly & world.supply_source[np.newaxis, np.newaxis, :]
    usable = True if barred is None else ~barred
    for _ in range(world.n_locations):  # one step of the flood per iteration, to the diameter
        spread = world.any_at_ends(reach[:, :, world.arc_src] & usable)
        grown = reach | (spread & friendly)
        if np.array_equal(grown, reach):
            break
        reach = grown
    next_to = world.any_at_ends(reach[:, :, world.arc_src] & usable)
    return reach | next_to


def _next_to(places: IntArray, table: IntArray) -> IntArray:
    """The places an arc leads to from any of ``places`` (sets as integers; see
    :attr:`World.neighbour_bits <engine.world.World.neighbour_bits>` for ``table``)."""
    if len(table) == 1:
        one: IntArray = table[0][places]
        return one
    width = table.shape[1].bit_length() - 1
    mask = table.shape[1] - 1
    out: IntArray = table[0][places & mask]
    for j in range(1, len(table)):  # one lookup per chunk of the set: at most 7
        out |= table[j][(places >> (width * j)) & mask]
    return out


def _supplied_bits(world: World, state: State, table: IntArray) -> BoolArray:
    """:func:`supplied` on a small map, with each set of places held in one integer (bit l
    for place l), so that a step of the flood is a few lookups per run and faction."""
    n_b, n_f, n_l = state.batch, world.n_factions, world.n_locations
    # The places each faction holds (sums of distinct powers of two below 2**53 are exact).
    holder = (np.arange(n_b)[:, np.newaxis] * n_f + state.controller).reshape(-1)
    weights = np.repeat(world.place_bits[np.newaxis], n_b, axis=0).reshape(-1)
    held_by = np.bincount(holder, weights=weights, minlength=n_b * n_f).astype(np.int64)
    # Factions hold disjoint sets, so adding the sets of a faction's allies unites them.
    friendly = np.where(state.allied, held_by.reshape(n_b, 1, n_f), 0).sum(axis=2)  # B x F
    reach = friendly & world.source_bits
    while True:  # two steps of the flood per iteration (one more changes nothing at the end)
        grown = reach | (_next_to(reach, table) & friendly)
        grown |= _next_to(grown, table) & friendly
        if not np.count_nonzero(grown != reach):
            break
        reach = grown
    ok = (reach | _next_to(reach, table)).astype("<i8")
    flags = np.unpackbits(ok.view(np.uint8), bitorder="little").view(np.bool_)
    result: BoolArray = flags.reshape(n_b, n_f, 64)[:, :, :n_l]
    return result


def resolve_supply(world: World, state: State) -> State:
    """Count, for each faction and place, the turns its forces there have been cut off."""
    ok = supplied(world, state)
    present = state.forces > 0
    unsupplied = np.where(present & ~ok, state.unsupplied + 1, 0)
    if np.count_nonzero(state.done):
        unsupplied = np.where(state.done[:, np.newaxis, np.newaxis], state.unsupplied, unsupplied)
    return state.evolve(unsupplied=unsupplied)
