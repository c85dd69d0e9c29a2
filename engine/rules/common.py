"""Small helpers the phases share: hostility, scatter-add, morale factors."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from frontlines.engine.arrays import BoolArray, FloatArray, IntArray
from frontlines.engine.scenario.rules import Rules
from frontlines.engine.state import State
from frontlines.engine.world import World

T = TypeVar("T")

_derived: weakref.WeakKeyDictionary[World, dict[Callable[[World], Any], Any]] = (
    weakref.WeakKeyDictionary()
)


def derived(world: World, build: Callable[[World], T]) -> T:
    """``build(world)``, worked out once per world and then kept while the world lives: for
    the constant tables a phase reads every turn (a World never changes)."""
    kept = _derived.get(world)
    if kept is None:
        kept = _derived[world] = {}
    if build not in kept:
        kept[build] = build(world)
    value: T = kept[build]
    return value


def friendly_here(allied: BoolArray, controller: IntArray) -> BoolArray:
    """``B x F x L``: whether faction f is allied to the holder of location l (itself included).

    One gather from the flattened ``allied`` (``B x F x F``), which is much cheaper than
    indexing it with three broadcast index arrays."""
    n_b, n_f = allied.shape[:2]
    rows = (np.arange(n_b * n_f, dtype=np.int64) * n_f).reshape(n_b, n_f, 1)
    friendly: BoolArray = np.take(allied.reshape(-1), rows + controller[:, np.newaxis, :])
    return friendly


def allied_to_holder(allied: BoolArray, controller: IntArray, faction: int) -> BoolArray:
    """``B x L``: whether ``faction`` is allied to the holder of each place (one gather from
    the flattened ``allied``, as in :func:`friendly_here`)."""
    n_b, n_f = allied.shape[:2]
    row = (np.arange(n_b, dtype=np.int64) * n_f + faction) * n_f
    holds: BoolArray = np.take(allied.reshape(-1), row[:, np.newaxis] + controller)
    return holds


def hostile_here(state: State) -> BoolArray:
    """``B x F x L``: whether faction f is hostile to the holder of location l."""
    return ~friendly_here(state.allied, state.controller)


def barred_arcs(state: State) -> BoolArray | None:
    """``B x F x D``: the arcs each faction may not use, because their route is closed to it
    or to one of its allies (a cut route is closed to every faction); ``None`` when no route
    is closed in any run, so that callers skip the work."""
    return barred_from(state.allied, state.closed)


def barred_from(allied: BoolArray, closed: BoolArray) -> BoolArray | None:
    """:func:`barred_arcs` for the runs whose alliances and closed routes are these."""
    if not np.count_nonzero(closed):
        return None
    by_route = np.matmul(allied.astype(np.float64), closed.astype(np.float64)) > 0
    barred: BoolArray = np.concatenate((by_route, by_route), axis=2)
    return barred


SMALL = 4096
"""Arrays up to this size are cheaper to handle with numpy's plain calls, whatever they do."""


def where_set(mask: BoolArray) -> tuple[IntArray, ...]:
    """``np.nonzero(mask)``, the same index arrays, but faster on large masks."""
    found: tuple[IntArray, ...]
    if mask.size <= SMALL:
        found = mask.nonzero()
    else:
        found = np.unravel_index(np.flatnonzero(mask), mask.shape)
    return found


ORDER_FREE_TERMS = 2
"""Most nonzero terms whose floating-point sum is the same in every order of adding."""

SEQUENTIAL_SUM_MAX = 7
"""Longest axis numpy's ``sum`` adds up strictly in order (longer ones it may add pairwise)."""


def sum_axis1(values: FloatArray) -> FloatArray:
    """``values.sum(axis=1)``, bit for bit, but faster when that axis is short (factions, air
    entries): numpy adds such an axis in order starting from zero, and so does this."""
    n = values.shape[1]
    if values.size <= SMALL or not 0 < n <= SEQUENTIAL_SUM_MAX:
        total: FloatArray = np.add.reduce(values, axis=1)
        return total
    total = 0.0 + values[:, 0]
    for k in range(1, n):  # a handful of steps, each adding a whole B x ... slice
        total += values[:, k]
    return total


def morale_factor(morale: FloatArray, collapsed: BoolArray, rules: Rules) -> FloatArray:
    """The combat multiplier for each faction's morale (QJM-style steps)."""
    r = rules.morale
    factor = np.where(
        morale >= r.high_from,
        r.high,
        np.where(
            morale >= r.steady_from,
            r.steady,
            np.where(morale >= r.shaken_from, r.shaken, r.wavering),
        ),
    )
    return np.where(collapsed, r.panic, factor)


def supply_factor(
    unsupplied: IntArray, supply_days: FloatArray, rules: Rules, turn_length_days: int
) -> FloatArray:
    """The combat multiplier of forces cut off from supply for some turns (of
    ``turn_length_days`` days each) and ``supply_days`` of travel from their nearest source:
    ``unsupplied_decay`` is lost for each day cut off, ``beyond_range_decay`` for each day of
    travel beyond ``range_days``, and the product never falls below ``unsupplied_floor``."""
    s = rules.supply
    if unsupplied.size <= SMALL:
        return _plain_supply_factor(unsupplied, supply_days, rules, turn_length_days)
    # Most forces are in supply and in range, where the factor is exactly 1 (the floor is a
    # fraction): only the others are worked out.
    weak = unsupplied > 0
    if s.range_days is not None:
        weak |= (supply_days > s.range_days) & (supply_days < np.inf)
    out: FloatArray = np.ones(unsupplied.shape)
    cells = np.flatnonzero(weak)
    if cells.size:
        out.reshape(-1)[cells] = _plain_supply_factor(
            unsupplied.reshape(-1)[cells],
            supply_days.reshape(-1)[cells],
            rules,
            turn_length_days,
        )
    return out


def _plain_supply_factor(
    unsupplied: IntArray, supply_days: FloatArray, rules: Rules, turn_length_days: int
) -> FloatArray:
    s = rules.supply
    days = unsupplied * turn_length_days
    factor: FloatArray = np.maximum(1.0 - s.unsupplied_decay * days, 0.0)
    if s.range_days is not None:
        beyond = np.where(np.isfinite(supply_days), supply_days - s.range_days, 0.0)
        factor = factor * np.maximum(1.0 - s.beyond_range_decay * np.maximum(beyond, 0.0), 0.0)
    out: FloatArray = np.maximum(s.unsupplied_floor, factor)
    return out


def weighted_count(mass: FloatArray, strength: FloatArray, count: IntArray) -> IntArray:
    """The turns cut off of forces that merged: ``mass`` (strength times turns, summed over
    what met) over their ``strength``, to the nearest turn (half to even); ``count`` where
    no forces are.

    Forces are rarely cut off, so ``mass`` is mostly zero, and so is the count wherever it
    is zero and forces are: only the other cells are divided."""
    present = strength > 0
    out: IntArray = count * ~present
    cells = np.flatnonzero(mass != 0)  # (numpy finds set flags much faster than nonzeros)
    cells = cells[present.reshape(-1)[cells]]
    merged = mass.reshape(-1)[cells] / strength.reshape(-1)[cells]
    out.reshape(-1)[cells] = np.rint(merged).astype(np.int64)
    return out
