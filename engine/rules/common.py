"""Small helpers the phases share: hostility, scatter-add, morale factors."""

from __future__ import annotations

import numpy as np

from engine.scenario.rules import Rules
from engine.state import State
from engine.world import BoolArray, FloatArray, IntArray


def hostile_here(state: State) -> BoolArray:
    """``B x F x L``: whether faction f is hostile to the holder of location l."""
    b = np.arange(state.batch)[:, np.newaxis, np.newaxis]
    f = np.arange(state.allied.shape[1])[np.newaxis, :, np.newaxis]
    return ~state.allied[b, f, state.controller[:, np.newaxis, :]]


def scatter_add(values: FloatArray, index: IntArray, size: int) -> FloatArray:
    """Sum ``values[..., k]`` into ``out[..., index[k]]`` over the last axis (length ``size``)."""
    lead = values.shape[:-1]
    rows = int(np.prod(lead, dtype=np.int64))
    flat = values.reshape(rows, -1)
    offsets = (np.arange(rows)[:, np.newaxis] * size + index[np.newaxis, :]).ravel()
    summed = np.bincount(offsets, weights=flat.ravel(), minlength=rows * size)
    return summed.reshape((*lead, size))


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


def supply_factor(unsupplied: IntArray, rules: Rules) -> FloatArray:
    """The combat multiplier of forces cut off from supply for some turns."""
    s = rules.supply
    factor: FloatArray = np.maximum(s.unsupplied_floor, 1.0 - s.unsupplied_decay * unsupplied)
    return factor
