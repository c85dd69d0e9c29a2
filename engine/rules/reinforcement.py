"""Phase 8: reinforcements arrive where the scenario says, if their side still holds the place;
otherwise they are lost to the game."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from frontlines.engine.arrays import BoolArray
from frontlines.engine.state import State
from frontlines.engine.world import World


@dataclass(frozen=True)
class ReinforcementResult:
    """Which of the scenario's reinforcements arrived this turn (``B x R``), and which were
    due but found the place in enemy hands."""

    arrived: BoolArray
    turned_back: BoolArray


def resolve_reinforcements(world: World, state: State) -> tuple[State, ReinforcementResult]:
    """Add this turn's reinforcements."""
    entries = world.scenario.reinforcements
    turn = state.turn + 1
    if not entries:
        empty = np.zeros((state.batch, 0), dtype=bool)
        return state, ReinforcementResult(empty, empty)
    if not any(r.turn == turn for r in entries):  # most turns nothing is due
        return state, ReinforcementResult(
            np.zeros((state.batch, len(entries)), dtype=bool),
            np.zeros((state.batch, len(entries)), dtype=bool),
        )
    faction = np.array([world.faction_index(r.faction) for r in entries])
    place = np.array([world.location_index(r.location) for r in entries])
    due = np.array([r.turn == turn for r in entries])[np.newaxis, :] & ~state.done[:, np.newaxis]
    strength = np.array([r.strength for r in entries])
    b = np.arange(state.batch)[:, np.newaxis]
    holds = state.allied[b, faction[np.newaxis, :], state.controller[:, place]]
    arrived = due & holds
    if not np.count_nonzero(arrived):  # all games over, or the places in enemy hands
        return state, ReinforcementResult(arrived, due & ~holds)
    forces = state.forces.copy()
    np.add.at(forces, (b, faction[np.newaxis, :], place[np.newaxis, :]), arrived * strength)
    return state.evolve(forces=forces), ReinforcementResult(arrived, due & ~holds)
