"""Events: frozen records of what happened in a turn, and the sentences the news log shows.

Each carries ids (for programs) and display names (for :meth:`describe`).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import compress

import numpy as np

from frontlines.engine.rules.air import AirResult
from frontlines.engine.rules.capture import CaptureResult
from frontlines.engine.rules.combat import LOG_COLUMNS, BattleLog, BattleResult
from frontlines.engine.rules.morale import MoraleResult
from frontlines.engine.rules.reinforcement import ReinforcementResult
from frontlines.engine.rules.scripted import Fired
from frontlines.engine.state import DRAW, NO_WINNER, State
from frontlines.engine.text import counted
from frontlines.engine.world import World


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
    attacker_ids: tuple[str, ...]
    defender_ids: tuple[str, ...]
    attacker_losses_by: tuple[float, ...]  # each attacker's losses, in attacker_ids' order
    defender_losses_by: tuple[float, ...]
    attacker_power_left: float  # power after losses, which the capture test compares
    defender_power_left: float
    capture_ratio: float  # the attackers take the place above this many times the defence

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
        attacker_ids: tuple[str, ...],
        defender_ids: tuple[str, ...],
        attacker_losses_by: tuple[float, ...],
        defender_losses_by: tuple[float, ...],
        attacker_power_left: float,
        defender_power_left: float,
        capture_ratio: float,
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
            attacker_losses_by=attacker_losses_by,
            defender_losses_by=defender_losses_by,
            attacker_power_left=attacker_power_left,
            defender_power_left=defender_power_left,
            capture_ratio=capture_ratio,
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
    """A place changed hands: after a battle, or entered where nobody defended it."""

    turn: int
    location: str
    place: str
    by: str
    from_faction: str
    by_id: str
    from_id: str
    fought: bool  # whether a battle was fought for it this turn

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
    faction_id: str
    to_id: str | None

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
    provider_id: str
    destroyed_by: tuple[tuple[str, float], ...]  # (faction id, strength) of each faction hit

    def describe(self) -> str:
        flown = counted(self.sorties, "strike sortie")
        destroyed = f"destroying {self.destroyed:.1f} strength"
        return f"{flown} by {self.provider} hit {self.place}, {destroyed}."


@dataclass(frozen=True)
class CivilianCasualties:
    """Civilians reported killed and injured by strikes on a place."""

    turn: int
    location: str
    place: str
    killed: int
    injured: int
    by: str
    by_id: str
    air_support: str

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
class MoraleShift:
    """A faction's morale moved this turn: with the value of the places it lost and took,
    and what a turn without losses gave back."""

    turn: int
    faction: str
    name: str
    before: float
    after: float
    lost_value: float
    taken_value: float
    recovered: float

    def describe(self) -> str:
        why = []
        if self.lost_value:
            why.append(f"places worth {self.lost_value:g} lost")
        if self.taken_value:
            why.append(f"places worth {self.taken_value:g} taken")
        if self.recovered and not why:
            why.append("a quiet day")
        verb = "rises" if self.after > self.before else "falls"
        reason = f" ({', '.join(why)})" if why else ""
        return f"{self.name}: morale {verb} from {self.before:.2f} to {self.after:.2f}{reason}."


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


@dataclass(frozen=True)
class Reinforcement:
    """Fresh forces arrived (or found their destination in enemy hands)."""

    turn: int
    faction: str
    location: str
    place: str
    strength: float
    arrived: bool
    faction_id: str

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
    | ScriptedForces
    | ScriptedMorale
    | ScriptedSorties
    | ScriptedAlliance
    | Battle
    | Capture
    | Retreat
    | Airstrike
    | CivilianCasualties
    | MoraleShift
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
        events += _scripted(world, record.fired, e, run, turn)
    events += _airstrikes(world, record.air, run, turn)
    b = record.battles
    cap = record.capture
    if b.log is None:
        raise ValueError("the turn was played without recording what the event log reads")
    start, stop = np.searchsorted(b.log.runs, (run, run + 1)).tolist()
    if stop > start:
        events += _battles(world, b.log, cap, run, turn, slice(start, stop))
    fid = world.faction_ids
    for loc in cap.captured[run].nonzero()[0].tolist():
        old, new = int(cap.old_controller[run, loc]), int(after.controller[run, loc])
        fought = bool(b.battle[run, loc])
        events.append(
            Capture(turn, lid[loc], place[loc], fname[new], fname[old], fid[new], fid[old], fought)
        )
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
                    fid[f],
                    lid[to] if to >= 0 else None,
                )
            )
    events += _morale_shifts(world, record.morale, after, run, turn)
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
                entry.faction,
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


def _scripted(world: World, fired: Fired, e: int, run: int, turn: int) -> list[Event]:
    """What scripted event ``e`` did in game ``run``, effect by effect."""
    event = world.scenario.events[e]
    fname = world.faction_names
    out: list[Event] = []
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


def _morale_shifts(
    world: World, morale: MoraleResult, after: State, run: int, turn: int
) -> list[Event]:
    """A shift for each faction whose morale the morale phase moved in game ``run``."""
    before, now = morale.before[run], after.morale[run]
    out: list[Event] = []
    for f in (before != now).nonzero()[0].tolist():
        out.append(
            MoraleShift(
                turn,
                world.faction_ids[f],
                world.faction_names[f],
                float(before[f]),
                float(now[f]),
                float(morale.lost[run, f]),
                float(morale.taken[run, f]),
                float(morale.recovery[run, f]),
            )
        )
    return out


def _airstrikes(world: World, air: AirResult, run: int, turn: int) -> list[Event]:
    """Strike events, each followed by the civilian harm it did (if any)."""
    cells = air.strike[run].reshape(-1).nonzero()[0]  # entry * L + place, in that order
    if cells.size == 0:
        return []
    flown = air.strike[run].take(cells).tolist()
    destroyed = air.destroyed[run].take(cells).tolist()
    killed = air.killed[run].take(cells).tolist()
    injured = air.injured[run].take(cells).tolist()
    # Each faction's losses at the cells struck in this run (``air.cells`` holds every run's).
    per_run = world.n_locations * len(world.air_ids)
    first = run * per_run
    lo, hi = np.searchsorted(air.cells, (first, first + per_run)).tolist()
    struck = (air.cells[lo:hi] - first).tolist()
    by_cell = dict(zip(struck, air.destroyed_by[lo:hi].tolist(), strict=True))
    entries, places = np.divmod(cells, world.n_locations)
    place, fname, lid, fid = (
        world.location_names,
        world.faction_names,
        world.location_ids,
        world.faction_ids,
    )
    provider = [fname[f] for f in world.air_provider.tolist()]
    provider_id = [fid[f] for f in world.air_provider.tolist()]
    out: list[Event] = []
    for i, (a, loc) in enumerate(zip(entries.tolist(), places.tolist(), strict=True)):
        hit = by_cell.get(int(cells[i]), ())
        out.append(
            Airstrike(
                turn,
                world.air_ids[a],
                provider[a],
                lid[loc],
                place[loc],
                int(flown[i]),
                destroyed[i],
                provider_id[a],
                tuple((fid[f], amount) for f, amount in enumerate(hit) if amount > 0),
            )
        )
        dead, hurt = int(killed[i]), int(injured[i])
        if dead or hurt:
            out.append(
                CivilianCasualties(
                    turn,
                    lid[loc],
                    place[loc],
                    dead,
                    hurt,
                    provider[a],
                    provider_id[a],
                    world.air_ids[a],
                )
            )
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
    # Each side's factors weighted by its strength (exact even for the tiniest strengths; 0
    # for a side with none).
    totals = np.broadcast_to(sums[:, :2, np.newaxis], (n, 2, k))
    means = np.divide(
        sums[:, 4:].reshape(n, 2, k), totals, out=np.zeros((n, 2, k)), where=totals > 0
    )  # battle x side x factor
    on_side = (by_side[:, 0] > 0).tolist()  # n x 2 x F: who fought on each side

    # The log's columns, then each side's air support factor and a row of ones; a gather
    # puts each side's factors in order.
    columns = log.columns[:, at]
    ground = columns[_ROW["attacker_ground"] :][:2]
    air = columns[_ROW["attacker_air"] :][:2]
    # Close support over ground power (1 for a side with no ground power to support).
    with_air = np.divide(ground + air, ground, out=np.ones_like(ground), where=ground > 0)
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
    # Each side's strength and power (the first four columns), then its losses, then its
    # power after losses as the capture test reckons it.
    a_power_col, d_power_col = columns[_ROW["attacker_power"]], columns[_ROW["defender_power"]]
    power_left = (
        a_power_col * (1.0 - columns[_ROW["attacker_loss"]]),
        d_power_col * (1.0 - columns[_ROW["defender_loss"]]),
    )
    sizes = np.concatenate((columns[:4].T, sums[:, 2:4], np.stack(power_left, axis=1)), axis=1)
    lost_by = log.losses[at].tolist()
    out: list[Event] = []
    fname, fid = world.faction_names, world.faction_ids
    for loc, size, (a_factors, d_factors), (attacking, defending), taken, lost in zip(
        fought.tolist(),
        sizes.tolist(),
        factors,
        on_side,
        cap.captured[run][fought].tolist(),
        lost_by,
        strict=True,
    ):
        a_strength, d_strength, a_power, d_power, a_lost, d_lost, a_left, d_left = size
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
                tuple(compress(lost, attacking)),
                tuple(compress(lost, defending)),
                a_left,
                d_left,
                c.capture_ratio,
            )
        )
    return out
