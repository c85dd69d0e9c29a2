"""The array types of the engine, and the few array operations everything below the rules uses.

A leaf module: it imports nothing of Frontlines, so the World, the State and the rules can all
build on it.
"""

from __future__ import annotations

import math
import weakref

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def scatter_add(values: FloatArray, index: IntArray, size: int) -> FloatArray:
    """Sum ``values[..., k]`` into ``out[..., index[k]]`` over the last axis (length ``size``).

    >>> scatter_add(np.array([[1.0, 2.0, 4.0]]), np.array([0, 2, 0]), 3)
    array([[5., 0., 2.]])
    """
    lead = values.shape[:-1]
    rows = int(np.prod(lead, dtype=np.int64))
    flat = values.reshape(rows, -1)
    offsets = (np.arange(rows)[:, np.newaxis] * size + index[np.newaxis, :]).ravel()
    summed = np.bincount(offsets, weights=flat.ravel(), minlength=rows * size)
    return summed.reshape((*lead, size))


def ordered_matmul(a: FloatArray, b: FloatArray) -> FloatArray:
    """``a @ b`` with every sum taken in index order, so that its bits do not depend on the
    machine's BLAS (whose kernels add in an order of their own); for short inner axes.

    >>> ordered_matmul(np.array([[1.0, 2.0]]), np.array([[3.0], [4.0]]))
    array([[11.]])
    """
    out: FloatArray = a[..., :, 0:1] * b[..., 0:1, :]
    for k in range(1, a.shape[-1]):
        out = out + a[..., :, k : k + 1] * b[..., k : k + 1, :]
    return out


def one_hot(index: IntArray, size: int) -> FloatArray:
    """A ``len(index) x size`` matrix with a 1 in column ``index[k]`` of row ``k``: multiplying
    by it sums rows into their columns, as :func:`scatter_add` does.

    >>> one_hot(np.array([1, 0]), 3)
    array([[0., 1., 0.],
           [1., 0., 0.]])
    """
    matrix = np.zeros((len(index), size))
    matrix[np.arange(len(index)), index] = 1.0
    return matrix


SMALL_SEARCH = 2000  # searches x arcs below which nearest_days keeps to the last axis


def nearest_days(
    friendly: BoolArray,
    source: BoolArray,
    arc_src: IntArray,
    arc_dst: IntArray,
    step: FloatArray,
) -> FloatArray:
    """``... x L``: the least days from a ``source`` place to each place along arcs (``D``,
    from ``arc_src`` to ``arc_dst``, ``step`` days each, or ``... x D`` where they differ,
    ``inf`` for an arc that may not be used) through ``friendly`` places only (``... x L``),
    the last arc excepted: it may lead anywhere; ``inf`` where no such path is.

    A shortest-path relaxation, one arc further per step: each friendly place takes the least
    of its own days and its neighbours' plus the arc's. Both the minimum and the order of the
    additions (along each path from its source) are those of any shortest-path search, so
    the result does not depend on the batch or on the search.

    The search runs places first (``L x N`` for the ``N`` searches of the leading axes), with
    the places ordered by how many arcs lead to them: the ``k``-th arcs into the places that
    have that many are then one gather of whole rows, one addition and one minimum with the
    leading rows, and no place's minimum needs a ragged reduction."""
    start = friendly & source
    shape = start.shape
    n_l, n_d = shape[-1], len(arc_dst)
    lead = shape[:-1]
    n = math.prod(lead)
    if n * n_d < SMALL_SEARCH:
        return _nearest_days_small(friendly, source, arc_src, arc_dst, step)
    into = np.bincount(arc_dst, minlength=n_l)  # arcs into each place
    order = np.argsort(-into, kind="stable")  # places, most arcs in first
    row = np.empty(n_l, dtype=np.int64)
    row[order] = np.arange(n_l)  # each place's row in that order
    by_end = np.lexsort((np.arange(n_d), row[arc_dst]))  # arcs by their place's row
    rank = np.arange(n_d) - np.searchsorted(row[arc_dst][by_end], row[arc_dst][by_end])
    levels = []  # per k: the arcs that are the k-th into the first places (their rows)
    for k in range(int(into.max(initial=0))):
        arcs = by_end[rank == k]
        levels.append((len(arcs), row[arc_src[arcs]], arcs))
    if step.ndim == 1:
        steps = step[:, np.newaxis]  # D x 1
    else:
        steps = np.broadcast_to(step, (*lead, n_d))
        steps = np.ascontiguousarray(steps.reshape(n, n_d).T)  # D x N
    ok = np.broadcast_to(friendly, shape).reshape(n, n_l).T[order]  # L x N
    days = np.where(start.reshape(n, n_l).T[order], 0.0, np.inf)  # L x N
    # Places that are not friendly keep their ``inf``: adding ``inf`` there (and 0 elsewhere,
    # which changes no day: none is -0) lets a plain minimum take only the nearer days of
    # friendly places.
    barrier = np.where(ok, 0.0, np.inf)
    level_steps = [(reached, came_from, steps[arcs]) for reached, came_from, arcs in levels]
    via = np.full(days.shape, np.inf)
    allowed = np.empty(days.shape)
    for _ in range(n_l):  # a shortest path has fewer arcs than there are places
        (reached, came_from, arc_steps), *more = level_steps
        np.add(days[came_from], arc_steps, out=via[:reached])  # rows after: no arcs in
        for reached, came_from, arc_steps in more:
            np.minimum(via[:reached], days[came_from] + arc_steps, out=via[:reached])
        np.add(via, barrier, out=allowed)
        if not np.count_nonzero(allowed < days):
            break
        np.fmin(days, allowed, out=days)  # (as a masked copy would, even of a NaN step)
    out: FloatArray = np.ascontiguousarray(np.minimum(days, via)[row].T).reshape(shape)
    return out


