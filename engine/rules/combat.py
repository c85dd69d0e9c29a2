"""Phase 4: ground combat wherever forces hostile to a place's holder stand in it.

Power follows Dupuy's QJM in spirit: strength x quality x morale x supply, times terrain and
posture for the defender and surprise for the attacker, plus close air support counted fully
up to the ground power it supports, the excess at half, and never more than a set multiple of
it. Losses follow the power ratio in the manner of Lanchester, with lognormal noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.rules.air import AirResult
from engine.rules.common import hostile_here, morale_factor, supply_factor
from engine.rules.noise import Stream, lognormal_from, uniform_where
from engine.state import State
from engine.world import BoolArray, FloatArray, World


@dataclass(frozen=True)
class BattleResult:
    """Every battle of the turn (``B x L`` arrays; ``battle`` marks where one was fought)."""

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
    attacker_noise: FloatArray
    defender_noise: FloatArray
    attacker_loss: FloatArray  # fraction of the attackers lost
    defender_loss: FloatArray  # fraction of the defenders lost
    attacker_strength: FloatArray  # before losses
    defender_strength: FloatArray
    losses: FloatArray  # B x F x L strength each faction lost
    strength: FloatArray  # B x F x L strength each faction had before the battle
    hostile: BoolArray  # B x F x L: who attacked (hostile to the holder) in each battle
    factors: dict[str, FloatArray]  # B x F x L quality, morale and supply multipliers


def _air_for_sides(
    world: World, state: State, air: AirResult, attackers: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Support power over each place for the attacking and the defending side (``B x L``)."""
    if not world.air_ids:
        zero = np.zeros((state.batch, world.n_locations))
        return zero, zero
    b = np.arange(state.batch)[:, np.newaxis, np.newaxis]
    beneficiary = world.air_beneficiary[np.newaxis, :, np.newaxis]
    with_holder = state.allied[b, beneficiary, state.controller[:, np.newaxis, :]]  # B x A x L
    through = 1.0 - world.air_defence[np.newaxis, np.newaxis, :]
    # Support for the attackers counts only where the beneficiary's own side is attacking.
    side = state.allied[np.arange(state.batch)[:, np.newaxis], world.air_beneficiary]  # B x A x F
    side_attacking = np.einsum("baf,bfl->bal", side.astype(np.float64), attackers) > 0
    attacking = (air.support_power * ~with_holder * side_attacking * through).sum(axis=1)
    defending = (air.support_power * with_holder).sum(axis=1)
    return attacking, defending


def _with_support(ground: FloatArray, support: FloatArray, world: World) -> FloatArray:
    rules = world.rules.air
    full = np.minimum(support, ground)
    counted = full + rules.cas_excess_weight * np.maximum(support - ground, 0.0)
    return np.minimum(counted, rules.cas_cap * ground)


def resolve_combat(
    world: World, state: State, air: AirResult, attacked: BoolArray, seeds: np.ndarray
) -> tuple[State, BattleResult]:
    """Fight every battle at once and apply the losses."""
    rules = world.rules
    turn = state.turn + 1
    hostile = hostile_here(state)  # B x F x L
    attackers = state.forces * hostile
    defenders = state.forces * ~hostile
    a_strength, d_strength = attackers.sum(axis=1), defenders.sum(axis=1)
    battle = (a_strength > 0) & (d_strength > 0) & ~state.done[:, np.newaxis]

    quality = np.broadcast_to(world.quality[np.newaxis, :, np.newaxis], state.forces.shape)
    morale = np.broadcast_to(
        morale_factor(state.morale, state.collapsed, rules)[:, :, np.newaxis], state.forces.shape
    )
    supply = supply_factor(state.unsupplied, rules)
    per_faction = quality * morale * supply

    factors = {"quality": quality, "morale": morale, "supply": supply}
    surprise_on = state.attack_turns < rules.combat.surprise_turns
    surprise_f = np.where(surprise_on & attacked, rules.combat.surprise_factor, 1.0)
    a_ground = (attackers * per_faction * surprise_f[:, :, np.newaxis]).sum(axis=1)
    surprise = np.where(
        a_ground > 0,
        a_ground / np.maximum((attackers * per_faction).sum(axis=1), 1e-300),
        1.0,
    )
    holder_posture = world.faction_posture[state.controller]
    posture = np.where(np.isnan(world.posture_override), holder_posture, world.posture_override)
    terrain = np.broadcast_to(world.terrain, posture.shape)
    d_ground = (defenders * per_faction).sum(axis=1) * terrain * posture

    a_support, d_support = _air_for_sides(world, state, air, attackers)
    a_air = _with_support(a_ground, a_support, world)
    d_air = _with_support(d_ground, d_support, world)
    a_power, d_power = a_ground + a_air, d_ground + d_air

    c = rules.combat
    ratio = a_power / np.maximum(d_power, 1e-12)
    n_l = world.n_locations
    u = uniform_where(seeds, turn, Stream.COMBAT, (4, n_l), battle)
    a_noise = lognormal_from(u[:, 0], u[:, 1], c.noise_sigma)
    d_noise = lognormal_from(u[:, 2], u[:, 3], c.noise_sigma)
    safe_ratio = np.maximum(ratio, 1e-6)
    a_loss = np.clip(c.attrition_rate * safe_ratio ** (-c.attrition_exponent) * a_noise, 0, 1)
    d_loss = np.clip(c.attrition_rate * safe_ratio**c.attrition_exponent * d_noise, 0, 1)
    a_loss, d_loss = np.where(battle, a_loss, 0.0), np.where(battle, d_loss, 0.0)

    losses = attackers * a_loss[:, np.newaxis, :] + defenders * d_loss[:, np.newaxis, :]
    forces = np.maximum(state.forces - losses, 0.0)
    # An offensive's turns are counted while it goes on; a pause ends it.
    attack_turns = np.where(attacked, state.attack_turns + 1, 0)
    attack_turns = np.where(state.done[:, np.newaxis], state.attack_turns, attack_turns)
    result = BattleResult(
        battle=battle,
        attacker_ground=a_ground,
        defender_ground=d_ground,
        attacker_air=a_air,
        defender_air=d_air,
        attacker_power=a_power,
        defender_power=d_power,
        terrain=terrain,
        posture=posture,
        surprise=surprise,
        attacker_noise=a_noise,
        defender_noise=d_noise,
        attacker_loss=a_loss,
        defender_loss=d_loss,
        attacker_strength=a_strength,
        defender_strength=d_strength,
        losses=losses,
        strength=state.forces,
        hostile=hostile,
        factors=factors,
    )
    return state.evolve(forces=forces, attack_turns=attack_turns), result
