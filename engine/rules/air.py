"""Phase 2: air power. Strikes wear down enemy forces and can harm civilians; close support
is turned into combat power for the ground battle that follows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.orders import OrderArrays, available_sorties
from engine.rules.noise import Stream, lognormal_from, uniform_where
from engine.state import State
from engine.world import FloatArray, World


@dataclass(frozen=True)
class AirResult:
    """What the air phase did, for the combat phase and the event log (all ``B x A x L``)."""

    strike: FloatArray  # sorties flown on strikes
    support: FloatArray  # sorties flown in close support
    destroyed: FloatArray  # enemy strength destroyed by each entry's strikes
    killed: FloatArray  # civilians reported killed
    injured: FloatArray  # civilians reported injured
    support_power: FloatArray  # combat power the support sorties add, before the caps


def _usable(sorties: FloatArray) -> FloatArray:
    """Requested sorties, with anything negative or not finite read as none."""
    cleaned: FloatArray = np.where(np.isfinite(sorties) & (sorties > 0), sorties, 0.0)
    return cleaned


def resolve_air(
    world: World, state: State, orders: OrderArrays, seeds: np.ndarray
) -> tuple[State, AirResult]:
    """Fly the ordered sorties (no more than each entry has) and apply their strikes."""
    air = world.rules.air
    turn = state.turn + 1
    n_a, n_l = len(world.air_ids), world.n_locations
    in_range = world.air_in_range[np.newaxis]
    asked_strike = _usable(orders.strike) * in_range
    asked_support = _usable(orders.support) * in_range
    with np.errstate(over="ignore"):  # absurd requests sum to inf and are scaled to nothing
        requested = asked_strike.sum(axis=2) + asked_support.sum(axis=2)  # B x A
    can = available_sorties(world, state).astype(np.float64)
    scale = np.where(requested > can, can / np.maximum(requested, 1e-12), 1.0)[:, :, np.newaxis]
    strike = np.floor(asked_strike * scale)
    support = np.floor(asked_support * scale)

    # Each sortie that gets through destroys a fraction of the hostile strength at the target;
    # a place's air defence stops a share of them when its holder is hostile to the flyers.
    b = np.arange(state.batch)[:, np.newaxis, np.newaxis]
    holder_hostile = ~state.allied[
        b, world.air_beneficiary[np.newaxis, :, np.newaxis], state.controller[:, np.newaxis, :]
    ]  # B x A x L
    through = 1.0 - world.air_defence[np.newaxis, np.newaxis, :] * holder_hostile
    effect = air.weather * through * world.air_strike[np.newaxis, :, np.newaxis]
    keep = np.power(1.0 - air.strike_damage, strike * effect)  # B x A x L
    enemy = ~state.allied[
        b,
        world.air_beneficiary[np.newaxis, :, np.newaxis],
        np.arange(world.n_factions)[np.newaxis, np.newaxis, :],
    ]  # B x A x F
    log_keep = np.einsum("bal,baf->bfl", np.log(keep), enemy.astype(np.float64))
    survive = np.exp(log_keep)
    forces = state.forces * survive
    hit = state.forces - forces  # B x F x L
    # Credit each faction's losses to the entries striking it, by their log-effect.
    weight = -np.log(keep)  # B x A x L
    hostile_weight = weight[:, :, np.newaxis, :] * enemy[:, :, :, np.newaxis]  # B x A x F x L
    total = hostile_weight.sum(axis=1, keepdims=True)
    share = np.where(total > 0, hostile_weight / np.maximum(total, 1e-300), 0.0)
    destroyed = (share * hit[:, np.newaxis, :, :]).sum(axis=2)  # B x A x L

    # Civilian harm: expected deaths grow with sorties, the entry's risk and the population.
    expected = (
        strike
        * air.casualties_per_sortie
        * world.air_risk[np.newaxis, :, np.newaxis]
        * world.population[np.newaxis, np.newaxis, :]
        / 100_000.0
    )
    u = uniform_where(seeds, turn, Stream.AIR, (5, n_a, n_l), strike > 0)
    noisy = expected * lognormal_from(u[:, 0], u[:, 1], air.casualty_sigma)
    killed = np.floor(noisy + u[:, 2]) * (strike > 0)
    injured_mean = killed * air.injured_per_killed
    injured = np.floor(injured_mean * lognormal_from(u[:, 3], u[:, 4], air.injured_sigma) + 0.5)
    power = support * air.sortie_power * air.weather * world.air_cas[np.newaxis, :, np.newaxis]
    result = AirResult(strike, support, destroyed, killed, injured, power)
    return state.evolve(forces=forces), result
