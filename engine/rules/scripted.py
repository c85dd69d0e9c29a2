"""Phase 1: the scenario's scripted events, evaluated at the start of the turn."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.scenario.model import Effect, Trigger
from engine.state import State
from engine.world import BoolArray, World


@dataclass(frozen=True)
class Fired:
    """Which runs each scripted event fired in this turn: ``mask[e]`` is ``B`` booleans."""

    mask: BoolArray  # B x N


def trigger_holds(world: World, state: State, trigger: Trigger, turn: int) -> BoolArray:
    """Where ``trigger`` holds, ``B`` booleans, for the turn about to be played."""
    holds = np.ones(state.batch, dtype=bool)
    if trigger.turn is not None:
        holds &= turn == trigger.turn
    if trigger.controlled is not None:
        c = trigger.controlled
        holder = state.controller[:, world.location_index(c.location)]
        by = world.faction_index(c.by)
        if c.or_allies:
            holds &= state.allied[np.arange(state.batch), by, holder]
        else:
            holds &= holder == by
    if trigger.morale_below is not None:
        m = trigger.morale_below
        holds &= state.morale[:, world.faction_index(m.faction)] < m.below
    for sub in trigger.all or ():
        holds &= trigger_holds(world, state, sub, turn)
    if trigger.any:
        either = np.zeros(state.batch, dtype=bool)
        for sub in trigger.any:
            either |= trigger_holds(world, state, sub, turn)
        holds &= either
    return holds


def run_scripted_events(world: World, state: State) -> tuple[State, Fired]:
    """Fire every enabled event whose trigger holds, and apply its effects."""
    turn = state.turn + 1
    events = world.scenario.events
    fired = np.zeros((state.batch, len(events)), dtype=bool)
    forces, morale, rate, allied = state.forces, state.morale, state.sortie_rate, state.allied
    copied = False  # the arrays are copied only once an event fires
    live = ~state.done
    for e, event in enumerate(events):
        if not event.enabled:
            continue
        mask = live & trigger_holds(world, state, event.when, turn)
        if event.once:
            mask &= ~state.fired[:, e]
        fired[:, e] = mask
        if not mask.any():
            continue
        if not copied:
            forces, morale, rate, allied = forces.copy(), morale.copy(), rate.copy(), allied.copy()
            copied = True
        for effect in event.effects:
            _apply(world, effect, mask, forces, morale, rate, allied)
    new = state.evolve(
        forces=forces,
        morale=np.clip(morale, 0.0, 1.0),
        sortie_rate=rate,
        allied=allied,
        fired=state.fired | fired,
    )
    return new, Fired(fired)


def _apply(
    world: World,
    effect: Effect,
    mask: BoolArray,
    forces: np.ndarray,
    morale: np.ndarray,
    rate: np.ndarray,
    allied: np.ndarray,
) -> None:
    if effect.sorties is not None:
        a = world.air_index(effect.sorties.air_support)
        if effect.sorties.set is not None:
            rate[mask, a] = effect.sorties.set
        else:
            rate[mask, a] = np.maximum(0, rate[mask, a] + (effect.sorties.change or 0))
    if effect.forces is not None:
        f = world.faction_index(effect.forces.faction)
        loc = world.location_index(effect.forces.location)
        forces[mask, f, loc] = np.maximum(0.0, forces[mask, f, loc] + effect.forces.change)
    if effect.morale is not None:
        f = world.faction_index(effect.morale.faction)
        morale[mask, f] += effect.morale.change
    if effect.alliance is not None:
        change = effect.alliance
        members = [
            world.faction_index(m)
            for alliance in world.scenario.alliances
            if alliance.id == change.alliance
            for m in alliance.members
        ]
        who = world.faction_index(change.join or change.leave or "")
        others = np.array([m for m in members if m != who], dtype=np.int64)
        runs = np.flatnonzero(mask)
        one = np.array([who], dtype=np.int64)
        allied[np.ix_(runs, one, others)] = change.join is not None
        allied[np.ix_(runs, others, one)] = change.join is not None
