"""Phase 6: supply. A faction's forces are supplied where a chain of places held by it or its
allies links them to a supply source its side holds (a force besieging a place draws supply
from the friendly place next to it); cut-off forces count the turns they have been cut off.
Supply has a range: the days of travel along that chain from the nearest source, beyond
``rules.supply.range_days`` of which forces weaken step by step (see
:func:`~frontlines.engine.rules.common.supply_factor`). Supply never flows along a route
closed to the faction (or cut)."""

from __future__ import annotations

import numpy as np

from frontlines.engine.arrays import BoolArray, FloatArray, IntArray, nearest_days
from frontlines.engine.rules.common import barred_from, derived, friendly_here
from frontlines.engine.state import State
from frontlines.engine.world import World


def supplied(world: World, state: State) -> BoolArray:
    """``B x F x L``: where each faction's forces are in supply."""
    return supplied_where(world, state.allied, state.controller, state.closed)


def supplied_where(
    world: World, allied: BoolArray, controller: IntArray, closed: BoolArray
) -> BoolArray:
    """:func:`supplied` for the runs whose alliances, holders and closed routes are these."""
    barred = barred_from(allied, closed)  # (closed routes: the plain flood, arcs masked)
    if world.neighbour_bits is not None and barred is None:
        return _supplied_bits(world, allied, controller, world.neighbour_bits)
    friendly = friendly_here(allied, controller)  # B x F x L
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


def _supplied_bits(
    world: World, allied: BoolArray, controller: IntArray, table: IntArray
) -> BoolArray:
    """:func:`supplied` on a small map, with each set of places held in one integer (bit l
    for place l), so that a step of the flood is a few lookups per run and faction."""
    n_b, n_f, n_l = len(controller), world.n_factions, world.n_locations
    # The places each faction holds (sums of distinct powers of two below 2**53 are exact).
    holder = (np.arange(n_b)[:, np.newaxis] * n_f + controller).reshape(-1)
    weights = np.repeat(world.place_bits[np.newaxis], n_b, axis=0).reshape(-1)
    held_by = np.bincount(holder, weights=weights, minlength=n_b * n_f).astype(np.int64)
    # Factions hold disjoint sets, so adding the sets of a faction's allies unites them.
    friendly = np.where(allied, held_by.reshape(n_b, 1, n_f), 0).sum(axis=2)  # B x F
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


def supply_days(
    world: World, allied: BoolArray, controller: IntArray, closed: BoolArray
) -> FloatArray:
    """``B x F x L``: the days of travel from each faction's nearest supply source to each
    place, along routes through places held by its side (the last route may lead into a
    place held by an enemy, as in :func:`supplied`, and none may be closed to the faction);
    ``inf`` where no such chain exists, for the runs whose alliances, holders and closed
    routes are ``allied``, ``controller`` and ``closed``.

    The search is :func:`~frontlines.engine.arrays.nearest_days`; factions on the same side
    see the same chains, so while the alliances are the scenario's each side is searched
    once."""
    if world.rules.supply.range_days is None:
        return np.where(supplied_where(world, allied, controller, closed), 0.0, np.inf)
    barred = barred_from(allied, closed)
    of = None
    if not np.count_nonzero(allied != world.allied0):
        of = world.sides0.of
        first = derived(world, _first_of_each_side)
        # friendly_here(allied, controller)[:, first]: one gather of just those rows
        n_b, n_f = allied.shape[:2]
        rows = (np.arange(n_b, dtype=np.int64)[:, np.newaxis] * n_f + first) * n_f  # B x S
        friendly = np.take(allied.reshape(-1), rows[:, :, np.newaxis] + controller[:, np.newaxis])
        barred = None if barred is None else barred[:, first]
    else:
        friendly = friendly_here(allied, controller)  # B x F x L
    step = world.roads.days
    if barred is not None:  # no supply along a route closed to the side
        step = np.where(barred, np.inf, step)
    out = nearest_days(friendly, world.supply_source, world.arc_src, world.arc_dst, step)
    return out if of is None else out[:, of]


def _first_of_each_side(world: World) -> IntArray:
    """One faction of each side at the start (the first), side by side."""
    first: IntArray = np.unique(world.sides0.of, return_index=True)[1]
    return first


def resolve_supply(world: World, state: State, since: State | None = None) -> State:
    """Count, for each faction and place, the turns its forces there have been cut off, and
    measure how far each place is from the faction's supply.

    With ``since`` (the state this turn started from, whose ``supply_days`` are up to date)
    only the runs where a place changed hands, an alliance changed or a route closed or
    opened are measured again."""
    if since is None:
        days = supply_days(world, state.allied, state.controller, state.closed)
    else:
        # (State arrays are read-only: one the turn has not replaced has not changed.)
        moved = np.zeros(state.batch, dtype=bool)
        if state.controller is not since.controller:
            moved |= (state.controller != since.controller).any(axis=1)
        if state.allied is not since.allied:
            moved |= (state.allied != since.allied).any(axis=(1, 2))
        if state.closed is not since.closed:
            moved |= (state.closed != since.closed).any(axis=(1, 2))
        days = state.supply_days
        n_moved = np.count_nonzero(moved)
        if n_moved == state.batch:  # (every run: no need to pick them out)
            days = supply_days(world, state.allied, state.controller, state.closed)
        elif n_moved:
            runs = np.flatnonzero(moved)
            days = days.copy()
            days[runs] = supply_days(
                world, state.allied[runs], state.controller[runs], state.closed[runs]
            )
    present = state.forces > 0
    unsupplied = np.where(present & np.isinf(days), state.unsupplied + 1, 0)
    if np.count_nonzero(state.done):
        over = state.done[:, np.newaxis, np.newaxis]
        unsupplied = np.where(over, state.unsupplied, unsupplied)
        days = np.where(over, state.supply_days, days)
    return state.evolve(unsupplied=unsupplied, supply_days=days)
