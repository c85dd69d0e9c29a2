"""Events: frozen records of what happened in a turn, and the sentences the news log shows.

Each carries ids (for programs) and display names (for :meth:`describe`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.rules.air import AirResult
from engine.rules.capture import CaptureResult
from engine.rules.combat import BattleResult
from engine.rules.morale import MoraleResult
from engine.rules.reinforcement import ReinforcementResult
from engine.rules.scripted import Fired
from engine.state import DRAW, NO_WINNER, State
from engine.world import World


@dataclass(frozen=True)
class Message:
    """A scripted event fired and posted its message."""

    turn: int
    event: str
    text: str

    def describe(self) -> str:
        return self.text


@dataclass(frozen=True)
class Factor:
    """One multiplier of a battle and where it came from."""

    name: str
    attacker: float
    defender: float
    source: str


@dataclass(frozen=True)
class Battle:
    """A ground battle, with everything that decided it."""

    turn: int
    location: str
    place: str
    attackers: tuple[str, ...]
    defenders: tuple[str, ...]
    attacker_strength: float
    defender_strength: float
    attacker_power: float
    defender_power: float
    attacker_losses: float
    defender_losses: float
    captured: bool
    factors: tuple[Factor, ...]
    attacker_ids: tuple[str, ...] = ()
    defender_ids: tuple[str, ...] = ()

    @property
    def odds(self) -> float:
        return self.attacker_power / max(self.defender_power, 1e-12)

    def describe(self) -> str:
        outcome = "taken" if self.captured else "held"
        return (
            f"Battle for {self.place}: {', '.join(self.attackers)} ({self.attacker_strength:.1f}) "
            f"against {', '.join(self.defenders)} ({self.defender_strength:.1f}) at odds of "
            f"{self.odds:.1f}:1; losses {self.attacker_losses:.1f} and "
            f"{self.defender_losses:.1f}; {self.place} is {outcome}."
        )


@dataclass(frozen=True)
class Capture:
    """A place changed hands."""

    turn: int
    location: str
    place: str
    by: str
    from_faction: str

    def describe(self) -> str:
        return f"{self.place} is taken by {self.by} from {self.from_faction}."


@dataclass(frozen=True)
class Retreat:
    """A defeated garrison fell back, or was destroyed with nowhere to go."""

    turn: int
    location: str
    place: str
    faction: str
    to: str | None
    strength: float
    lost: float

    def describe(self) -> str:
        if self.to is None:
            return (
                f"Forces of {self.faction} at {self.place} have nowhere to fall back to and are "
                f"destroyed ({self.lost:.1f} lost)."
            )
        return (
            f"Forces of {self.faction} fall back from {self.place} to {self.to} with "
            f"{self.strength:.1f} ({self.lost:.1f} lost on the way)."
        )


@dataclass(frozen=True)
class Airstrike:
    """Strike sorties flown against a place."""

    turn: int
    air_support: str
    provider: str
    location: str
    place: str
    sorties: int
    destroyed: float

    def describe(self) -> str:
        return (
            f"{self.sorties} strike sorties by {self.provider} hit {self.place}, destroying "
            f"{self.destroyed:.1f} strength."
        )


@dataclass(frozen=True)
class CivilianCasualties:
    """Civilians reported killed and injured by strikes on a place."""

    turn: int
    location: str
    place: str
    killed: int
    injured: int
    by: str

    def describe(self) -> str:
        return (
            f"Strikes by {self.by} on {self.place}: {self.killed} civilians killed and "
            f"{self.injured} injured, as monitors report."
        )


@dataclass(frozen=True)
class MoraleCollapse:
    """A faction's morale broke."""

    turn: int
    faction: str
    name: str

    def describe(self) -> str:
        return f"{self.name}: morale collapses; its units are close to breaking."


@dataclass(frozen=True)
class Reinforcement:
    """Fresh forces arrived (or found their destination in enemy hands)."""

    turn: int
    faction: str
    location: str
    place: str
    strength: float
    arrived: bool

    def describe(self) -> str:
        if self.arrived:
            return f"{self.faction} reinforcements ({self.strength:g}) reach {self.place}."
        return f"{self.faction} reinforcements for {self.place} turn back: it is in enemy hands."


