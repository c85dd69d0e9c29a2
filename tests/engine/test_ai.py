"""The computer opponents: legal orders, batch invariance, determinism, sense and strength.

The strength tests play whole games; ``FRONTLINES_STRENGTH_GAMES=50 pytest -m slow
tests/engine/test_ai.py`` measures with 50 seeds per scenario, faction and level instead of
the default few.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Sequence
from functools import cache

import numpy as np
import pytest

from frontlines.engine import Attack, Game, Move, load_scenario
from frontlines.engine.ai import (
    LEVELS,
    ParamArrays,
    choose_orders,
    heuristic_orders,
    lookahead_orders,
)
from frontlines.engine.ai.lookahead import rollout_seeds
from frontlines.engine.ai.matches import play_match, side_of
from frontlines.engine.orders import (
    Airstrike,
    CloseSupport,
    IllegalOrderError,
    Order,
    OrderArrays,
    available_sorties,
    compile_orders,
    read_orders,
    validate,
)
from frontlines.engine.scenario import Scenario, scenario_from_data
from frontlines.engine.state import State, initial_state
from frontlines.engine.turn import resolve_turn
from frontlines.engine.world import World, compile_world

SHIPPED = ["aleppo-2024", "hama-2024", "two-rivers"]
LEVEL_NAMES = ["easy", "normal", "hard"]
STRENGTH_GAMES = int(os.environ.get("FRONTLINES_STRENGTH_GAMES", "5"))
"""Seeds per (scenario, faction, level) in the strength tests."""


@cache
def shipped(scenario_id: str) -> Scenario:
    return load_scenario(scenario_id)


@cache
def shipped_world(scenario_id: str) -> World:
    return compile_world(shipped(scenario_id))


def everyone(world: World) -> np.ndarray:
    return np.ones(world.n_factions, dtype=bool)


def played_batch(world: World, runs: int, turns: int) -> list[State]:
    """The states of ``runs`` games played by the heuristic for everyone, seeds 0, 1, ..."""
    state = initial_state(world, runs)
    states = [state]
    for _ in range(turns):
        orders = heuristic_orders(world, state, everyone(world))
        state, _ = resolve_turn(world, state, orders, np.arange(runs), record=False)
        states.append(state)
    return states


def playable(scenario: Scenario) -> list[str]:
    return [f.id for f in scenario.factions if f.playable]


# -- shared checks (the property tests use them too) ------------------------------------------


def assert_legal_in_sequence(
    world: World, state: State, orders: Sequence[Order], pending: Sequence[Order] = ()
) -> None:
    """Every order passes validation in game 0 of ``state`` after ``pending`` and those
    before it, as a player's orders would."""
    accepted = list(pending)
    for order in orders:
        try:
            validate(world, state, order, accepted)
        except IllegalOrderError as exc:
            pytest.fail(f"illegal order {order} after {accepted}: {exc}")
        accepted.append(order)


def assert_within_means(world: World, state: State, orders: Sequence[Order]) -> None:
    """No origin sends more than the faction has there; no air entry flies more sorties than
    it has this turn (game 0 of ``state``)."""
    sent: dict[tuple[str, str], float] = defaultdict(float)
    flown: dict[str, int] = defaultdict(int)
    for order in orders:
        if isinstance(order, Attack | Move):
            sent[order.faction, order.origin] += order.amount
        else:
            flown[order.air_support] += order.sorties
    for (faction, origin), amount in sent.items():
        present = float(state.forces[0, world.faction_index(faction), world.location_index(origin)])
        assert amount <= present + 1e-9, f"{faction} sends {amount} from {origin}, has {present}"
    sorties = available_sorties(world, state)[0]
    for entry, count in flown.items():
        assert count <= sorties[world.air_index(entry)], f"{entry} flies {count} of {sorties}"


def policy_orders(
    world: World,
    state: State,
    factions: Sequence[str],
    level: str,
    seed: int,
    pending: Sequence[Order] = (),
) -> list[Order]:
    """What the policy behind ``choose_orders`` gives, before ``choose_orders`` checks it."""
    indices = [world.faction_index(f) for f in factions]
    given = compile_orders(world, [pending]) if pending else None
    arrays = lookahead_orders(world, state.run(0), indices, LEVELS[level], seed, given)
    return read_orders(world, state, arrays, 0)


# -- 1. every order the heuristic gives is legal ----------------------------------------------


@pytest.mark.parametrize("scenario_id", SHIPPED)
def test_heuristic_orders_are_legal_in_every_run_and_turn(scenario_id: str) -> None:
    world = shipped_world(scenario_id)
    runs = 16
    state = initial_state(world, runs)
    given = 0
    for _ in range(world.scenario.max_turns):
        arrays = heuristic_orders(world, state, everyone(world))
        for b in range(runs):
            orders = read_orders(world, state, arrays, b)
            if bool(state.done[b]):
                assert orders == [], "a finished game gets no orders"
                continue
            assert_legal_in_sequence(world, state.run(b), orders)
            assert_within_means(world, state.run(b), orders)
            given += len(orders)
        state, _ = resolve_turn(world, state, arrays, np.arange(runs), record=False)
    assert given > 0, "the heuristic gave no orders in a whole game"


