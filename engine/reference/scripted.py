"""Phase 1, plainly: the scenario's scripted events, checked against the start of the turn."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from frontlines.engine.arrays import BoolArray
from frontlines.engine.reference.common import ally, holder, one_game
from frontlines.engine.rules.noise import Stream, uniform
from frontlines.engine.scenario.model import CHANCE_SLOTS, Effect, Trigger
from frontlines.engine.scenario.weather import Weather
from frontlines.engine.state import State
from frontlines.engine.weather import weather_section
from frontlines.engine.world import World


@dataclass(frozen=True)
class ScriptedOutcome:
    """Which events fired (``N``), and the change each sorties or forces effect of a fired
    event made (after the floor at zero), by (event, effect) index; for a control effect,
    the place's holder just before it, for a change of quality the quality before it."""

    fired: BoolArray
    applied: dict[tuple[int, int], float]


def event_draws(seed: int, turn: int, event: int) -> Iterator[float]:
    """The draws of event ``event``'s chance parts in turn ``turn``, in their order."""
    stop = (event + 1) * CHANCE_SLOTS
    drawn = uniform(np.array([seed], dtype=np.uint64), turn, Stream.EVENTS, (stop,))[0]
    return iter(drawn[event * CHANCE_SLOTS :].tolist())


def trigger_holds(
    world: World, state: State, trigger: Trigger, turn: int, draws: Iterator[float]
) -> bool:
    """Whether every part the trigger gives holds, for the turn ``turn`` about to be played.
    ``draws`` gives the event's chance draws: one is taken for every chance part, the
    trigger's own before those of ``all`` and then ``any``, whatever the other parts say."""
    parts: list[bool] = []
    if trigger.chance is not None:
        parts.append(next(draws) < trigger.chance)
    start = trigger.turn if trigger.turn is not None else trigger.from_turn
    if start is not None and trigger.for_turns is not None:  # a window, from turn or from_turn
        parts.append(start <= turn < start + trigger.for_turns)
    elif start is not None:
        parts.append(turn == start if trigger.turn is not None else turn >= start)
    if trigger.controlled is not None:
        c = trigger.controlled
        by = world.faction_ids.index(c.by)
        held_by = holder(state, world.location_ids.index(c.location))
        parts.append(ally(state, by, held_by) if c.or_allies else held_by == by)
    if trigger.morale_below is not None:
        m = trigger.morale_below
        parts.append(float(state.morale[0, world.faction_ids.index(m.faction)]) < m.below)
    if trigger.strength is not None:
        t = trigger.strength
        f, place = world.faction_ids.index(t.faction), world.location_ids.index(t.location)
        there = float(state.forces[0, f, place])
        parts.append(there > t.above if t.above is not None else there < (t.below or 0.0))
    if trigger.all is not None:  # (every sub-trigger is looked at: each takes its draws)
        parts.append(all([trigger_holds(world, state, sub, turn, draws) for sub in trigger.all]))
    if trigger.any is not None:
        parts.append(any([trigger_holds(world, state, sub, turn, draws) for sub in trigger.any]))
    return all(parts)


