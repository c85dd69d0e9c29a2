"""A scenario's scripted events compiled once, with indices in place of ids.

The scripted-events phase (``rules/scripted.py``) evaluates these conditions and applies
these effects every turn, and its events (``events/scripted.py``) name what they did from
them, so neither reads the scenario's models during a game.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from frontlines.engine.scenario.base import AllianceId, EventId
from frontlines.engine.scenario.model import CHANCE_SLOTS, Effect, Scenario, Trigger
from frontlines.engine.weather import weather_section


@dataclass(frozen=True)
class HeldBy:
    """Holds while faction ``by`` (or, with ``or_allies``, one of its allies) holds ``place``."""

    place: int
    by: int
    or_allies: bool


@dataclass(frozen=True)
class MoraleBelow:
    """Holds while ``faction``'s morale is below ``below``."""

    faction: int
    below: float


@dataclass(frozen=True)
class StrengthAt:
    """Holds while ``faction``'s strength at ``place`` is above ``level`` (``above``) or below
    it (not ``above``)."""

    faction: int
    place: int
    level: float
    above: bool


@dataclass(frozen=True)
class Chance:
    """Holds with probability ``p``: where the run's draw for (turn, ``slot``) is below ``p``.

    ``slot`` is ``event index x CHANCE_SLOTS + k`` for the k-th chance part of the event's
    trigger (depth first, in file order), so a draw depends only on the run's seed, the turn
    and the event, never on the batch or on other events.
    """

    p: float
    slot: int


@dataclass(frozen=True)
class Condition:
    """When a scripted event fires: every part given must hold.

    ``first`` and ``last`` bound the turns it may hold in (``None``: no bound), ``every`` the
    sub-conditions that must all hold and ``either`` those of which one must (empty: no such
    part).
    """

    first: int | None
    last: int | None
    held: HeldBy | None
    morale_below: MoraleBelow | None
    every: tuple[Condition, ...]
    either: tuple[Condition, ...]
    strength: StrengthAt | None = None
    chance: Chance | None = None

    @property
    def turn(self) -> int | None:
        """The one turn the condition may hold in, if it is bounded to one."""
        return self.first if self.first is not None and self.first == self.last else None


@dataclass(frozen=True)
class PostMessage:
    """Post a line to the news log; nothing in the game changes."""

    text: str


@dataclass(frozen=True)
class ChangeSorties:
    """Set air-support entry ``air``'s sorties per turn to ``set``, or change them by
    ``change`` (never below zero)."""

    air: int
    set: int | None
    change: int


@dataclass(frozen=True)
class ChangeForces:
    """Add ``change`` strength (remove, if negative; never below zero) of ``faction`` at
    ``place``."""

    faction: int
    place: int
    change: float


@dataclass(frozen=True)
class ChangeMorale:
    """Raise or lower ``faction``'s morale by ``change``."""

    faction: int
    change: float


@dataclass(frozen=True)
class ChangeAlliance:
    """``faction`` joins (or leaves) alliance ``alliance``, whose other members are
    ``others``."""

    alliance: AllianceId
    name: str
    faction: int
    others: tuple[int, ...]
    join: bool


@dataclass(frozen=True)
class ChangeControl:
    """``place`` passes to ``faction``; forces there stay where they are."""

    place: int
    faction: int


@dataclass(frozen=True)
class ChangeQuality:
    """``faction``'s combat quality becomes ``quality``."""

    faction: int
    quality: float


@dataclass(frozen=True)
class ChangePace:
    """``faction``'s march pace becomes ``pace`` for the journeys it sets out on from now."""

    faction: int
    pace: float


@dataclass(frozen=True)
class ChangeRoute:
    """Close route ``route`` (from ``origin`` to ``target``) or open it: to every faction
    (``faction`` is ``None``: a cut, or a restore that lifts every closure), or to one
    faction, which bars its allies too while it is closed to it."""

    route: int
    origin: int
    target: int
    faction: int | None
    close: bool


@dataclass(frozen=True)
class SetWeather:
    """Set the weather to kind ``kind`` (an index into ``World.weather``), named ``name``."""

    kind: int
    name: str


CompiledEffect = (
    PostMessage
    | ChangeSorties
    | ChangeForces
    | ChangeMorale
    | ChangeAlliance
    | ChangeControl
    | ChangeQuality
    | ChangePace
    | ChangeRoute
    | SetWeather
)


@dataclass(frozen=True)
class CompiledEvent:
    """One scripted event: its condition, its effects in file order, and whether it fires
    only the first time (``once``) or at all (``enabled``)."""

    id: EventId
    condition: Condition
    effects: tuple[CompiledEffect, ...]
    once: bool
    enabled: bool