def _nearest_days_small(
    friendly: BoolArray,
    source: BoolArray,
    arc_src: IntArray,
    arc_dst: IntArray,
    step: FloatArray,
) -> FloatArray:
    """:func:`nearest_days` for few searches on small maps, where its setup would cost more
    than it saves: one ragged minimum per step along the last axis (the same minima, so the
    same result)."""
    n_l = friendly.shape[-1]
    by_end, first_in, reached, came_from = _arcs_by_end(arc_src, arc_dst)
    steps = step[..., by_end]
    days = np.where(friendly & source, 0.0, np.inf)
    via = np.full(days.shape, np.inf)
    every = len(reached) == n_l  # an arc leads to every place (``reached`` is then all, in order)
    for _ in range(n_l):  # a shortest path has fewer arcs than there are places
        nearest = np.minimum.reduceat(days[..., came_from] + steps, first_in, axis=-1)
        if every:
            via = nearest
        else:
            via[..., reached] = nearest
        nearer = friendly & (via < days)
        if not np.count_nonzero(nearer):
            break
        np.copyto(days, via, where=nearer)
    out: FloatArray = np.minimum(days, via)
    return out


_ArcsByEnd = tuple[IntArray, IntArray, IntArray, IntArray]
_Arcs = tuple[weakref.ref[IntArray], weakref.ref[IntArray]]
_arcs_by_end_kept: dict[tuple[int, int], tuple[_Arcs, _ArcsByEnd]] = {}


def _arcs_by_end(arc_src: IntArray, arc_dst: IntArray) -> _ArcsByEnd:
    """The arcs sorted by the place they lead to (stable), the first of each place's arcs
    in that order, the places some arc leads to, and where each sorted arc comes from.

    A search runs every turn on the same map, so for read-only arcs (a World's) this is
    worked out once and kept while the arcs live."""
    key = (id(arc_src), id(arc_dst))
    kept = _arcs_by_end_kept.get(key)
    if kept is not None and kept[0][0]() is arc_src and kept[0][1]() is arc_dst:
        return kept[1]
    by_end = np.argsort(arc_dst, kind="stable")
    ends = arc_dst[by_end]
    first_in = np.flatnonzero(np.r_[True, ends[1:] != ends[:-1]])  # each place's first arc
    found = (by_end, first_in, ends[first_in], arc_src[by_end])
    for table in found:
        table.setflags(write=False)
    if not arc_src.flags.writeable and not arc_dst.flags.writeable:
        for old, (refs, _) in list(_arcs_by_end_kept.items()):  # (a copy: threads may add)
            if refs[1]() is None:
                _arcs_by_end_kept.pop(old, None)  # a map that is gone
        _arcs_by_end_kept[key] = ((weakref.ref(arc_src), weakref.ref(arc_dst)), found)
    return found
