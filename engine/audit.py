"""Audit a turn against its own report: every change the rules made must be accounted for by
the events they reported, whatever the rules' constants.

These checks hold for any constants a scenario sets, so they stay true when a change of the
rules re-pins the golden games, and catch a rule that does something other than what it says:

* strength is conserved per faction: what each faction has after the turn is what it had,
  plus scripted additions and reinforcements, less its losses to strikes, battles and retreats;
* a place changes hands exactly when a scripted control effect or a Capture says so (the
  capture from the holder the scripted events left), and a battle's place is taken exactly
  when its report shows the attackers' power after losses beating the defence by the capture
  ratio (or no defender left);
* strikes hit only the enemies of the side they fly for, and fly only from a base their side
  holds, no more sorties than the entry has;
* forces cut off from supply count one more turn cut off, or are supplied again;
* retreats go to a neighbouring place the defeated side holds; the capturer has forces there;
* civilians are harmed only where strikes flew;
* routes close and open only by scripted route events, and no retreat uses a closed route;
* the weather changes exactly when a WeatherChange reports it, and strikes fly no more than
  the weather's share of the sorties;
* morale moves by the scripted changes, then by the value of the places lost and taken, and
  recovers only on a turn without losses, never past its starting level.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TypeVar

import numpy as np

from frontlines.engine.arrays import BoolArray
from frontlines.engine.events import (
    Battle,
    Capture,
    CivilianCasualties,
    Event,
    MoraleCollapse,
    MoraleShift,
    ReinforcementReport,
    Retreat,
    ScriptedAlliance,
    ScriptedControl,
    ScriptedForces,
    ScriptedMorale,
    ScriptedRoute,
    ScriptedSorties,
    StrikeFlown,
    Victory,
    WeatherChange,
)
from frontlines.engine.state import State
from frontlines.engine.world import World

E = TypeVar("E")

RELATIVE = 1e-9
"""How far sums of strength may drift from their account by rounding, per point of strength."""


def audit_turn(world: World, before: State, after: State, events: Sequence[Event]) -> list[str]:
    """What in one game's turn (``before`` and ``after`` are B = 1) its events do not account
    for; empty when everything is."""
    if bool(before.done[0]):
        return ["a finished game reported events"] if events else []
    problems: list[str] = []
    allied = _alliances_in_play(world, before, events)
    if not (after.allied[0] == allied).all():  # alliances change only by scripted events
        problems.append("the alliances after the turn are not those its events made")
    problems += _conservation(world, before, after, events)
    held, wrong = _holders_in_play(world, before, events)
    problems += wrong
    problems += _captures(world, held, after, events, allied)
    problems += _air(world, held, before, events, allied, int(after.weather[0]))
    problems += _weather(world, before, after, events)
    problems += _supply(world, before, after)
    problems += _morale(world, before, after, events)
    problems += _routes(world, before, after, events)
    problems += _the_rest(world, before, after, events, allied)
    return problems


def _of(events: Iterable[Event], kind: type[E]) -> list[E]:
    return [e for e in events if isinstance(e, kind)]


def _alliances_in_play(world: World, before: State, events: Sequence[Event]) -> BoolArray:
    """Who was allied with whom once the turn's scripted events had fired (``F x F``)."""
    allied: BoolArray = before.allied[0].copy()
    members = {a.id: [world.faction_index(m) for m in a.members] for a in world.scenario.alliances}
    for change in _of(events, ScriptedAlliance):
        who = world.faction_index(change.faction_id)
        listed = members[change.alliance] if change.joined else range(world.n_factions)
        others = [m for m in listed if m != who]  # who leaves has no allies left
        allied[who, others] = change.joined
        allied[others, who] = change.joined
    return allied


def _holders_in_play(
    world: World, before: State, events: Sequence[Event]
) -> tuple[list[int], list[str]]:
    """Who held each place once the turn's scripted events had fired (``L``), and the
    control effects that name the wrong holder before them."""
    held: list[int] = before.controller[0].tolist()
    problems = []
    for change in _of(events, ScriptedControl):
        place = world.location_index(change.location)
        if held[place] != world.faction_index(change.from_id):
            problems.append(f"the scripted control of {change.location} names the wrong holder")
        held[place] = world.faction_index(change.faction_id)
    return held, problems