def compile_script(scenario: Scenario) -> tuple[CompiledEvent, ...]:
    """The scenario's scripted events, in file order, with indices in place of ids.

    >>> from frontlines.engine.scenario import load_scenario
    >>> script = compile_script(load_scenario("aleppo-2024"))
    >>> script[0].id, script[0].condition.turn, script[0].effects[0]
    ('offensive-opens', 1, PostMessage(text='27 November 2024: ...'))
    """
    compiler = _Compiler(scenario)
    compiled = []
    for e, event in enumerate(scenario.events):
        compiler.slots = iter(range(e * CHANCE_SLOTS, (e + 1) * CHANCE_SLOTS))
        compiled.append(
            CompiledEvent(
                id=event.id,
                condition=compiler.condition(event.when),
                effects=tuple(compiler.effect(effect) for effect in event.effects),
                once=event.once,
                enabled=event.enabled,
            )
        )
    return tuple(compiled)


def turn_window(trigger: Trigger) -> tuple[int | None, int | None]:
    """The first and last turn a trigger may hold in (``None``: no bound)."""
    first = trigger.turn if trigger.turn is not None else trigger.from_turn
    if first is None:
        return None, None
    if trigger.for_turns is not None:
        return first, first + trigger.for_turns - 1
    return first, first if trigger.turn is not None else None


class _Compiler:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.faction = {f.id: i for i, f in enumerate(scenario.factions)}
        self.place = {loc.id: j for j, loc in enumerate(scenario.locations)}
        self.air = {a.id: i for i, a in enumerate(scenario.air_support)}
        self.slots: Iterator[int] = iter(())
        self.route = {frozenset((r.from_, r.to)): e for e, r in enumerate(scenario.routes)}
        weather = weather_section(scenario)
        self.weather = [] if weather is None else weather.kinds

    def condition(self, trigger: Trigger) -> Condition:
        held = morale = strength = chance = None
        first, last = turn_window(trigger)
        if trigger.chance is not None:
            chance = Chance(trigger.chance, next(self.slots))
        if trigger.controlled is not None:
            c = trigger.controlled
            held = HeldBy(self.place[c.location], self.faction[c.by], c.or_allies)
        if trigger.morale_below is not None:
            m = trigger.morale_below
            morale = MoraleBelow(self.faction[m.faction], m.below)
        if trigger.strength is not None:
            t = trigger.strength
            above = t.above is not None
            level = t.above if t.above is not None else t.below
            strength = StrengthAt(
                self.faction[t.faction], self.place[t.location], float(level or 0.0), above
            )
        return Condition(
            first=first,
            last=last,
            held=held,
            morale_below=morale,
            every=tuple(self.condition(sub) for sub in trigger.all or ()),
            either=tuple(self.condition(sub) for sub in trigger.any or ()),
            strength=strength,
            chance=chance,
        )

    def effect(self, effect: Effect) -> CompiledEffect:
        if effect.sorties is not None:
            s = effect.sorties
            return ChangeSorties(self.air[s.air_support], s.set, s.change or 0)
        if effect.forces is not None:
            f = effect.forces
            return ChangeForces(self.faction[f.faction], self.place[f.location], f.change)
        if effect.morale is not None:
            return ChangeMorale(self.faction[effect.morale.faction], effect.morale.change)
        if effect.alliance is not None:
            change = effect.alliance
            alliance = next(a for a in self.scenario.alliances if a.id == change.alliance)
            who = self.faction[change.join or change.leave or ""]
            others = tuple(self.faction[m] for m in alliance.members if self.faction[m] != who)
            return ChangeAlliance(alliance.id, alliance.name, who, others, change.join is not None)
        if effect.control is not None:
            c = effect.control
            return ChangeControl(self.place[c.location], self.faction[c.faction])
        if effect.faction_rules is not None:
            r = effect.faction_rules
            if r.pace is not None:
                return ChangePace(self.faction[r.faction], float(r.pace))
            return ChangeQuality(self.faction[r.faction], float(r.quality or 0.0))
        if effect.route is not None:
            way = effect.route
            named = way.close_to or way.open_to
            return ChangeRoute(
                route=self.route[frozenset((way.from_, way.to))],
                origin=self.place[way.from_],
                target=self.place[way.to],
                faction=None if named is None else self.faction[named],
                close=bool(way.cut or way.close_to),
            )
        if effect.weather is not None:
            ids = [kind.id for kind in self.weather]
            w = ids.index(effect.weather)
            return SetWeather(w, self.weather[w].title)
        return PostMessage(effect.message or "")
