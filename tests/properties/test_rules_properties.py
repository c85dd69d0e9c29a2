"""Properties of the rules over generated scenarios and random legal play."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.engine import Game, load_scenario
from frontlines.engine import strategies as fst
from frontlines.engine.invariants import check_state, check_turn
from frontlines.engine.orders import Attack, CloseSupport, available_sorties, compile_orders
from frontlines.engine.rules.combat import over_days, surprise_multiplier
from frontlines.engine.rules.common import supply_factor
from frontlines.engine.rules.morale import resolve_morale
from frontlines.engine.rules.noise import Stream, uniform
from frontlines.engine.saves import game_from_data, game_to_data
from frontlines.engine.scenario import Scenario, apply_variant, scenario_from_data
from frontlines.engine.state import NEVER, initial_state
from frontlines.engine.turn import resolve_turn
from frontlines.engine.world import compile_world

SHIPPED = ["aleppo-2024", "hama-2024", "two-rivers"]
shipped = st.sampled_from(SHIPPED).map(load_scenario)
any_scenario = st.one_of(fst.scenarios(max_locations=6), shipped)


@given(game=fst.played_games(scenario_strategy=any_scenario, max_turns=4), data=st.data())
def test_every_turn_keeps_the_invariants(game: Game, data: st.DataObject) -> None:
    check_state(game.world, game.state)
    while not game.over:
        before = game.state
        events = game.end_turn(data.draw(fst.turn_orders(game)))
        check_turn(game.world, before, game.state, [events])
    assert game.turn <= game.scenario.max_turns


@given(game=fst.played_games(scenario_strategy=any_scenario, max_turns=5))
def test_the_same_seed_and_orders_give_the_same_game(game: Game) -> None:
    again = Game.new(game.scenario, seed=game.seed)
    for orders in game.orders:
        again.end_turn(orders)
    assert again.digest() == game.digest()
    assert again.events == game.events


@given(game=fst.played_games(scenario_strategy=any_scenario, max_turns=5))
def test_a_save_replays_every_turn(game: Game) -> None:
    replayed = game_from_data(game_to_data(game), scenario=game.scenario)
    assert [s.digest() for s in replayed.states] == [s.digest() for s in game.states]


@given(game=fst.played_games(scenario_strategy=any_scenario, max_turns=4), data=st.data())
def test_undo_then_the_same_orders_give_the_same_state(game: Game, data: st.DataObject) -> None:
    if game.over:
        return
    orders = data.draw(fst.turn_orders(game))
    game.end_turn(orders)
    digest = game.digest()
    game.undo()
    game.pending = []
    game.end_turn(orders)
    assert game.digest() == digest


@settings(max_examples=25)
@given(
    scenario=any_scenario,
    seeds=st.lists(st.integers(0, 2**63), min_size=2, max_size=6, unique=True),
    data=st.data(),
)
def test_run_i_of_a_batch_equals_the_single_game(scenario, seeds, data) -> None:  # type: ignore[no-untyped-def]
    games = [Game.new(scenario, seed=s) for s in seeds]
    world = games[0].world
    batch = initial_state(world, len(seeds))
    for _ in range(3):
        orders = [data.draw(fst.turn_orders(g)) for g in games]
        batch, _ = resolve_turn(world, batch, compile_orders(world, orders), seeds, record=False)
        for g, o in zip(games, orders, strict=True):
            if not g.over:
                g.end_turn(o)
        for i, g in enumerate(games):
            # A finished game stops counting turns; the batch's turn counter goes on.
            assert batch.run(i).evolve(turn=g.turn).digest() == g.state.digest()


@given(seed=st.integers(0, 2**63), turn=st.integers(1, 50))
def test_chance_depends_only_on_seed_turn_and_stream(seed: int, turn: int) -> None:
    alone = uniform(np.array([seed], dtype=np.uint64), turn, Stream.COMBAT, (7,))
    among = uniform(np.array([1, seed, 2], dtype=np.uint64), turn, Stream.COMBAT, (7,))
    assert (alone[0] == among[1]).all()
    other = uniform(np.array([seed], dtype=np.uint64), turn, Stream.AIR, (7,))
    assert not (alone == other).all()


def test_two_variants_run_on_the_same_seeds_see_the_same_chance() -> None:
    scenario = load_scenario("aleppo-2024")
    seeds = list(range(20))
    draws = []
    for variant in (None, "no-russian-air"):
        world = compile_world(apply_variant(scenario, variant) if variant else scenario)
        orders = compile_orders(
            world, [[Attack("opposition", "western-aleppo", "aleppo", 10.0)]] * 20
        )
        _, events = resolve_turn(world, initial_state(world, 20), orders, seeds)
        draws.append(
            [
                [f for e in run if hasattr(e, "factors") for f in e.factors if f.name == "chance"]
                for run in events
            ]
        )
    assert draws[0] == draws[1]
    assert any(draws[0])


def _captures(amount: float, sorties: int, morale: float, runs: int = 300) -> np.ndarray:
    scenario = load_scenario("aleppo-2024")
    data = scenario.model_dump(mode="json", by_alias=True)
    for faction in data["factions"]:
        if faction["id"] == "opposition":
            faction["morale"] = morale
    world = compile_world(type(scenario).model_validate(data))
    orders = [Attack("opposition", "western-aleppo", "aleppo", amount)]
    if sorties:
        orders.append(CloseSupport("opposition", "opposition-drones", "aleppo", sorties))
    state, _ = resolve_turn(
        world,
        initial_state(world, runs),
        compile_orders(world, [orders] * runs),
        np.arange(runs),
        record=False,
    )
    return state.controller[:, world.location_index("aleppo")] == world.faction_index("opposition")


@settings(max_examples=20, deadline=None)
@given(
    amount=st.floats(1, 12),
    more=st.floats(0, 6),
    sorties=st.integers(0, 3),
    extra=st.integers(0, 3),
    morale=st.floats(0.2, 0.9),
    better=st.floats(0, 0.5),
)
def test_more_force_support_or_morale_never_lowers_the_chance_of_taking_a_place(
    amount: float, more: float, sorties: int, extra: int, morale: float, better: float
) -> None:
    base = _captures(amount, sorties, morale)
    stronger = _captures(
        min(amount + more, 12.0), min(sorties + extra, 3), min(morale + better, 1.0)
    )
    # Coupled by common random numbers: every run taken with less is also taken with more.
    assert (stronger | ~base).all()


# -- time: surprise by the day, rates per day ----------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(game=fst.played_games(scenario_strategy=any_scenario, max_turns=6), data=st.data())
def test_pauses_never_raise_surprise(game: Game, data: st.DataObject) -> None:
    """Whatever a faction does, attack or pause, the surprise its attacks would get is never
    further from 1 than on the turn before."""
    world = game.world
    before = np.abs(surprise_multiplier(world, game.state.offensive_day, game.turn + 1) - 1.0)
    while not game.over:
        game.end_turn(data.draw(fst.turn_orders(game)))
        now = np.abs(surprise_multiplier(world, game.state.offensive_day, game.turn + 1) - 1.0)
        assert (now <= before + 1e-12).all()
        before = now


@given(scenario=fst.scenarios(max_locations=4), first=st.integers(0, 40), data=st.data())
def test_surprise_is_gone_once_its_days_are_over(
    scenario: Scenario, first: int, data: st.DataObject
) -> None:
    world = compile_world(scenario)
    days = world.turn_length_days
    started = np.full((1, world.n_factions), first)
    # The first turn whose first day lies at least ``lasts`` days after the first attack.
    lasts = int(world.surprise_days.max(initial=0))
    turn = (first + lasts + days - 1) // days + 1 + data.draw(st.integers(0, 3))
    assert (surprise_multiplier(world, started, turn) == 1.0).all()
    # Before the first attack and on its day, a faction's surprise is its full factor.
    never = np.full((1, world.n_factions), NEVER)
    whole = surprise_multiplier(world, never, 1 + data.draw(st.integers(0, 5)))
    if days == 1:
        assert (
            whole[0].tolist()
            == np.where(world.surprise_days > 0, world.surprise_factor, 1.0).tolist()
        )


@given(
    data=fst.scenario_data(max_locations=4),
    days=st.integers(1, 10),
    draws=st.data(),
)
def test_doubling_the_turn_length_doubles_what_a_turn_holds(
    data: dict[str, object], days: int, draws: st.DataObject
) -> None:
    """Sorties per turn, morale recovered per turn and days cut off double with the days of a
    turn; the loss of a turn of 2d days is that of two turns of d days."""
    # (A weather schedule by date could put two changes in one turn of twice the length.)
    if isinstance(data.get("weather"), dict):
        data = {**data, "weather": {**data["weather"], "schedule": []}}
    one = compile_world(scenario_from_data({**data, "turn_length_days": days}))
    two = compile_world(scenario_from_data({**data, "turn_length_days": 2 * days}))
    state = initial_state(one)
    assert (available_sorties(two, state) == 2 * available_sorties(one, state)).all()
    morale = state.morale * draws.draw(st.floats(0, 1))
    low = state.evolve(morale=morale)
    _, r1 = resolve_morale(one, low, low.controller)
    _, r2 = resolve_morale(two, low, low.controller)
    room = np.maximum(one.morale0 - morale, 0.0)
    per_day = one.rules.morale.recovery_per_day
    assert np.allclose(r1.recovery, np.minimum(per_day * days, room), rtol=1e-12, atol=0)
    assert np.allclose(r2.recovery, np.minimum(per_day * 2 * days, room), rtol=1e-12, atol=0)
    cut_off, far = np.arange(12), np.linspace(0.0, 11.0, 12)  # days of travel: not per turn
    assert (
        supply_factor(cut_off, far, one.rules, 2 * days)
        == supply_factor(2 * cut_off, far, one.rules, days)
    ).all()
    daily = np.array(draws.draw(st.lists(st.floats(0, 1), min_size=1, max_size=5)))
    per_turn = over_days(daily, days)
    twice = 1.0 - (1.0 - per_turn) ** 2
    assert np.allclose(over_days(daily, 2 * days), twice, rtol=1e-9, atol=1e-15)
    assert (over_days(daily, 2 * days) >= per_turn).all()
