"""Properties that say what the rules mean, whatever their constants: every turn accounts for
itself in its report (engine/audit.py), strikes hit only the enemy, cut-off forces only lose
power, and more force never lowers the chance of taking a place.

These survive a re-pin of the golden games, so they are what catches a wrong rule."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.engine import Game, load_scenario
from frontlines.engine import strategies as fst
from frontlines.engine.ai import heuristic_orders
from frontlines.engine.ai.heuristic import varied_params
from frontlines.engine.audit import audit_turn
from frontlines.engine.events import Battle
from frontlines.engine.forecast import run_seeds
from frontlines.engine.invariants import check_turn
from frontlines.engine.orders import no_orders
from frontlines.engine.rules.air import resolve_air
from frontlines.engine.rules.common import supply_factor
from frontlines.engine.scenario import Scenario, scenario_from_data
from frontlines.engine.state import State, initial_state
from frontlines.engine.turn import resolve_turn
from frontlines.engine.world import World, compile_world
from tests.golden.runner import golden_scenario

SCENARIOS = ["aleppo-2024", "hama-2024", "two-rivers", "rare-paths"]
rules_constants = st.fixed_dictionaries(
    {
        "combat": st.fixed_dictionaries(
            {
                "capture_ratio": st.floats(0.5, 4),
                "attrition_rate": st.floats(0, 1),
                "attrition_exponent": st.floats(0, 3),
                "power_sigma": st.floats(0, 1),
                "retreat_loss": st.floats(0, 1),
                "surprise_factor": st.floats(0.5, 3),
            }
        ),
        "morale": st.fixed_dictionaries(
            {
                "loss_per_value": st.floats(0, 0.2),
                "gain_per_value": st.floats(0, 0.2),
                "recovery_per_turn": st.floats(0, 0.2),
                "collapse_below": st.floats(0, 0.5),
            }
        ),
        "air": st.fixed_dictionaries(
            {"strike_damage": st.floats(0, 0.5), "sortie_power": st.floats(0, 3)}
        ),
        "supply": st.fixed_dictionaries(
            {"unsupplied_decay": st.floats(0, 0.5), "unsupplied_floor": st.floats(0, 1)}
        ),
    }
)


def with_rules(scenario: Scenario, rules: dict) -> Scenario:  # type: ignore[type-arg]
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["rules"] = rules
    return scenario_from_data(data)


def ai_turns(world: World, batch: int, seed: int, turns: int) -> list[tuple[State, State, list]]:  # type: ignore[type-arg]
    """Every faction played by the heuristic in a batch of games, as forecasts play them,
    with each turn's events."""
    seeds = run_seeds(seed, 0, batch)
    everyone = np.ones(world.n_factions, dtype=bool)
    state = initial_state(world, batch)
    played = []
    for _ in range(turns):
        if state.done.all():
            break
        orders = heuristic_orders(
            world, state, everyone, varied_params(seeds, state.turn + 1, 0.25)
        )
        after, events = resolve_turn(world, state, orders, seeds)
        played.append((state, after, events))
        state = after
    return played


@pytest.mark.parametrize("key", SCENARIOS)
def test_every_turn_the_computer_plays_accounts_for_itself(key: str) -> None:
    world = compile_world(golden_scenario(key))
    for before, after, events in ai_turns(world, batch=24, seed=11, turns=world.scenario.max_turns):
        check_turn(world, before, after, events)


@settings(max_examples=30, deadline=None)
@given(
    key=st.sampled_from(SCENARIOS),
    rules=rules_constants,
    seed=st.integers(0, 2**32 - 1),
)
def test_the_report_accounts_for_the_turn_whatever_the_constants(
    key: str,
    rules: dict,
    seed: int,  # type: ignore[type-arg]
) -> None:
    world = compile_world(with_rules(golden_scenario(key), rules))
    for before, after, events in ai_turns(world, batch=8, seed=seed, turns=6):
        check_turn(world, before, after, events)


