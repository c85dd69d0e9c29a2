"""The weather, plainly: a schedule entry that begins this turn sets it; else the previous
turn's kind draws the next from its transition row; else it stays."""

from __future__ import annotations

import numpy as np

from frontlines.engine.reference.common import one_game
from frontlines.engine.rules.noise import Stream, uniform
from frontlines.engine.scenario.weather import turn_of
from frontlines.engine.state import State
from frontlines.engine.weather import weather_section
from frontlines.engine.world import World


def weather(world: World, state: State, seed: int) -> State:
    """Set the weather of the turn about to be played (a game that is over keeps its own)."""
    one_game(state)
    section = weather_section(world.scenario)
    if section is None or bool(state.done[0]):
        return state
    scenario = world.scenario
    turn = state.turn + 1
    ids = section.kind_ids()
    now = int(state.weather[0])
    scheduled = None
    for change in section.schedule:  # the last entry for a turn counts
        starts = change.from_turn
        if change.from_date is not None:
            starts = turn_of(scenario, change.from_date)
        if starts == turn:
            scheduled = ids.index(change.weather)
    if scheduled is not None:
        now = scheduled
    elif turn > 1 and section.transitions and ids[now] in section.transitions:
        row = section.transitions[ids[now]]
        u = float(uniform(np.array([seed], dtype=np.uint64), turn, Stream.WEATHER, (1,))[0, 0])
        chances = [row.get(kind, 0.0) for kind in ids]
        last = max(j for j, p in enumerate(chances) if p > 0)
        total = 0.0
        for j, p in enumerate(chances):
            total += p
            if j == last or u < total:
                now = j
                break
    return state.evolve(weather=np.array([now], dtype=np.int64))