@dataclass(frozen=True)
class Victory:
    """The game ended."""

    turn: int
    winner: str | None
    name: str | None

    def describe(self) -> str:
        if self.winner is None:
            return "The last turn is over: no side met its victory conditions. A draw."
        return f"{self.name} has met its victory conditions."


Event = (
    Message
    | Battle
    | Capture
    | Retreat
    | Airstrike
    | CivilianCasualties
    | MoraleCollapse
    | Reinforcement
    | Victory
)


@dataclass(frozen=True)
class TurnRecord:
    """Everything the phases of one turn report, for building events."""

    fired: Fired
    air: AirResult
    battles: BattleResult
    capture: CaptureResult
    morale: MoraleResult
    reinforcements: ReinforcementResult


def build_events(
    world: World, before: State, after: State, record: TurnRecord, run: int
) -> tuple[Event, ...]:
    """The events of game ``run`` in one turn, in the order the phases happened."""
    turn = after.turn
    s = world.scenario
    place, fname = world.location_names, world.faction_names
    events: list[Event] = []
    for e in np.flatnonzero(record.fired.mask[run]):
        event = s.events[e]
        events += [Message(turn, event.id, eff.message) for eff in event.effects if eff.message]
    air = record.air
    for a, loc in zip(*np.nonzero(air.strike[run]), strict=True):
        provider = fname[world.air_provider[a]]
        events.append(
            Airstrike(
                turn,
                world.air_ids[a],
                provider,
                world.location_ids[loc],
                place[loc],
                int(air.strike[run, a, loc]),
                float(air.destroyed[run, a, loc]),
            )
        )
        killed, injured = int(air.killed[run, a, loc]), int(air.injured[run, a, loc])
        if killed or injured:
            events.append(
                CivilianCasualties(
                    turn, world.location_ids[loc], place[loc], killed, injured, provider
                )
            )
    b = record.battles
    cap = record.capture
    fought = np.flatnonzero(b.battle[run]).tolist()
    if fought:
        events += _battles(world, before, b, cap, run, turn, fought)
    for loc in np.flatnonzero(cap.captured[run]):
        old, new = int(cap.old_controller[run, loc]), int(after.controller[run, loc])
        events.append(Capture(turn, world.location_ids[loc], place[loc], fname[new], fname[old]))
        to = int(cap.retreat_to[run, loc])
        for f in np.flatnonzero(cap.retreated[run, :, loc] + cap.destroyed[run, :, loc] > 0):
            events.append(
                Retreat(
                    turn,
                    world.location_ids[loc],
                    place[loc],
                    fname[f],
                    place[to] if to >= 0 else None,
                    float(cap.retreated[run, f, loc]),
                    float(cap.destroyed[run, f, loc]),
                )
            )
    for f in np.flatnonzero(record.morale.collapsed_now[run]):
        events.append(MoraleCollapse(turn, world.faction_ids[f], fname[f]))
    r = record.reinforcements
    for i in np.flatnonzero(r.arrived[run] | r.turned_back[run]):
        entry = s.reinforcements[i]
        loc = world.location_index(entry.location)
        events.append(
            Reinforcement(
                turn,
                fname[world.faction_index(entry.faction)],
                entry.location,
                place[loc],
                entry.strength,
                bool(r.arrived[run, i]),
            )
        )
    if after.done[run] and not before.done[run]:
        w = int(after.winner[run])
        events.append(
            Victory(
                turn,
                None if w in (DRAW, NO_WINNER) else world.faction_ids[w],
                None if w in (DRAW, NO_WINNER) else fname[w],
            )
        )
    return tuple(events)