def scripted_events(world: World, state: State, seed: int) -> tuple[State, ScriptedOutcome]:
    """Fire every enabled event whose trigger holds (once-only events only the first time)
    and apply its effects in order; morale is kept within 0..1 at the end. ``seed`` is the
    game's, for chance."""
    one_game(state)
    turn = state.turn + 1
    events = world.scenario.events
    fired = np.zeros(len(events), dtype=bool)
    applied: dict[tuple[int, int], float] = {}
    forces = state.forces[0].copy()
    morale = state.morale[0].copy()
    rate = state.sortie_rate[0].copy()
    allied = state.allied[0].copy()
    controller = state.controller[0].copy()
    quality = state.quality[0].copy()
    pace = state.pace[0].copy()
    closed = state.closed[0].copy()
    weather = int(state.weather[0])
    for e, event in enumerate(events):
        if bool(state.done[0]) or not event.enabled:
            continue
        if event.once and bool(state.fired[0, e]):
            continue
        draws = event_draws(seed, turn, e)
        if not trigger_holds(world, state, event.when, turn, draws):  # the start-of-turn state
            continue
        fired[e] = True
        for k, effect in enumerate(event.effects):
            if effect.route is not None:
                _apply_route(world, effect, closed)
                continue
            if effect.control is not None:
                place = world.location_ids.index(effect.control.location)
                applied[(e, k)] = float(controller[place])
                controller[place] = world.faction_ids.index(effect.control.faction)
                continue
            if effect.faction_rules is not None:
                f = world.faction_ids.index(effect.faction_rules.faction)
                if effect.faction_rules.pace is not None:
                    applied[(e, k)] = float(pace[f])
                    pace[f] = effect.faction_rules.pace
                else:
                    applied[(e, k)] = float(quality[f])
                    quality[f] = float(effect.faction_rules.quality or 0.0)
                continue
            if effect.weather is not None:
                section = weather_section(world.scenario) or Weather()
                weather = section.kind_ids().index(effect.weather)
                continue
            change = _apply(world, effect, forces, morale, rate, allied)
            if change is not None:
                applied[(e, k)] = change
    new = state.evolve(
        forces=forces[np.newaxis],
        morale=np.clip(morale, 0.0, 1.0)[np.newaxis],
        sortie_rate=rate[np.newaxis],
        allied=allied[np.newaxis],
        controller=controller[np.newaxis],
        quality=quality[np.newaxis],
        pace=pace[np.newaxis],
        fired=(state.fired[0] | fired)[np.newaxis],
        closed=closed[np.newaxis],
        weather=np.array([weather], dtype=np.int64),
    )
    return new, ScriptedOutcome(fired, applied)


def _apply_route(world: World, effect: Effect, closed: np.ndarray) -> None:
    """Cut or restore a route (for every faction), or close or open it to one faction."""
    change = effect.route
    assert change is not None
    ends = {change.from_, change.to}
    route = next(e for e, r in enumerate(world.scenario.routes) if {r.from_, r.to} == ends)
    if change.cut or change.restore:
        closed[:, route] = bool(change.cut)
    else:
        faction = world.faction_ids.index(change.close_to or change.open_to or "")
        closed[faction, route] = change.close_to is not None


def _apply(
    world: World,
    effect: Effect,
    forces: np.ndarray,
    morale: np.ndarray,
    rate: np.ndarray,
    allied: np.ndarray,
) -> float | None:
    """Apply one effect to one game's arrays; the change it made to sorties or strength."""
    if effect.sorties is not None:
        a = world.air_ids.index(effect.sorties.air_support)
        before = int(rate[a])
        if effect.sorties.set is not None:
            rate[a] = effect.sorties.set
        else:
            rate[a] = max(0, before + (effect.sorties.change or 0))
        return float(int(rate[a]) - before)
    if effect.forces is not None:
        f = world.faction_ids.index(effect.forces.faction)
        place = world.location_ids.index(effect.forces.location)
        before_strength = float(forces[f, place])
        forces[f, place] = max(0.0, before_strength + effect.forces.change)
        return float(forces[f, place]) - before_strength
    if effect.morale is not None:
        f = world.faction_ids.index(effect.morale.faction)
        morale[f] += effect.morale.change
    if effect.alliance is not None:
        change = effect.alliance
        who = world.faction_ids.index(change.join or change.leave or "")
        listed = next(a for a in world.scenario.alliances if a.id == change.alliance)
        # Who joins is allied with the members the scenario lists (not later joiners); who
        # leaves is allied with nobody else (a faction is in one alliance at a time), later
        # joiners included.
        members = listed.members if change.join is not None else world.faction_ids
        for member_id in members:
            member = world.faction_ids.index(member_id)
            if member != who:
                allied[who, member] = allied[member, who] = change.join is not None
    return None
