"""Phase 1: the scenario's scripted events, evaluated at the start of the turn."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from frontlines.engine.arrays import BoolArray, FloatArray
from frontlines.engine.rules.noise import Stream, uniform_at
from frontlines.engine.script import (
    ChangeAlliance,
    ChangeControl,
    ChangeForces,
    ChangeMorale,
    ChangePace,
    ChangeQuality,
    ChangeRoute,
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
    event e made in each run (``B``; zero where it did not fire), after the floor at zero.
    For a control effect it is the place's holder just before the effect (as a float), for
    a change of quality or pace the faction's quality or pace just before it."""

    mask: BoolArray  # B x N
    applied: dict[tuple[int, int], FloatArray] = field(default_factory=dict)


def chance_draws(seeds: npt.NDArray[np.uint64], turn: int, slot: int) -> FloatArray:
    """Each run's uniform draw for chance slot ``slot`` in turn ``turn`` (``B``): a function
    of the run's seed, the turn and the slot only."""
    runs = np.arange(len(seeds), dtype=np.intp)
    inner = np.full(len(seeds), slot, dtype=np.intp)
    drawn: FloatArray = uniform_at(seeds, turn, Stream.EVENTS, (1, slot + 1), runs, inner)[0]
    return drawn


def condition_holds(
    state: State, condition: Condition, turn: int, seeds: npt.NDArray[np.uint64]
) -> BoolArray:
    """Where ``condition`` holds, ``B`` booleans, for the turn about to be played (``seeds``:
    one per run, for chance)."""
    if (condition.first is not None and turn < condition.first) or (
        condition.last is not None and turn > condition.last
    ):
        return np.zeros(state.batch, dtype=bool)  # whatever else it asks
    parts: list[BoolArray] = []  # every one must hold
    if condition.chance is not None:
        c = condition.chance
        parts.append(chance_draws(seeds, turn, c.slot) < c.p)
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
    if condition.strength is not None:
        t = condition.strength
        there = state.forces[:, t.faction, t.place]
        parts.append(there > t.level if t.above else there < t.level)
    parts += [condition_holds(state, sub, turn, seeds) for sub in condition.every]
    if condition.either:
        either = np.zeros(state.batch, dtype=bool)
        for sub in condition.either:
            either |= condition_holds(state, sub, turn, seeds)
        parts.append(either)
    if not parts:
        return np.ones(state.batch, dtype=bool)
    holds = parts[0]
    for part in parts[1:]:
        holds = holds & part
    return holds


def run_scripted_events(world: World, state: State, seeds: npt.ArrayLike) -> tuple[State, Fired]:
    """Fire every enabled event whose trigger holds, and apply its effects (``seeds``: one
    per run, for triggers with a chance)."""
    turn = state.turn + 1
    run_seeds = np.asarray(seeds, dtype=np.uint64).reshape(state.batch)
    events = world.script
    fired = np.zeros((state.batch, len(events)), dtype=bool)
    applied: dict[tuple[int, int], FloatArray] = {}
    forces, morale, rate, allied = state.forces, state.morale, state.sortie_rate, state.allied
    controller, quality, closed = state.controller, state.quality, state.closed
    pace = state.pace
    weather = state.weather
    copied = False  # the arrays are copied only once an effect changes them
    live = ~state.done
    may_fire = ~(state.fired | state.done[:, np.newaxis])  # B x N, for events that fire once
    # Once-only events that some game may still fire:
    open_somewhere = np.logical_or.reduce(may_fire, axis=0).tolist()
    for e, event in enumerate(events):
        if not event.enabled or (event.once and not open_somewhere[e]):
            continue
        window = event.condition
        if (window.first is not None and turn < window.first) or (
            window.last is not None and turn > window.last
        ):
            continue  # out of its turns: it holds nowhere (as condition_holds says)
        mask = (may_fire[:, e] if event.once else live) & condition_holds(
            state, event.condition, turn, run_seeds
        )
        if not np.count_nonzero(mask):
            continue
        fired[:, e] = mask
        for k, effect in enumerate(event.effects):
            if isinstance(effect, PostMessage):  # the event log posts it; nothing changes
                continue
            if isinstance(effect, ChangeRoute):
                closed = _apply_route(effect, mask, closed)
                continue
            if isinstance(effect, SetWeather):  # from this turn on, until something changes it
                weather = np.where(mask, effect.kind, weather)
                continue
            if not copied:
                forces, morale, rate = forces.copy(), morale.copy(), rate.copy()
                allied, controller, quality = allied.copy(), controller.copy(), quality.copy()
                pace = pace.copy()
                copied = True
            arrays = _Arrays(forces, morale, rate, allied, controller, quality, pace)
            change = _apply(effect, mask, arrays)
            if change is not None:
                applied[(e, k)] = change
    changes: dict[str, np.ndarray] = {"morale": morale.clip(0.0, 1.0)}
    if copied:
        changes.update(
            forces=forces,
            sortie_rate=rate,
            allied=allied,
            controller=controller,
            quality=quality,
            pace=pace,
        )
    if fired.any():
        changes["fired"] = state.fired | fired
    if closed is not state.closed:
        changes["closed"] = closed
    if weather is not state.weather:
        changes["weather"] = weather
    return state.evolve(**changes), Fired(fired, applied)


@dataclass(frozen=True)
class _Arrays:
    """The arrays scripted effects change, copies that may be written to."""

    forces: np.ndarray
    morale: np.ndarray
    rate: np.ndarray
    allied: np.ndarray
    controller: np.ndarray
    quality: np.ndarray
    pace: np.ndarray


def _apply_route(effect: ChangeRoute, mask: BoolArray, closed: BoolArray) -> BoolArray:
    """``closed`` after the route effect where ``mask`` is set (a new array)."""
    closed = closed.copy()
    runs = np.flatnonzero(mask)
    if effect.faction is None:
        closed[runs, :, effect.route] = effect.close
    else:
        closed[runs, effect.faction, effect.route] = effect.close
    return closed


def _apply(effect: CompiledEffect, mask: BoolArray, arrays: _Arrays) -> FloatArray | None:
    """Apply one effect where ``mask`` is set; returns the change it made to sorties or
    strength in each run (``B``), what it replaced (control, quality and pace effects: the
    holder, the quality or the pace before), or ``None`` for other effects."""
    forces, morale, rate, allied = arrays.forces, arrays.morale, arrays.rate, arrays.allied
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
            if not effect.join:  # one alliance at a time: who leaves has no allies left
                others = np.flatnonzero(np.arange(allied.shape[1]) != who)
            allied[np.ix_(runs, one, others)] = effect.join
            allied[np.ix_(runs, others, one)] = effect.join
        case ChangeControl(place=loc, faction=f):
            before_holder: FloatArray = arrays.controller[:, loc].astype(np.float64)
            arrays.controller[mask, loc] = f
            return before_holder
        case ChangeQuality(faction=f, quality=q):
            before_quality: FloatArray = arrays.quality[:, f].copy()
            arrays.quality[mask, f] = q
            return before_quality
        case ChangePace(faction=f, pace=p):
            before_pace: FloatArray = arrays.pace[:, f].copy()
            arrays.pace[mask, f] = p
            return before_pace
        case PostMessage():
            pass
    return None