def _conservation(world: World, before: State, after: State, events: Sequence[Event]) -> list[str]:
    change: dict[str, float] = defaultdict(float)
    for scripted in _of(events, ScriptedForces):
        change[scripted.faction_id] += scripted.change
    for arrival in _of(events, ReinforcementReport):
        if arrival.arrived:
            change[arrival.faction_id] += arrival.strength
    for strike in _of(events, StrikeFlown):
        for faction, lost in strike.destroyed_by:
            change[faction] -= lost
    for battle in _of(events, Battle):
        for faction, lost in zip(battle.attacker_ids, battle.attacker_losses_by, strict=True):
            change[faction] -= lost
        for faction, lost in zip(battle.defender_ids, battle.defender_losses_by, strict=True):
            change[faction] -= lost
    for retreat in _of(events, Retreat):
        change[retreat.faction_id] -= retreat.lost
    problems = []
    for f, faction in enumerate(world.faction_ids):
        # Strength on the road counts: moving conserves it.
        had = float(before.forces[0, f].sum()) + float(before.transit[0, f].sum())
        has = float(after.forces[0, f].sum()) + float(after.transit[0, f].sum())
        if abs(has - had - change[faction]) > RELATIVE * (1.0 + had + has):
            problems.append(
                f"{faction} went from {had!r} to {has!r} strength, but the events account "
                f"for a change of {change[faction]!r}"
            )
    return problems


def _battle_won(battle: Battle) -> bool:
    """Whether a battle's report says its place was taken: the attackers' power after losses
    beats the defence by the capture ratio, or no defender is left and some attacker is."""
    beaten = battle.attacker_power_left > battle.capture_ratio * battle.defender_power_left
    swept = (
        battle.defender_losses == battle.defender_strength
        and battle.attacker_losses < battle.attacker_strength
    )
    return beaten or swept


def _captures(
    world: World, held: list[int], after: State, events: Sequence[Event], allied: BoolArray
) -> list[str]:
    problems = []
    captures = {e.location: e for e in _of(events, Capture)}
    battles = {e.location: e for e in _of(events, Battle)}
    for battle in battles.values():
        if battle.captured != _battle_won(battle):
            problems.append(f"the battle for {battle.location} says captured={battle.captured}")
        if battle.captured != (battle.location in captures):
            problems.append(f"the battle for {battle.location} and the captures disagree")
        # The sides are the holder's allies and everyone else, so where alliances are mixed
        # (docs/rules.md, "Scripted events") two allies may fight on opposite sides.
        holder = held[world.location_index(battle.location)]
        for a in battle.attacker_ids:
            if allied[world.faction_index(a), holder]:
                problems.append(f"{a}, an ally of the holder, attacked at {battle.location}")
        for d in battle.defender_ids:
            if not allied[world.faction_index(d), holder]:
                problems.append(f"{d}, hostile to the holder, defended at {battle.location}")
    for place, loc in world.lookup["locations"].items():
        old, new = held[loc], int(after.controller[0, loc])
        capture = captures.get(place)
        if capture is None:
            if old != new:
                problems.append(f"{place} changed hands without a capture")
            continue
        if (capture.from_id, capture.by_id) != (world.faction_ids[old], world.faction_ids[new]):
            problems.append(f"the capture of {place} names the wrong sides")
        if capture.fought != (place in battles):
            problems.append(f"the capture of {place} and the battles disagree")
        if not after.forces[0, new, loc] > 0:
            problems.append(f"{capture.by_id} took {place} without forces there")
        if allied[new, old]:
            problems.append(f"{capture.by_id} took {place} from an ally")
    neighbours = {(world.location_ids[a], world.location_ids[b]) for a, b in world.lookup["arcs"]}
    for retreat in _of(events, Retreat):
        capture = captures.get(retreat.location)
        if capture is None:
            problems.append(f"forces retreated from {retreat.location}, which was not taken")
            continue
        if retreat.to_id is None:
            if retreat.strength != 0:
                problems.append(f"forces with nowhere to go kept strength at {retreat.location}")
            continue
        refuge = world.location_index(retreat.to_id)
        holder = int(after.controller[0, refuge])
        if (retreat.location, retreat.to_id) not in neighbours:
            problems.append(f"a retreat from {retreat.location} to {retreat.to_id}, no neighbour")
        if not allied[world.faction_index(capture.from_id), holder]:
            problems.append(f"a retreat from {retreat.location} into enemy {retreat.to_id}")
    return problems


