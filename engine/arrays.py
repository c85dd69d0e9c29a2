"""The array types of the engine, and the few array operations everything below the rules uses.

A leaf module: it imports nothing of Frontlines, so the World, the State and the rules can all
build on it.
"""

from __future__ import annotations

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
    the result does not depend on the batch or on the search."""
    n_l = friendly.shape[-1]
    by_end = np.argsort(arc_dst, kind="stable")
    ends = arc_dst[by_end]
    first_in = np.flatnonzero(np.r_[True, ends[1:] != ends[:-1]])  # each place's first arc
    reached = ends[first_in]  # the places some arc leads to
    came_from, steps = arc_src[by_end], step[..., by_end]
    days = np.where(friendly & source, 0.0, np.inf)
    via = np.full(days.shape, np.inf)
    for _ in range(n_l):  # a shortest path has fewer arcs than there are places
        via[..., reached] = np.minimum.reduceat(days[..., came_from] + steps, first_in, axis=-1)
        nearer = friendly & (via < days)
        if not np.count_nonzero(nearer):
            break
        days = np.where(nearer, via, days)
    out: FloatArray = np.minimum(days, via)
    return out
