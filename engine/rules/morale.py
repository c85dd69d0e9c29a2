"""Phase 7: morale. Losing a valuable place hurts the whole faction, taking one helps; a quiet
turn lets morale recover towards its starting level; below the collapse threshold a faction
panics for the rest of the game."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.state import State
from engine.world import BoolArray, IntArray, World


@dataclass(frozen=True)
class MoraleResult:
    """Factions that collapsed this turn (``B x F``)."""

    collapsed_now: BoolArray


def resolve_morale(
    world: World, state: State, old_controller: IntArray
) -> tuple[State, MoraleResult]:
    """Move each faction's morale with the places it lost and took this turn."""
    r = world.rules.morale
    f = np.arange(world.n_factions)[np.newaxis, :, np.newaxis]
    before = old_controller[:, np.newaxis, :] == f
    after = state.controller[:, np.newaxis, :] == f
    lost = (world.value * (before & ~after)).sum(axis=2)  # B x F
    taken = (world.value * (after & ~before)).sum(axis=2)
    # A turn without losses recovers morale towards (never past) its starting level; gains
    # from places taken come on top and are not capped by it.
    room = np.maximum(world.morale0 - state.morale, 0.0)
    recovery = np.where(lost == 0, np.minimum(r.recovery_per_turn, room), 0.0)
    morale = state.morale - r.loss_per_value * lost + r.gain_per_value * taken + recovery
    morale = np.where(state.done[:, np.newaxis], state.morale, np.clip(morale, 0.0, 1.0))
    collapsed = state.collapsed | (morale < r.collapse_below)
    result = MoraleResult(collapsed & ~state.collapsed)
    return state.evolve(morale=morale, collapsed=collapsed), result
