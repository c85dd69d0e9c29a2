"""Phase 4, plainly: a battle wherever forces hostile to a place's holder stand in it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from frontlines.engine.arrays import BoolArray, FloatArray
from frontlines.engine.reference.common import (
    ally,
    holder,
    hostile_at,
    lognormal,
    morale_factor,
    one_game,
    power,
    supply_factor,
)
from frontlines.engine.rules.noise import Stream, uniform
from frontlines.engine.state import NEVER, State
from frontlines.engine.world import World


def surprise(world: World, state: State, f: int, turn: int) -> float:
    """Faction ``f``'s surprise if it attacks in ``turn``: the mean over the turn's days of
    ``1 + (S - 1) x max(0, 1 - k / D)``, ``k`` the days since its first attack (0 on that
    day, and on every day of the turn it would first attack in)."""
    days = world.turn_length_days
    first_day = (turn - 1) * days
    start = int(state.offensive_day[0, f])
    if start == NEVER:
        start = first_day
    factor, lasts = float(world.surprise_factor[f]), int(world.surprise_days[f])
    total = 0.0
    for j in range(days):
        k = first_day + j - start
        left = min(max((lasts - k) / lasts, 0.0), 1.0) if lasts > 0 else 0.0
        total += factor if left >= 1.0 else 1.0 + (factor - 1.0) * left
    return total / days


def on_front(world: World, f: int, place: int) -> bool:
    """Whether ``place`` is on faction ``f``'s surprise front (every place, if it has none)."""
    front = world.scenario.factions[f].surprise_front
    return front is None or world.location_ids[place] in front


def compounded(daily: float, days: int) -> float:
    """``1 - (1 - daily)**days``: the fraction lost over the days of a turn, as ``daily``
    times the sum of ``(1 - daily)**i`` for ``i`` below ``days``."""
    if days == 1:
        return daily
    total = 1.0
    for _ in range(days - 1):
        total = total * (1.0 - daily) + 1.0
    return min(max(daily * total, 0.0), 1.0)


@dataclass(frozen=True)
class CombatOutcome:
    """Every battle of the turn, by place (``L``; ``F x L`` where said).

    Powers and loss fractions are zero away from battles; strengths before (``*_strength``)
    and after (``*_left``) losses are given everywhere. ``log`` holds, for each battle
    place, the values a ``Battle`` event reports (the names of the engine's
    ``BATTLE_VALUES``); ``by_faction`` for each battle place each faction's strength before
    it, losses, and the quality, morale and supply multipliers of its power (``F`` each)."""

    battle: BoolArray
    attacker_power: FloatArray
    defender_power: FloatArray
    attacker_loss: FloatArray
    defender_loss: FloatArray
    attacker_strength: FloatArray
    defender_strength: FloatArray
    attacker_left: FloatArray
    defender_left: FloatArray
    strength: FloatArray  # F x L, before the battles
    hostile: BoolArray  # F x L, who attacks where (hostile to the holder)
    log: dict[int, dict[str, float]] = field(default_factory=dict)
    by_faction: dict[int, dict[str, FloatArray]] = field(default_factory=dict)


def _with_support(world: World, ground: float, support: float) -> float:
    """Air support counted: in full up to the ground power, the excess at a weight, capped."""
    r = world.rules.air
    counted = min(support, ground) + r.cas_excess_weight * max(support - ground, 0.0)
    return min(counted, r.cas_cap * ground)


def support_for_sides(
    world: World, state: State, support_power: FloatArray, place: int
) -> tuple[float, float]:
    """Close support for the attackers and for the defenders at ``place``: for the
    attackers only from entries whose beneficiary's side attacks there, reduced by the
    place's air defence; for the holder's side in full."""
    attack, defence = 0.0, 0.0
    for a in range(len(world.air_ids)):
        amount = float(support_power[a, place])
        if amount == 0:
            continue
        beneficiary = int(world.air_beneficiary[a])
        if ally(state, beneficiary, holder(state, place)):
            defence += amount
            continue
        side_attacks = any(
            ally(state, beneficiary, f)
            and hostile_at(state, f, place)
            and state.forces[0, f, place] > 0
            for f in range(world.n_factions)
        )
        if side_attacks:
            attack += amount * (1.0 - float(world.air_defence[place]))
    return attack, defence


