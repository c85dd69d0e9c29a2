"""resolve_turn on its own: arrays that were never validated, and air support's sides."""

from __future__ import annotations

import numpy as np
import pytest

from frontlines.engine import load_scenario
from frontlines.engine.invariants import check_state
from frontlines.engine.orders import Attack, CloseSupport, compile_orders, no_orders
from frontlines.engine.reference.movement import movement
from frontlines.engine.reference.orders import plain_orders
from frontlines.engine.rules.movement import resolve_movement
from frontlines.engine.scenario import scenario_from_data
from frontlines.engine.state import initial_state
from frontlines.engine.turn import resolve_turn
from frontlines.engine.world import compile_world
from tests.engine.test_routes import riverland


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, -5.0, 1e308])
def test_arrays_that_were_never_validated_cannot_break_the_state(bad: float) -> None:
    world = compile_world(load_scenario("aleppo-2024"))
    orders = no_orders(world, 1)
    for array in (orders.flow, orders.strike, orders.support):
        array[...] = bad
    state, events = resolve_turn(world, initial_state(world), orders, [3])
    check_state(world, state)
    assert all(e.describe() for e in events[0])


def test_support_for_an_attack_counts_only_where_the_beneficiary_attacks() -> None:
    world = compile_world(load_scenario("aleppo-2024"))
    support = compile_orders(
        world, [[CloseSupport("opposition", "opposition-drones", "aleppo", 3)]]
    )
    state, events = resolve_turn(world, initial_state(world), support, [3])
    assert not [e for e in events[0] if type(e).__name__ == "Battle"]
    assert state.controller.tolist() == initial_state(world).controller.tolist()


def test_orders_for_more_than_is_there_move_all_of_it_in_the_engine_and_the_reference() -> None:
    """Scaling the amounts down to what is there can round to a hair less than all of it;
    nothing is left behind for all that. Found by Hypothesis (the engine and the reference in
    any weather): a remnant of 1e-29 that an air strike's last bit of rounding left behind
    fought a battle in the reference and cost the attackers 0.9% of their strength."""
    world = compile_world(scenario_from_data(riverland()))
    start = initial_state(world)
    west, camp = world.faction_index("west"), world.location_index("camp")
    forces = start.forces.copy()
    forces[0, west, camp] = 6.493828878082474e-14
    state = start.evolve(forces=forces)
    orders = [Attack("west", "camp", "keep", 1.0000000000000002e-12)]
    engine, _, _ = resolve_movement(world, state, compile_orders(world, [orders]))
    reference, _ = movement(world, state, plain_orders(world, orders))
    for moved in (engine, reference):
        assert moved.forces[0, west, camp] == 0.0
        assert moved.forces[0, west].sum() == pytest.approx(forces[0, west].sum(), rel=1e-15)
