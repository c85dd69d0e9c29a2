"""Phase 1: the scenario's scripted events, evaluated at the start of the turn."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from frontlines.engine.arrays import BoolArray, FloatArray
from frontlines.engine.scenario.model import Effect, Trigger
from frontlines.engine.state import State
from frontlines.engine.world import World


@dataclass(frozen=True)
class Fired:
    """Which runs each scripted event fired in this turn (``mask``, ``B x N``), and what its
    effects on strength and sorties changed: ``applied[(e, k)]`` is the change effect k of
    event e made in each run (``B``; zero where it did not fire), after the floor at zero."""

    mask: BoolArray  # B x N
    applied: dict[tuple[int, int], FloatArray] = field(default_factory=dict)


def trigger_holds(world: World, state: State, trigger: Trigger, turn: int) -> BoolArray:
    """Where ``trigger`` holds, ``B`` booleans, for the turn about to be played."""
    if trigger.turn is not None and turn != trigger.turn:
        return np.zeros(state.batch, dtype=bool)  # whatever else it asks
    parts: list[BoolArray] = []  # every one must hold
    if trigger.controlled is not None:
        c = trigger.controlled
        holder = state.controller[:, world.location_index(c.location)]
        by = world.faction_index(c.by)
        if c.or_allies:
            parts.append(state.allied[np.arange(state.batch), by, holder])
        else:
            parts.append(holder == by)
    if trigger.morale_below is not None:
        m = trigger.morale_below
        parts.append(state.morale[:, world.faction_index(m.faction)] < m.below)
    parts += [trigger_holds(world, state, sub, turn) for sub in trigger.all or ()]
    if trigger.any:
        either = np.zeros(state.batch, dtype=bool)
        for sub in trigger.any:
            either |= trigger_holds(world, state, sub, turn)
        parts.append(either)
    if not parts:
        return np.ones(state.batch, dtype=bool)
    holds = parts[0]
    for part in parts[1:]:
        holds = holds & part
    return holds


def run_scripted_events(world: World, state: State) -> tuple[State, Fired]:
    """Fire every enabled event whose trigger holds, and apply its effects."""
    turn = state.turn + 1
    events = world.scenario.events
    fired = np.zeros((state.batch, len(events)), dtype=bool)
    applied: dict[tuple[int, int], FloatArray] = {}
    forces, morale, rate, allied = state.forces, state.morale, state.sortie_rate, state.allied
    copied = False  # the arrays are copied only once an effect changes them
    live = ~state.done
    may_fire = live[:, np.newaxis] & ~state.fired  # B x N, for events that fire only once
    spent = (may_fire.sum(axis=0) == 0).tolist()  # no game where a once-only event may fire
    for e, event in enumerate(events):
        if not event.enabled or (event.once and spent[e]):
            continue
        mask = (may_fire[:, e] if event.once else live) & trigger_holds(
            world, state, event.when, turn
        )
        if not np.count_nonzero(mask):
            continue
        fired[:, e] = mask
        for k, effect in enumerate(event.effects):
            if effect.message is not None:  # the event log posts it; nothing changes
                continue
            if not copied:
                forces, morale, rate = forces.copy(), morale.copy(), rate.copy()
                allied = allied.copy()
                copied = True
            change = _apply(world, effect, mask, forces, morale, rate, allied)
            if change is not None:
                applied[(e, k)] = change
    new = state.evolve(
        forces=forces,
        morale=morale.clip(0.0, 1.0),
        sortie_rate=rate,
        allied=allied,
        fired=state.fired | fired,
    )
    return new, Fired(fired, applied)


def _apply(
    world: World,
    effect: Effect,
    mask: BoolArray,
    forces: np.ndarray,
    morale: np.ndarray,
    rate: np.ndarray,
    allied: np.ndarray,
) -> FloatArray | None:
    """Apply one effect where ``mask`` is set; returns the change it made to sorties or
    strength in each run (``B``), or ``None`` for other effects."""
    if effect.sorties is not None:
        a = world.air_index(effect.sorties.air_support)
        before = rate[:, a].astype(np.float64)
        if effect.sorties.set is not None:
            rate[mask, a] = effect.sorties.set
        else:
            rate[mask, a] = np.maximum(0, rate[mask, a] + (effect.sorties.change or 0))
        sortie_change: FloatArray = rate[:, a] - before
        return sortie_change
    if effect.forces is not None:
        f = world.faction_index(effect.forces.faction)
        loc = world.location_index(effect.forces.location)
        before = forces[:, f, loc].copy()
        forces[mask, f, loc] = np.maximum(0.0, forces[mask, f, loc] + effect.forces.change)
        force_change: FloatArray = forces[:, f, loc] - before
        return force_change
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
    return None
