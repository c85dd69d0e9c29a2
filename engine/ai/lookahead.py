"""Look-ahead (the ``normal`` and ``hard`` opponents): try candidate order sets in batched
rollouts and keep the one whose futures score best.

Candidates are the heuristic's orders under different settings (bolder, more cautious,
strike-heavy, support-heavy...). Each candidate is played out ``rollouts`` times for
``depth`` turns, everyone playing the heuristic after the first turn, all candidates and
rollouts in one batch. Rollouts draw their chance from their own seeds (derived from the
game's seed and turn, never the game's own draws), the same seeds for every candidate, so
candidates are compared on the same luck.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from frontlines.engine.ai.heuristic import (
    ParamArrays,
    Params,
    faction_mask,
    heuristic_orders,
)
from frontlines.engine.arrays import BoolArray, FloatArray
from frontlines.engine.orders import OrderArrays
from frontlines.engine.rules.noise import mix
from frontlines.engine.state import State
from frontlines.engine.turn import resolve_turn
from frontlines.engine.world import World

ROLLOUT_SALT = 0x524F4C4C4F555453
"""Keeps rollout seeds apart from the game's own seeds."""


@dataclass(frozen=True)
class Level:
    """How hard a computer opponent thinks."""

    name: str
    candidates: tuple[Params, ...]
    rollouts: int
    depth: int

    @property
    def looks_ahead(self) -> bool:
        """Whether the level weighs candidates in rollouts; if not, it plays the plain heuristic."""
        return len(self.candidates) > 1 and self.rollouts > 0 and self.depth > 0


_BASE = Params()
LEVELS: dict[str, Level] = {
    "easy": Level("easy", (_BASE,), 0, 0),
    "normal": Level(
        "normal",
        (
            _BASE,
            Params(attack_odds=1.2),
            Params(attack_odds=2.5),
            Params(hold=1.0),
            Params(hold=0.2, attack_odds=1.3),
            Params(strike_share=0.8),
            Params(strike_share=0.0),
        ),
        rollouts=16,
        depth=3,
    ),
    "hard": Level(
        "hard",
        (
            _BASE,
            Params(attack_odds=1.0),
            Params(attack_odds=1.2),
            Params(attack_odds=2.0),
            Params(attack_odds=3.0),
            Params(hold=0.2),
            Params(hold=1.0),
            Params(hold=1.6),
            Params(hold=0.2, attack_odds=1.2),
            Params(hold=1.0, attack_odds=2.5),
            Params(strike_share=0.8),
            Params(strike_share=0.0),
            Params(commit=0.6),
            Params(commit=0.6, attack_odds=1.2),
        ),
        rollouts=32,
        depth=5,
    ),
}


def evaluate(world: World, state: State, faction: int) -> FloatArray:
    """How good each run's position is for ``faction``'s side (higher is better): the share
    of value held, the share of combat strength, progress towards the side's victory
    conditions against the enemy's, and above all a win or a loss."""
    batch = np.arange(state.batch)
    side = state.allied[:, faction, :]  # B x F
    holds = side[batch[:, np.newaxis], state.controller]  # B x L
    value_share = (holds * world.value).sum(axis=1) / max(float(world.value.sum()), 1.0)
    strength = state.forces.sum(axis=2) * state.quality  # B x F
    strength_share = (strength * side).sum(axis=1) / np.maximum(strength.sum(axis=1), 1e-9)
    objectives = world.objectives
    progress = np.zeros(state.batch)
    for v in range(len(objectives.faction)):
        need = objectives.places[v]
        if not need.any():
            continue
        ours = side[:, objectives.faction[v]]
        owner_side = state.allied[:, objectives.faction[v], :]
        held = owner_side[batch[:, np.newaxis], state.controller][:, need].mean(axis=1)
        progress += np.where(ours, held, -held)
    won = state.winner >= 0
    winner_is_ours = side[batch, np.maximum(state.winner, 0)]
    outcome = np.where(won, np.where(winner_is_ours, 1.0, -1.0), 0.0)
    score: FloatArray = value_share + 0.5 * strength_share + 0.5 * progress + 3.0 * outcome
    return score


def rollout_seeds(seed: int, turn: int, count: int) -> np.ndarray:
    """Seeds for ``count`` rollouts of the decision at ``turn`` of the game with ``seed``."""
    with np.errstate(over="ignore"):
        key = mix(np.uint64(seed) ^ np.uint64(ROLLOUT_SALT)) + np.uint64(turn)
        values: np.ndarray = mix(mix(key) + np.arange(1, count + 1, dtype=np.uint64))
    return values


def lookahead_orders(
    world: World,
    state: State,
    controlled: BoolArray | list[int],
    level: Level,
    seed: int,
    pending: OrderArrays | None = None,
) -> OrderArrays:
    """The controlled factions' orders for game 0 of ``state`` (B = 1), chosen by look-ahead."""
    mask = faction_mask(world, controlled)
    if not level.looks_ahead or not mask.any():
        return heuristic_orders(world, state, mask, Params(), pending)
    n_c, n_r = len(level.candidates), level.rollouts
    first = state.repeated(n_c)
    pending_c = pending.tiled(n_c) if pending is not None else None
    candidates = heuristic_orders(
        world, first, mask, ParamArrays.stack(list(level.candidates)), pending_c
    )
    others = heuristic_orders(world, state, ~mask, Params(), pending)

    runs = state.repeated(n_c * n_r)
    seeds = np.tile(rollout_seeds(seed, state.turn, n_r), n_c)
    opening = candidates.repeated(n_r).plus(others.tiled(n_c * n_r))
    if pending is not None:
        opening = opening.plus(pending.tiled(n_c * n_r))
    runs, _ = resolve_turn(world, runs, opening, seeds, record=False)
    everyone = np.ones(world.n_factions, dtype=bool)
    for _ in range(level.depth - 1):
        orders = heuristic_orders(world, runs, everyone)
        runs, _ = resolve_turn(world, runs, orders, seeds, record=False)
    faction = int(np.flatnonzero(mask)[0])
    scores = evaluate(world, runs, faction).reshape(n_c, n_r).mean(axis=1)
    best = int(np.argmax(scores))
    return candidates.runs(best, best + 1)
