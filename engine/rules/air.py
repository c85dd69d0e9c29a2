"""Phase 2: air power. Strikes wear down enemy forces, both at the place struck and on the
road in (the columns due there this turn), and can harm civilians; close support is turned
into combat power for the ground battle that follows."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

import frontlines.engine.elementary as elementary
from frontlines.engine.arrays import BoolArray, FloatArray, IntArray
from frontlines.engine.orders import OrderArrays, available_sorties
from frontlines.engine.rules.common import (
    ORDER_FREE_TERMS,
    SEQUENTIAL_SUM_MAX,
    derived,
    hostile_here,
    sum_axis1,
)
from frontlines.engine.rules.noise import Stream, draw_order, lognormal_from, uniform_at
from frontlines.engine.state import State
from frontlines.engine.world import World


@dataclass(frozen=True)
class AirResult:
    """What the air phase did, for the combat phase and the event log (all ``B x A x L``).

    Without recording, ``destroyed``, ``killed`` and ``injured`` (read only by the event log)
    are zeros, and ``cells`` and ``destroyed_by`` empty."""

    strike: FloatArray  # sorties flown on strikes
    support: FloatArray  # sorties flown in close support
    destroyed: FloatArray  # enemy strength destroyed by each entry's strikes
    killed: FloatArray  # civilians reported killed
    injured: FloatArray  # civilians reported injured
    support_power: FloatArray  # combat power the support sorties add, before the caps
    cells: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """The flat ``B x A x L`` cells struck, in order (only when recording)."""
    destroyed_by: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    """``n x F``: the strength of each faction each struck cell destroyed."""
    support_cells: IntArray | None = None
    """The flat ``B x A x L`` cells where ``support_power`` is not 0, in order (``None``: not
    worked out)."""
    on_road: FloatArray | None = None
    """``n``: of what each struck cell destroyed, the part caught on the road in (``None``:
    nothing was on the road)."""


def _requests(
    orders: OrderArrays, in_range: BoolArray, n_rows: int, n_l: int
) -> tuple[IntArray, FloatArray, FloatArray]:
    """The usable requests (positive, finite, in range) for strikes and then for support, as
    flat ``2 x B x A x L`` cells (in order) and amounts, and their total for each kind, run
    and entry (``2 x B * A``).

    Requests are few, so only those are looked at. numpy's sum over places adds in its own
    order; any order gives the same sum of two amounts or fewer, so only a row with more is
    summed over all places, as numpy would."""
    flat = np.concatenate((orders.strike.reshape(-1), orders.support.reshape(-1)))
    cell = (flat > 0).nonzero()[0]
    amount = flat[cell]
    usable = np.isfinite(amount) & in_range.reshape(-1)[cell % in_range.size]
    if np.count_nonzero(usable) < usable.size:
        cell, amount = cell[usable], amount[usable]
    row = cell // n_l  # kind * B * A + run * A + entry
    total = np.bincount(row, weights=amount, minlength=2 * n_rows).astype(np.float64, copy=False)
    many = np.bincount(row, minlength=2 * n_rows) > ORDER_FREE_TERMS
    if np.count_nonzero(many):
        rows = np.flatnonzero(many)
        pick = many[row]
        dense = np.zeros((rows.size, n_l))
        dense[np.searchsorted(rows, row[pick]), cell[pick] % n_l] = amount[pick]
        total[rows] = dense.sum(axis=1)
    return cell, amount, total.reshape(2, n_rows)


_PAIRED = draw_order(0, 3, 1, 4, 2)

# The log of the strength a strike keeps when it keeps nothing: far below the log of any
# positive double (about -745), so its exp is exactly 0, yet finite, so 0 times it is 0.
LOG_NOTHING_LEFT = -1.0e4


@functools.lru_cache(maxsize=16)
def _log_of(base: float) -> np.float64:
    """:func:`~frontlines.engine.elementary.log` of one number (the same bits)."""
    return np.float64(elementary.log(np.array([base]))[0])


def resolve_air(
    world: World,
    state: State,
    orders: OrderArrays,
    seeds: np.ndarray,
    *,
    hostile: BoolArray | None = None,
    record: bool = True,
) -> tuple[State, AirResult]:
    """Fly the ordered sorties (no more than each entry has) and apply their strikes.

    ``hostile`` is :func:`~frontlines.engine.rules.common.hostile_here` of ``state`` if the caller
    has it. With ``record=False`` the strike losses per entry and the civilian harm, which only the
    event log reads, are left as zeros."""
    air = world.rules.air
    turn = state.turn + 1
    n_a, n_l = len(world.air_ids), world.n_locations
    shape = (state.batch, n_a, n_l)
    if n_a == 0:
        nothing = np.zeros(shape)
        return state, AirResult(nothing, nothing, nothing, nothing, nothing, nothing)
    n_rows = state.batch * n_a
    with np.errstate(over="ignore"):  # absurd requests sum to inf and are scaled to nothing
        cell, asked, totals = _requests(orders, world.air_in_range, n_rows, n_l)
        requested = totals[0] + totals[1]  # B * A
    if cell.size == 0:
        # Nothing is asked for: nothing flies.
        strike, support = np.zeros((2, *shape))
        nothing = np.zeros(shape)
        return state, AirResult(
            strike, support, nothing, nothing, nothing, np.zeros(shape), support_cells=cell
        )
    can = available_sorties(world, state).astype(np.float64).reshape(-1)
    scale = np.where(requested > can, can / np.maximum(requested, 1e-12), 1.0)
    flown_both = np.floor(asked * scale[(cell // n_l) % n_rows])
    sorties = np.zeros((2, *shape))  # strikes and support
    sorties.reshape(-1)[cell] = flown_both
    strike, support = sorties
    first_support = int(np.searchsorted(cell, strike.size))
    s_cell, s_flown = cell[:first_support], flown_both[:first_support]
    c_cell, c_flown = cell[first_support:] - strike.size, flown_both[first_support:]
    power = np.zeros(shape)
    c_entry = (c_cell // n_l) % n_a
    c_power = c_flown * air.sortie_power * air.weather * world.air_cas[c_entry]
    power.reshape(-1)[c_cell] = c_power
    supported = c_cell[c_power != 0]
    nothing = np.zeros(shape)
    flown = s_flown > 0
    cells = s_cell[flown]
    if cells.size == 0:
        # Nothing is struck: every force survives whole and nobody is harmed.
        return state, AirResult(
            strike, support, nothing, nothing, nothing, power, support_cells=supported
        )
    runs, entries, places = np.unravel_index(cells, shape)

    # Each sortie that gets through destroys a fraction of the hostile strength at the target;
    # a place's air defence stops a share of them when its holder is hostile to the flyers.
    # Only the entries that fly are worked out: elsewhere the strength kept is exactly 1.
    if hostile is None:
        hostile = hostile_here(state)
    beneficiary = world.air_beneficiary[entries]
    holder_hostile = hostile[runs, beneficiary, places]
    through = 1.0 - world.air_defence[places] * holder_hostile
    effect = air.weather * through * world.air_strike[entries]
    # ``power(1 - damage, exponent)`` is ``exp(exponent * log(1 - damage))``: the log of the
    # scenario's one base is worked out once.
    keep = elementary.exp(np.multiply(s_flown[flown] * effect, _log_of(1.0 - air.strike_damage)))
    # A strike that leaves nothing (``keep`` underflows to 0) gets a finite log far below any
    # double's, whose exp is exactly 0: -inf would turn into NaN where it is multiplied by 0.
    log_keep = np.full_like(keep, LOG_NOTHING_LEFT)
    left = keep > 0
    log_keep[left] = elementary.log(keep[left])
    enemy = ~state.allied[runs, beneficiary]  # n x F
    # Sum the log-effects on each faction at each place over the entries striking it, entry
    # by entry in order (as ``einsum`` over every entry would), and scale forces by their exp.
    n_f = world.n_factions
    # Flat B x F x L cells of each struck place, n x F (faction f's cell is f * L further on).
    targets = (runs * (n_f * n_l) + places)[:, np.newaxis] + np.arange(0, n_f * n_l, n_l)
    log_survive = np.bincount(
        targets.ravel(),
        weights=(log_keep[:, np.newaxis] * enemy).ravel(),
        minlength=state.forces.size,
    ).astype(np.float64, copy=False)
    # Strength is kept whole (times exp 0, exactly 1) where nothing struck: only the cells
    # struck are scaled.
    struck = np.zeros(state.forces.size, dtype=bool)
    struck[targets[enemy]] = True
    hit_cells = np.flatnonzero(struck)
    forces = state.forces.copy()
    forces.reshape(-1)[hit_cells] *= elementary.exp(log_survive[hit_cells])
    changes: dict[str, FloatArray] = {"forces": forces}
    caught = _caught_on_road(world, state, hit_cells, log_survive, changes)
    if not record:
        return state.evolve(**changes), AirResult(
            strike, support, nothing, nothing, nothing, power, support_cells=supported
        )

    # Credit each faction's losses to the entries striking it, by their log-effect; then
    # civilian harm. Only struck places have any (the event log reads nothing else).
    if max(n_a, n_f) > SEQUENTIAL_SUM_MAX:  # numpy would sum such axes in another order
        where = (runs, entries, places)
        destroyed, destroyed_by, share = _destroyed_dense(
            state, forces, caught, strike, log_keep, where, world.air_beneficiary
        )
    else:
        hit = (state.forces - forces).reshape(-1)[targets]  # n x F
        if caught is not None:
            hit = hit + caught[targets]
        weight = -log_keep[:, np.newaxis] * enemy
        total = np.bincount(targets.ravel(), weights=weight.ravel(), minlength=forces.size)
        total = total[targets]
        share = np.where(total > 0, weight / np.maximum(total, 1e-300), 0.0)
        destroyed_by = share * hit
        destroyed = nothing.copy()
        destroyed.reshape(-1)[cells] = sum_axis1(destroyed_by)
    on_road = None if caught is None else sum_axis1(share * caught[targets])
    # Draws 0-1 are the noise on the killed, 2 their rounding, 3-4 the noise on the injured;
    # they come in the order 0, 3, 1, 4, 2, so that each pair's first and second draws lie
    # together.
    u = uniform_at(seeds, turn, Stream.AIR, (5, n_a, n_l), runs, cells % (n_a * n_l), _PAIRED)
    expected = (
        s_flown[flown]
        * air.casualties_per_sortie
        * world.air_risk[entries]
        * world.population[places]
        / 100_000.0
    )
    sigma = np.array([[air.casualty_sigma], [air.injured_sigma]])
    killed_noise, injured_noise = lognormal_from(u[:2], u[2:4], sigma)
    dead = np.floor(expected * killed_noise + u[4])
    injured_mean = dead * air.injured_per_killed
    harm = np.zeros((2, *shape))  # killed and injured, set at the struck cells in one step
    harm.reshape(2, -1)[:, cells] = np.concatenate(
        (dead, np.floor(injured_mean * injured_noise + 0.5))
    ).reshape(2, -1)
    result = AirResult(
        strike, support, destroyed, harm[0], harm[1], power, cells, destroyed_by, supported, on_road
    )
    return state.evolve(**changes), result


def _heads_into(world: World) -> tuple[IntArray, IntArray]:
    """The head slots of the arcs into each place (what they hold arrives there this turn):
    place ``l``'s are ``heads[ptr[l]:ptr[l + 1]]``, in arc order."""
    roads = world.roads
    arcs = np.flatnonzero(roads.slots > 0)
    ends = world.arc_dst[arcs]
    order = np.argsort(ends, kind="stable")
    ptr = np.zeros(world.n_locations + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(np.bincount(ends, minlength=world.n_locations))
    heads: IntArray = roads.slot_start[arcs[order]]
    return ptr, heads


def _caught_on_road(
    world: World,
    state: State,
    hit_cells: IntArray,
    log_survive: FloatArray,
    changes: dict[str, FloatArray],
) -> FloatArray | None:
    """Strike the columns on the road in: forces in an arc's head slot (due at its end in
    this turn's movement phase) keep what the forces at that place keep, faction by faction.
    ``hit_cells`` are the flat ``B x F x L`` cells struck. Sets the new ``transit`` (and
    ``transit_unsupplied``, carried in proportion) in ``changes``; returns the strength lost
    on the road, at the place each column was bound for (flat ``B x F x L``), or ``None`` if
    no column was struck."""
    n_t, n_l = world.roads.n_slots, world.n_locations
    if n_t == 0:
        return None
    ptr, heads = derived(world, _heads_into)
    row, place = np.divmod(hit_cells, n_l)  # row: run * F + faction
    first, count = ptr[place], ptr[place + 1] - ptr[place]
    total = int(count.sum())
    if total == 0:
        return None
    which = np.repeat(np.arange(hit_cells.size), count)  # the struck cell of each head slot
    offset = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    on_road = row[which] * n_t + heads[first[which] + offset]  # flat B x F x T
    before = state.transit.reshape(-1)[on_road]
    there = before != 0
    if not np.count_nonzero(there):
        return None
    on_road, before, cell = on_road[there], before[there], hit_cells[which[there]]
    keep = elementary.exp(log_survive[cell])
    transit = state.transit.copy()
    transit.reshape(-1)[on_road] = before * keep
    changes["transit"] = transit
    carried_before = state.transit_unsupplied.reshape(-1)[on_road]
    if np.count_nonzero(carried_before):
        carried = state.transit_unsupplied.copy()
        carried.reshape(-1)[on_road] = carried_before * keep
        changes["transit_unsupplied"] = carried
    lost = before - transit.reshape(-1)[on_road]
    caught: FloatArray = np.bincount(cell, weights=lost, minlength=state.forces.size).astype(
        np.float64, copy=False
    )
    return caught


def _destroyed_dense(
    state: State,
    forces: FloatArray,
    caught: FloatArray | None,
    strike: FloatArray,
    log_keep: FloatArray,
    where: tuple[IntArray, IntArray, IntArray],
    beneficiary: IntArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Strength each entry destroyed (``B x A x L``), over every entry, faction and place
    (``caught``: also on the road in, as flat ``B x F x L``); of each faction at the struck
    cells ``where`` (``n x F``); and each struck cell's share of its place's losses (``n x
    F``)."""
    hit = state.forces - forces  # B x F x L
    if caught is not None:
        hit = hit + caught.reshape(hit.shape)
    weight = np.zeros_like(strike)  # B x A x L
    weight[where] = log_keep
    weight = -weight
    hostile_to = ~np.take(state.allied, beneficiary, axis=1)  # B x A x F
    hostile_weight = weight[:, :, np.newaxis, :] * hostile_to[:, :, :, np.newaxis]  # B x A x F x L
    total_weight = hostile_weight.sum(axis=1, keepdims=True)
    share = np.where(total_weight > 0, hostile_weight / np.maximum(total_weight, 1e-300), 0.0)
    by_faction = share * hit[:, np.newaxis, :, :]  # B x A x F x L
    destroyed: FloatArray = by_faction.sum(axis=2)
    runs, entries, places = where
    return destroyed, by_faction[runs, entries, :, places], share[runs, entries, :, places]
