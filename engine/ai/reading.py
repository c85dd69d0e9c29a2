"""How the heuristic reads the map: sums along routes, sides, route choice and flows.

The machinery :mod:`frontlines.engine.ai.heuristic` is built on, batched over runs like the
policy. Several functions have a fast path (a few gathers on small maps, member sums where
the values are plain) that gives the plain computation's result bit for bit;
``tests/engine/test_fast_ai.py`` sets each against it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from frontlines.engine.arrays import BoolArray, FloatArray, IntArray, ordered_matmul
from frontlines.engine.rules.common import barred_arcs, hostile_here
from frontlines.engine.state import State
from frontlines.engine.world import World

# -- sums along routes -----------------------------------------------------------------------------

GATHER_LIMIT = 256
"""Maps of up to this many places sum along routes slot by slot of the neighbour table (a few
gathers); larger ones, where one hub may have many routes, scatter along every arc."""


def _slot_sum(world: World, values: FloatArray, table: IntArray) -> FloatArray:
    """``out[..., l]``: the sum of ``values[..., table[l, k]]`` over the valid slots k, in
    slot order."""
    valid = world.graph.out_valid
    out: FloatArray = np.zeros(0)
    for k in range(table.shape[1]):
        term = np.take(values, table[:, k], axis=-1)
        if not valid[:, k].all():  # where every place has a k-th slot, the mask keeps all
            np.copyto(term, 0.0, where=~valid[:, k])
        if k == 0:
            out = term
        else:
            out += term
    return out


def next_door(world: World, values: FloatArray) -> FloatArray:
    """``out[..., l]``: the sum of ``values[..., m]`` over the places m next to l."""
    if world.n_locations <= GATHER_LIMIT:
        return _slot_sum(world, values, np.maximum(world.neighbours, 0))
    return world.sum_at_ends(np.take(values, world.arc_src, axis=-1))


def at_ends(world: World, values: FloatArray) -> FloatArray:
    """Per-arc values summed at the places the arcs lead to."""
    if world.n_locations <= GATHER_LIMIT:
        return _slot_sum(world, values, world.graph.in_arcs)
    return world.sum_at_ends(values)


def at_origins(world: World, values: FloatArray) -> FloatArray:
    """Per-arc values summed at the places the arcs leave."""
    if world.n_locations <= GATHER_LIMIT:
        return _slot_sum(world, values, world.graph.out_arcs)
    return world.sum_at_origins(values)


def quick_from_neighbours(world: World, values: FloatArray, quick: FloatArray) -> FloatArray:
    """``out[..., l]``: the sum over the arcs d into l of ``values[..., src(d)] * quick[d]``,
    as ``at_ends`` of those per-arc values adds them, without building them for every arc
    first (on small maps each slot of the in-arc table gathers straight from ``values``)."""
    if world.n_locations > GATHER_LIMIT:
        return world.sum_at_ends(np.take(values, world.arc_src, axis=-1) * quick)
    table = world.graph.in_arcs
    valid = world.graph.out_valid  # the mask _slot_sum applies to every table
    src, weight = world.arc_src[table], quick[table]  # L x K
    out: FloatArray = np.where(valid[:, 0], np.take(values, src[:, 0], axis=-1) * weight[:, 0], 0.0)
    for k in range(1, table.shape[1]):
        term = np.take(values, src[:, k], axis=-1) * weight[:, k]
        out = out + np.where(valid[:, k], term, 0.0)
    return out


def next_to(world: World, flags: BoolArray) -> BoolArray:
    """``out[..., l]``: whether ``flags[..., m]`` is set at some place m next to l (the same
    as ``next_door`` of the 0/1 values being positive, since counts of ones are exact)."""
    if world.n_locations > GATHER_LIMIT:
        return world.any_at_ends(np.take(flags, world.arc_src, axis=-1))
    adjacency = world.graph.adjacency
    if adjacency is not None:  # counts 0/1 values: exact in any order
        flat = flags.reshape(-1, world.n_locations).astype(np.float64)
        near: BoolArray = ((flat @ adjacency.T) > 0).reshape(flags.shape)
        return near
    table, valid = np.maximum(world.neighbours, 0), world.graph.out_valid
    out: BoolArray = valid[:, 0] & np.take(flags, table[:, 0], axis=-1)
    for k in range(1, table.shape[1]):
        out = out | (valid[:, k] & np.take(flags, table[:, k], axis=-1))
    return out


def counts(flags: BoolArray, matrix: FloatArray) -> FloatArray:
    """``flags @ matrix`` over the last axis, for 0/1 ``matrix`` entries: counts, exact in
    any order, so one BLAS product of all the leading rows at once."""
    flat = flags.reshape(-1, flags.shape[-1]).astype(np.float64)
    out: FloatArray = (flat @ matrix).reshape(*flags.shape[:-1], matrix.shape[1])
    return out


def arc_power(world: World, flow: FloatArray, unit: FloatArray) -> FloatArray:
    """Power arriving at each place along ``flow`` (``B x F x L``)."""
    return at_ends(world, flow * np.take(unit, world.arc_src, axis=2))


def arrivals(world: World, state: State) -> FloatArray:
    """``B x F x L``: each faction's strength on the road that arrives next turn, at the
    place it arrives at."""
    roads = world.roads
    heads = roads.slot_start[roads.slots > 0]
    ends = world.arc_dst[roads.slot_arc[heads]]
    # One bincount over (run, faction, place) cells: it adds each cell's arrivals from 0.0 in
    # slot order, as ``np.add.at`` would, at a fraction of the cost.
    batch, n_f, n_l = state.forces.shape
    cells = np.arange(batch * n_f)[:, np.newaxis] * n_l + ends  # (B * F) x H
    arriving = state.transit[:, :, heads].reshape(batch * n_f, -1)
    out = np.bincount(cells.ravel(), weights=arriving.ravel(), minlength=batch * n_f * n_l)
    return out.astype(np.float64, copy=False).reshape(batch, n_f, n_l)


# -- sides -----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Sides:
    """Who fights beside whom: ``team[b, s, f]`` is 1 where faction f is on side s, and
    ``of[f]`` is faction f's side. When no run's alliances have changed, the sides are the
    scenario's (fewer than the factions, so less work) and ``members[s]`` lists side s's
    factions; otherwise each faction is its own side, made of its allies in that run."""

    team: FloatArray  # (1 or B) x S x F
    held: BoolArray  # B x S x L: places held by each side
    of: IntArray  # F
    members: tuple[tuple[int, ...], ...] | None = None

    def total(self, values: FloatArray) -> FloatArray:
        """``B x S x ...``: each side's sum of the per-faction ``values`` (``B x F x ...``),
        as ``ordered_matmul(team, values)`` gives it."""
        return side_sum(self.team, self.members, values)

    def any(self, flags: BoolArray) -> BoolArray:
        """``B x S x ...``: where ``flags`` (``B x F x ...``) is set for some faction of each
        side (by members, or as counts of 0/1 values: exact in any order)."""
        if self.members is None:
            counts: FloatArray = np.matmul(self.team, flags.astype(np.float64))
            return counts > 0
        parts = [flags[:, list(side)].any(axis=1) for side in self.members]
        out: BoolArray = np.stack(parts, axis=1)
        return out

    def foes(self, values: FloatArray) -> FloatArray:
        """``B x S x ...``: the sum of ``values`` over each side's enemies, as
        ``ordered_matmul(1.0 - team, values)`` gives it."""
        rivals = None
        if self.members is not None:
            everyone = range(self.team.shape[2])
            rivals = tuple(tuple(f for f in everyone if f not in side) for side in self.members)
        return side_sum(1.0 - self.team, rivals, values)


def is_plain(values: FloatArray) -> bool:
    """Whether every value is +0.0 or positive and finite (no -0.0, inf or NaN): the bits of
    such a double, read as an unsigned integer, are below those of +inf."""
    return values.size == 0 or int(values.view(np.uint64).max()) < 0x7FF0000000000000


def side_sum(
    team: FloatArray, members: tuple[tuple[int, ...], ...] | None, values: FloatArray
) -> FloatArray:
    """``ordered_matmul(team, values)`` for a 0/1 ``team`` whose sides are ``members``.

    ``ordered_matmul`` adds ``team[s, f] * values[f]`` over the factions in order. When every
    value is plain (see :func:`is_plain`), a non-member's term is exactly +0.0, and adding
    +0.0 to a plain value changes nothing, so the result is the members' values added in the
    same order: an addition per member after the first rather than a product and an
    addition per faction and side."""
    if members is None or not is_plain(values):
        return ordered_matmul(team, values)
    parts = []
    for side in members:
        if len(side) < 2:
            parts.append(values[:, side[0]] if side else np.zeros_like(values[:, 0]))
            continue
        total = values[:, side[0]] + values[:, side[1]]
        for f in side[2:]:
            total += values[:, f]
        parts.append(total)
    out: FloatArray = np.stack(parts, axis=1)
    return out


def sides_of(world: World, state: State) -> Sides:
    """Who fights beside whom in each run of ``state`` (see :class:`Sides`)."""
    if np.array_equal(state.allied, np.broadcast_to(world.allied0, state.allied.shape)):
        rows, of = world.sides0.rows, world.sides0.of
        held = np.ascontiguousarray(np.take(rows > 0, state.controller, axis=1).transpose(1, 0, 2))
        members = tuple(tuple(int(f) for f in np.flatnonzero(row)) for row in rows)
        return Sides(rows[np.newaxis], held, of, members)
    return Sides(
        state.allied.astype(np.float64),
        ~hostile_here(state),
        np.arange(world.n_factions, dtype=np.int64),
    )


def barred_sides(state: State, team: FloatArray) -> BoolArray | None:
    """``B x S x D``: the arcs barred to some faction of each side (``None``: no route is
    closed), which the side's orders then never use."""
    barred = barred_arcs(state)
    if barred is None:
        return None
    by_side: BoolArray = np.matmul(team, barred.astype(np.float64)) > 0
    return by_side


