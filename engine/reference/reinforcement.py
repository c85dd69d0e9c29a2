"""Phase 8, plainly: reinforcements arrive where their side still holds the place."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from frontlines.engine.arrays import BoolArray
from frontlines.engine.reference.common import ally, holder, merged_count, one_game
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
    # Fresh forces join with no turns cut off: the count is strength-weighted.
    counts = state.unsupplied[0].copy()
    for f in range(world.n_factions):
        for p in range(world.n_locations):
            mass = float(state.forces[0, f, p]) * int(counts[f, p])
            counts[f, p] = merged_count(mass, float(forces[f, p]), int(counts[f, p]))
    outcome = ReinforcementOutcome(arrived, turned_back)
    return state.evolve(forces=forces[np.newaxis], unsupplied=counts[np.newaxis]), outcome