@settings(max_examples=60, deadline=None)
@given(game=fst.played_games(max_turns=5), data=st.data())
def test_random_play_on_generated_scenarios_accounts_for_itself(
    game: Game, data: st.DataObject
) -> None:
    while not game.over:
        before = game.state
        events = game.end_turn(data.draw(fst.turn_orders(game)))
        assert audit_turn(game.world, before, game.state, events) == []


@pytest.mark.parametrize("key", SCENARIOS)
def test_strikes_never_reduce_the_side_they_fly_for(key: str) -> None:
    """Each air entry striking everywhere in range with random sorties: the forces of its
    beneficiary's side are untouched, and no force anywhere grows."""
    world = compile_world(golden_scenario(key))
    rng = np.random.default_rng(5)
    for before, _, _ in ai_turns(world, batch=16, seed=3, turns=4):
        for a in range(len(world.air_ids)):
            orders = no_orders(world, before.batch)
            orders.strike[:, a] = rng.integers(0, 20, size=(before.batch, world.n_locations))
            orders.strike[:, a] *= world.air_in_range[a]
            after, _ = resolve_air(world, before, orders, run_seeds(1, 0, before.batch))
            side = before.allied[:, world.air_beneficiary[a]]  # B x F
            assert (after.forces[side] == before.forces[side]).all()
            assert (after.forces <= before.forces).all()


def test_cut_off_forces_never_fight_better_for_it() -> None:
    """The supply factor falls (or stays) with every turn cut off, whatever the constants,
    and never exceeds 1; battles report it so."""
    rng = np.random.default_rng(2)
    world = compile_world(golden_scenario("rare-paths"))
    for _ in range(200):
        decay, floor = rng.uniform(0, 0.5), rng.uniform(0, 1)
        rules = world.rules.model_copy(
            update={
                "supply": world.rules.supply.model_copy(
                    update={"unsupplied_decay": decay, "unsupplied_floor": floor}
                )
            }
        )
        factors = supply_factor(np.arange(40), np.zeros(40), rules, 1)
        assert (np.diff(factors) <= 0).all() and (factors <= 1).all() and factors[0] == 1
    for _, after, events in ai_turns(world, batch=8, seed=5, turns=5):
        for run in events:
            for battle in (e for e in run if isinstance(e, Battle)):
                supply = next(f for f in battle.factors if f.name == "supply")
                assert supply.attacker <= 1 + 1e-12 and supply.defender <= 1 + 1e-12
        assert (after.unsupplied >= 0).all()


def test_a_pocket_cut_off_counts_its_turns_and_weakens() -> None:
    """In the rare-paths golden game the Pocket is cut off from turn 1: while its defenders
    hold out their count grows by one a turn, and they fight with a supply factor below 1."""
    from tests.golden.orders import GOLDEN_ORDERS

    seed, turns = GOLDEN_ORDERS["rare-paths"]
    game = Game.new(golden_scenario("rare-paths"), seed=seed)
    blue, pocket = game.world.faction_index("blue"), game.world.location_index("pocket")
    counts, fought = [], 0
    for orders in [*turns, [], []]:
        if game.over:
            break
        events = game.end_turn(orders)
        for battle in (e for e in events if isinstance(e, Battle) and e.location == "pocket"):
            supply = next(f for f in battle.factors if f.name == "supply")
            assert supply.defender < 1
            fought += 1
        if game.state.forces[0, blue, pocket] > 0:
            counts.append(int(game.state.unsupplied[0, blue, pocket]))
    assert len(counts) >= 2 and fought >= 1
    assert counts == list(range(1, len(counts) + 1))


def test_a_faction_that_loses_every_force_takes_nothing() -> None:
    scenario = load_scenario("two-rivers")
    world = compile_world(scenario)
    uplands = world.faction_index("uplands")
    state = initial_state(world, 4)
    forces = state.forces.copy()
    forces[:, uplands] = 0.0
    state = state.evolve(forces=forces)
    orders = no_orders(world, 4)
    after, events = resolve_turn(world, state, orders, [1, 2, 3, 4])
    assert not (after.controller == uplands).sum() > (state.controller == uplands).sum()
    for run in events:
        assert not [e for e in run if getattr(e, "by_id", None) == "uplands"]
