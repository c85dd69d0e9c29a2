"""Events of phase 1, scripted events: what each effect of a fired event did."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from frontlines.engine.rules.scripted import Fired
from frontlines.engine.scenario.base import AirSupportId, AllianceId, EventId, FactionId, LocationId
from frontlines.engine.script import (
    ChangeAlliance,
    ChangeControl,
    ChangeForces,
    ChangeMorale,
    ChangePace,
    ChangeQuality,
    ChangeRoute,
    ChangeSorties,
    PostMessage,
)
from frontlines.engine.world import World


@dataclass(frozen=True)
class Message:
    """A scripted event fired and posted its message."""

    turn: int
    event: EventId
    text: str

    def describe(self) -> str:
        """The message, as the news log shows it."""
        return self.text


@dataclass(frozen=True)
class ScriptedForces:
    """A scripted event added or removed strength (``change`` as applied: never below 0)."""

    turn: int
    event: EventId
    faction_id: FactionId
    faction: str
    location: LocationId
    place: str
    change: float

    def describe(self) -> str:
        """The change of strength as one line of the news log."""
        verb = "gain" if self.change >= 0 else "lose"
        return f"Forces of {self.faction} at {self.place} {verb} {abs(self.change):.1f} strength."


@dataclass(frozen=True)
class ScriptedMorale:
    """A scripted event raised or lowered a faction's morale by ``change`` (before the
    bounds 0 and 1, which apply once every event of the turn has fired)."""

    turn: int
    event: EventId
    faction_id: FactionId
    faction: str
    change: float

    def describe(self) -> str:
        """The change of morale as one line of the news log."""
        verb = "rises" if self.change >= 0 else "falls"
        return f"{self.faction}: morale {verb} by {abs(self.change):.2f}."


@dataclass(frozen=True)
class ScriptedSorties:
    """A scripted event changed an air-support entry's sorties per day."""

    turn: int
    event: EventId
    air_support: AirSupportId
    name: str
    change: int

    def describe(self) -> str:
        """The change of sorties as one line of the news log."""
        verb = "more" if self.change >= 0 else "fewer"
        return f"{self.name}: {abs(self.change)} {verb} sorties a day from now on."


@dataclass(frozen=True)
class ScriptedAlliance:
    """A scripted event made a faction join or leave an alliance."""

    turn: int
    event: EventId
    alliance: AllianceId
    name: str
    faction_id: FactionId
    faction: str
    joined: bool

    def describe(self) -> str:
        """The change of alliance as one line of the news log."""
        return f"{self.faction} {'joins' if self.joined else 'leaves'} {self.name}."


@dataclass(frozen=True)
class ScriptedControl:
    """A scripted event handed a place to a faction (``from_id``: who held it just before;
    the same faction if it already did). Forces there stayed where they were."""

    turn: int
    event: EventId
    location: LocationId
    place: str
    from_id: FactionId
    from_name: str
    faction_id: FactionId
    faction: str

    def describe(self) -> str:
        """The change of holder as one line of the news log."""
        if self.from_id == self.faction_id:
            return f"{self.place} stays in the hands of {self.faction}."
        return f"{self.place} passes from {self.from_name} to {self.faction}."


@dataclass(frozen=True)
class _FactionConstant:
    """A scripted event set one of a faction's constants: what it was and what it is now."""

    turn: int
    event: EventId
    faction_id: FactionId
    faction: str
    before: float
    after: float
    constant: ClassVar[str]  # its name in the news log

    def describe(self) -> str:
        """The change as one line of the news log."""
        return f"{self.faction}: {self.constant} {self.before:.2f}, now {self.after:.2f}."


@dataclass(frozen=True)
class ScriptedPace(_FactionConstant):
    """A scripted event set a faction's march pace (a multiple of each route kind's km a
    day) for the journeys it sets out on from now on."""

    constant: ClassVar[str] = "march pace"


