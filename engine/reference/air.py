"""Phase 2, plainly: sorties scaled to what each entry can fly, strikes (on the place and on
the road in), civilian harm, and the power close support brings to the battles of phase 4."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from frontlines.engine.arrays import FloatArray
from frontlines.engine.reference.common import ally, holder, log, lognormal, one_game, power
from frontlines.engine.reference.orders import PlainOrders, available_sorties
from frontlines.engine.rules.noise import Stream, uniform
from frontlines.engine.state import State
from frontlines.engine.world import World


@dataclass(frozen=True)
class AirOutcome:
    """What the air phase did (arrays ``A x L`` unless said): sorties flown on strikes and
    in support, strength destroyed by each entry's strikes (and of each faction, ``A x L x
    F``), civilians reported killed and injured, and close-support power before the caps."""

    strike: FloatArray
    support: FloatArray
    destroyed: FloatArray
    destroyed_by: FloatArray
    killed: FloatArray
    injured: FloatArray
    support_power: FloatArray


def _usable(request: float, in_range: bool) -> float:
    """A request counts if it is a positive finite number at a place in range."""
    return request if in_range and math.isfinite(request) and request > 0 else 0.0


def flown_sorties(world: World, state: State, orders: PlainOrders) -> tuple[FloatArray, FloatArray]:
    """The sorties each entry flies on strikes and in support at each place: the usable
    requests, all scaled by ``available / requested`` and rounded down when an entry is
    asked for more than it can fly."""
    n_a, n_l = len(world.air_ids), world.n_locations
    can = available_sorties(world, state)
    strike, support = np.zeros((n_a, n_l)), np.zeros((n_a, n_l))
    for a in range(n_a):
        in_range = [bool(world.air_in_range[a, p]) for p in range(n_l)]
        asked_strike = [_usable(float(orders.strike[a, p]), in_range[p]) for p in range(n_l)]
        asked_support = [_usable(float(orders.support[a, p]), in_range[p]) for p in range(n_l)]
        # Each kind's total over places is numpy's sum of the row (the order of adding
        # matters in the last bit, and the scaled requests are rounded down).
        with np.errstate(over="ignore"):
            requested = float(np.sum(asked_strike)) + float(np.sum(asked_support))
        scale = can[a] / max(requested, 1e-12) if requested > can[a] else 1.0
        for p in range(n_l):
            strike[a, p] = math.floor(asked_strike[p] * scale)
            support[a, p] = math.floor(asked_support[p] * scale)
    return strike, support


def air(world: World, state: State, orders: PlainOrders, seed: int) -> tuple[State, AirOutcome]:
    """Fly the sorties: strikes wear down the forces hostile to each entry's beneficiary."""
    one_game(state)
    r = world.rules.air
    turn = state.turn + 1
    n_a, n_l, n_f = len(world.air_ids), world.n_locations, world.n_factions
    strike, support = flown_sorties(world, state, orders)

    # What each strike lets survive of the forces it hits (``keep``), reduced by the air
    # defence of a place whose holder is hostile to the flyers.
    keep = np.ones((n_a, n_l))
    for a in range(n_a):
        beneficiary = int(world.air_beneficiary[a])
        for p in range(n_l):
            if strike[a, p] > 0:
                hostile_holder = 0.0 if ally(state, beneficiary, holder(state, p)) else 1.0
                through = 1.0 - float(world.air_defence[p]) * hostile_holder
                effect = r.weather * through * float(world.air_strike[a])
                keep[a, p] = power(1.0 - r.strike_damage, float(strike[a, p]) * effect)

    def strikes_on(f: int, p: int) -> list[int]:
        """The entries striking place ``p`` whose beneficiary is hostile to faction ``f``."""
        return [
            a
            for a in range(n_a)
            if strike[a, p] > 0 and not ally(state, int(world.air_beneficiary[a]), f)
        ]

    # The forces at the place, and the columns due there this turn (in the head slot of each
    # arc into it), keep the same share.
    roads = world.roads
    heads_into = [
        [
            int(roads.slot_start[d])
            for d in range(len(world.arc_dst))
            if int(world.arc_dst[d]) == p and int(roads.slots[d]) > 0
        ]
        for p in range(n_l)
    ]
    before = state.forces[0]
    forces = before.copy()
    transit, carried = state.transit[0].copy(), state.transit_unsupplied[0].copy()
    lost = np.zeros((n_f, n_l))  # strength lost at each place and on the road in
    for f in range(n_f):
        for p in range(n_l):
            hitting = strikes_on(f, p)
            if not hitting:
                continue
            survive = 1.0
            for a in hitting:
                survive *= float(keep[a, p])
            forces[f, p] = float(before[f, p]) * survive
            lost[f, p] = float(before[f, p]) - float(forces[f, p])
            for slot in heads_into[p]:
                was = float(transit[f, slot])
                transit[f, slot] = was * survive
                carried[f, slot] = float(carried[f, slot]) * survive
                lost[f, p] += was - float(transit[f, slot])

    # Each faction's losses at a place are credited to the entries that hit it, in
    # proportion to ``-log keep`` (equally among those that leave nothing, if any do).
    destroyed_by = np.zeros((n_a, n_l, n_f))
    for f in range(n_f):
        for p in range(n_l):
            hitting = strikes_on(f, p)
            if any(keep[a, p] == 0.0 for a in hitting):  # an infinite -log keep: equal shares
                weight = {a: float(keep[a, p] == 0.0) for a in hitting}
            else:
                weight = {a: -log(float(keep[a, p])) for a in hitting}
            total = sum(weight.values(), 0.0)
            for a in hitting:
                share = weight[a] / total if total > 0 else 0.0
                destroyed_by[a, p, f] = share * float(lost[f, p])
    destroyed = np.zeros((n_a, n_l))
    for a in range(n_a):
        for p in range(n_l):
            destroyed[a, p] = sum((float(v) for v in destroyed_by[a, p]), 0.0)

    # Civilian harm where strikes fell, with draws 0-4 of the AIR stream at (entry, place).
    draws = uniform(np.array([seed], dtype=np.uint64), turn, Stream.AIR, (5, n_a, n_l))[0]
    killed, injured = np.zeros((n_a, n_l)), np.zeros((n_a, n_l))
    for a in range(n_a):
        for p in range(n_l):
            if strike[a, p] <= 0:
                continue
            u = [float(draws[k, a, p]) for k in range(5)]
            expected = (
                float(strike[a, p])
                * r.casualties_per_sortie
                * float(world.air_risk[a])
                * float(world.population[p])
                / 100_000.0
            )
            dead = math.floor(expected * lognormal(u[0], u[1], r.casualty_sigma) + u[2])
            injured_mean = dead * r.injured_per_killed
            hurt = math.floor(injured_mean * lognormal(u[3], u[4], r.injured_sigma) + 0.5)
            killed[a, p], injured[a, p] = dead, hurt

    # Close support becomes combat power for the battles of phase 4.
    support_power = np.zeros((n_a, n_l))
    for a in range(n_a):
        for p in range(n_l):
            support_power[a, p] = (
                float(support[a, p]) * r.sortie_power * r.weather * float(world.air_cas[a])
            )
    outcome = AirOutcome(strike, support, destroyed, destroyed_by, killed, injured, support_power)
    return state.evolve(
        forces=forces[np.newaxis],
        transit=transit[np.newaxis],
        transit_unsupplied=carried[np.newaxis],
    ), outcome