# -- route choice ----------------------------------------------------------------------------------


def best_step(
    world: World,
    score_of: Callable[[IntArray, IntArray, IntArray], FloatArray],
    wanted: BoolArray,
    barred: BoolArray | None = None,
    march: FloatArray | None = None,
) -> tuple[IntArray, FloatArray]:
    """For each origin, the route out with the highest score (the first on ties) and that
    score, in the ``wanted`` cells of the ``B x S x L`` arrays only: elsewhere the route is
    the place's first and the score -1, as if it had no route at all.

    ``score_of(here, there, legs)`` gives the ``N x K`` scores of stepping from each of ``N``
    cells (flat indices ``here`` into ``B x S x L`` arrays) to each of its neighbours (the
    cells ``there`` of the same run and side at each slot of the neighbour table), a journey
    of ``legs`` turns unopposed; scores are >= 0, and a slot with no route scores -1, as does
    a route ``barred`` to the side (``B x S x D``). ``march`` (``B x S``) is the pace each
    side's journeys go at (``None``: 1 everywhere)."""
    graph = world.graph
    n_l = wanted.shape[2]
    here = np.flatnonzero(wanted)
    place = here % n_l
    arcs = graph.out_arcs[place]  # N x K
    usable = graph.out_valid[place]
    if barred is not None:
        usable = usable & ~barred.reshape(-1)[(here // n_l * world.n_arcs)[:, np.newaxis] + arcs]
    there = (here - place)[:, np.newaxis] + np.maximum(world.neighbours, 0)[place]
    if march is None:
        legs = world.roads.free_legs[arcs]
    else:
        legs = world.roads.free(arcs, 1.0, march.reshape(-1)[here // n_l][:, np.newaxis])
    scores = np.where(usable, score_of(here, there, legs), -1.0)
    best, arc = scores[:, 0], arcs[:, 0]
    for k in range(1, arcs.shape[1]):  # a few slots: the most routes at one place
        score = scores[:, k]
        better = score > best
        best = np.where(better, score, best)
        arc = np.where(better, arcs[:, k], arc)
    best_arc = np.broadcast_to(graph.out_arcs[:, 0], wanted.shape).copy()
    best_arc.reshape(-1)[here] = arc
    best_score = np.full(wanted.shape, -1.0)
    best_score.reshape(-1)[here] = best
    return best_arc, best_score


def cells(target: IntArray) -> IntArray:
    """The flat index of cell ``[b, s, target[b, s, l]]`` of a ``B x S x L`` array, for each
    ``[b, s, l]``: reading an array there is ``np.take_along_axis(values, target, axis=2)``."""
    n_l = target.shape[2]
    rows = np.arange(target.shape[0] * target.shape[1]).reshape(target.shape[:2]) * n_l
    out: IntArray = rows[:, :, np.newaxis] + target
    return out


def gather(values: FloatArray, cells: IntArray) -> FloatArray:
    """``out.flat[c]``: the sum of ``values[b, s, l]`` over the places l whose ``cells[b, s,
    l]`` (see :func:`cells`) is c, in order (``B x S x L`` in, ``B x S x L`` out)."""
    summed = np.bincount(cells.ravel(), weights=values.ravel(), minlength=values.size)
    out: FloatArray = summed.astype(np.float64, copy=False)  # an empty count is of integers
    return out.reshape(values.shape)


MAX_HOPS = 12
"""How far (in routes) reserves look for the front."""


def front_distance(world: World, front: BoolArray, held: BoolArray) -> FloatArray:
    """Routes from each held place to the nearest front place, through held places (at most
    ``MAX_HOPS``; farther counts as ``MAX_HOPS + 1``)."""
    far = float(MAX_HOPS + 1)
    distance = np.where(front, 0.0, far)
    reached = front.copy()
    adjacency = world.graph.adjacency
    if adjacency is not None:
        # One (B * S) x L product rather than a stack of B * S small ones, into the same two
        # buffers each hop (counts of 0/1 values: exact in any order).
        flat = reached.reshape(-1, world.n_locations)
        ones, counts = np.empty(flat.shape), np.empty(flat.shape)
    for hop in range(1, min(MAX_HOPS, world.n_locations) + 1):
        if adjacency is not None:
            np.copyto(ones, flat)
            near = (np.matmul(ones, adjacency, out=counts) > 0).reshape(reached.shape)
        else:
            near = world.any_at_ends(reached[:, :, world.arc_src])
        new = near & held & ~reached
        if not new.any():
            break
        distance[new] = float(hop)
        reached |= new
    return distance


# -- flows -----------------------------------------------------------------------------------------


def flows(world: World, arc: IntArray, amount: FloatArray) -> FloatArray:
    """``B x F x D`` flows sending ``amount[b, f, l]`` along arc ``arc[b, f, l]`` (an arc
    leaving l, so no two places write the same arc)."""
    batch, n_f, n_l = amount.shape
    flow = np.zeros((batch, n_f, world.n_arcs))
    # The same writes as ``np.put_along_axis(flow, arc, amount, axis=2)``, through flat
    # indices into the (run, faction, arc) cells, which numpy does much faster.
    rows = np.arange(batch * n_f)[:, np.newaxis] * world.n_arcs
    np.put(flow, rows + arc.reshape(batch * n_f, n_l), amount)
    return flow


def two_flows(
    world: World, arc: IntArray, amount: FloatArray, then_arc: IntArray, then: FloatArray
) -> FloatArray:
    """``flows(world, arc, amount) + flows(world, then_arc, then)``, written at once.

    Both arcs leave the same place l, so an arc takes ``amount + then`` where they are the
    same, and ``amount + 0.0`` or ``0.0 + then`` where not (the sums of the two flows, bit for
    bit). That needs every place to have a route: a place without one steps along the
    padding arc 0, which another place's writes may share, and the last write wins."""
    if not world.graph.out_valid[:, 0].all():
        return flows(world, arc, amount) + flows(world, then_arc, then)
    batch, n_f, n_l = amount.shape
    flow = np.zeros((batch, n_f, world.n_arcs))
    rows = np.arange(batch * n_f)[:, np.newaxis] * world.n_arcs
    same = arc == then_arc
    # Each write is to a cell of its own, so an assignment through flat indices (faster
    # still than ``np.put``) makes the same writes.
    cells = flow.reshape(-1)
    cells[(rows + then_arc.reshape(batch * n_f, n_l)).ravel()] = (then + 0.0).ravel()
    both = amount + np.where(same, then, 0.0)
    cells[(rows + arc.reshape(batch * n_f, n_l)).ravel()] = both.ravel()
    return flow
