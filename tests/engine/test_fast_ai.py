"""The computer opponent's fast paths give the plain code's results bit for bit.

Each fast path of ``engine.ai.heuristic`` and of ``engine.ai.reading`` (the map reading it is
built on) is set against the plain computation it stands for: side sums over member factions
against ``ordered_matmul``, both flows written at once against their sum, routes chosen only
where wanted against routes chosen everywhere, 0/1 products against sums along the arcs, and
the whole policy against itself with every value taken as not plain (which turns the
value-dependent fast paths off).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import cache
from typing import Any
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontlines.engine import load_scenario
from frontlines.engine import strategies as fst
from frontlines.engine.ai import heuristic, reading
from frontlines.engine.arrays import ordered_matmul
from frontlines.engine.state import State, initial_state
from frontlines.engine.world import World, compile_world

SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]
rng_seeds = st.integers(0, 2**32 - 1)
ODD = (-0.0, -1.5, np.inf, np.nan)


def bits(array: Any) -> bytes:
    return np.ascontiguousarray(array, dtype=np.float64).tobytes()


def varied(rng: np.random.Generator, shape: tuple[int, ...], odd: bool = False) -> np.ndarray:
    """Floats of many magnitudes (so that the order of adding shows in the last bit), some
    zeros and, if ``odd``, a few values that are not plain."""
    values = rng.uniform(0, 1, shape) * 10.0 ** rng.integers(-9, 4, shape)
    values[rng.uniform(0, 1, shape) < 0.2] = 0.0
    if odd and values.size:
        values.flat[rng.integers(0, values.size)] = ODD[rng.integers(0, len(ODD))]
    return values


@cache
def aleppo() -> World:
    return compile_world(load_scenario("aleppo-2024"))


def out_arcs(world: World, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """An arc leaving each place, at random (``shape[:-1] x L``)."""
    slots = world.graph.out_valid.sum(axis=1)
    k = rng.integers(0, 1 << 30, shape) % slots
    arcs: np.ndarray = world.graph.out_arcs[np.arange(world.n_locations), k]
    return arcs


@settings(max_examples=60, deadline=None)
@given(
    batch=st.integers(1, 4),
    n_f=st.integers(1, 6),
    n_s=st.integers(1, 4),
    n_l=st.integers(1, 9),
    odd=st.booleans(),
    seed=rng_seeds,
)
def test_side_sums_are_ordered_matmul(
    batch: int, n_f: int, n_s: int, n_l: int, odd: bool, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    side = rng.integers(0, n_s, n_f)
    rows = (side[np.newaxis, :] == np.arange(n_s)[:, np.newaxis]).astype(np.float64)
    members = tuple(tuple(int(f) for f in np.flatnonzero(row)) for row in rows)
    values = varied(rng, (batch, n_f, n_l), odd)
    team = rows[np.newaxis]
    sides = reading.Sides(team, np.ones((batch, n_s, n_l), dtype=bool), side, members)
    with np.errstate(invalid="ignore"):  # 0 * inf in ordered_matmul
        expected = ordered_matmul(team, values)
        assert bits(reading.side_sum(team, members, values)) == bits(expected)
        assert bits(sides.total(values)) == bits(expected)
        assert bits(sides.foes(values)) == bits(ordered_matmul(1.0 - team, values))


@settings(max_examples=40, deadline=None)
@given(batch=st.integers(1, 5), n_f=st.integers(1, 4), seed=rng_seeds)
def test_both_flows_at_once_are_their_sum(batch: int, n_f: int, seed: int) -> None:
    world = aleppo()
    rng = np.random.default_rng(seed)
    shape = (batch, n_f, world.n_locations)
    arc, then_arc = out_arcs(world, rng, shape), out_arcs(world, rng, shape)
    amount, then = varied(rng, shape), varied(rng, shape)
    expected = reading.flows(world, arc, amount) + reading.flows(world, then_arc, then)
    assert bits(reading.two_flows(world, arc, amount, then_arc, then)) == bits(expected)


@settings(max_examples=40, deadline=None)
@given(batch=st.integers(1, 5), n_s=st.integers(1, 3), barring=st.booleans(), seed=rng_seeds)
def test_routes_chosen_where_wanted_are_those_chosen_everywhere(
    batch: int, n_s: int, barring: bool, seed: int
) -> None:
    world = aleppo()
    rng = np.random.default_rng(seed)
    shape = (batch, n_s, world.n_locations)
    n_k = world.graph.out_arcs.shape[1]
    table = varied(rng, (*shape, n_k)).reshape(-1, n_k)
    table[rng.uniform(0, 1, table.shape) < 0.3] = 1.0  # ties: the first wins

    def score_of(here: np.ndarray, there: np.ndarray, legs: np.ndarray) -> np.ndarray:
        scores: np.ndarray = table[here]
        return scores

    barred = rng.uniform(0, 1, (*shape[:2], world.n_arcs)) < 0.2 if barring else None
    wanted = rng.uniform(0, 1, shape) < 0.3
    arc, best = reading.best_step(world, score_of, wanted, barred)
    all_arc, all_best = reading.best_step(world, score_of, np.ones(shape, bool), barred)
    assert (arc[wanted] == all_arc[wanted]).all()
    assert bits(best[wanted]) == bits(all_best[wanted])
    first = np.broadcast_to(world.graph.out_arcs[:, 0], shape)
    assert (arc[~wanted] == first[~wanted]).all()
    assert (best[~wanted] == -1.0).all()


@settings(max_examples=30, deadline=None)
@given(batch=st.integers(1, 4), seed=rng_seeds)
def test_neighbours_by_product_are_neighbours_by_slot(batch: int, seed: int) -> None:
    world = aleppo()
    rng = np.random.default_rng(seed)
    flags = rng.uniform(0, 1, (batch, 2, world.n_locations)) < 0.2
    by_slot = replace(world, graph=replace(world.graph, adjacency=None))
    assert (reading.next_to(world, flags) == reading.next_to(by_slot, flags)).all()


@contextmanager
def not_plain() -> Iterator[None]:
    """Every value taken as not plain, in the policy and in the map reading it is built on."""
    with (
        mock.patch.object(heuristic, "is_plain", return_value=False),
        mock.patch.object(reading, "is_plain", return_value=False),
    ):
        yield


def _state_with(world: World, rng: np.random.Generator, batch: int) -> State:
    state = initial_state(world, 1).repeated(batch)
    forces = varied(rng, state.forces.shape)
    transit = varied(rng, state.transit.shape)
    return replace(state, forces=forces, transit=transit)


@settings(max_examples=30, deadline=None)
@given(batch=st.integers(1, 4), seed=rng_seeds)
def test_battles_possible_by_counting_arcs_are_those_by_sums(batch: int, seed: int) -> None:
    world = aleppo()
    rng = np.random.default_rng(seed)
    state = _state_with(world, rng, batch)
    sides = reading.sides_of(world, state)
    flow = varied(rng, (batch, world.n_factions, world.n_arcs))
    flow[rng.uniform(0, 1, flow.shape) < 0.7] = 0.0
    coming = reading.arrivals(world, state)
    fast = heuristic._battle_possible(world, state, sides, flow, coming)
    with not_plain():
        plain = heuristic._battle_possible(world, state, sides, flow, coming)
    assert (fast == plain).all()


@settings(max_examples=25, deadline=None, suppress_health_check=SLOW)
@given(turn=fst.batched_turns(max_batch=4, max_turns=3), controlled=st.integers(0, 2**8 - 1))
def test_orders_do_not_depend_on_the_fast_paths(turn: fst.BatchTurn, controlled: int) -> None:
    world, state = turn.world, turn.before
    mask = (controlled >> np.arange(world.n_factions)) % 2 == 1
    fast = heuristic.heuristic_orders(world, state, mask)
    with not_plain():
        plain = heuristic.heuristic_orders(world, state, mask)
    for name in ("flow", "strike", "support"):
        assert bits(getattr(fast, name)) == bits(getattr(plain, name))
