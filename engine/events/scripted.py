"""Events of phase 1, scripted events: what each effect of a fired event did."""

from __future__ import annotations

from dataclasses import dataclass

from frontlines.engine.rules.scripted import Fired
from frontlines.engine.world import World


@dataclass(frozen=True)
class Message:
    """A scripted event fired and posted its message."""

    turn: int
    event: str
    text: str

    def describe(self) -> str:
        return self.text


@dataclass(frozen=True)
class ScriptedForces:
    """A scripted event added or removed strength (``change`` as applied: never below 0)."""

    turn: int
    event: str
    faction_id: str
    faction: str
    location: str
    place: str
    change: float

    def describe(self) -> str:
        verb = "gain" if self.change >= 0 else "lose"
        return f"Forces of {self.faction} at {self.place} {verb} {abs(self.change):.1f} strength."


@dataclass(frozen=True)
class ScriptedMorale:
    """A scripted event raised or lowered a faction's morale by ``change`` (before the
    bounds 0 and 1, which apply once every event of the turn has fired)."""

    turn: int
    event: str
    faction_id: str
    faction: str
    change: float

    def describe(self) -> str:
        verb = "rises" if self.change >= 0 else "falls"
        return f"{self.faction}: morale {verb} by {abs(self.change):.2f}."


@dataclass(frozen=True)
class ScriptedSorties:
    """A scripted event changed an air-support entry's sorties per turn."""

    turn: int
    event: str
    air_support: str
    name: str
    change: int

    def describe(self) -> str:
        verb = "more" if self.change >= 0 else "fewer"
        return f"{self.name}: {abs(self.change)} {verb} sorties a day from now on."


@dataclass(frozen=True)
class ScriptedAlliance:
    """A scripted event made a faction join or leave an alliance."""

    turn: int
    event: str
    alliance: str
    name: str
    faction_id: str
    faction: str
    joined: bool

    def describe(self) -> str:
        return f"{self.faction} {'joins' if self.joined else 'leaves'} {self.name}."


ScriptedEffect = Message | ScriptedForces | ScriptedMorale | ScriptedSorties | ScriptedAlliance


def scripted_events(world: World, fired: Fired, run: int, turn: int) -> list[ScriptedEffect]:
    """What the scripted events that fired did in game ``run``, event by event."""
    out: list[ScriptedEffect] = []
    for e in fired.mask[run].nonzero()[0].tolist():
        out += _effects(world, fired, e, run, turn)
    return out


def _effects(world: World, fired: Fired, e: int, run: int, turn: int) -> list[ScriptedEffect]:
    """What scripted event ``e`` did in game ``run``, effect by effect."""
    event = world.scenario.events[e]
    fname = world.faction_names
    out: list[ScriptedEffect] = []
    for k, effect in enumerate(event.effects):
        if effect.message:
            out.append(Message(turn, event.id, effect.message))
        elif effect.forces is not None:
            f = world.faction_index(effect.forces.faction)
            loc = world.location_index(effect.forces.location)
            change = float(fired.applied[(e, k)][run])
            out.append(
                ScriptedForces(
                    turn,
                    event.id,
                    effect.forces.faction,
                    fname[f],
                    effect.forces.location,
                    world.location_names[loc],
                    change,
                )
            )
        elif effect.morale is not None:
            f = world.faction_index(effect.morale.faction)
            faction, change = effect.morale.faction, effect.morale.change
            out.append(ScriptedMorale(turn, event.id, faction, fname[f], change))
        elif effect.sorties is not None:
            a = world.air_index(effect.sorties.air_support)
            name = world.scenario.air_support[a].name
            change = int(fired.applied[(e, k)][run])
            out.append(ScriptedSorties(turn, event.id, effect.sorties.air_support, name, change))
        elif effect.alliance is not None:
            who = effect.alliance.join or effect.alliance.leave or ""
            alliance = next(a for a in world.scenario.alliances if a.id == effect.alliance.alliance)
            out.append(
                ScriptedAlliance(
                    turn,
                    event.id,
                    alliance.id,
                    alliance.name,
                    who,
                    fname[world.faction_index(who)],
                    effect.alliance.join is not None,
                )
            )
    return out
