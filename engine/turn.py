"""One turn for B games: the phases in their fixed order."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from frontlines.engine.events import Event, TurnRecord, build_events
from frontlines.engine.orders import OrderArrays
from frontlines.engine.rules.air import resolve_air
from frontlines.engine.rules.capture import resolve_capture
from frontlines.engine.rules.combat import resolve_combat
from frontlines.engine.rules.common import hostile_here
from frontlines.engine.rules.morale import resolve_morale
from frontlines.engine.rules.movement import resolve_movement
from frontlines.engine.rules.reinforcement import resolve_reinforcements
from frontlines.engine.rules.scripted import run_scripted_events
from frontlines.engine.rules.supply import resolve_supply
from frontlines.engine.rules.victory import resolve_victory
from frontlines.engine.rules.weather import resolve_weather
from frontlines.engine.state import State
from frontlines.engine.world import World

Events = tuple[Event, ...]


def resolve_turn(
    world: World,
    state: State,
    orders: OrderArrays,
    seeds: npt.ArrayLike,
    *,
    record: bool = True,
) -> tuple[State, list[Events]]:
    """Play one turn of every game in the batch at once.

    ``seeds`` holds one seed per game; chance depends only on (seed, turn, phase, slot). With
    ``record=False`` no event objects are built (the state is the same), which forecasts use.
    Games that are already over do not change.

    >>> from frontlines.engine import compile_world, initial_state, load_scenario
    >>> from frontlines.engine.orders import no_orders
    >>> world = compile_world(load_scenario("aleppo-2024"))
    >>> start = initial_state(world, batch=2)
    >>> state, events = resolve_turn(world, start, no_orders(world, 2), [1, 2])
    >>> state.turn, len(events), events[0][0].describe()
    (1, 2, '27 November 2024: opposition factions led by HTS open ...')
    """
    run_seeds = np.asarray(seeds, dtype=np.uint64).reshape(state.batch)
    s = resolve_weather(world, state, run_seeds)
    s, fired = run_scripted_events(world, s, run_seeds)
    # Who is hostile to whom where stays the same from air strikes to the end of combat.
    hostile = hostile_here(s)
    s, air = resolve_air(world, s, orders, run_seeds, hostile=hostile, record=record)
    s, attacked, crossed = resolve_movement(world, s, orders, hostile=hostile)
    s, battles = resolve_combat(
        world, s, air, attacked, run_seeds, hostile=hostile, record=record, crossed=crossed
    )
    s, capture = resolve_capture(world, s, battles)
    s = resolve_supply(world, s, since=state)
    s, morale = resolve_morale(world, s, capture.old_controller)
    s, reinforcements = resolve_reinforcements(world, s)
    s = s.evolve(turn=state.turn + 1)
    s = resolve_victory(world, s)
    if not record:
        return s, []
    turn_record = TurnRecord(fired, air, battles, capture, morale, reinforcements)
    return s, [build_events(world, state, s, turn_record, run) for run in range(s.batch)]


def play(world: World, state: State, orders: Sequence[OrderArrays], seeds: npt.ArrayLike) -> State:
    """Play several turns without recording events; ``orders[t]`` is turn t's orders."""
    for turn_orders in orders:
        state, _ = resolve_turn(world, state, turn_orders, seeds, record=False)
    return state