def _air(
    world: World,
    held: list[int],
    before: State,
    events: Sequence[Event],
    allied: BoolArray,
    weather: int,
) -> list[str]:
    problems = []
    rate = before.sortie_rate[0].astype(np.int64).copy()
    for change in _of(events, ScriptedSorties):
        rate[world.air_index(change.air_support)] += change.change
    flown: dict[str, int] = defaultdict(int)
    struck = set()
    for strike in _of(events, StrikeFlown):
        a = world.air_index(strike.air_support)
        struck.add((strike.air_support, strike.location))
        flown[strike.air_support] += strike.sorties
        beneficiary = int(world.air_beneficiary[a])
        for faction, _ in strike.destroyed_by:
            if allied[beneficiary, world.faction_index(faction)]:
                problems.append(f"{strike.air_support} struck its own side's {faction}")
        if abs(strike.destroyed - sum(lost for _, lost in strike.destroyed_by)) > RELATIVE * (
            1.0 + strike.destroyed
        ):
            problems.append(f"the strike on {strike.location} does not add up")
        base = int(world.air_base[a])
        if base >= 0 and not allied[int(world.air_provider[a]), held[base]]:
            problems.append(f"{strike.air_support} flew from a base its side does not hold")
    if world.weather.declared:  # only the weather's share of each day's fly
        rate = np.floor(rate * world.weather.sorties[weather]).astype(np.int64)
    rate *= world.turn_length_days  # the rates are per day
    for entry, count in flown.items():
        if count > rate[world.air_index(entry)]:
            problems.append(
                f"{entry} flew {count} strike sorties of {rate[world.air_index(entry)]}"
            )
    for harm in _of(events, CivilianCasualties):
        if (harm.air_support, harm.location) not in struck:
            problems.append(f"civilians harmed at {harm.location}, where no strike flew")
        if harm.killed < 0 or harm.injured < 0:
            problems.append(f"negative civilian casualties at {harm.location}")
    return problems


def _weather(world: World, before: State, after: State, events: Sequence[Event]) -> list[str]:
    """The weather changes exactly when a WeatherChange says so, to what it says."""
    was, now = int(before.weather[0]), int(after.weather[0])
    reported = [change.weather_id for change in _of(events, WeatherChange)]
    if not 0 <= now < world.weather.n_kinds:
        return [f"the weather is kind {now}, which the scenario does not have"]
    if was == now:
        return ["a change of weather was reported, but the weather stayed"] if reported else []
    if reported != [world.weather.ids[now]]:
        return [f"the weather turned to {world.weather.ids[now]}, reported as {reported}"]
    return []


def _supply(world: World, before: State, after: State) -> list[str]:
    """Counts of turns cut off go with the forces, so a faction's count anywhere is at most
    one more than the largest it had anywhere, on the road included."""
    had, has = before.unsupplied[0], after.unsupplied[0]
    present = after.forces[0] > 0
    on_road = before.transit[0] > 0
    carried = np.divide(
        before.transit_unsupplied[0],
        before.transit[0],
        out=np.zeros_like(before.transit[0]),
        where=on_road,
    )
    most = np.maximum(had.max(axis=1, initial=0), carried.max(axis=1, initial=0.0))  # F
    going_on = (has > np.rint(most)[:, np.newaxis] + 1) & present
    problems = []
    if going_on.any():
        f, loc = (int(i[0]) for i in np.nonzero(going_on))
        problems.append(
            f"{world.faction_ids[f]} at {world.location_ids[loc]} counted {has[f, loc]} turns "
            f"cut off, when its forces had been cut off for at most {int(np.rint(most[f]))}"
        )
    if (has[~present] != 0).any():
        problems.append("a place without forces counts turns cut off")
    return problems


