"""Events: frozen records of what happened in a turn, and the sentences the news log shows.

Each carries ids (for programs) and display names (for :meth:`describe`).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import compress

import numpy as np

from engine.rules.air import AirResult
from engine.rules.capture import CaptureResult
from engine.rules.combat import LOG_COLUMNS, BattleLog, BattleResult
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


# The log builds a battle and nine factors for every battle of every turn. A frozen
# dataclass's own ``__init__`` sets each field through ``object.__setattr__``, which costs
# more than everything else about them, so these two fill the instance's dict directly: the
# objects are the same.


@dataclass(frozen=True, init=False)
class Factor:
    """One multiplier of a battle and where it came from."""

    name: str
    attacker: float
    defender: float
    source: str

    def __init__(self, name: str, attacker: float, defender: float, source: str) -> None:
        fields = self.__dict__
        fields["name"] = name
        fields["attacker"] = attacker
        fields["defender"] = defender
        fields["source"] = source


@dataclass(frozen=True, init=False)
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

    def __init__(
        self,
        turn: int,
        location: str,
        place: str,
        attackers: tuple[str, ...],
        defenders: tuple[str, ...],
        attacker_strength: float,
        defender_strength: float,
        attacker_power: float,
        defender_power: float,
        attacker_losses: float,
        defender_losses: float,
        captured: bool,
        factors: tuple[Factor, ...],
        attacker_ids: tuple[str, ...] = (),
        defender_ids: tuple[str, ...] = (),
    ) -> None:
        self.__dict__.update(
            turn=turn,
            location=location,
            place=place,
            attackers=attackers,
            defenders=defenders,
            attacker_strength=attacker_strength,
            defender_strength=defender_strength,
            attacker_power=attacker_power,
            defender_power=defender_power,
            attacker_losses=attacker_losses,
            defender_losses=defender_losses,
            captured=captured,
            factors=factors,
            attacker_ids=attacker_ids,
            defender_ids=defender_ids,
        )

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
    """The events of game ``run`` in one turn, in the order the phases happened.

    This runs every turn in play, mostly for one game, so each array of the run is read once
    and only where something happened."""
    turn = after.turn
    s = world.scenario
    place, fname, lid = world.location_names, world.faction_names, world.location_ids
    events: list[Event] = []
    for e in record.fired.mask[run].nonzero()[0].tolist():
        event = s.events[e]
        events += [Message(turn, event.id, eff.message) for eff in event.effects if eff.message]
    events += _airstrikes(world, record.air, run, turn)
    b = record.battles
    cap = record.capture
    if b.log is None:
        raise ValueError("the turn was played without recording what the event log reads")
    start, stop = np.searchsorted(b.log.runs, (run, run + 1)).tolist()
    if stop > start:
        events += _battles(world, b.log, cap, run, turn, slice(start, stop))
    for loc in cap.captured[run].nonzero()[0].tolist():
        old, new = int(cap.old_controller[run, loc]), int(after.controller[run, loc])
        events.append(Capture(turn, lid[loc], place[loc], fname[new], fname[old]))
        to = int(cap.retreat_to[run, loc])
        retreated, destroyed = cap.retreated[run, :, loc], cap.destroyed[run, :, loc]
        for f in (retreated + destroyed > 0).nonzero()[0].tolist():
            events.append(
                Retreat(
                    turn,
                    lid[loc],
                    place[loc],
                    fname[f],
                    place[to] if to >= 0 else None,
                    float(retreated[f]),
                    float(destroyed[f]),
                )
            )
    for f in record.morale.collapsed_now[run].nonzero()[0].tolist():
        events.append(MoraleCollapse(turn, world.faction_ids[f], fname[f]))
    r = record.reinforcements
    for i in (r.arrived[run] | r.turned_back[run]).nonzero()[0].tolist():
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


def _airstrikes(world: World, air: AirResult, run: int, turn: int) -> list[Event]:
    """Strike events, each followed by the civilian harm it did (if any)."""
    cells = air.strike[run].reshape(-1).nonzero()[0]  # entry * L + place, in that order
    if cells.size == 0:
        return []
    flown = air.strike[run].take(cells).tolist()
    destroyed = air.destroyed[run].take(cells).tolist()
    killed = air.killed[run].take(cells).tolist()
    injured = air.injured[run].take(cells).tolist()
    entries, places = np.divmod(cells, world.n_locations)
    place, fname, lid = world.location_names, world.faction_names, world.location_ids
    provider = [fname[f] for f in world.air_provider.tolist()]
    out: list[Event] = []
    for i, (a, loc) in enumerate(zip(entries.tolist(), places.tolist(), strict=True)):
        out.append(
            Airstrike(
                turn,
                world.air_ids[a],
                provider[a],
                lid[loc],
                place[loc],
                int(flown[i]),
                destroyed[i],
            )
        )
        dead, hurt = int(killed[i]), int(injured[i])
        if dead or hurt:
            out.append(CivilianCasualties(turn, lid[loc], place[loc], dead, hurt, provider[a]))
    return out


_SIDE_SOURCES = {
    "quality": "faction quality (scenario)",
    "morale": "rules.morale bands of each faction's morale (QJM-style)",
    "supply": "rules.supply: power lost for each turn cut off from supply",
}
_AIR_SUPPORT = len(LOG_COLUMNS)  # then the defenders' air support, then ones
_ONE = _AIR_SUPPORT + 2
_ROW = {name: i for i, name in enumerate(LOG_COLUMNS)}
_FIXED_FACTOR_ROWS = np.array(
    # Each side's multiplier for terrain, posture, surprise, air support, luck and chance.
    [
        [_ONE, _ONE, _ROW["surprise"], _AIR_SUPPORT, _ROW["attacker_luck"], _ROW["attacker_noise"]],
        [
            _ROW["terrain"],
            _ROW["posture"],
            _ONE,
            _AIR_SUPPORT + 1,
            _ROW["defender_luck"],
            _ROW["defender_noise"],
        ],
    ]
)
_FIXED_FACTOR_ROWS.setflags(write=False)
_FIXED_FACTORS = ("terrain", "posture", "surprise", "air support", "luck", "chance")


def _battles(
    world: World,
    log: BattleLog,
    cap: CaptureResult,
    run: int,
    turn: int,
    at: slice,
) -> list[Event]:
    """Battle events for the battles ``at`` of the log (those of game ``run``), with a
    handful of array operations for all of them together."""
    c = world.rules.combat
    n_f = world.n_factions
    fought = log.places[at]
    n = fought.size
    names = list(log.factors)
    k = len(names)
    # Strength, losses and the per-faction multipliers at each battle (n x (2 + k) x F).
    arrays = (log.strength[at], log.losses[at], *(log.factors[name][at] for name in names))
    per_faction = np.concatenate(arrays, axis=1).reshape(n, 2 + k, n_f)
    hostile = log.attacking[at]  # n x F, as the battle was fought
    sides = np.concatenate((hostile, ~hostile), axis=1).reshape(n, 2, n_f)  # attack, defence
    # Strength and losses on each side (n x 2 x 2 x F), and the strength times each factor.
    by_side = per_faction[:, :2, np.newaxis] * sides[:, np.newaxis]
    weighted = by_side[:, 0, :, np.newaxis] * per_faction[:, np.newaxis, 2:]  # n x 2 x k x F
    # Every sum over factions runs along the last axis of one C-ordered array, as the log has
    # always summed them (numpy adds more than seven terms pairwise: the layout matters).
    terms = np.concatenate((by_side.reshape(n, 4, n_f), weighted.reshape(n, 2 * k, n_f)), axis=1)
    sums = np.add.reduce(terms, axis=2)  # n x (4 + 2k)
    totals = np.maximum(sums[:, :2], 1e-300)
    means = sums[:, 4:].reshape(n, 2, k) / totals[:, :, np.newaxis]  # battle x side x factor
    on_side = (by_side[:, 0] > 0).tolist()  # n x 2 x F: who fought on each side

    # The log's columns, then each side's air support factor and a row of ones; a gather
    # puts each side's factors in order.
    columns = log.columns[:, at]
    ground = columns[_ROW["attacker_ground"] :][:2]
    air = columns[_ROW["attacker_air"] :][:2]
    with_air = (ground + air) / np.maximum(ground, 1e-12)
    fixed = np.concatenate((columns, with_air, np.ones((1, n))))[_FIXED_FACTOR_ROWS]  # 2 x 6 x n
    factors = np.concatenate((means, fixed.transpose(2, 0, 1)), axis=2).tolist()  # n x 2 x 9
    factor_names = (*names, *_FIXED_FACTORS)
    factor_sources = (
        *(_SIDE_SOURCES[name] for name in names),
        "rules.terrain (QJM-style)",
        "rules.posture (QJM-style)",
        f"rules.combat.surprise_factor for the first {c.surprise_turns} turn(s) of an offensive",
        "close support, full up to ground power, excess at half, capped (Dupuy)",
        f"lognormal luck on each side's power, sigma {c.power_sigma:g}",
        f"lognormal noise on losses, sigma {c.noise_sigma:g}",
    )
    # Each side's strength and power (the first four columns), then its losses.
    sizes = np.concatenate((columns[:4].T, sums[:, 2:4]), axis=1).tolist()
    out: list[Event] = []
    fname, fid = world.faction_names, world.faction_ids
    for loc, size, (a_factors, d_factors), (attacking, defending), taken in zip(
        fought.tolist(), sizes, factors, on_side, cap.captured[run][fought].tolist(), strict=True
    ):
        a_strength, d_strength, a_power, d_power, a_lost, d_lost = size
        out.append(
            Battle(  # (positional arguments: this runs for every battle of every turn)
                turn,
                world.location_ids[loc],
                world.location_names[loc],
                tuple(compress(fname, attacking)),
                tuple(compress(fname, defending)),
                a_strength,
                d_strength,
                a_power,
                d_power,
                a_lost,
                d_lost,
                bool(taken),
                tuple(map(Factor, factor_names, a_factors, d_factors, factor_sources)),
                tuple(compress(fid, attacking)),
                tuple(compress(fid, defending)),
            )
        )
    return out
