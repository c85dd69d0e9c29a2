"""Phase 4: ground combat wherever forces hostile to a place's holder stand in it.

Power follows Dupuy's QJM in spirit: strength x quality x morale x supply, times terrain and
posture for the defender and surprise for the attacker, plus close air support counted fully
up to the ground power it supports, the excess at half, and never more than a set multiple of
it. Each side's power carries lognormal luck; losses follow the power ratio in the manner of
Lanchester, with lognormal noise, a loss fraction per day compounded over the days of a turn.

Attackers who crossed a river or strait into the place this turn fight at their power over
the crossing's factor (``rules.crossing``, QJM-style): the strength movement reports as
``crossed`` counts for nothing, which is the same thing. The penalty is for the turn of the
assault crossing; attackers still there the next turn hold a bridgehead and fight in full.

Surprise is the scenario's: each faction's multiplier on the day of its first attack falls
linearly to 1 over some days counted from that attack, attack or not, so a pause never
brings it back.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from frontlines.engine.arrays import BoolArray, FloatArray, IntArray
from frontlines.engine.elementary import power
from frontlines.engine.rules.air import AirResult
from frontlines.engine.rules.common import (
    hostile_here,
    morale_factor,
    sum_axis1,
    supply_factor,
    where_set,
)
from frontlines.engine.rules.noise import Stream, draw_order, lognormal_from, uniform_at
from frontlines.engine.state import NEVER, State
from frontlines.engine.world import World


def surprise_multiplier(world: World, offensive_day: IntArray, turn: int) -> FloatArray:
    """``B x F``: the power multiplier each faction's attacks get in ``turn`` (from 1), given
    the day of its first attack before that turn (``offensive_day``, ``NEVER`` if none).

    On day ``k`` after the first attack (``k = 0`` that day) it is ``1 + (S - 1) x (1 - k /
    D)``, and 1 from day ``D`` on, for the faction's factor ``S`` and days ``D``; a turn gets
    the mean over its days. A faction yet to attack would attack on day 0."""
    days = world.turn_length_days
    first_day = (turn - 1) * days
    k0 = first_day - np.where(offensive_day == NEVER, first_day, offensive_day)  # B x F
    factor, lasts = world.surprise_factor, world.surprise_days
    span = max(1, min(days, int(lasts.max(initial=0))))  # days after which every factor is 1
    total = np.zeros(k0.shape)
    for j in range(span):  # one step a day while any surprise lasts (a turn is a day or few)
        left = np.divide(lasts - (k0 + j), lasts, out=np.zeros(k0.shape), where=lasts > 0)
        left = left.clip(0.0, 1.0)
        total += np.where(left >= 1.0, factor, 1.0 + (factor - 1.0) * left)
    if days == 1:
        return total
    out: FloatArray = (total + float(days - span)) / days
    return out


def over_days(daily: FloatArray, days: int) -> FloatArray:
    """The fraction lost over ``days`` days at the fraction ``daily`` a day, ``1 - (1 -
    daily)**days``, worked out as ``daily`` times the sum of ``(1 - daily)**i`` for ``i`` below
    ``days`` (Horner's way, multiplications and additions only), which keeps full precision
    for small fractions, where the difference would cancel."""
    if days == 1:
        return daily
    keep = 1.0 - daily
    total = np.ones_like(daily)
    for _ in range(days - 1):
        total *= keep
        total += 1.0
    out: FloatArray = (daily * total).clip(0.0, 1.0)
    return out


@dataclass(frozen=True)
class BattleLog:
    """What only the event log reads: the n battles of the turn, run by run (``runs``,
    ``places``), each battle's values (``n`` arrays), and per faction (``n x F``) its
    strength before the battle, whether it attacked, what it lost and the quality, morale and
    supply multipliers of its power (``factors``)."""

    runs: IntArray
    places: IntArray
    attacker_strength: FloatArray  # before losses
    defender_strength: FloatArray
    attacker_power: FloatArray
    defender_power: FloatArray
    attacker_ground: FloatArray  # power on the ground, before air support and luck
    defender_ground: FloatArray
    attacker_air: FloatArray  # air support counted
    defender_air: FloatArray
    terrain: FloatArray
    posture: FloatArray
    surprise: FloatArray
    crossing: FloatArray  # the attackers' ground power with crossings over that without
    attacker_luck: FloatArray  # lognormal multiplier on each side's power
    defender_luck: FloatArray
    attacker_noise: FloatArray  # lognormal multiplier on each side's losses
    defender_noise: FloatArray
    attacker_loss: FloatArray  # fraction of each side lost
    defender_loss: FloatArray
    strength: FloatArray
    attacking: BoolArray
    losses: FloatArray
    factors: dict[str, FloatArray]


_NOT_VALUES = ("runs", "places", "strength", "attacking", "losses", "factors")
BATTLE_VALUES = tuple(item.name for item in fields(BattleLog) if item.name not in _NOT_VALUES)
"""The values of each battle a :class:`BattleLog` holds (one ``n`` array each)."""


@dataclass(frozen=True)
class BattleResult:
    """Every battle of the turn (``B x L`` arrays; ``battle`` marks where one was fought).

    Values outside battles are zero. ``log`` is ``None`` when nothing is recorded."""

    battle: BoolArray
    attacker_power: FloatArray
    defender_power: FloatArray
    attacker_loss: FloatArray  # fraction of the attackers lost
    defender_loss: FloatArray  # fraction of the defenders lost
    attacker_strength: FloatArray  # before losses (everywhere, not only in battles)
    defender_strength: FloatArray
    attacker_left: FloatArray  # after losses (everywhere)
    defender_left: FloatArray
    strength: FloatArray  # B x F x L strength each faction had before the battle
    hostile: BoolArray  # B x F x L: who attacked (hostile to the holder) in each battle
    log: BattleLog | None


def _air_for_sides(
    world: World,
    state: State,
    air: AirResult,
    hostile: BoolArray,
    attackers: FloatArray,
    runs: IntArray,
    places: IntArray,
) -> FloatArray:
    """Support power for the attacking and the defending side (``2 x n``) in the n battles at
    ``runs``, ``places`` (``attackers``: the ``B x F x L`` forces hostile to the holder).

    Only entries that fly support add anything (a zero adds nothing to a sum that starts at
    zero), so the sums over entries run over those alone, entry by entry in order."""
    cells = air.support_cells
    if cells is None:
        cells = np.flatnonzero(air.support_power)
    if cells.size == 0:
        return np.zeros((2, runs.size))
    found, entries, over = np.unravel_index(cells, air.support_power.shape)
    power = air.support_power.reshape(-1)[cells]
    beneficiary = world.air_beneficiary[entries]
    against_holder = hostile[found, beneficiary, over]
    through = 1.0 - world.air_defence[over]
    # Support for the attackers counts only where the beneficiary's own side is attacking.
    side = state.allied[found, beneficiary]  # n x F
    side_attacking = np.logical_or.reduce(side & (attackers[found, :, over] > 0), axis=1)
    # The attackers' support summed into the first B x L cells, the defenders' into the next.
    n_l = world.n_locations
    size = state.batch * n_l
    cell = found * n_l + over
    weights = (power * against_holder * side_attacking * through, power * ~against_holder)
    support = np.bincount(
        np.concatenate((cell, cell + size)), weights=np.concatenate(weights), minlength=2 * size
    ).astype(np.float64, copy=False)
    return support.reshape(2, -1)[:, runs * n_l + places]


def _with_support(ground: FloatArray, support: FloatArray, world: World) -> FloatArray:
    rules = world.rules.air
    full = np.minimum(support, ground)
    counted = full + rules.cas_excess_weight * np.maximum(support - ground, 0.0)
    return np.minimum(counted, rules.cas_cap * ground)


def _offensive_day(world: World, state: State, attacked: BoolArray, hostile: BoolArray) -> IntArray:
    """``B x F``: the day of each faction's first attack, once this turn's are counted.

    A faction's first attack starts the days its surprise wears off over, for good."""
    front = world.surprise_front
    first = attacked & (state.offensive_day == NEVER)
    if front is not None:  # there, from the first battle it fights on its front as attacker
        on_front = (state.forces > 0) & hostile & front[np.newaxis]
        first &= on_front.any(axis=2) | front.all(axis=1)
    if np.count_nonzero(state.done):
        first &= ~state.done[:, np.newaxis]
    out: IntArray = np.where(first, state.turn * world.turn_length_days, state.offensive_day)
    return out


_PAIRED = draw_order(0, 2, 4, 6, 1, 3, 5, 7)


def resolve_combat(
    world: World,
    state: State,
    air: AirResult,
    attacked: BoolArray,
    seeds: np.ndarray,
    *,
    hostile: BoolArray | None = None,
    record: bool = True,
    crossed: FloatArray | None = None,
) -> tuple[State, BattleResult]:
    """Fight every battle at once and apply the losses.

    ``crossed`` is what crossings cost the attackers this turn (``B x F x L``, from
    :func:`~frontlines.engine.rules.movement.resolve_movement`; ``None``: nothing).

    ``hostile`` is :func:`~frontlines.engine.rules.common.hostile_here` of ``state`` if the caller
    has it. Battles are few, so everything past finding them is worked out for them alone."""
    rules = world.rules
    c = rules.combat
    turn = state.turn + 1
    days = world.turn_length_days
    if hostile is None:
        hostile = hostile_here(state)  # B x F x L
    attacking_forces = state.forces * hostile
    a_strength = sum_axis1(attacking_forces)
    d_strength = sum_axis1(state.forces * ~hostile)
    battle = (a_strength > 0) & (d_strength > 0)
    if np.count_nonzero(state.done):
        battle &= ~state.done[:, np.newaxis]
    runs, places = where_set(battle)
    if runs.size == 0 and not record:
        # No battle anywhere: no strength is lost, and there is no power or loss to spread.
        spread = np.zeros((4, *battle.shape))
        forces = state.forces.copy()
        a_left, d_left = a_strength.copy(), d_strength.copy()
        offensive_day = _offensive_day(world, state, attacked, hostile)
        a_power, d_power, a_loss, d_loss = spread
        quiet = BattleResult(
            battle,
            a_power,
            d_power,
            a_loss,
            d_loss,
            a_strength,
            d_strength,
            a_left,
            d_left,
            state.forces,
            hostile,
            None,
        )
        return state.evolve(forces=forces, offensive_day=offensive_day), quiet

    # From here on, n x F arrays for the n battles.
    strength = state.forces[runs, :, places]
    attacking = hostile[runs, :, places]
    defending = ~attacking
    attackers, defenders = strength * attacking, strength * defending
    morale = morale_factor(state.morale, state.collapsed, rules)  # B x F
    supply = supply_factor(
        state.unsupplied[runs, :, places],
        state.supply_days[runs, :, places],
        rules,
        world.turn_length_days,
    )
    morale_at = morale[runs]
    per_faction = state.quality[runs] * morale_at * supply
    if np.count_nonzero(attacked):
        surprise_f = np.where(attacked, surprise_multiplier(world, state.offensive_day, turn), 1.0)
    else:  # nobody attacks, so nobody has surprise
        surprise_f = np.ones(attacked.shape)
    surprised = surprise_f[runs]  # n x F
    front = world.surprise_front
    if front is not None:  # surprise only on the front where it is achieved
        surprised = np.where(front[:, places].T, surprised, 1.0)
    a_weighted = attackers * per_faction
    a_ground = sum_axis1(a_weighted * surprised)
    full = a_ground  # before crossings
    if crossed is not None:
        # What crossed this turn counts for 1 / factor of its power: the cost comes off.
        paid = np.minimum(crossed[runs, :, places], attackers) * attacking
        if np.count_nonzero(paid):
            a_ground = sum_axis1((attackers - paid) * per_faction * surprised)
    override = world.posture_override[places]
    holder_posture = world.faction_posture[state.controller[runs, places]]
    posture = np.where(np.isnan(override), holder_posture, override)
    terrain = world.terrain[places]
    d_ground = sum_axis1(defenders * per_faction) * terrain * posture

    # Each side's ground power, support and the rest as rows of 2 x n arrays.
    ground = np.concatenate((a_ground, d_ground)).reshape(2, -1)
    support = _air_for_sides(world, state, air, hostile, attacking_forces, runs, places)
    with_air = _with_support(ground, support, world)
    a_air, d_air = with_air

    # Chance: each side's luck on the day scales its power (the friction of war), and the
    # losses carry noise of their own.
    # Draws 0-3 are the noise on each side's losses, 4-7 each side's luck, two per value:
    # the first of each pair comes in the first four rows, the second in the last four.
    u = uniform_at(seeds, turn, Stream.COMBAT, (8, world.n_locations), runs, places, _PAIRED)
    sigma = np.array([[c.noise_sigma], [c.noise_sigma], [c.power_sigma], [c.power_sigma]])
    chance = lognormal_from(u[:4], u[4:], sigma)
    a_noise, d_noise, a_luck, d_luck = chance
    a_power, d_power = (ground + with_air) * chance[2:]
    ratio = a_power / np.maximum(d_power, 1e-12)
    safe_ratio = np.maximum(ratio, 1e-6)
    odds_factor = power(safe_ratio, c.attrition_exponent)  # the defender's loss grows with it
    # The fraction each side loses a day, compounded over the days of the turn.
    a_loss = over_days((c.attrition_rate / odds_factor * a_noise).clip(0, 1), days)
    d_loss = over_days((c.attrition_rate * odds_factor * d_noise).clip(0, 1), days)
    losses = attackers * a_loss[:, np.newaxis] + defenders * d_loss[:, np.newaxis]
    left = np.maximum(strength - losses, 0.0)

    # Back to B x F x L and B x L: away from battles nothing changes.
    forces = state.forces.copy()
    forces[runs, :, places] = left
    a_left, d_left = a_strength.copy(), d_strength.copy()
    a_left[runs, places] = sum_axis1(left * attacking)
    d_left[runs, places] = sum_axis1(left * defending)
    offensive_day = _offensive_day(world, state, attacked, hostile)

    # Each side's power and losses as ``B x L`` arrays, filled in one step (views of one block).
    spread = np.zeros((4, *battle.shape))
    spread[:, runs, places] = np.concatenate((a_power, d_power, a_loss, d_loss)).reshape(4, -1)
    log = None
    if record:
        # The surprise and crossing factors as ratios of ground powers (only the log has them).
        # (Exact even for the tiniest strengths: a positive ground power has a positive sum.)
        weighted_sum = sum_axis1(a_weighted)
        surprise = np.divide(full, weighted_sum, out=np.ones_like(full), where=full > 0)
        crossing = np.ones_like(a_ground)
        if a_ground is not full:
            crossing = np.divide(a_ground, full, out=np.ones_like(a_ground), where=full > 0)
        logged = {
            "attacker_strength": a_strength[runs, places],
            "defender_strength": d_strength[runs, places],
            "attacker_power": a_power,
            "defender_power": d_power,
            "attacker_ground": a_ground,
            "defender_ground": d_ground,
            "attacker_air": a_air,
            "defender_air": d_air,
            "terrain": terrain,
            "posture": posture,
            "surprise": surprise,
            "crossing": crossing,
            "attacker_luck": a_luck,
            "defender_luck": d_luck,
            "attacker_noise": a_noise,
            "defender_noise": d_noise,
            "attacker_loss": a_loss,
            "defender_loss": d_loss,
        }
        factors = {
            "quality": state.quality[runs],
            "morale": morale_at,
            "supply": supply,
        }
        log = BattleLog(
            runs=runs,
            places=places,
            **logged,
            strength=strength,
            attacking=attacking,
            losses=losses,
            factors=factors,
        )
    result = BattleResult(
        battle=battle,
        attacker_power=spread[0],
        defender_power=spread[1],
        attacker_loss=spread[2],
        defender_loss=spread[3],
        attacker_strength=a_strength,
        defender_strength=d_strength,
        attacker_left=a_left,
        defender_left=d_left,
        strength=state.forces,
        hostile=hostile,
        log=log,
    )
    return state.evolve(forces=forces, offensive_day=offensive_day), result
