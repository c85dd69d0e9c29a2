"""Phase 8, plainly: reinforcements arrive where their side still holds the place."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from frontlines.engine.arrays import BoolArray
from frontlines.engine.reference.common import ally, holder, one_game
from frontlines.engine.state import State
from frontlines.engine.world import World


@dataclass(frozen=True)
class ReinforcementOutcome:
    """Which reinforcements (``R``) arrived this turn, and which were due but found their
    place in enemy hands."""

    arrived: BoolArray
    turned_back: BoolArray


def reinforcements(world: World, state: State) -> tuple[State, ReinforcementOutcome]:
    """Add each reinforcement due this turn where the faction or an ally holds the place."""
    one_game(state)
    turn = state.turn + 1
    entries = world.scenario.reinforcements
    arrived = np.zeros(len(entries), dtype=bool)
    turned_back = np.zeros(len(entries), dtype=bool)
    forces = state.forces[0].copy()
    for i, entry in enumerate(entries):
        if entry.turn != turn or bool(state.done[0]):
            continue
        f = world.faction_ids.index(entry.faction)
        place = world.location_ids.index(entry.location)
        if ally(state, f, holder(state, place)):
            forces[f, place] += entry.strength
            arrived[i] = True
        else:
            turned_back[i] = True
    outcome = ReinforcementOutcome(arrived, turned_back)
    return state.evolve(forces=forces[np.newaxis]), outcome
