"""The weather of the turn about to be played, at the start of phase 1 (scripted events may
then set it too): a schedule entry that begins this turn sets it; otherwise the previous
turn's weather draws the next from its transition row, with one uniform draw per run that
depends only on the run's seed and the turn (so replays, batches of any size and variants
with the same seeds all see the same weather); a kind without a row stays as it is."""

from __future__ import annotations

import numpy as np

from frontlines.engine.arrays import IntArray
from frontlines.engine.rules.common import derived
from frontlines.engine.rules.noise import Stream, uniform
from frontlines.engine.state import State
from frontlines.engine.world import World


def next_weather(world: World, weather: IntArray, turn: int, seeds: np.ndarray) -> IntArray:
    """The weather of ``turn`` (``B``) after ``weather``, before any scripted event."""
    table = world.weather
    if turn < len(table.scheduled) and table.scheduled[turn] >= 0:
        return np.full_like(weather, table.scheduled[turn])
    if turn <= 1 or not np.any(table.chained):
        return weather
    u = uniform(seeds, turn, Stream.WEATHER, (1,))[:, 0]
    drawn = np.count_nonzero(table.cumulative[weather] <= u[:, np.newaxis], axis=1)
    drawn = np.minimum(drawn, table.n_kinds - 1)
    return np.where(table.chained[weather], drawn, weather).astype(np.int64)


def _changes(world: World) -> bool:
    """Whether the weather of ``world`` can change during a game."""
    return world.weather.changes


def resolve_weather(world: World, state: State, seeds: np.ndarray) -> State:
    """Set the weather of the turn about to be played (games that are over keep theirs)."""
    if not derived(world, _changes):
        return state
    weather = next_weather(world, state.weather, state.turn + 1, seeds)
    if np.count_nonzero(state.done):
        weather = np.where(state.done, state.weather, weather)
    return state.evolve(weather=weather)
