"""Events of phase 4, ground combat: each battle with the factors that decided it, read
from the phase's :class:`~frontlines.engine.rules.combat.BattleLog` by column name."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import compress

import numpy as np

from frontlines.engine.rules.capture import CaptureResult
from frontlines.engine.rules.combat import BattleLog, BattleResult
from frontlines.engine.scenario.base import LocationId
from frontlines.engine.world import World

# The log builds a battle and ten factors for every battle of every turn. A frozen
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
    location: LocationId
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
        location: LocationId,
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
        """The attackers' power as a multiple of the defenders'."""
        return self.attacker_power / max(self.defender_power, 1e-12)

    def describe(self) -> str:
        """The battle as one line of the news log."""
        outcome = "taken" if self.captured else "held"
        return (
            f"Battle for {self.place}: {', '.join(self.attackers)} ({self.attacker_strength:.1f}) "
            f"against {', '.join(self.defenders)} ({self.defender_strength:.1f}) at odds of "
            f"{self.odds:.1f}:1; losses {self.attacker_losses:.1f} and "
            f"{self.defender_losses:.1f}; {self.place} is {outcome}."
        )


def battle_events(
    world: World, battles: BattleResult, cap: CaptureResult, run: int, turn: int
) -> list[Battle]:
    """The battles of game ``run``, in the order of their places."""
    if battles.log is None:
        raise ValueError("the turn was played without recording what the event log reads")
    start, stop = np.searchsorted(battles.log.runs, (run, run + 1)).tolist()
    if stop == start:
        return []
    return _battles(world, battles.log, cap, run, turn, slice(start, stop))


_SIDE_SOURCES = {
    "quality": "faction quality (scenario)",
    "morale": "rules.morale bands of each faction's morale (QJM-style)",
    "supply": "rules.supply: power lost for each day cut off from supply and each day of "
    "travel beyond range_days",
}
_FIXED_FACTORS = (
    "terrain",
    "posture",
    "surprise",
    "crossing",
    "air support",
    "luck",
    "chance",
)


def _battles(
    world: World,
    log: BattleLog,
    cap: CaptureResult,
    run: int,
    turn: int,
    at: slice,
) -> list[Battle]:
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

    ground = np.stack((log.attacker_ground[at], log.defender_ground[at]))
    air = np.stack((log.attacker_air[at], log.defender_air[at]))
    # Close support over ground power (1 for a side with no ground power to support).
    with_air = np.divide(ground + air, ground, out=np.ones_like(ground), where=ground > 0)
    one = np.ones(n)
    fixed = np.array(  # 2 x 7 x n: each side's multipliers, in the order of _FIXED_FACTORS
        [
            [
                one,
                one,
                log.surprise[at],
                log.crossing[at],
                with_air[0],
                log.attacker_luck[at],
                log.attacker_noise[at],
            ],
            [
                log.terrain[at],
                log.posture[at],
                one,
                one,
                with_air[1],
                log.defender_luck[at],
                log.defender_noise[at],
            ],
        ]
    )
    factors = np.concatenate((means, fixed.transpose(2, 0, 1)), axis=2).tolist()  # n x 2 x 10
    factor_names = (*names, *_FIXED_FACTORS)
    factor_sources = (
        *(_SIDE_SOURCES[name] for name in names),
        "rules.terrain (QJM-style)",
        "rules.posture (QJM-style)",
        "surprise set by the scenario (rules.surprise, Dupuy), falling to 1 over the days "
        "after each faction's first attack",
        "rules.crossing: attackers crossing a river or strait this turn, power over the "
        "factor (QJM-style river factor)",
        "close support, full up to ground power, excess at half, capped (Dupuy)",
        f"lognormal luck on each side's power, sigma {c.power_sigma:g}",
        f"lognormal noise on losses, sigma {c.noise_sigma:g}",
    )
    # Each side's strength and power (the first four columns), then its losses, then its
    # power after losses as the capture test reckons it.
    a_power, d_power = log.attacker_power[at], log.defender_power[at]
    before = np.stack((log.attacker_strength[at], log.defender_strength[at], a_power, d_power), 1)
    power_left = (a_power * (1.0 - log.attacker_loss[at]), d_power * (1.0 - log.defender_loss[at]))
    sizes = np.concatenate((before, sums[:, 2:4], np.stack(power_left, axis=1)), axis=1)
    lost_by = log.losses[at].tolist()
    out: list[Battle] = []
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