@dataclass(frozen=True)
class ScriptedQuality(_FactionConstant):
    """A scripted event set a faction's combat quality (power per strength point)."""

    constant: ClassVar[str] = "combat quality"


@dataclass(frozen=True)
class ScriptedRoute:
    """A scripted event cut or restored a route, or closed or opened it to a faction (and,
    while it is closed to that faction, to its allies)."""

    turn: int
    event: EventId
    origin_id: LocationId
    origin: str
    target_id: LocationId
    target: str
    faction_id: FactionId | None  # None: for everyone (a cut or a restore)
    faction: str | None
    closed: bool

    def describe(self) -> str:
        """The change of the route as one line of the news log."""
        route = f"The route from {self.origin} to {self.target}"
        if self.faction is None:
            return f"{route} is {'cut' if self.closed else 'open again'}."
        if self.closed:
            return f"{route} is closed to {self.faction} and its allies."
        return f"{route} is open to {self.faction} again."


ScriptedEffect = (
    Message
    | ScriptedForces
    | ScriptedMorale
    | ScriptedSorties
    | ScriptedAlliance
    | ScriptedControl
    | ScriptedQuality
    | ScriptedPace
    | ScriptedRoute
)


def scripted_events(world: World, fired: Fired, run: int, turn: int) -> list[ScriptedEffect]:
    """What the scripted events that fired did in game ``run``, event by event."""
    out: list[ScriptedEffect] = []
    for e in fired.mask[run].nonzero()[0].tolist():
        out += _effects(world, fired, e, run, turn)
    return out


def _effects(world: World, fired: Fired, e: int, run: int, turn: int) -> list[ScriptedEffect]:
    """What scripted event ``e`` did in game ``run``, effect by effect."""
    event = world.script[e]
    fid, fname = world.faction_ids, world.faction_names
    out: list[ScriptedEffect] = []
    for k, effect in enumerate(event.effects):
        match effect:
            case PostMessage(text=text):
                if text:
                    out.append(Message(turn, event.id, text))
            case ChangeForces(faction=f, place=loc):
                change = float(fired.applied[(e, k)][run])
                out.append(
                    ScriptedForces(
                        turn,
                        event.id,
                        fid[f],
                        fname[f],
                        world.location_ids[loc],
                        world.location_names[loc],
                        change,
                    )
                )
            case ChangeMorale(faction=f, change=change):
                out.append(ScriptedMorale(turn, event.id, fid[f], fname[f], change))
            case ChangeSorties(air=a):
                change = int(fired.applied[(e, k)][run])
                out.append(
                    ScriptedSorties(turn, event.id, world.air_ids[a], world.air_names[a], change)
                )
            case ChangeRoute(origin=a, target=b, faction=f, close=close):
                names = world.location_names
                out.append(
                    ScriptedRoute(
                        turn,
                        event.id,
                        world.location_ids[a],
                        names[a],
                        world.location_ids[b],
                        names[b],
                        None if f is None else fid[f],
                        None if f is None else fname[f],
                        close,
                    )
                )
            case ChangeAlliance(faction=f):
                out.append(
                    ScriptedAlliance(
                        turn, event.id, effect.alliance, effect.name, fid[f], fname[f], effect.join
                    )
                )
            case ChangeControl(place=loc, faction=f):
                old = int(fired.applied[(e, k)][run])
                out.append(
                    ScriptedControl(
                        turn,
                        event.id,
                        world.location_ids[loc],
                        world.location_names[loc],
                        fid[old],
                        fname[old],
                        fid[f],
                        fname[f],
                    )
                )
            case ChangeQuality(faction=f, quality=quality):
                before = float(fired.applied[(e, k)][run])
                out.append(ScriptedQuality(turn, event.id, fid[f], fname[f], before, quality))
            case ChangePace(faction=f, pace=pace):
                before = float(fired.applied[(e, k)][run])
                out.append(ScriptedPace(turn, event.id, fid[f], fname[f], before, pace))
    return out
