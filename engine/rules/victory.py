"""Phase 9: victory. The first condition met ends the game; at the last turn a game with no
winner ends in a draw. A condition with ``hold_turns`` N is met once its places and points
have held at N turn ends in a row (``State.held_turns`` counts them)."""

from __future__ import annotations

import numpy as np

from frontlines.engine.arrays import BoolArray
from frontlines.engine.rules.common import allied_to_holder
from frontlines.engine.state import DRAW, NO_WINNER, State
from frontlines.engine.world import World


def _in_time(world: World, turn: int, index: int) -> bool:
    """Whether condition ``index`` may hold after ``turn`` turns (its turn limits)."""
    goals = world.objectives
    if goals.at_end[index] and turn < world.max_turns:
        return False
    by_turn = int(goals.by_turn[index])
    return by_turn < 0 or turn <= by_turn


def condition_met(world: World, state: State, index: int) -> BoolArray:
    """Where victory condition ``index`` is met now (``B`` booleans): in time, and held for
    its turn ends in a row (``state.held_turns`` already counts this turn end)."""
    if not _in_time(world, state.turn, index):
        return np.zeros(state.batch, dtype=bool)
    need = int(world.objectives.hold_turns[index])
    if need > 1:
        met: BoolArray = state.held_turns[:, index] >= need
        return met
    return condition_holds(world, state, index)


def condition_holds(world: World, state: State, index: int) -> BoolArray:
    """Where the places and points of victory condition ``index`` are held now, whatever
    its turn limits (``B`` booleans)."""
    goals = world.objectives
    winner = int(goals.faction[index])
    parts: list[BoolArray] = []  # every one must hold
    places = np.flatnonzero(goals.places[index])
    if len(places):
        holds = allied_to_holder(state.allied, state.controller[:, places], winner)  # B x P
        parts.append(np.logical_and.reduce(holds, axis=1))
    points = float(goals.points[index])
    if not np.isnan(points):
        side_holds = allied_to_holder(state.allied, state.controller, winner)  # B x L
        parts.append((side_holds * world.value).sum(axis=1) >= points)
    if not parts:
        return np.ones(state.batch, dtype=bool)
    met = parts[0]
    for part in parts[1:]:
        met = met & part
    return met


def resolve_victory(world: World, state: State) -> State:
    """Count the turn ends each condition has held, and decide the games that end this turn."""
    if np.count_nonzero(state.done) == state.batch:  # every game is already decided
        return state
    winner = state.winner.copy()
    open_ = ~state.done
    goals = world.objectives
    held_turns = state.held_turns.copy()
    for index, faction in enumerate(goals.faction):
        holds = condition_holds(world, state, index)
        held_turns[:, index] = np.where(
            open_, np.where(holds, held_turns[:, index] + 1, 0), held_turns[:, index]
        )
        if not _in_time(world, state.turn, index):
            continue
        met = open_ & (winner == NO_WINNER) & (held_turns[:, index] >= goals.hold_turns[index])
        if np.count_nonzero(met):
            winner[met] = faction
    if state.turn >= world.max_turns:
        winner = np.where(open_ & (winner == NO_WINNER), DRAW, winner)
    done = state.done | (winner != NO_WINNER)
    return state.evolve(winner=winner, done=done, held_turns=held_turns)
