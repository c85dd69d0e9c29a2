"""Phase 1: the scenario's scripted events, evaluated at the start of the turn."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from frontlines.engine.arrays import BoolArray, FloatArray
from frontlines.engine.script import (
    ChangeAlliance,
    ChangeForces,
    ChangeMorale,
    ChangeSorties,
    CompiledEffect,
    Condition,
    PostMessage,
    SetWeather,
)
from frontlines.engine.state import State
from frontlines.engine.world import World


@dataclass(frozen=True)
class Fired:
    """Which runs each scripted event fired in this turn (``mask``, ``B x N``), and what its
    effects on strength and sorties changed: ``applied[(e, k)]`` is the change effect k of
    event e made in each run (``B``; zero where it did not fire), after the floor at zero."""

    mask: BoolArray  # B x N
    applied: dict[tuple[int, int], FloatArray] = field(default_factory=dict)


def condition_holds(state: State, condition: Condition, turn: int) -> BoolArray:
    """Where ``condition`` holds, ``B`` booleans, for the turn about to be played."""
    if condition.turn is not None and turn != condition.turn:
        return np.zeros(state.batch, dtype=bool)  # whatever else it asks
    parts: list[BoolArray] = []  # every one must hold
    if condition.held is not None:
        h = condition.held
        holder = state.controller[:, h.place]
        if h.or_allies:
            parts.append(state.allied[np.arange(state.batch), h.by, holder])
        else:
            parts.append(holder == h.by)
    if condition.morale_below is not None:
        m = condition.morale_below
        parts.append(state.morale[:, m.faction] < m.below)
    parts += [condition_holds(state, sub, turn) for sub in condition.every]
    if condition.either:
        either = np.zeros(state.batch, dtype=bool)
        for sub in condition.either:
            either |= condition_holds(state, sub, turn)
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
    events = world.script
    fired = np.zeros((state.batch, len(events)), dtype=bool)
    applied: dict[tuple[int, int], FloatArray] = {}
    forces, morale, rate, allied = state.forces, state.morale, state.sortie_rate, state.allied
    weather = state.weather
    copied = False  # the arrays are copied only once an effect changes them
    live = ~state.done
    may_fire = live[:, np.newaxis] & ~state.fired  # B x N, for events that fire only once
    spent = (may_fire.sum(axis=0) == 0).tolist()  # no game where a once-only event may fire
    for e, event in enumerate(events):
        if not event.enabled or (event.once and spent[e]):
            continue
        mask = (may_fire[:, e] if event.once else live) & condition_holds(
            state, event.condition, turn
        )
        if not np.count_nonzero(mask):
            continue
        fired[:, e] = mask
        for k, effect in enumerate(event.effects):
            if isinstance(effect, PostMessage):  # the event log posts it; nothing changes
                continue
            if isinstance(effect, SetWeather):  # from this turn on, until something changes it
                weather = np.where(mask, effect.kind, weather)
                continue
            if not copied:
                forces, morale, rate = forces.copy(), morale.copy(), rate.copy()
                allied = allied.copy()
                copied = True
            change = _apply(effect, mask, forces, morale, rate, allied)
            if change is not None:
                applied[(e, k)] = change
    new = state.evolve(
        forces=forces,
        morale=morale.clip(0.0, 1.0),
        sortie_rate=rate,
        allied=allied,
        fired=state.fired | fired,
        weather=weather,
    )
    return new, Fired(fired, applied)


def _apply(
    effect: CompiledEffect,
    mask: BoolArray,
    forces: np.ndarray,
    morale: np.ndarray,
    rate: np.ndarray,
    allied: np.ndarray,
) -> FloatArray | None:
    """Apply one effect where ``mask`` is set; returns the change it made to sorties or
    strength in each run (``B``), or ``None`` for other effects."""
    match effect:
        case ChangeSorties(air=a):
            before = rate[:, a].astype(np.float64)
            if effect.set is not None:
                rate[mask, a] = effect.set
            else:
                rate[mask, a] = np.maximum(0, rate[mask, a] + effect.change)
            sortie_change: FloatArray = rate[:, a] - before
            return sortie_change
        case ChangeForces(faction=f, place=loc):
            before = forces[:, f, loc].copy()
            forces[mask, f, loc] = np.maximum(0.0, forces[mask, f, loc] + effect.change)
            force_change: FloatArray = forces[:, f, loc] - before
            return force_change
        case ChangeMorale(faction=f):
            morale[mask, f] += effect.change
        case ChangeAlliance(faction=who):
            others = np.array(effect.others, dtype=np.int64)
            runs = np.flatnonzero(mask)
            one = np.array([who], dtype=np.int64)
            allied[np.ix_(runs, one, others)] = effect.join
            allied[np.ix_(runs, others, one)] = effect.join
        case PostMessage():
            pass
    return None
