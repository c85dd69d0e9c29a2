"""Supply has a range and the turns cut off belong to the forces: the days of travel from a
source are the sum of the routes' days along the chain, forces beyond the range are never
stronger for it and the further out the weaker, and a force that moves takes its count with
it (forces that meet take the strength-weighted count)."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from frontlines.engine.orders import Attack, Move, compile_orders, no_orders
from frontlines.engine.rules.common import supply_factor
from frontlines.engine.rules.movement import resolve_movement
from frontlines.engine.rules.supply import resolve_supply, supply_days
from frontlines.engine.scenario import scenario_from_data
from frontlines.engine.state import initial_state
from frontlines.engine.turn import resolve_turn
from frontlines.engine.world import World, compile_world

lengths = st.lists(st.floats(5.0, 400.0, allow_nan=False), min_size=2, max_size=6)
rates = st.floats(20.0, 300.0, allow_nan=False)


def line(
    lengths: list[float],
    *,
    rate: float = 100.0,
    range_days: float | None = 4.0,
    red_at: int | None = None,
    source: bool = True,
) -> World:
    """Places ``p0 .. pN`` in a line joined by roads of ``lengths`` km; blue holds them all
    (``p0`` a supply source unless ``source`` is false) with 10 strength at each, except
    ``red_at``, held by red with 10."""
    n = len(lengths) + 1
    places = []
    for i in range(n):
        red = i == red_at
        places.append(
            {
                "id": f"p{i}",
                "name": f"Place {i}",
                "kind": "town",
                "lat": 0.0,
                "lon": 0.05 * i,
                "terrain": "flat",
                "controller": "red" if red else "blue",
                "garrison": {"red" if red else "blue": 10},
                "supply_source": source and i == 0,
            }
        )
    data: dict[str, Any] = {
        "schema": 1,
        "id": "line",
        "title": "Line",
        "start_date": "2000-01-01",
        "max_turns": 20,
        "factions": [
            {"id": "blue", "name": "Blue", "colour": "#2874a6"},
            {"id": "red", "name": "Red", "colour": "#b03a2e"},
        ],
        "locations": places,
        "routes": [
            {"from": f"p{i}", "to": f"p{i + 1}", "kind": "road", "length_km": km}
            for i, km in enumerate(lengths)
        ],
        "rules": {"movement": {"road": rate}, "supply": {"range_days": range_days}},
    }
    return compile_world(scenario_from_data(data))


@given(lengths=lengths, rate=rates)
def test_days_from_a_source_add_up_along_the_chain(lengths: list[float], rate: float) -> None:
    world = line(lengths, rate=rate)
    start = initial_state(world)
    days = supply_days(world, start.allied, start.controller, start.closed)[0, 0]
    expected = [0.0]
    for km in lengths:
        expected.append(expected[-1] + km / rate)
    np.testing.assert_allclose(days, expected, rtol=1e-12)


@given(lengths=lengths, cut=st.data())
def test_an_enemy_place_breaks_the_chain_beyond_it(lengths: list[float], cut: Any) -> None:
    red_at = cut.draw(st.integers(1, len(lengths)))
    world = line(lengths, red_at=red_at)
    start = initial_state(world)
    days = supply_days(world, start.allied, start.controller, start.closed)[0, 0]
    assert np.isfinite(days[: red_at + 1]).all()  # up to the enemy, whom blue besieges
    assert np.isinf(days[red_at + 1 :]).all()


@given(
    days=st.lists(st.floats(0.0, 50.0, allow_nan=False), min_size=2, max_size=20),
    turns=st.integers(0, 20),
    range_days=st.floats(0.0, 10.0, allow_nan=False),
    decay=st.floats(0.0, 1.0, allow_nan=False),
)
def test_beyond_range_forces_never_gain_and_the_further_the_weaker(
    days: list[float], turns: int, range_days: float, decay: float
) -> None:
    world = line([100.0, 100.0])
    rules = world.rules.model_copy(
        update={
            "supply": world.rules.supply.model_copy(
                update={"range_days": range_days, "beyond_range_decay": decay}
            )
        }
    )
    far = np.sort(np.array(days))
    count = np.full(far.shape, turns)
    factor = supply_factor(count, far, rules, 1)
    within = supply_factor(count, np.zeros_like(far), rules, 1)
    assert (factor <= within).all()  # never stronger for being further out
    assert (np.diff(factor) <= 0).all()  # the further, the weaker (or the floor)
    assert (factor >= rules.supply.unsupplied_floor).all()
    assert (factor[far <= range_days] == within[far <= range_days]).all()


def test_a_long_advance_culminates() -> None:
    """The same attack from the same strength, once next to its source and once far out
    along the chain, kills fewer defenders far out."""
    near = line([20.0, 20.0], red_at=2)
    far = line([780.0, 20.0], red_at=2)  # 8 days of road from the source
    losses = []
    for world in (near, far):
        state = initial_state(world)
        orders = compile_orders(world, [[Attack("blue", "p1", "p2", 10.0)]])
        after, _ = resolve_turn(world, state, orders, [7])
        losses.append(10.0 - float(after.forces[0, 1, 2]) - float(after.transit[0, 1].sum()))
    assert losses[1] < losses[0]


def test_the_cut_off_count_moves_with_the_force() -> None:
    """A force cut off for three turns that moves to an empty place keeps its count there,
    and goes on counting from it; forces that meet take the strength-weighted count."""
    world = line([20.0, 20.0], source=False)
    state = initial_state(world)
    counts = np.zeros_like(state.unsupplied)
    counts[0, 0, 0], counts[0, 0, 1] = 3, 0
    forces = state.forces.copy()
    forces[0, 0, 2] = 0.0  # p2 empty
    forces[0, 0, 0], forces[0, 0, 1] = 6.0, 2.0
    state = state.evolve(unsupplied=counts, forces=forces)
    orders = compile_orders(world, [[Move("blue", "p0", "p1", 3.0), Move("blue", "p1", "p2", 2.0)]])
    moved, _, _ = resolve_movement(world, state, orders)
    assert moved.unsupplied[0, 0, 0] == 3  # those who stayed
    assert moved.unsupplied[0, 0, 1] == 3  # 3 turns x 3 strength over 3 strength
    assert moved.unsupplied[0, 0, 2] == 0  # the supplied force took its 0 along
    again = resolve_supply(world, moved)
    assert again.unsupplied[0, 0, 1] == 4  # and counting goes on from there


@given(
    here=st.integers(0, 9),
    there=st.integers(0, 9),
    sent=st.floats(0.1, 10.0, allow_nan=False),
    staying=st.floats(0.0, 10.0, allow_nan=False),
)
def test_merged_counts_lie_between_those_of_the_forces_that_met(
    here: int, there: int, sent: float, staying: float
) -> None:
    world = line([20.0], source=False)
    state = initial_state(world)
    forces = np.zeros_like(state.forces)
    forces[0, 0, 0], forces[0, 0, 1] = sent, staying
    counts = np.zeros_like(state.unsupplied)
    counts[0, 0, 0], counts[0, 0, 1] = here, there
    state = state.evolve(forces=forces, unsupplied=counts)
    moved, _, _ = resolve_movement(
        world, state, compile_orders(world, [[Move("blue", "p0", "p1", sent)]])
    )
    merged = int(moved.unsupplied[0, 0, 1])
    assert min(here, there) <= merged <= max(here, there)
    if staying == 0.0:
        assert merged == here  # a force alone keeps its own count


def test_no_range_means_the_old_flood() -> None:
    world = line([3000.0, 3000.0], range_days=None)
    state = initial_state(world)
    assert (state.supply_days[0, 0] == 0.0).all()
    after, _ = resolve_turn(world, state, no_orders(world, 1), [1])
    assert (after.unsupplied == 0).all()