# -- 2. choose_orders ------------------------------------------------------------------------


def mid_game(scenario_id: str, turns: int = 3, seed: int = 4) -> Game:
    game = Game.new(shipped(scenario_id), seed=seed)
    for _ in range(turns):
        game.end_turn(choose_orders(game.world, game.state, game.world.faction_ids, "easy", seed))
    return game


@pytest.mark.parametrize("level", LEVEL_NAMES)
@pytest.mark.parametrize("scenario_id", SHIPPED)
def test_choose_orders_gives_legal_orders_of_the_requested_side_only(
    scenario_id: str, level: str
) -> None:
    game = mid_game(scenario_id)
    world, state = game.world, game.state
    for faction in playable(game.scenario):
        side = side_of(game.scenario, faction)
        orders = choose_orders(world, state, side, level, game.seed)
        assert orders, f"{level} gives no orders for {side} in {scenario_id}"
        assert {o.faction for o in orders} <= set(side)
        assert_legal_in_sequence(world, state, orders)
        assert_within_means(world, state, orders)
        # choose_orders drops orders that fail validation; the policy must give none.
        assert orders == policy_orders(world, state, side, level, game.seed)


GOVERNMENT_SIDE = ["government", "russia", "iran"]


@pytest.mark.parametrize("level", LEVEL_NAMES)
@pytest.mark.parametrize(
    ("pending", "factions"),
    [
        # The opposition player has attacked; the computer plays the government's side.
        ([Attack("opposition", "western-aleppo", "aleppo", 10.0)], GOVERNMENT_SIDE),
        # The government player has attacked; the computer plays its allies.
        ([Attack("government", "aleppo", "western-aleppo", 5.0)], ["russia", "iran"]),
        # An allied player has moved; the computer plays the opposition.
        ([Move("government", "aleppo", "kuweires", 3.0)], ["opposition"]),
    ],
    ids=["enemy-attack", "ally-attack", "enemy-move"],
)
def test_choose_orders_stay_legal_after_pending_orders_of_other_factions(
    pending: list[Order], factions: list[str], level: str
) -> None:
    game = Game.new(shipped("aleppo-2024"), seed=3)
    world, state = game.world, game.state
    assert_legal_in_sequence(world, state, pending)
    orders = choose_orders(world, state, factions, level, game.seed, pending)
    assert orders and {o.faction for o in orders} <= set(factions)
    assert_legal_in_sequence(world, state, orders, pending)
    assert orders == policy_orders(world, state, factions, level, game.seed, pending)
    game.end_turn([*pending, *orders])  # the game accepts them too


def test_allies_fly_close_support_for_a_pending_attack() -> None:
    """A player's attack draws the allied air force: never less close support over its target
    than without it, and for some attack the player can give, some."""
    supported = []
    for turns in range(3):
        game = mid_game("aleppo-2024", turns=turns)
        world, state = game.world, game.state
        before = choose_orders(world, state, ["russia"], "easy", game.seed)
        for attack in game.legal_orders("government"):
            if not isinstance(attack, Attack):
                continue
            after = choose_orders(world, state, ["russia"], "easy", game.seed, [attack])
            assert_legal_in_sequence(world, state, after, [attack])
            support = [
                sum(o.sorties for o in orders if isinstance(o, CloseSupport) and o.target == place)
                for orders, place in ((before, attack.target), (after, attack.target))
            ]
            assert support[1] >= support[0], f"{attack} draws support away from its target"
            if support[1]:
                supported.append(attack)
    assert supported, "russia supports none of the attacks the government can give"


@pytest.mark.parametrize("level", ["easy", "normal"])
def test_choose_orders_for_a_faction_with_pending_orders_keeps_its_plan(level: str) -> None:
    game = Game.new(shipped("aleppo-2024"), seed=3)
    world, state = game.world, game.state
    pending = [Attack("opposition", "western-aleppo", "aleppo", 10.0)]
    orders = choose_orders(world, state, ["opposition"], level, game.seed, pending)
    assert orders == policy_orders(world, state, ["opposition"], level, game.seed, pending)


def test_choose_orders_refuses_an_unknown_level_or_faction() -> None:
    game = Game.new(shipped("aleppo-2024"), seed=1)
    with pytest.raises(ValueError, match="unknown level 'impossible'"):
        choose_orders(game.world, game.state, ["opposition"], "impossible", 1)
    with pytest.raises(ValueError, match="unknown faction 'rebels'"):
        choose_orders(game.world, game.state, ["opposition", "rebels"], "easy", 1)


