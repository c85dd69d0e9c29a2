"""Phase 7: morale. Losing a valuable place hurts the whole faction, taking one helps; a quiet
turn lets morale recover towards its starting level; below the collapse threshold a faction
panics for the rest of the game."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from frontlines.engine.arrays import BoolArray, FloatArray, IntArray
from frontlines.engine.rules.common import ORDER_FREE_TERMS, where_set
from frontlines.engine.state import State
from frontlines.engine.world import World


@dataclass(frozen=True)
class MoraleResult:
    """What moved each faction's morale this turn (all ``B x F``): the value of the places
    it lost and took, the recovery of a turn without losses, its morale before this phase,
    and whether it collapsed this turn."""

    collapsed_now: BoolArray
    lost: FloatArray
    taken: FloatArray
    recovery: FloatArray
    before: FloatArray


def resolve_morale(
    world: World, state: State, old_controller: IntArray
) -> tuple[State, MoraleResult]:
    """Move each faction's morale with the places it lost and took this turn."""
    r = world.rules.morale
    lost, taken = _changed_hands(world, old_controller, state.controller)  # B x F
    # A turn without losses recovers morale, so much a day, towards (never past) its starting
    # level; gains from places taken come on top and are not capped by it.
    room = np.maximum(world.morale0 - state.morale, 0.0)
    per_turn = r.recovery_per_day * world.turn_length_days
    recovery = np.where(lost == 0, np.minimum(per_turn, room), 0.0)
    morale = state.morale - r.loss_per_value * lost + r.gain_per_value * taken + recovery
    morale = morale.clip(0.0, 1.0)
    if np.count_nonzero(state.done):
        morale = np.where(state.done[:, np.newaxis], state.morale, morale)
    collapsed = state.collapsed | (morale < r.collapse_below)
    result = MoraleResult(collapsed & ~state.collapsed, lost, taken, recovery, state.morale)
    return state.evolve(morale=morale, collapsed=collapsed), result


def _changed_hands(world: World, old: IntArray, new: IntArray) -> tuple[FloatArray, FloatArray]:
    """The value of the places each faction lost and took (``B x F``).

    Places change hands rarely, so only those are summed. numpy's sum over all places adds
    in its own order; any order gives the same sum of two values or fewer, so only a faction
    with more than two is summed over all places, as numpy would."""
    n_b, n_f = old.shape[0], world.n_factions
    size = n_b * n_f
    if old is new:  # (the same read-only array: nothing changed hands)
        return np.zeros((n_b, n_f)), np.zeros((n_b, n_f))
    runs, places = where_set(old != new)
    if runs.size == 0:
        return np.zeros((n_b, n_f)), np.zeros((n_b, n_f))
    value = world.value[places]
    from_cell = runs * n_f + old[runs, places]
    to_cell = runs * n_f + new[runs, places]
    lost = np.bincount(from_cell, weights=value, minlength=size).reshape(n_b, n_f)
    taken = np.bincount(to_cell, weights=value, minlength=size).reshape(n_b, n_f)
    if runs.size > ORDER_FREE_TERMS:  # (with two places or fewer, no faction has more)
        counts = np.bincount(from_cell, minlength=size), np.bincount(to_cell, minlength=size)
        many = (counts[0] > ORDER_FREE_TERMS) | (counts[1] > ORDER_FREE_TERMS)
        if np.count_nonzero(many):
            rows = np.flatnonzero(many.reshape(n_b, n_f).any(axis=1))
            f = np.arange(n_f)[np.newaxis, :, np.newaxis]
            before = old[rows, np.newaxis, :] == f
            after = new[rows, np.newaxis, :] == f
            lost[rows] = (world.value * (before & ~after)).sum(axis=2)
            taken[rows] = (world.value * (after & ~before)).sum(axis=2)
    return lost.astype(np.float64, copy=False), taken.astype(np.float64, copy=False)
