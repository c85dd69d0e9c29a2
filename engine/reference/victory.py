"""Phase 9, plainly: the first victory condition met ends the game; the last turn a draw.
A condition is met in time once its places and points have held at ``hold_turns`` turn ends
in a row."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from frontlines.engine.reference.common import ally, close_call, holder, one_game
from frontlines.engine.scenario.model import VictoryCondition
from frontlines.engine.state import DRAW, NO_WINNER, State
from frontlines.engine.world import World


@dataclass(frozen=True)
class VictoryOutcome:
    """Which condition decided the game this turn (its index), if any."""

    met: int | None
    close_calls: tuple[str, ...]


def condition_holds(
    world: World, state: State, v: VictoryCondition, close: list[str] | None = None
) -> bool:
    """Whether every part condition ``v`` gives holds after ``state.turn`` turns (its turn
    limits too; not how many turn ends in a row its places have been held)."""
    return in_time(world, v, state.turn) and places_held(world, state, v, close)


def in_time(world: World, v: VictoryCondition, turn: int) -> bool:
    """Whether condition ``v`` may be met after ``turn`` turns."""
    if v.at_end and turn < world.scenario.max_turns:
        return False
    return v.by_turn is None or turn <= v.by_turn


def places_held(
    world: World, state: State, v: VictoryCondition, close: list[str] | None = None
) -> bool:
    """Whether the side of condition ``v`` holds its places and points now."""
    side = world.faction_ids.index(v.faction)
    for location in v.control:
        if not ally(state, side, holder(state, world.location_ids.index(location))):
            return False
    if v.points is not None:
        held, terms = 0.0, 0
        for p in range(world.n_locations):
            if ally(state, side, holder(state, p)):
                held += float(world.value[p])
                terms += world.value[p] != 0
        # A sum of at most two values is the same in any order: no close call then. A sum of
        # more may fall either side of a threshold it meets exactly here (a threshold made by
        # adding the same values in another order), so a tie is a close call too.
        if close is not None and terms > 2 and (held == v.points or close_call(held, v.points)):
            close.append(f"points of {v.faction}: {held!r} against {v.points!r}")
        if not held >= v.points:
            return False
    return True


def victory(world: World, state: State) -> tuple[State, VictoryOutcome]:
    """Decide the game if it ends this turn (``state.turn`` is the turn just played)."""
    one_game(state)
    if bool(state.done[0]):
        return state, VictoryOutcome(None, ())
    close: list[str] = []
    winner, met = NO_WINNER, None
    counts = state.held_turns[0].copy()
    for index, condition in enumerate(world.scenario.victory):
        counts[index] = counts[index] + 1 if places_held(world, state, condition, close) else 0
        may_win = met is None and in_time(world, condition, state.turn)
        if may_win and counts[index] >= condition.hold_turns:
            winner, met = world.faction_ids.index(condition.faction), index
    if winner == NO_WINNER and state.turn >= world.scenario.max_turns:
        winner = DRAW
    new = state.evolve(
        winner=np.array([winner], dtype=np.int64),
        done=np.array([winner != NO_WINNER]),
        held_turns=counts[np.newaxis],
    )
    return new, VictoryOutcome(met, tuple(close))