def test_choose_orders_gives_nothing_in_a_finished_game_or_for_no_faction() -> None:
    game = Game.new(shipped("two-rivers"), seed=2)
    while not game.over:
        game.end_turn(choose_orders(game.world, game.state, game.world.faction_ids, "easy", 2))
    for level in LEVEL_NAMES:
        assert choose_orders(game.world, game.state, game.world.faction_ids, level, 2) == []
    assert choose_orders(game.world, mid_game("two-rivers", 1).state, [], "hard", 2) == []


# -- 3. batch invariance ---------------------------------------------------------------------


def assert_same_orders(batch: OrderArrays, run: int, alone: OrderArrays) -> None:
    np.testing.assert_array_equal(batch.flow[run], alone.flow[0])
    np.testing.assert_array_equal(batch.strike[run], alone.strike[0])
    np.testing.assert_array_equal(batch.support[run], alone.support[0])


@pytest.mark.parametrize("scenario_id", SHIPPED)
def test_heuristic_orders_of_a_run_do_not_depend_on_the_batch(scenario_id: str) -> None:
    world = shipped_world(scenario_id)
    states = played_batch(world, 8, world.scenario.max_turns)
    for turn in (0, 2, 5, len(states) - 2):
        state = states[turn]
        batch = heuristic_orders(world, state, everyone(world))
        for run in range(state.batch):
            assert_same_orders(batch, run, heuristic_orders(world, state.run(run), everyone(world)))


def test_heuristic_orders_do_not_depend_on_alliances_in_other_runs() -> None:
    """Once an alliance changes in some runs only, the heuristic takes another path for the
    whole batch; the unchanged runs must not notice."""
    world = shipped_world("aleppo-2024")
    state = played_batch(world, 4, 3)[-1]
    allied = state.allied.copy()
    iran = world.faction_index("iran")
    allied[1, iran, :] = allied[1, :, iran] = False
    allied[1, iran, iran] = True  # iran leaves the alliance in run 1
    mixed = state.evolve(allied=allied)
    batch = heuristic_orders(world, mixed, everyone(world))
    for run in range(mixed.batch):
        assert_same_orders(batch, run, heuristic_orders(world, mixed.run(run), everyone(world)))


def test_each_run_can_use_its_own_settings() -> None:
    """Look-ahead plays its candidates in one batch: candidate i's orders there are the
    heuristic's with its settings alone."""
    world = shipped_world("aleppo-2024")
    state = played_batch(world, 1, 2)[-1]
    candidates = LEVELS["hard"].candidates
    tiled = state.evolve(
        **{
            name: np.repeat(value, len(candidates), axis=0)
            for name, value in state.__dict__.items()
            if isinstance(value, np.ndarray)
        }
    )
    mask = np.zeros(world.n_factions, dtype=bool)
    mask[world.faction_index("opposition")] = True
    batch = heuristic_orders(world, tiled, mask, ParamArrays.stack(list(candidates)))
    for i, params in enumerate(candidates):
        assert_same_orders(batch, i, heuristic_orders(world, state, mask, params))
    distinct = {
        (batch.flow[i].tobytes(), batch.strike[i].tobytes()) for i in range(len(candidates))
    }
    assert len(distinct) > 1, "every candidate gives the same orders: look-ahead has no choice"


# -- 4. determinism ---------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["normal", "hard"])
def test_look_ahead_gives_the_same_orders_for_the_same_position_and_seed(level: str) -> None:
    game = mid_game("aleppo-2024", turns=2)
    factions = side_of(game.scenario, "government")
    first = choose_orders(game.world, game.state, factions, level, 99)
    other = mid_game("hama-2024", turns=1)  # nothing carries over between decisions
    choose_orders(other.world, other.state, ["opposition"], level, 5)
    assert choose_orders(game.world, game.state, factions, level, 99) == first


def test_rollout_seeds_are_fixed_and_differ_between_turns_and_games() -> None:
    seeds = rollout_seeds(7, 3, 32)
    np.testing.assert_array_equal(seeds, rollout_seeds(7, 3, 32))
    assert len(set(seeds.tolist())) == 32
    np.testing.assert_array_equal(rollout_seeds(7, 3, 8), seeds[:8])
    others = [rollout_seeds(7, 4, 32), rollout_seeds(8, 3, 32), rollout_seeds(2**64 - 1, 3, 32)]
    for other in others:
        assert not set(seeds.tolist()) & set(other.tolist())
    assert rollout_seeds(0, 0, 4).dtype == np.uint64


def test_a_match_replays_exactly() -> None:
    scenario = shipped("two-rivers")
    assert play_match(scenario, "uplands", "hard", "random", 8) == play_match(
        scenario, "uplands", "hard", "random", 8
    )


