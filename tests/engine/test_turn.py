"""resolve_turn on its own: arrays that were never validated, and air support's sides."""

from __future__ import annotations

import numpy as np
import pytest

from frontlines.engine import load_scenario
from frontlines.engine.invariants import check_state
from frontlines.engine.orders import CloseSupport, compile_orders, no_orders
from frontlines.engine.state import initial_state
from frontlines.engine.turn import resolve_turn
from frontlines.engine.world import compile_world


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
