"""Phase 9: victory. The first condition met ends the game; at the last turn a game with no
winner ends in a draw."""

from __future__ import annotations

import numpy as np

from frontlines.engine.arrays import BoolArray
from frontlines.engine.rules.common import allied_to_holder
from frontlines.engine.scenario.model import VictoryCondition
from frontlines.engine.state import DRAW, NO_WINNER, State
from frontlines.engine.world import World


def _in_time(world: World, turn: int, v: VictoryCondition) -> bool:
    """Whether condition ``v`` may hold after ``turn`` turns (its turn limits)."""
    if v.at_end and turn < world.scenario.max_turns:
        return False
    return v.by_turn is None or turn <= v.by_turn


def condition_met(world: World, state: State, index: int) -> BoolArray:
    """Where victory condition ``index`` holds now (``B`` booleans)."""
    v = world.scenario.victory[index]
    if not _in_time(world, state.turn, v):
        return np.zeros(state.batch, dtype=bool)
    winner = world.faction_index(v.faction)
    parts: list[BoolArray] = []  # every one must hold
    if v.control:
        places = [world.location_index(loc) for loc in v.control]
        holds = allied_to_holder(state.allied, state.controller[:, places], winner)  # B x P
        parts.append(np.logical_and.reduce(holds, axis=1))
    if v.points is not None:
        side_holds = allied_to_holder(state.allied, state.controller, winner)  # B x L
        parts.append((side_holds * world.value).sum(axis=1) >= v.points)
    if not parts:
        return np.ones(state.batch, dtype=bool)
    met = parts[0]
    for part in parts[1:]:
        met = met & part
    return met


def resolve_victory(world: World, state: State) -> State:
    """Decide the games that end this turn."""
    if np.count_nonzero(state.done) == state.batch:  # every game is already decided
        return state
    winner = state.winner.copy()
    open_ = ~state.done
    for index, condition in enumerate(world.scenario.victory):
        met = open_ & (winner == NO_WINNER) & condition_met(world, state, index)
        if np.count_nonzero(met):
            winner[met] = world.faction_index(condition.faction)
    if state.turn >= world.scenario.max_turns:
        winner = np.where(open_ & (winner == NO_WINNER), DRAW, winner)
    done = state.done | (winner != NO_WINNER)
    return state.evolve(winner=winner, done=done)