def combat(
    world: World,
    state: State,
    support_power: FloatArray,
    attacked: BoolArray,
    seed: int,
    crossed: FloatArray | None = None,
) -> tuple[State, CombatOutcome]:
    """Fight every battle and apply the losses; ``support_power`` (``A x L``) is the air
    phase's close-support power, ``attacked`` (``F``) who attacked in phase 3 and
    ``crossed`` (``F x L``) what crossings cost each faction's attackers there: so much of
    their strength counts for nothing (its power is divided by the crossing's factor)."""
    one_game(state)
    rules, c = world.rules, world.rules.combat
    turn = state.turn + 1
    days = world.turn_length_days
    n_f, n_l = world.n_factions, world.n_locations
    x = state.forces[0]
    hostile = np.array([[hostile_at(state, f, p) for p in range(n_l)] for f in range(n_f)])
    over = bool(state.done[0])
    zeros = np.zeros(n_l)
    battle = np.zeros(n_l, dtype=bool)
    a_power, d_power, a_loss, d_loss = zeros.copy(), zeros.copy(), zeros.copy(), zeros.copy()
    a_strength, d_strength = zeros.copy(), zeros.copy()
    for p in range(n_l):
        for f in range(n_f):
            if hostile[f, p]:
                a_strength[p] += float(x[f, p])
            else:
                d_strength[p] += float(x[f, p])
    a_left, d_left = a_strength.copy(), d_strength.copy()
    forces = x.copy()
    draws = uniform(np.array([seed], dtype=np.uint64), turn, Stream.COMBAT, (8, n_l))[0]
    log: dict[int, dict[str, float]] = {}
    by_faction: dict[int, dict[str, FloatArray]] = {}
    for p in range(n_l):
        if over or not (a_strength[p] > 0 and d_strength[p] > 0):
            continue
        battle[p] = True
        # Each faction's power per strength point: quality, morale and supply.
        m = [
            float(state.quality[0, f])
            * morale_factor(rules, float(state.morale[0, f]), bool(state.collapsed[0, f]))
            * supply_factor(
                rules, int(state.unsupplied[0, f, p]), float(state.supply_days[0, f, p]), days
            )
            for f in range(n_f)
        ]
        surprised = [
            surprise(world, state, f, turn) if attacked[f] and on_front(world, f, p) else 1.0
            for f in range(n_f)
        ]
        plain, a_ground, d_sum, a_crossed = 0.0, 0.0, 0.0, 0.0
        for f in range(n_f):
            weighted = float(x[f, p]) * m[f]
            if hostile[f, p]:
                plain += weighted
                a_ground += weighted * surprised[f]
                paid = 0.0 if crossed is None else min(float(crossed[f, p]), float(x[f, p]))
                a_crossed += (float(x[f, p]) - paid) * m[f] * surprised[f]
            else:
                d_sum += weighted
        mean_surprise = a_ground / plain if a_ground > 0 else 1.0  # (then plain > 0 too)
        crossing = 1.0
        if crossed is not None and float(crossed[:, p] @ hostile[:, p]) > 0:
            crossing = a_crossed / a_ground if a_ground > 0 else 1.0
            a_ground = a_crossed
        override = float(world.posture_override[p])
        posture = float(world.faction_posture[holder(state, p)]) if np.isnan(override) else override
        terrain = float(world.terrain[p])
        d_ground = d_sum * terrain * posture
        a_support, d_support = support_for_sides(world, state, support_power, p)
        a_air = _with_support(world, a_ground, a_support)
        d_air = _with_support(world, d_ground, d_support)

        # Chance: luck on each side's power, noise on each side's losses (COMBAT stream,
        # draws 0-1 and 2-3 the noise, 4-5 and 6-7 the luck).
        u = [float(draws[k, p]) for k in range(8)]
        a_noise = lognormal(u[0], u[1], c.noise_sigma)
        d_noise = lognormal(u[2], u[3], c.noise_sigma)
        a_luck = lognormal(u[4], u[5], c.power_sigma)
        d_luck = lognormal(u[6], u[7], c.power_sigma)
        a_power[p] = (a_ground + a_air) * a_luck
        d_power[p] = (d_ground + d_air) * d_luck

        # Lanchester-style attrition on the power ratio, a fraction a day over the turn's days.
        ratio = max(float(a_power[p]) / max(float(d_power[p]), 1e-12), 1e-6)
        k = c.attrition_exponent
        a_daily = min(max(c.attrition_rate * power(ratio, -k) * a_noise, 0.0), 1.0)
        d_daily = min(max(c.attrition_rate * power(ratio, k) * d_noise, 0.0), 1.0)
        a_loss[p] = compounded(a_daily, days)
        d_loss[p] = compounded(d_daily, days)
        a_left[p], d_left[p] = 0.0, 0.0
        losses = np.zeros(n_f)
        for f in range(n_f):
            loss = float(a_loss[p]) if hostile[f, p] else float(d_loss[p])
            losses[f] = float(x[f, p]) * loss
            forces[f, p] = max(float(x[f, p]) - losses[f], 0.0)
            if hostile[f, p]:
                a_left[p] += float(forces[f, p])
            else:
                d_left[p] += float(forces[f, p])
        log[p] = {
            "attacker_strength": float(a_strength[p]),
            "defender_strength": float(d_strength[p]),
            "attacker_power": float(a_power[p]),
            "defender_power": float(d_power[p]),
            "attacker_ground": a_ground,
            "defender_ground": d_ground,
            "attacker_air": a_air,
            "defender_air": d_air,
            "terrain": terrain,
            "posture": posture,
            "surprise": mean_surprise,
            "crossing": crossing,
            "attacker_luck": a_luck,
            "defender_luck": d_luck,
            "attacker_noise": a_noise,
            "defender_noise": d_noise,
            "attacker_loss": float(a_loss[p]),
            "defender_loss": float(d_loss[p]),
        }
        by_faction[p] = {
            "strength": x[:, p].copy(),
            "losses": losses,
            "quality": state.quality[0].copy(),
            "morale": np.array(
                [
                    morale_factor(rules, float(state.morale[0, f]), bool(state.collapsed[0, f]))
                    for f in range(n_f)
                ]
            ),
            "supply": np.array(
                [
                    supply_factor(
                        rules,
                        int(state.unsupplied[0, f, p]),
                        float(state.supply_days[0, f, p]),
                        days,
                    )
                    for f in range(n_f)
                ]
            ),
        }

    # A faction's first attack sets the day its surprise starts to wear off, for good.
    offensive_day = state.offensive_day[0].copy()
    if not over:
        for f in range(n_f):
            front = [p for p in range(n_l) if on_front(world, f, p)]
            fights = len(front) == n_l or any(
                state.forces[0, f, p] > 0 and hostile_at(state, f, p) for p in front
            )
            if attacked[f] and offensive_day[f] == NEVER and fights:
                offensive_day[f] = (turn - 1) * days
    outcome = CombatOutcome(
        battle,
        a_power,
        d_power,
        a_loss,
        d_loss,
        a_strength,
        d_strength,
        a_left,
        d_left,
        x.copy(),
        hostile,
        log,
        by_faction,
    )
    changes = {"forces": forces[np.newaxis], "offensive_day": offensive_day[np.newaxis]}
    return state.evolve(**changes), outcome
