"""Properties of the computer opponents over generated scenarios and random legal play."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.engine import Game, Scenario, load_scenario
from frontlines.engine import strategies as fst
from frontlines.engine.ai import choose_orders, heuristic_orders
from frontlines.engine.orders import compile_orders, read_orders
from frontlines.engine.state import initial_state
from frontlines.engine.turn import resolve_turn
from tests.engine.test_ai import assert_legal_in_sequence, assert_within_means, policy_orders

SHIPPED = ["aleppo-2024", "hama-2024", "two-rivers"]
shipped = st.sampled_from(SHIPPED).map(load_scenario)
any_scenario = st.one_of(fst.scenarios(max_locations=6), shipped)


@given(game=fst.played_games(scenario_strategy=any_scenario, max_turns=4))
def test_heuristic_orders_are_legal_for_every_faction(game: Game) -> None:
    world, state = game.world, game.state
    everyone = np.ones(world.n_factions, dtype=bool)
    together = read_orders(world, state, heuristic_orders(world, state, everyone))
    if game.over:
        assert together == []
        return
    assert_legal_in_sequence(world, state, together)
    assert_within_means(world, state, together)
    for faction in range(world.n_factions):
        alone = read_orders(world, state, heuristic_orders(world, state, [faction]))
        assert {o.faction for o in alone} <= {world.faction_ids[faction]}
        assert_legal_in_sequence(world, state, alone)
        assert_within_means(world, state, alone)


@settings(max_examples=25)
@given(
    game=fst.played_games(scenario_strategy=any_scenario, max_turns=3),
    data=st.data(),
)
def test_normal_orders_are_legal_for_any_side(game: Game, data: st.DataObject) -> None:
    world, state = game.world, game.state
    factions = data.draw(st.lists(st.sampled_from(world.faction_ids), min_size=1, unique=True))
    orders = choose_orders(world, state, factions, "normal", game.seed)
    if game.over:
        assert orders == []
        return
    assert {o.faction for o in orders} <= set(factions)
    # choose_orders drops orders that fail validation; the policy must give none.
    assert orders == policy_orders(world, state, factions, "normal", game.seed)
    assert_legal_in_sequence(world, state, orders)
    assert_within_means(world, state, orders)
    game.end_turn(orders)


@settings(max_examples=25)
@given(
    scenario=any_scenario,
    seeds=st.lists(st.integers(0, 2**63), min_size=2, max_size=6, unique=True),
    data=st.data(),
)
def test_heuristic_orders_of_a_run_do_not_depend_on_the_batch(
    scenario: Scenario, seeds: list[int], data: st.DataObject
) -> None:
    games = [Game.new(scenario, seed=s) for s in seeds]
    world = games[0].world
    everyone = np.ones(world.n_factions, dtype=bool)
    batch = initial_state(world, len(seeds))
    for _ in range(3):
        orders = heuristic_orders(world, batch, everyone)
        for i in range(len(seeds)):
            alone = heuristic_orders(world, batch.run(i), everyone)
            np.testing.assert_array_equal(orders.flow[i], alone.flow[0])
            np.testing.assert_array_equal(orders.strike[i], alone.strike[0])
            np.testing.assert_array_equal(orders.support[i], alone.support[0])
        played = [data.draw(fst.turn_orders(g)) for g in games]
        batch, _ = resolve_turn(world, batch, compile_orders(world, played), seeds, record=False)
        for game, given_orders in zip(games, played, strict=True):
            if not game.over:
                game.end_turn(given_orders)
