"""Phase 9: victory. The first condition met ends the game; at the last turn a game with no
winner ends in a draw."""

from __future__ import annotations

import numpy as np

from engine.rules.common import allied_to_holder
from engine.state import DRAW, NO_WINNER, State
from engine.world import BoolArray, World


def condition_met(world: World, state: State, index: int) -> BoolArray:
    """Where victory condition ``index`` holds now (``B`` booleans)."""
    v = world.scenario.victory[index]
    turn = state.turn
    winner = world.faction_index(v.faction)
    side_holds = allied_to_holder(state.allied, state.controller, winner)  # B x L
    met = np.ones(state.batch, dtype=bool)
    if v.control:
        places = [world.location_index(loc) for loc in v.control]
        met &= side_holds[:, places].all(axis=1)
    if v.points is not None:
        met &= (side_holds * world.value).sum(axis=1) >= v.points
    if v.at_end:
        met &= turn >= world.scenario.max_turns
    if v.by_turn is not None:
        met &= turn <= v.by_turn
    return met


def resolve_victory(world: World, state: State) -> State:
    """Decide the games that end this turn."""
    winner = state.winner.copy()
    open_ = ~state.done
    for index, condition in enumerate(world.scenario.victory):
        met = open_ & (winner == NO_WINNER) & condition_met(world, state, index)
        winner[met] = world.faction_index(condition.faction)
    last = state.turn >= world.scenario.max_turns
    winner = np.where(open_ & last & (winner == NO_WINNER), DRAW, winner)
    done = state.done | (winner != NO_WINNER)
    return state.evolve(winner=winner, done=done)
