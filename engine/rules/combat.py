"""Phase 4: ground combat wherever forces hostile to a place's holder stand in it.

Power follows Dupuy's QJM in spirit: strength x quality x morale x supply, times terrain and
posture for the defender and surprise for the attacker, plus close air support counted fully
up to the ground power it supports, the excess at half, and never more than a set multiple of
it. Each side's power carries lognormal luck; losses follow the power ratio in the manner of
Lanchester, with lognormal noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.rules.air import AirResult
from engine.rules.common import (
    hostile_here,
    morale_factor,
    sum_axis1,
    supply_factor,
    where_set,
)
from engine.rules.noise import Stream, lognormal_from, uniform_at
from engine.state import State
from engine.world import BoolArray, FloatArray, World


@dataclass(frozen=True)
class BattleResult:
    """Every battle of the turn (``B x L`` arrays; ``battle`` marks where one was fought).

    Values outside battles are zero. Without recording, only ``battle``, the powers, losses,
    strengths, ``hostile`` and what each side has left are filled in; the rest, which only
    the event log reads, is zero (and ``factors`` empty)."""

    battle: BoolArray
    attacker_ground: FloatArray
    defender_ground: FloatArray
    attacker_air: FloatArray
    defender_air: FloatArray
    attacker_power: FloatArray
    defender_power: FloatArray
    terrain: FloatArray
    posture: FloatArray
    surprise: FloatArray
    attacker_luck: FloatArray  # lognormal multiplier on each side's power
    defender_luck: FloatArray
    attacker_noise: FloatArray  # lognormal multiplier on each side's losses
    defender_noise: FloatArray
    attacker_loss: FloatArray  # fraction of the attackers lost
    defender_loss: FloatArray  # fraction of the defenders lost
    attacker_strength: FloatArray  # before losses (everywhere, not only in battles)
    defender_strength: FloatArray
    attacker_left: FloatArray  # after losses (everywhere)
    defender_left: FloatArray
    losses: FloatArray  # B x F x L strength each faction lost
    strength: FloatArray  # B x F x L strength each faction had before the battle
    hostile: BoolArray  # B x F x L: who attacked (hostile to the holder) in each battle
    factors: dict[str, FloatArray]  # B x F x L quality, morale and supply multipliers


def _air_for_sides(
    world: World, state: State, air: AirResult, hostile: BoolArray
) -> tuple[FloatArray, FloatArray]:
    """Support power over each place for the attacking and the defending side (``B x L``).

    Only entries that fly support add anything (a zero adds nothing to a sum that starts at
    zero), so the sums over entries run over those alone, entry by entry in order."""
    zero = np.zeros((state.batch, world.n_locations))
    runs, entries, places = where_set(air.support_power != 0)
    if runs.size == 0:
        return zero, zero
    power = air.support_power[runs, entries, places]
    beneficiary = world.air_beneficiary[entries]
    with_holder = ~hostile[runs, beneficiary, places]
    through = 1.0 - world.air_defence[places]
    # Support for the attackers counts only where the beneficiary's own side is attacking.
    side = state.allied[runs, beneficiary]  # n x F
    attackers = state.forces[runs, :, places] * hostile[runs, :, places]
    side_attacking = (side & (attackers > 0)).any(axis=1)
    cell = runs * world.n_locations + places
    size = zero.size
    attacking: FloatArray = np.bincount(
        cell, weights=power * ~with_holder * side_attacking * through, minlength=size
    ).astype(np.float64, copy=False)
    defending: FloatArray = np.bincount(cell, weights=power * with_holder, minlength=size).astype(
        np.float64, copy=False
    )
    return attacking.reshape(zero.shape), defending.reshape(zero.shape)


def _with_support(ground: FloatArray, support: FloatArray, world: World) -> FloatArray:
    rules = world.rules.air
    full = np.minimum(support, ground)
    counted = full + rules.cas_excess_weight * np.maximum(support - ground, 0.0)
    return np.minimum(counted, rules.cas_cap * ground)


def resolve_combat(
    world: World,
    state: State,
    air: AirResult,
    attacked: BoolArray,
    seeds: np.ndarray,
    *,
    hostile: BoolArray | None = None,
    record: bool = True,
) -> tuple[State, BattleResult]:
    """Fight every battle at once and apply the losses.

    ``hostile`` is :func:`~engine.rules.common.hostile_here` of ``state`` if the caller has
    it. Battles are few, so everything past finding them is worked out for them alone."""
    rules = world.rules
    c = rules.combat
    turn = state.turn + 1
    if hostile is None:
        hostile = hostile_here(state)  # B x F x L
    a_strength = sum_axis1(state.forces * hostile)
    d_strength = sum_axis1(state.forces * ~hostile)
    battle = (a_strength > 0) & (d_strength > 0) & ~state.done[:, np.newaxis]
    runs, places = where_set(battle)

    # From here on, n x F arrays for the n battles.
    strength = state.forces[runs, :, places]
    attacking = hostile[runs, :, places]
    attackers, defenders = strength * attacking, strength * ~attacking
    morale = morale_factor(state.morale, state.collapsed, rules)  # B x F
    supply = supply_factor(state.unsupplied[runs, :, places], rules)
    per_faction = world.quality * morale[runs] * supply
    surprise_on = state.attack_turns < c.surprise_turns
    surprise_f = np.where(surprise_on & attacked, c.surprise_factor, 1.0)  # B x F
    a_weighted = attackers * per_faction
    a_ground = sum_axis1(a_weighted * surprise_f[runs])
    surprise = np.where(a_ground > 0, a_ground / np.maximum(sum_axis1(a_weighted), 1e-300), 1.0)
    override = world.posture_override[places]
    holder_posture = world.faction_posture[state.controller[runs, places]]
    posture = np.where(np.isnan(override), holder_posture, override)
    terrain = world.terrain[places]
    d_ground = sum_axis1(defenders * per_faction) * terrain * posture

    a_support, d_support = _air_for_sides(world, state, air, hostile)
    a_air = _with_support(a_ground, a_support[runs, places], world)
    d_air = _with_support(d_ground, d_support[runs, places], world)
    a_power, d_power = a_ground + a_air, d_ground + d_air

    # Chance: each side's luck on the day scales its power (the friction of war), and the
    # losses carry noise of their own.
    u = uniform_at(seeds, turn, Stream.COMBAT, (8, world.n_locations), runs, places)
    a_luck = lognormal_from(u[4], u[5], c.power_sigma)
    d_luck = lognormal_from(u[6], u[7], c.power_sigma)
    a_power, d_power = a_power * a_luck, d_power * d_luck
    ratio = a_power / np.maximum(d_power, 1e-12)
    a_noise = lognormal_from(u[0], u[1], c.noise_sigma)
    d_noise = lognormal_from(u[2], u[3], c.noise_sigma)
    safe_ratio = np.maximum(ratio, 1e-6)
    a_loss = np.clip(c.attrition_rate * safe_ratio ** (-c.attrition_exponent) * a_noise, 0, 1)
    d_loss = np.clip(c.attrition_rate * safe_ratio**c.attrition_exponent * d_noise, 0, 1)
    losses = attackers * a_loss[:, np.newaxis] + defenders * d_loss[:, np.newaxis]
    left = np.maximum(strength - losses, 0.0)

    # Back to B x F x L and B x L: away from battles nothing changes.
    forces = state.forces.copy()
    forces[runs, :, places] = left
    a_left, d_left = a_strength.copy(), d_strength.copy()
    a_left[runs, places] = sum_axis1(left * attacking)
    d_left[runs, places] = sum_axis1(left * ~attacking)
    # An offensive's turns are counted while it goes on; a pause ends it.
    attack_turns = np.where(attacked, state.attack_turns + 1, 0)
    attack_turns = np.where(state.done[:, np.newaxis], state.attack_turns, attack_turns)

    zero = np.zeros(battle.shape)

    def spread(values: FloatArray, *, logged: bool = False) -> FloatArray:
        """A value of each battle as a ``B x L`` array; what only the event log reads is left
        as zeros when nothing is recorded."""
        if logged and not record:
            return zero
        out = zero.copy()
        out[runs, places] = values
        return out

    all_losses = np.zeros(state.forces.shape)
    factors: dict[str, FloatArray] = {}
    if record:
        all_losses[runs, :, places] = losses
        shape = state.forces.shape
        factors = {
            "quality": np.broadcast_to(world.quality[np.newaxis, :, np.newaxis], shape),
            "morale": np.broadcast_to(morale[:, :, np.newaxis], shape),
            "supply": supply_factor(state.unsupplied, rules),
        }
    result = BattleResult(
        battle=battle,
        attacker_ground=spread(a_ground, logged=True),
        defender_ground=spread(d_ground, logged=True),
        attacker_air=spread(a_air, logged=True),
        defender_air=spread(d_air, logged=True),
        attacker_power=spread(a_power),
        defender_power=spread(d_power),
        terrain=spread(terrain, logged=True),
        posture=spread(posture, logged=True),
        surprise=spread(surprise, logged=True),
        attacker_luck=spread(a_luck, logged=True),
        defender_luck=spread(d_luck, logged=True),
        attacker_noise=spread(a_noise, logged=True),
        defender_noise=spread(d_noise, logged=True),
        attacker_loss=spread(a_loss),
        defender_loss=spread(d_loss),
        attacker_strength=a_strength,
        defender_strength=d_strength,
        attacker_left=a_left,
        defender_left=d_left,
        losses=all_losses,
        strength=state.forces,
        hostile=hostile,
        factors=factors,
    )
    return state.evolve(forces=forces, attack_turns=attack_turns), result
