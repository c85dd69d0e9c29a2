"""Phase 7, plainly: places lost and taken move morale; a quiet turn lets it recover."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from frontlines.engine.arrays import BoolArray, FloatArray, IntArray
from frontlines.engine.reference.common import close_call, one_game
from frontlines.engine.state import State
from frontlines.engine.world import World


@dataclass(frozen=True)
class MoraleOutcome:
    """For each faction (``F``): whether it collapsed this turn, the value of the places it
    lost and took, what a turn without losses gave back, and its morale before."""

    collapsed_now: BoolArray
    lost: FloatArray
    taken: FloatArray
    recovery: FloatArray
    before: FloatArray
    close_calls: tuple[str, ...]


def morale(world: World, state: State, old_controller: IntArray) -> tuple[State, MoraleOutcome]:
    """Move each faction's morale with the places it held before phase 5 (``old_controller``,
    ``L``) and after; below ``collapse_below`` it collapses for good."""
    one_game(state)
    r = world.rules.morale
    n_f, n_l = world.n_factions, world.n_locations
    new_controller = state.controller[0]
    before = state.morale[0].copy()
    lost, taken, recovery = np.zeros(n_f), np.zeros(n_f), np.zeros(n_f)
    terms = [0] * n_f  # the most places a faction's lost or taken value adds up
    for p in range(n_l):
        was, now = int(old_controller[p]), int(new_controller[p])
        if was != now:
            lost[was] += float(world.value[p])
            taken[now] += float(world.value[p])
            terms[was] += 1
            terms[now] += 1
    for f in range(n_f):
        if lost[f] == 0:  # recovery towards, never past, the starting morale
            room = max(float(world.morale0[f]) - float(before[f]), 0.0)
            recovery[f] = min(r.recovery_per_day * world.turn_length_days, room)
    if bool(state.done[0]):
        outcome = MoraleOutcome(np.zeros(n_f, dtype=bool), lost, taken, recovery, before, ())
        return state, outcome
    new = before.copy()
    collapsed = state.collapsed[0].copy()
    close: list[str] = []
    for f in range(n_f):
        moved = (
            float(before[f])
            - r.loss_per_value * float(lost[f])
            + r.gain_per_value * float(taken[f])
            + float(recovery[f])
        )
        new[f] = min(max(moved, 0.0), 1.0)
        # (A sum of at most two values is the same in any order: no close call then.)
        if terms[f] > 2 and close_call(float(new[f]), r.collapse_below):
            close.append(f"collapse of faction {f}: morale {float(new[f])!r}")
        collapsed[f] = collapsed[f] or new[f] < r.collapse_below
    outcome = MoraleOutcome(
        collapsed & ~state.collapsed[0], lost, taken, recovery, before, tuple(close)
    )
    return state.evolve(morale=new[np.newaxis], collapsed=collapsed[np.newaxis]), outcome
