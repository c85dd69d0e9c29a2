"""Every fast path of the rules against the plain computation it stands for.

The engine takes shortcuts that must not change a single number: sums over short axes added
slice by slice, scatter-adds by ``bincount``, gathers from flattened arrays, index lists
found two ways, draws computed only where needed, sets of places held in integers, sparse
sums that skip zeros, and early returns when nothing happens. Each test here draws inputs on
both sides of a shortcut's threshold and checks it against the plain way (bit for bit where
the engine promises it).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontlines.engine import load_scenario
from frontlines.engine import reference as ref
from frontlines.engine import strategies as fst
from frontlines.engine.arrays import _nearest_days_small, nearest_days, scatter_add
from frontlines.engine.orders import OrderArrays, compile_orders, no_orders
from frontlines.engine.rules import air as air_rules
from frontlines.engine.rules.air import _requests, resolve_air
from frontlines.engine.rules.capture import resolve_capture
from frontlines.engine.rules.combat import resolve_combat
from frontlines.engine.rules.common import (
    _plain_supply_factor,
    allied_to_holder,
    friendly_here,
    sum_axis1,
    supply_factor,
    weighted_count,
    where_set,
)
from frontlines.engine.rules.morale import _changed_hands
from frontlines.engine.rules.movement import _travel
from frontlines.engine.rules.noise import Stream, draw_order, uniform, uniform_at
from frontlines.engine.rules.reinforcement import resolve_reinforcements
from frontlines.engine.rules.supply import _next_to, supplied
from frontlines.engine.rules.victory import resolve_victory
from frontlines.engine.state import DRAW, NO_WINNER, State, initial_state
from frontlines.engine.turn import resolve_turn
from frontlines.engine.world import World, compile_world

SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]
rng_seeds = st.integers(0, 2**32 - 1)


def examples(count: int) -> int:
    """``count`` examples: fewer if the loaded profile asks for fewer (``mutate``), ten times
    as many under ``soak``."""
    default = settings.default.max_examples
    return count * 10 if default >= 5000 else min(count, default)


def bits(array: Any) -> bytes:
    return np.ascontiguousarray(array, dtype=np.float64).tobytes()


def varied(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Floats of many magnitudes (so that the order of adding shows in the last bit), and
    some zeros."""
    values = rng.uniform(0, 1, shape) * 10.0 ** rng.integers(-9, 4, shape)
    values[rng.uniform(0, 1, shape) < 0.2] = 0.0
    return values


# -- sums, scatters, gathers, index lists --------------------------------------------------------


