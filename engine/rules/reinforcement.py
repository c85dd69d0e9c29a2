"""Phase 8: reinforcements arrive where the scenario says, if their side still holds the place;
otherwise they are lost to the game."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from frontlines.engine.arrays import BoolArray, FloatArray, IntArray
from frontlines.engine.rules.common import weighted_count
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
    entries = world.arrivals
    turn = state.turn + 1
    count = len(entries.turn)
    if not count:
        empty = np.zeros((state.batch, 0), dtype=bool)
        return state, ReinforcementResult(empty, empty)
    due_now = entries.turn == turn
    if not due_now.any():  # most turns nothing is due
        return state, ReinforcementResult(
            np.zeros((state.batch, count), dtype=bool),
            np.zeros((state.batch, count), dtype=bool),
        )
    faction, place, strength = entries.faction, entries.place, entries.strength
    due = due_now[np.newaxis, :] & ~state.done[:, np.newaxis]
    b = np.arange(state.batch)[:, np.newaxis]
    holds = state.allied[b, faction[np.newaxis, :], state.controller[:, place]]
    arrived = due & holds
    if not np.count_nonzero(arrived):  # all games over, or the places in enemy hands
        return state, ReinforcementResult(arrived, due & ~holds)
    forces = state.forces.copy()
    np.add.at(forces, (b, faction[np.newaxis, :], place[np.newaxis, :]), arrived * strength)
    changes: dict[str, FloatArray | IntArray] = {"forces": forces}
    if np.count_nonzero(state.unsupplied):  # fresh forces join with no turns cut off
        mass = state.forces * state.unsupplied
        changes["unsupplied"] = weighted_count(mass, forces, state.unsupplied)
    return state.evolve(**changes), ReinforcementResult(arrived, due & ~holds)