_BATTLE_COLUMNS = (
    "attacker_strength",
    "defender_strength",
    "attacker_power",
    "defender_power",
    "attacker_ground",
    "defender_ground",
    "attacker_air",
    "defender_air",
    "terrain",
    "posture",
    "surprise",
    "attacker_luck",
    "defender_luck",
    "attacker_noise",
    "defender_noise",
)
_SIDE_SOURCES = {
    "quality": "faction quality (scenario)",
    "morale": "rules.morale bands of each faction's morale (QJM-style)",
    "supply": "rules.supply: power lost for each turn cut off from supply",
}


def _battles(
    world: World,
    before: State,
    b: BattleResult,
    cap: CaptureResult,
    run: int,
    turn: int,
    fought: list[int],
) -> list[Event]:
    """Battle events, reading each array of the run once (this runs every turn in play)."""
    c = world.rules.combat
    col = {name: getattr(b, name)[run].tolist() for name in _BATTLE_COLUMNS}
    where = np.array(fought)
    strength = b.strength[run][:, where].T  # n x F
    hostile = b.hostile[run][:, where].T  # n x F, as the battle was fought
    present = strength > 0
    a_weight, d_weight = strength * hostile, strength * ~hostile
    a_total = np.maximum(a_weight.sum(axis=1), 1e-300)
    d_total = np.maximum(d_weight.sum(axis=1), 1e-300)
    side_means = {
        name: (
            ((a_weight * factor[run][:, where].T).sum(axis=1) / a_total).tolist(),
            ((d_weight * factor[run][:, where].T).sum(axis=1) / d_total).tolist(),
        )
        for name, factor in b.factors.items()
    }
    lost = b.losses[run][:, where].T
    a_lost, d_lost = (lost * hostile).sum(axis=1).tolist(), (lost * ~hostile).sum(axis=1).tolist()
    captured = cap.captured[run].tolist()
    fname, fid = world.faction_names, world.faction_ids
    out: list[Event] = []
    for i, loc in enumerate(fought):
        attacking = np.flatnonzero(hostile[i] & present[i]).tolist()
        defending = np.flatnonzero(~hostile[i] & present[i]).tolist()
        a_ground, d_ground = col["attacker_ground"][loc], col["defender_ground"][loc]
        per_side = [
            Factor(name, means[0][i], means[1][i], _SIDE_SOURCES[name])
            for name, means in side_means.items()
        ]
        factors = (
            *per_side,
            Factor("terrain", 1.0, col["terrain"][loc], "rules.terrain (QJM-style)"),
            Factor("posture", 1.0, col["posture"][loc], "rules.posture (QJM-style)"),
            Factor(
                "surprise",
                col["surprise"][loc],
                1.0,
                f"rules.combat.surprise_factor for the first {c.surprise_turns} turn(s) "
                "of an offensive",
            ),
            Factor(
                "air support",
                (a_ground + col["attacker_air"][loc]) / max(a_ground, 1e-12),
                (d_ground + col["defender_air"][loc]) / max(d_ground, 1e-12),
                "close support, full up to ground power, excess at half, capped (Dupuy)",
            ),
            Factor(
                "luck",
                col["attacker_luck"][loc],
                col["defender_luck"][loc],
                f"lognormal luck on each side's power, sigma {c.power_sigma:g}",
            ),
            Factor(
                "chance",
                col["attacker_noise"][loc],
                col["defender_noise"][loc],
                f"lognormal noise on losses, sigma {c.noise_sigma:g}",
            ),
        )
        out.append(
            Battle(
                turn=turn,
                location=world.location_ids[loc],
                place=world.location_names[loc],
                attackers=tuple(fname[f] for f in attacking),
                defenders=tuple(fname[f] for f in defending),
                attacker_strength=col["attacker_strength"][loc],
                defender_strength=col["defender_strength"][loc],
                attacker_power=col["attacker_power"][loc],
                defender_power=col["defender_power"][loc],
                attacker_losses=a_lost[i],
                defender_losses=d_lost[i],
                captured=bool(captured[loc]),
                factors=factors,
                attacker_ids=tuple(fid[f] for f in attacking),
                defender_ids=tuple(fid[f] for f in defending),
            )
        )
    return out