# -- 5. what a player sees the computer do ----------------------------------------------------


@pytest.mark.parametrize(
    "level",
    ["easy", "normal", "hard"],
)
def test_the_opposition_opens_the_offensive_on_the_first_turn(level: str) -> None:
    game = Game.new(shipped("aleppo-2024"), seed=0)
    orders = choose_orders(game.world, game.state, ["opposition"], level, 0)
    attacks = [o for o in orders if isinstance(o, Attack)]
    assert attacks, f"{level} opposition does not attack on turn 1: {orders}"
    assert {a.faction for a in attacks} == {"opposition"}


def test_russia_flies_its_sorties_and_never_more_than_it_has() -> None:
    game = Game.new(shipped("aleppo-2024"), seed=6)
    world = game.world
    russian_air = world.air_index("russian-air")
    flew = 0
    while not game.over:
        orders = choose_orders(world, game.state, world.faction_ids, "easy", 6)
        russian = [o for o in orders if o.faction == "russia"]
        air = [o for o in russian if isinstance(o, Airstrike | CloseSupport)]
        assert all(o.air_support == "russian-air" for o in air)
        available = int(available_sorties(world, game.state)[0, russian_air])
        assert sum(o.sorties for o in air) <= available
        opposition = game.state.forces[0, world.faction_index("opposition")] > 0
        if available and (opposition & world.air_in_range[russian_air]).any():
            assert air, f"russia flies nothing on turn {game.turn + 1}"
        flew += sum(o.sorties for o in air)
        game.end_turn(orders)
    assert flew > 0


@pytest.mark.parametrize("scenario_id", SHIPPED)
def test_no_origin_sends_more_than_is_there_in_any_run(scenario_id: str) -> None:
    world = shipped_world(scenario_id)
    for state in played_batch(world, 16, world.scenario.max_turns):
        flow = heuristic_orders(world, state, everyone(world)).flow
        sent = world.sum_at_origins(flow)  # B x F x L
        assert (flow >= 0).all()
        assert (sent <= state.forces + 1e-9).all()


@pytest.mark.parametrize("pace", [0.25, 0.5, 2.0])
def test_nothing_is_sent_that_would_arrive_after_the_game_at_the_factions_pace(
    pace: float,
) -> None:
    """Every faction of aleppo-2024 marching at ``pace``: each journey the computer orders
    arrives, unopposed, by the last turn (a slow march makes more routes too long)."""
    data = shipped("aleppo-2024").to_data()
    for faction in data["factions"]:
        faction["pace"] = pace
    world = compile_world(scenario_from_data(data))
    sent_long = 0
    for state in played_batch(world, 8, world.scenario.max_turns - 1):
        flow = heuristic_orders(world, state, everyone(world)).flow  # B x F x D
        run, faction, arc = np.nonzero(flow > 0)
        legs = world.roads.free(arc, 1.0, state.pace[run, faction])
        assert (legs <= world.max_turns - state.turn).all()
        sent_long += int(np.count_nonzero(legs > 1))
    assert sent_long > 0  # some journeys did take several turns


# -- 6. strength ------------------------------------------------------------------------------

STRENGTH_CASES = [
    pytest.param(
        scenario_id,
        level,
        marks=pytest.mark.slow,
        id=f"{scenario_id}-{level}",
    )
    for scenario_id in SHIPPED
    for level in LEVEL_NAMES
]


@pytest.mark.parametrize(("scenario_id", "level"), STRENGTH_CASES)
def test_each_level_beats_a_random_player(scenario_id: str, level: str) -> None:
    scenario = shipped(scenario_id)
    wins: dict[str, int] = {}
    for faction in playable(scenario):
        wins[faction] = sum(
            play_match(scenario, faction, level, "random", seed).beat_opponent
            for seed in range(STRENGTH_GAMES)
        )
    games = STRENGTH_GAMES * len(wins)
    rate = sum(wins.values()) / games
    assert rate > 0.5, (
        f"{level} beat the random player in {sum(wins.values())}/{games} games of "
        f"{scenario_id} ({rate:.0%}); by faction: {wins}"
    )


@pytest.mark.slow
def test_hard_scores_higher_than_easy_against_the_same_opponent() -> None:
    scenario = shipped("aleppo-2024")
    pairs = [
        (
            play_match(scenario, faction, "hard", "easy", seed).score,
            play_match(scenario, faction, "easy", "easy", seed).score,
        )
        for faction in playable(scenario)
        for seed in range(STRENGTH_GAMES)
    ]
    decided = [(hard, easy) for hard, easy in pairs if hard != easy]
    better = sum(hard > easy for hard, easy in decided)
    assert decided and better * 2 > len(decided), (
        f"hard scored higher than easy in {better}/{len(decided)} non-tied games "
        f"({len(pairs)} played)"
    )