@settings(max_examples=examples(60), deadline=None)
@given(
    rows=st.sampled_from((1, 3, 40, 600)),
    n=st.integers(1, 12),
    places=st.sampled_from((0, 1, 7, 90)),
    seed=rng_seeds,
)
def test_sum_axis1_is_numpys_sum_bit_for_bit(rows: int, n: int, places: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = (rows, n) if places == 0 else (rows, n, places)
    values = varied(rng, shape)
    assert bits(sum_axis1(values)) == bits(np.sum(values, axis=1))


@settings(max_examples=examples(50), deadline=None)
@given(
    lead=st.sampled_from(((), (1,), (3,), (2, 5))),
    k=st.integers(0, 40),
    size=st.integers(1, 12),
    seed=rng_seeds,
)
def test_scatter_add_adds_in_order(lead: tuple[int, ...], k: int, size: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = varied(rng, (*lead, k))
    index = rng.integers(0, size, k)
    expected = np.zeros((*lead, size))
    for j in range(k):
        expected[..., index[j]] += values[..., j]
    assert bits(scatter_add(values, index, size)) == bits(expected)


@settings(max_examples=examples(50), deadline=None)
@given(
    batch=st.integers(1, 5),
    n_f=st.integers(1, 9),
    n_l=st.integers(1, 9),
    seed=rng_seeds,
)
def test_gathers_from_the_alliance_matrix(batch: int, n_f: int, n_l: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    allied = rng.uniform(0, 1, (batch, n_f, n_f)) < 0.4
    controller = rng.integers(0, n_f, (batch, n_l))
    friendly = friendly_here(allied, controller)
    for b in range(batch):
        for f in range(n_f):
            for p in range(n_l):
                assert friendly[b, f, p] == allied[b, f, controller[b, p]]
    for f in range(n_f):
        holds = allied_to_holder(allied, controller, f)
        assert (holds == friendly[:, f, :]).all()


@settings(max_examples=examples(50), deadline=None)
@given(
    # Sizes on both sides of SMALL (4,096), where the engine changes how it finds them.
    shape=st.sampled_from(((0,), (5,), (3, 7), (64, 64), (64, 70), (4, 3, 400), (2, 3000))),
    density=st.sampled_from((0.0, 0.01, 0.5, 1.0)),
    seed=rng_seeds,
)
def test_where_set_is_nonzero(shape: tuple[int, ...], density: float, seed: int) -> None:
    mask = np.random.default_rng(seed).uniform(0, 1, shape) < density
    found, plain = where_set(mask), np.nonzero(mask)
    assert len(found) == len(plain)
    for mine, theirs in zip(found, plain, strict=True):
        assert mine.tolist() == theirs.tolist()


# -- chance ------------------------------------------------------------------------------------

_G, _M1, _M2, _MASK = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 2**64 - 1


def _splitmix(x: int) -> int:
    x = ((x ^ (x >> 30)) * _M1) & _MASK
    x = ((x ^ (x >> 27)) * _M2) & _MASK
    return x ^ (x >> 31)


def _documented_uniform(seed: int, turn: int, stream: int, slot: int) -> float:
    """The draw as ``docs/rules.md`` writes it, in Python integers."""
    key = _splitmix(seed ^ _splitmix((turn * _G + stream * _M1) & _MASK))
    draw = _splitmix((key + slot * _G + _G) & _MASK)
    return ((draw >> 11) + 0.5) / 2.0**53


@settings(max_examples=examples(40), deadline=None)
@given(
    seeds=st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=3),
    turn=st.integers(0, 10_000),
    stream=st.sampled_from(list(Stream)),
    count=st.integers(1, 9),
)
def test_uniform_is_the_documented_hash(
    seeds: list[int], turn: int, stream: Stream, count: int
) -> None:
    drawn = uniform(np.array(seeds, dtype=np.uint64), turn, stream, (count,))
    for b, seed in enumerate(seeds):
        expected = [_documented_uniform(seed, turn, int(stream), k) for k in range(count)]
        assert drawn[b].tolist() == expected


@settings(max_examples=examples(60), deadline=None)
@given(
    batch=st.sampled_from((1, 2, 8, 9, 30)),
    shape=st.sampled_from(((8, 5), (5, 2, 7), (8, 60), (5, 3, 40), (1,))),
    turn=st.integers(0, 200),
    stream=st.sampled_from(list(Stream)),
    seed=rng_seeds,
)
def test_uniform_at_picks_the_full_blocks_draws(
    batch: int, shape: tuple[int, ...], turn: int, stream: Stream, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    seeds = rng.integers(0, 2**63, batch, dtype=np.uint64) * np.uint64(2) + np.uint64(seed % 2)
    full = uniform(seeds, turn, stream, shape)
    per_draw = math.prod(shape[1:])
    n = int(rng.integers(0, 3 * batch * per_draw + 1))
    runs = rng.integers(0, batch, n).astype(np.intp)
    inner = rng.integers(0, per_draw, n).astype(np.intp)
    picked = uniform_at(seeds, turn, stream, shape, runs, inner)
    flat = full.reshape(batch, shape[0], per_draw)
    assert bits(picked) == bits(flat[runs, :, inner].T)
    rows = rng.permutation(shape[0])[: int(rng.integers(1, shape[0] + 1))]
    some = uniform_at(seeds, turn, stream, shape, runs, inner, draw_order(*rows.tolist()))
    assert bits(some) == bits(flat[runs][:, rows, :][np.arange(n), :, inner].T)


# -- the map -------------------------------------------------------------------------------------

ANY_WORLD = compile_world(load_scenario("two-rivers"))
graph_worlds = fst.big_scenarios(
    min_factions=2,
    max_factions=9,
    min_locations=2,
    max_locations=60,
    max_air_support=0,
    max_events=0,
    max_reinforcements=0,
    max_victory=0,
    rules_strategy=st.just({}),
).map(compile_world)


def random_state(world: World, batch: int, rng: np.random.Generator) -> State:
    """Any position on the map: holders, alliances, forces and counters at random."""
    n_f, n_l = world.n_factions, world.n_locations
    allied = rng.uniform(0, 1, (batch, n_f, n_f)) < 0.3
    allied = allied | allied.transpose(0, 2, 1) | np.eye(n_f, dtype=bool)
    forces = varied(rng, (batch, n_f, n_l)) * (rng.uniform(0, 1, (batch, n_f, n_l)) < 0.4)
    n_t = world.roads.n_slots
    transit = varied(rng, (batch, n_f, n_t)) * (rng.uniform(0, 1, (batch, n_f, n_t)) < 0.3)
    return initial_state(world, batch).evolve(
        transit=transit,
        transit_unsupplied=transit * rng.integers(0, 6, (batch, n_f, n_t)),
        controller=rng.integers(0, n_f, (batch, n_l)),
        allied=allied,
        forces=forces,
        morale=rng.uniform(0, 1, (batch, n_f)),
        unsupplied=rng.integers(0, 8, (batch, n_f, n_l)),
        quality=rng.choice([0.1, 0.6, 1.0, 3.0], (batch, n_f)),
        pace=rng.choice([0.5, 1.0, 1.0, 2.0], (batch, n_f)),
        closed=(rng.uniform(0, 1, (batch, n_f, world.n_routes)) < 0.2) & (rng.uniform() < 0.5),
        weather=rng.integers(0, world.weather.n_kinds, batch),
    )


@settings(max_examples=examples(20), deadline=None, suppress_health_check=SLOW)
@given(world=graph_worlds, batch=st.integers(1, 4), seed=rng_seeds)
def test_any_at_ends_with_and_without_the_one_hot_matrix(
    world: World, batch: int, seed: int
) -> None:
    flags = np.random.default_rng(seed).uniform(0, 1, (batch, 3, world.n_arcs)) < 0.1
    plain = np.zeros((batch, 3, world.n_locations), dtype=bool)
    for arc in range(world.n_arcs):
        plain[:, :, world.arc_dst[arc]] |= flags[:, :, arc]
    assert (world.any_at_ends(flags) == plain).all()
    assert (replace(world, dst_matrix=None).any_at_ends(flags) == plain).all()
    values = varied(np.random.default_rng(seed), (batch, world.n_arcs))
    at_ends, at_origins = np.zeros((batch, world.n_locations)), np.zeros((batch, world.n_locations))
    for arc in range(world.n_arcs):
        at_ends[:, world.arc_dst[arc]] += values[:, arc]
        at_origins[:, world.arc_src[arc]] += values[:, arc]
    assert bits(world.sum_at_ends(values)) == bits(at_ends)
    assert bits(world.sum_at_origins(values)) == bits(at_origins)


@settings(max_examples=examples(30), deadline=None, suppress_health_check=SLOW)
@given(world=graph_worlds, batch=st.integers(1, 3), seed=rng_seeds)
def test_the_supply_floods_agree_with_a_breadth_first_search(
    world: World, batch: int, seed: int
) -> None:
    state = random_state(world, batch, np.random.default_rng(seed))
    expected = np.array([ref.supplied(world, state.run(b)) for b in range(batch)])
    dense = replace(world, neighbour_bits=None)
    by_arcs = replace(world, neighbour_bits=None, dst_matrix=None)
    for variant in (world, dense, by_arcs):
        assert (supplied(variant, state) == expected).all()
    table = world.neighbour_bits
    if table is not None:  # 16-bit chunks up to 16 places, 8-bit ones up to 52
        assert table.shape[1] == (1 << 16 if world.n_locations <= 16 else 1 << 8)
        sets = np.random.default_rng(seed).integers(0, 2**world.n_locations, 20, dtype=np.int64)
        for places, reached in zip(sets.tolist(), _next_to(sets, table).tolist(), strict=True):
            plain = 0
            for arc in range(world.n_arcs):
                if places >> int(world.arc_src[arc]) & 1:
                    plain |= 1 << int(world.arc_dst[arc])
            assert reached == plain


# -- the phases' sparse sums ---------------------------------------------------------------------

air_worlds = fst.scenarios(max_air_support=9, max_factions=9, min_factions=2).map(compile_world)


@settings(max_examples=examples(30), deadline=None, suppress_health_check=SLOW)
@given(world=air_worlds, batch=st.integers(1, 3), data=st.data())
def test_the_air_requests_are_a_dense_sum(world: World, batch: int, data: st.DataObject) -> None:
    orders = data.draw(fst.order_arrays(world, batch=batch, max_entries=30))
    n_a, n_l = len(world.air_ids), world.n_locations
    cell, amount, totals = _requests(orders, world.air_in_range, batch * n_a, n_l)
    requests = np.stack((orders.strike, orders.support))  # 2 x B x A x L
    in_range = np.broadcast_to(world.air_in_range, requests.shape)
    with np.errstate(invalid="ignore"):
        usable = in_range & np.isfinite(requests) & (requests > 0)
    dense = np.where(usable, requests, 0.0)
    with np.errstate(over="ignore"):
        expected = dense.reshape(2, batch * n_a, n_l).sum(axis=2)
    assert bits(totals) == bits(expected)
    assert cell.tolist() == np.flatnonzero(usable).tolist()
    assert bits(amount) == bits(dense.reshape(-1)[np.flatnonzero(usable)])


def _strikes_everywhere(world: World, state: State, seed: int) -> Any:
    orders = no_orders(world, state.batch)
    rng = np.random.default_rng(seed)
    orders.strike[...] = rng.integers(0, 4, orders.strike.shape) * (
        rng.uniform(0, 1, orders.strike.shape) < 0.4
    )
    return orders


@settings(max_examples=examples(30), deadline=None, suppress_health_check=SLOW)
@given(world=air_worlds, batch=st.integers(1, 3), seed=rng_seeds)
def test_sparse_and_dense_strike_accounting_agree(world: World, batch: int, seed: int) -> None:
    state = random_state(world, batch, np.random.default_rng(seed)).evolve(
        sortie_rate=np.full((batch, len(world.air_ids)), 40)
    )
    orders = _strikes_everywhere(world, state, seed)
    seeds = np.arange(batch, dtype=np.uint64)
    results = {}
    for limit in (0, 99):  # every entry count is "many" (dense), or none is (sparse)
        with mock.patch.object(air_rules, "SEQUENTIAL_SUM_MAX", limit):
            results[limit] = resolve_air(world, state, orders, seeds)
    (dense_state, dense), (sparse_state, sparse) = results[0], results[99]
    assert bits(dense_state.forces) == bits(sparse_state.forces)
    np.testing.assert_allclose(dense.destroyed, sparse.destroyed, rtol=1e-12, atol=0)
    np.testing.assert_allclose(dense.destroyed_by, sparse.destroyed_by, rtol=1e-12, atol=0)
    assert dense.cells.tolist() == sparse.cells.tolist()
    # Columns on the road in: the same strength caught, and credited alike.
    assert bits(dense_state.transit) == bits(sparse_state.transit)
    if sparse.on_road is None:
        assert dense.on_road is None
    else:
        assert dense.on_road is not None
        np.testing.assert_allclose(dense.on_road, sparse.on_road, rtol=1e-12, atol=1e-300)
    normal = resolve_air(world, state, orders, seeds)[1]
    chosen = dense if max(len(world.air_ids), world.n_factions) > 7 else sparse
    assert bits(normal.destroyed) == bits(chosen.destroyed)
    for b in range(batch):
        _, flown = ref.air(world, state.run(b), ref.plain_orders(world, orders, b), b)
        np.testing.assert_allclose(normal.destroyed[b], flown.destroyed, rtol=1e-9, atol=1e-300)


@settings(max_examples=examples(60), deadline=None)
@given(
    n_f=st.integers(2, 10),
    n_l=st.integers(2, 60),
    batch=st.integers(1, 4),
    share=st.sampled_from((0.0, 0.05, 0.3, 1.0)),
    seed=rng_seeds,
)
def test_places_changing_hands_are_a_dense_sum(
    n_f: int, n_l: int, batch: int, share: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    old = rng.integers(0, n_f, (batch, n_l))
    # To anyone, or (one time in two) all to one faction: then the others lose many places
    # and take none, and the sums of lost and taken values go different ways.
    to = rng.integers(0, n_f, (batch, n_l)) if seed % 2 else np.full((batch, n_l), seed % n_f)
    new = np.where(rng.uniform(0, 1, (batch, n_l)) < share, to, old)
    names = tuple(f"f{i}" for i in range(n_f))
    world = replace(ANY_WORLD, faction_ids=names, value=varied(rng, (n_l,)))
    lost, taken = _changed_hands(world, old, new)
    f = np.arange(n_f)[np.newaxis, :, np.newaxis]
    before, after = old[:, np.newaxis, :] == f, new[:, np.newaxis, :] == f
    assert bits(lost) == bits((world.value * (before & ~after)).sum(axis=2))
    assert bits(taken) == bits((world.value * (after & ~before)).sum(axis=2))


# -- early returns -------------------------------------------------------------------------------


@settings(max_examples=examples(30), deadline=None, suppress_health_check=SLOW)
@given(world=air_worlds, seed=rng_seeds)
def test_nothing_struck_nothing_captured_nothing_due(world: World, seed: int) -> None:
    """The phases' shortcuts when nothing happens give what the plain rules give."""
    rng = np.random.default_rng(seed)
    state = random_state(world, 1, rng).evolve(
        sortie_rate=rng.integers(0, 5, (1, len(world.air_ids)))
    )
    orders = no_orders(world, 1)
    orders.support[...] = rng.integers(0, 3, orders.support.shape)  # support only: no strike
    after_air, air = resolve_air(world, state, orders, np.array([seed], dtype=np.uint64))
    r_air, flown = ref.air(world, state, ref.plain_orders(world, orders), seed)
    assert bits(after_air.forces) == bits(r_air.forces)
    for name in ("strike", "support", "destroyed", "killed", "injured", "support_power"):
        assert bits(getattr(air, name)[0]) == bits(getattr(flown, name)), name
    assert air.cells.size == 0

    # No hostile forces anywhere: no battle and no capture.
    calm = state.evolve(forces=state.forces * friendly_here(state.allied, state.controller))
    attacked = np.zeros((1, world.n_factions), dtype=bool)
    fought_state, battles = resolve_combat(world, calm, air, attacked, np.array([seed], np.uint64))
    assert not battles.battle.any()
    captured_state, capture = resolve_capture(world, fought_state, battles)
    assert not capture.captured.any() and (capture.retreat_to == -1).all()
    assert bits(captured_state.forces) == bits(calm.forces)
    assert (captured_state.controller == calm.controller).all()

    # No reinforcement due (turn 10,000 is after any): nothing changes.
    late = calm.evolve(turn=9_999)
    arrived_state, arrived = resolve_reinforcements(world, late)
    _, came = ref.reinforcements(world, late)
    assert bits(arrived_state.forces) == bits(late.forces)
    assert arrived.arrived.shape == (1, len(world.scenario.reinforcements))
    assert (arrived.arrived[0] == came.arrived).all()
    assert (arrived.turned_back[0] == came.turned_back).all()

    # Every game decided: victory changes nothing.
    over = calm.evolve(done=np.array([True]), winner=np.array([DRAW]))
    assert resolve_victory(world, over).winner.tolist() == [DRAW]
    running = calm.evolve(turn=world.scenario.max_turns)
    decided = resolve_victory(world, running)
    assert decided.winner[0] != NO_WINNER and bool(decided.done[0])


@settings(max_examples=examples(60), deadline=None)
@given(
    n_l=st.integers(1, 9),
    lead=st.lists(st.integers(1, 40), min_size=1, max_size=2),
    per_search=st.booleans(),
    seed=rng_seeds,
)
def test_the_places_first_search_is_the_ragged_one(
    n_l: int, lead: list[int], per_search: bool, seed: int
) -> None:
    """Above ``SMALL_SEARCH`` the supply search runs places first, one gather per k-th arc
    into a place; below it, one ragged minimum per step. Both give the same days, bit for bit,
    with arcs missing, repeated, barred (``inf``) or with steps of their own per search."""
    rng = np.random.default_rng(seed)
    n_d = int(rng.integers(1, 3 * n_l + 1))  # a scenario has at least one route
    arc_src = rng.integers(0, n_l, n_d)
    arc_dst = rng.integers(0, n_l, n_d)
    shape = (*lead, n_l)
    friendly = rng.random(shape) < 0.7
    source = rng.random(n_l) < 0.3
    step_shape = (*lead, n_d) if per_search else (n_d,)
    step = np.round(rng.random(step_shape) * 5.0, 2)
    step[rng.random(step_shape) < 0.1] = np.inf
    with mock.patch("frontlines.engine.arrays.SMALL_SEARCH", 0):
        fast = nearest_days(friendly, source, arc_src, arc_dst, step)
    plain = _nearest_days_small(friendly, source, arc_src, arc_dst, step)
    assert fast.shape == plain.shape == shape
    assert bits(fast) == bits(plain)


# -- counts cut off, the road, one game against a batch ----------------------------------------


@settings(max_examples=examples(60), deadline=None)
@given(
    shape=st.sampled_from(((1, 2, 3), (4, 3, 15), (30, 4, 40))),
    cut_off=st.sampled_from((0.0, 0.01, 0.5, 1.0)),
    seed=rng_seeds,
)
def test_weighted_count_divides_only_where_something_cut_off_met(
    shape: tuple[int, ...], cut_off: float, seed: int
) -> None:
    """Where the mass is zero the count is zero (forces there) or kept (none there): only the
    other cells are divided, each as the plain masked division does."""
    rng = np.random.default_rng(seed)
    strength = varied(rng, shape)
    count = np.where(rng.uniform(0, 1, shape) < cut_off, rng.integers(0, 9, shape), 0)
    mass = strength * count + np.where(rng.uniform(0, 1, shape) < 0.1, varied(rng, shape), 0.0)
    merged = np.divide(mass, strength, out=np.zeros_like(strength), where=strength > 0)
    plain = np.where(strength > 0, np.rint(merged).astype(np.int64), count)
    fast = weighted_count(mass, strength, count)
    assert fast.dtype == plain.dtype and (fast == plain).all()


@settings(max_examples=examples(60), deadline=None)
@given(
    shape=st.sampled_from(((1, 2, 3), (4, 3, 15), (100, 8, 15))),
    cut_off=st.sampled_from((0.0, 0.01, 0.5)),
    far=st.sampled_from((0.0, 0.05, 0.5)),
    range_days=st.one_of(st.none(), st.sampled_from((0.0, 2.0, 7.5))),
    decays=st.tuples(*[st.sampled_from((0.0, 0.02, 0.25, 1.0))] * 2),
    floor=st.sampled_from((0.0, 0.2, 1.0)),
    days=st.integers(1, 3),
    seed=rng_seeds,
)
def test_supply_factor_works_out_only_forces_cut_off_or_out_of_range(
    shape: tuple[int, ...],
    cut_off: float,
    far: float,
    range_days: float | None,
    decays: tuple[float, float],
    floor: float,
    days: int,
    seed: int,
) -> None:
    """Forces in supply and in range get exactly 1; the others the plain formula's factor
    (on both sides of ``SMALL``, with unreachable sources and days right at the range)."""
    rng = np.random.default_rng(seed)
    unsupplied = np.where(rng.uniform(0, 1, shape) < cut_off, rng.integers(1, 30, shape), 0)
    travel = np.where(rng.uniform(0, 1, shape) < far, rng.uniform(0, 20, shape), 0.0)
    travel = np.where(rng.uniform(0, 1, shape) < 0.1, np.inf, travel)
    if range_days is not None:
        travel = np.where(rng.uniform(0, 1, shape) < 0.1, range_days, travel)
    base = load_scenario("aleppo-2024").rules
    supply = base.supply.model_copy(
        update={
            "range_days": range_days,
            "unsupplied_decay": decays[0],
            "beyond_range_decay": decays[1],
            "unsupplied_floor": floor,
        }
    )
    rules = base.model_copy(update={"supply": supply})
    fast = supply_factor(unsupplied, travel, rules, days)
    plain = _plain_supply_factor(unsupplied, travel, rules, days)
    assert fast.shape == plain.shape == shape
    assert (fast.view(np.uint64) == plain.view(np.uint64)).all()  # bit for bit


def plain_travel(
    world: World,
    on_road: np.ndarray,
    row: np.ndarray,
    arc: np.ndarray,
    legs: np.ndarray,
    moved: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The road one turn on, every slot at once: the head slots summed into their places in
    slot order, every slot taking the contents of ``shift_from``, then the new journeys."""
    roads = world.roads
    n_b, n_f, n_t = on_road.shape
    heads = roads.slot_start[roads.slots > 0]
    head_end = world.arc_dst[roads.slot_arc[heads]]
    amount = on_road[:, :, heads].reshape(-1)
    place = np.arange(n_b * n_f).repeat(heads.size) * world.n_locations + np.tile(
        head_end, n_b * n_f
    )
    size = n_b * n_f * world.n_locations
    landed = np.bincount(place, weights=amount, minlength=size)
    loss = np.tile(world.crossing_loss[roads.slot_arc[heads]], n_b * n_f)
    landed_cost = np.bincount(place, weights=amount * loss, minlength=size)
    padded = np.concatenate((on_road, np.zeros((n_b, n_f, 1))), axis=2)
    transit = np.ascontiguousarray(padded[:, :, roads.shift_from])
    slot = roads.slot_start[arc] + legs - 2
    transit.reshape(-1)[row * n_t + slot] += moved
    return transit, landed, landed_cost


road_worlds = st.sampled_from(
    [compile_world(load_scenario(name)) for name in ("two-rivers", "aleppo-2024")]
)


@settings(max_examples=examples(60), deadline=None)
@given(
    world=road_worlds,
    batch=st.integers(1, 40),
    on_road=st.sampled_from((0.0, 0.02, 0.5, 1.0)),
    setting_out=st.sampled_from((0.0, 0.1, 1.0)),
    seed=rng_seeds,
)
def test_the_road_moves_on_as_every_slot_would(
    world: World, batch: int, on_road: float, setting_out: float, seed: int
) -> None:
    """Movement walks only the slots that hold something (the road holds no -0): the same
    road, the same arrivals and crossing costs, bit for bit, as shifting every slot."""
    rng = np.random.default_rng(seed)
    n_f, n_t = world.n_factions, world.roads.n_slots
    road = varied(rng, (batch, n_f, n_t)) * (rng.uniform(0, 1, (batch, n_f, n_t)) < on_road)
    # Journeys that set out this turn: one per faction and arc at most, along arcs with slots.
    long_arcs = np.flatnonzero(world.roads.slots > 0)
    pairs = [(r, a) for r in range(batch * n_f) for a in long_arcs if rng.uniform() < setting_out]
    row = np.array([r for r, _ in pairs], dtype=np.int64)
    arc = np.array([a for _, a in pairs], dtype=np.int64)
    legs = 2 + (rng.integers(0, 100, arc.size) % np.maximum(world.roads.slots[arc], 1))
    moved = varied(rng, (arc.size,))
    fast, landed, landed_cost = _travel(world, road, row, arc, legs, moved, costed=True)
    transit, plain_landed, plain_cost = plain_travel(world, road, row, arc, legs, moved)
    assert bits(fast) == bits(transit)
    if not road.any():
        assert landed is None and landed_cost is None
        return
    assert landed is not None
    assert bits(landed) == bits(plain_landed)
    if world.has_crossings:
        assert landed_cost is not None
        assert bits(landed_cost) == bits(plain_cost)


@settings(max_examples=examples(20), deadline=None, suppress_health_check=SLOW)
@given(batch=fst.batched_turns(max_batch=5, max_turns=3))
def test_a_game_alone_plays_as_it_does_in_a_batch(batch: fst.BatchTurn) -> None:
    """The shortcuts for one game (victory reading one row of the alliances, one capture
    retreating without ``add.at``, supply measuring every run, the defences of opposed
    journeys read either way) give each game of a batch the turn it gets alone."""
    arrays = compile_orders(batch.world, batch.orders)
    for run, seed in enumerate(batch.seeds):
        alone = batch.before.run(run)
        orders = OrderArrays(
            arrays.flow[run : run + 1], arrays.strike[run : run + 1], arrays.support[run : run + 1]
        )
        after, _ = resolve_turn(batch.world, alone, orders, [seed], record=False)
        assert after.digest() == batch.after.run(run).digest(), f"run {run}"