def _morale(world: World, before: State, after: State, events: Sequence[Event]) -> list[str]:
    r = world.rules.morale
    problems = []
    scripted: dict[str, list[float]] = defaultdict(list)
    for e in _of(events, ScriptedMorale):
        scripted[e.faction_id].append(e.change)  # applied one after another, in this order
    lost: dict[str, float] = defaultdict(float)
    taken: dict[str, float] = defaultdict(float)
    for capture in _of(events, Capture):
        value = float(world.value[world.location_index(capture.location)])
        lost[capture.from_id] += value
        taken[capture.by_id] += value
    shifts = {e.faction: e for e in _of(events, MoraleShift)}
    collapses = {e.faction for e in _of(events, MoraleCollapse)}
    for f, faction in enumerate(world.faction_ids):
        start = float(before.morale[0, f])
        for change in scripted[faction]:
            start += change
        start = min(max(start, 0.0), 1.0)
        now = float(after.morale[0, f])
        shift = shifts.get(faction)
        if shift is None:
            if now != start:
                problems.append(f"{faction}'s morale moved from {start} to {now} unreported")
            continue
        expected = shift.before - r.loss_per_value * shift.lost_value
        expected += r.gain_per_value * shift.taken_value + shift.recovered
        room = max(float(world.morale0[f]) - shift.before, 0.0)
        recovery = r.recovery_per_day * world.turn_length_days
        if (
            shift.before != start
            or shift.after != now
            or abs(min(max(expected, 0.0), 1.0) - now) > 1e-12
            or abs(shift.lost_value - lost[faction]) > 1e-9 * (1 + lost[faction])
            or abs(shift.taken_value - taken[faction]) > 1e-9 * (1 + taken[faction])
            or not 0 <= shift.recovered <= min(recovery, room) + 1e-12
            or (shift.recovered > 0 and shift.lost_value > 0)
        ):
            problems.append(f"{faction}'s morale shift does not match the turn: {shift}")
    for f, faction in enumerate(world.faction_ids):
        was, is_ = bool(before.collapsed[0, f]), bool(after.collapsed[0, f])
        if is_ != (was or float(after.morale[0, f]) < r.collapse_below):
            problems.append(f"{faction}'s collapse does not follow its morale")
        if (faction in collapses) != (is_ and not was):
            problems.append(f"{faction}'s collapse is reported wrongly")
    return problems


def _routes(world: World, before: State, after: State, events: Sequence[Event]) -> list[str]:
    """Closures change only as the turn's route events say, and retreats avoid them."""
    closed = before.closed[0].copy()
    for change in _of(events, ScriptedRoute):
        arc = world.arc_index(change.origin_id, change.target_id)
        if arc is None:
            return [f"a route event names {change.origin_id}-{change.target_id}, no route"]
        route = arc % world.n_routes
        if change.faction_id is None:
            closed[:, route] = change.closed
        else:
            closed[world.faction_index(change.faction_id), route] = change.closed
    problems = []
    if not (after.closed[0] == closed).all():
        problems.append("the routes closed after the turn are not those its events made")
    allied = after.allied[0]
    for retreat in _of(events, Retreat):
        if retreat.to_id is None:
            continue
        arc = world.arc_index(retreat.location, retreat.to_id)
        holder = int(before.controller[0, world.location_index(retreat.location)])
        if arc is not None and (closed[:, arc % world.n_routes] & allied[holder]).any():
            problems.append(f"a retreat from {retreat.location} along a closed route")
    return problems


def _the_rest(
    world: World, before: State, after: State, events: Sequence[Event], allied: BoolArray
) -> list[str]:
    problems = []
    for e in _of(events, ReinforcementReport):
        place = world.location_index(e.location)
        held = bool(allied[world.faction_index(e.faction_id), int(after.controller[0, place])])
        if e.arrived != held:
            problems.append(f"reinforcements for {e.location} arrived={e.arrived}, held={held}")
    ended = bool(after.done[0])
    if ended != bool(_of(events, Victory)):
        problems.append("the game ended without a victory event, or the other way round")
    return problems
