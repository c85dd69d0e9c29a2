"""A scenario's scripted events compiled once, with indices in place of ids.

The scripted-events phase (``rules/scripted.py``) evaluates these conditions and applies
these effects every turn, and its events (``events/scripted.py``) name what they did from
them, so neither reads the scenario's models during a game.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontlines.engine.scenario.base import AllianceId, EventId
from frontlines.engine.scenario.model import Effect, Scenario, Trigger
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
class Condition:
    """When a scripted event fires: every part given must hold.

    ``turn`` is the one turn it may hold in (``None``: any), ``every`` the sub-conditions that
    must all hold and ``either`` those of which one must (empty: no such part).
    """

    turn: int | None
    held: HeldBy | None
    morale_below: MoraleBelow | None
    every: tuple[Condition, ...]
    either: tuple[Condition, ...]


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
class SetWeather:
    """Set the weather to kind ``kind`` (an index into ``World.weather``), named ``name``."""

    kind: int
    name: str


CompiledEffect = (
    PostMessage | ChangeSorties | ChangeForces | ChangeMorale | ChangeAlliance | SetWeather
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
    return tuple(
        CompiledEvent(
            id=event.id,
            condition=compiler.condition(event.when),
            effects=tuple(compiler.effect(effect) for effect in event.effects),
            once=event.once,
            enabled=event.enabled,
        )
        for event in scenario.events
    )


class _Compiler:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.faction = {f.id: i for i, f in enumerate(scenario.factions)}
        self.place = {loc.id: j for j, loc in enumerate(scenario.locations)}
        self.air = {a.id: i for i, a in enumerate(scenario.air_support)}
        weather = weather_section(scenario)
        self.weather = [] if weather is None else weather.kinds

    def condition(self, trigger: Trigger) -> Condition:
        held = morale = None
        if trigger.controlled is not None:
            c = trigger.controlled
            held = HeldBy(self.place[c.location], self.faction[c.by], c.or_allies)
        if trigger.morale_below is not None:
            m = trigger.morale_below
            morale = MoraleBelow(self.faction[m.faction], m.below)
        return Condition(
            turn=trigger.turn,
            held=held,
            morale_below=morale,
            every=tuple(self.condition(sub) for sub in trigger.all or ()),
            either=tuple(self.condition(sub) for sub in trigger.any or ()),
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
        if effect.weather is not None:
            ids = [kind.id for kind in self.weather]
            w = ids.index(effect.weather)
            return SetWeather(w, self.weather[w].title)
        return PostMessage(effect.message or "")
