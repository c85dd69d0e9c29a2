"""Phase 9: victory. The first condition met ends the game; at the last turn a game with no
winner ends in a draw. A condition with ``hold_turns`` N is met once its places and points
have held at N turn ends in a row (``State.held_turns`` counts them)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from frontlines.engine.arrays import BoolArray, IntArray
from frontlines.engine.rules.common import allied_to_holder, derived
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


@dataclass(frozen=True)
class _Goal:
    """One victory condition as :func:`condition_holds` reads it: its faction, the places
    its side must hold and the points (``None``: none)."""

    faction: int
    places: IntArray
    points: float | None


def _goals(world: World) -> tuple[_Goal, ...]:
    """The victory conditions of ``world``, in file order."""
    goals = world.objectives
    return tuple(
        _Goal(
            int(goals.faction[index]),
            np.flatnonzero(goals.places[index]),
            None if np.isnan(goals.points[index]) else float(goals.points[index]),
        )
        for index in range(len(goals.faction))
    )


def condition_holds(world: World, state: State, index: int) -> BoolArray:
    """Where the places and points of victory condition ``index`` are held now, whatever
    its turn limits (``B`` booleans)."""
    goal = derived(world, _goals)[index]
    met: BoolArray | None = None  # every part must hold
    if len(goal.places):
        holder = state.controller[:, goal.places]  # B x P
        if state.batch == 1:  # one game: its side's row of the alliances, read at the holders
            holds = state.allied[0, goal.faction][holder]
        else:
            holds = allied_to_holder(state.allied, holder, goal.faction)
        met = np.logical_and.reduce(holds, axis=1)
    if goal.points is not None:
        side_holds = allied_to_holder(state.allied, state.controller, goal.faction)  # B x L
        enough = (side_holds * world.value).sum(axis=1) >= goal.points
        met = enough if met is None else met & enough
    if met is None:
        return np.ones(state.batch, dtype=bool)
    return met


def resolve_victory(world: World, state: State) -> State:
    """Count the turn ends each condition has held, and decide the games that end this turn."""
    n_over = np.count_nonzero(state.done)
    if n_over == state.batch:  # every game is already decided
        return state
    winner = state.winner.copy()
    open_ = ~state.done
    goals = world.objectives
    held_turns = state.held_turns.copy()
    for index, faction in enumerate(goals.faction.tolist()):
        holds = condition_holds(world, state, index)
        counted = np.where(holds, held_turns[:, index] + 1, 0)
        if n_over:  # (games that are over keep their counts)
            counted = np.where(open_, counted, held_turns[:, index])
        held_turns[:, index] = counted
        if not _in_time(world, state.turn, index):
            continue
        met = (winner == NO_WINNER) & (counted >= goals.hold_turns[index])
        if n_over:
            met &= open_
        if np.count_nonzero(met):
            winner[met] = faction
    if state.turn >= world.max_turns:
        winner = np.where(open_ & (winner == NO_WINNER), DRAW, winner)
    done = state.done | (winner != NO_WINNER)
    return state.evolve(winner=winner, done=done, held_turns=held_turns)
