"""Weather over time: the schedule sets it on its turns, the seeded chain is reproducible,
batch-invariant and follows its chances, bad weather never speeds a journey nor adds
sorties, and a grounding storm flies nothing."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import numpy as np
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from frontlines.engine import load_scenario
from frontlines.engine import strategies as fst
from frontlines.engine.events import StrikeFlown, WeatherChange
from frontlines.engine.game import Game
from frontlines.engine.orders import Airstrike, available_sorties, compile_orders, is_legal
from frontlines.engine.reference import reference_turn
from frontlines.engine.rules.weather import resolve_weather
from frontlines.engine.scenario import Scenario, scenario_from_data
from frontlines.engine.scenario.loader import dump_scenario
from frontlines.engine.state import initial_state
from frontlines.engine.turn import resolve_turn
from frontlines.engine.view import observe
from frontlines.engine.world import compile_world
from tests.properties.test_reference import assert_same_state, started, wiped_out
from tests.properties.test_time_and_space import corridor, turns_to_arrive

KINDS = ("highway", "road", "track", "rough", "rail")
SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]


def with_weather(scenario: Scenario, weather: dict[str, Any], **top: Any) -> Scenario:
    """``scenario`` with this ``weather:`` section (and other top-level values)."""
    data = scenario.to_data()
    data.update(weather=weather, **top)
    return scenario_from_data(data)


def weather_names(world: Any, runs: np.ndarray) -> list[str]:
    return [world.weather.ids[int(w)] for w in runs]


def chain_of(world: Any, seeds: list[int], turns: int) -> np.ndarray:
    """The weather of each turn (``turns x B``) of games with these seeds, no orders."""
    state = initial_state(world, len(seeds))
    out = []
    for _ in range(turns):
        state = resolve_weather(world, state, np.array(seeds, dtype=np.uint64))
        out.append(state.weather.copy())
        state = state.evolve(turn=state.turn + 1)
    return np.array(out)


# -- the schedule -----------------------------------------------------------------------------


@given(
    days=st.sampled_from((1, 2, 3, 7)),
    changes=st.dictionaries(st.integers(1, 12), st.sampled_from(("rain", "storm", "clear"))),
    by_date=st.booleans(),
    offset=st.integers(0, 6),
)
def test_the_schedule_sets_the_weather_on_its_turns(
    days: int, changes: dict[int, str], by_date: bool, offset: int
) -> None:
    base = load_scenario("two-rivers")
    schedule = []
    for turn, kind in sorted(changes.items()):
        if by_date:  # any day of the turn's days stands for the turn
            day = base.start_date + timedelta(days=(turn - 1) * days + offset % days)
            schedule.append({"from_date": day.isoformat(), "weather": kind})
        else:
            schedule.append({"from_turn": turn, "weather": kind})
    scenario = with_weather(
        base, {"start": "overcast", "schedule": schedule}, turn_length_days=days, max_turns=12
    )
    world = compile_world(scenario)
    expected, wanted = "overcast", []
    for turn in range(1, 13):
        expected = changes.get(turn, expected)
        wanted.append(expected)
    assert weather_names(world, chain_of(world, [1], 12)[:, 0]) == wanted
    # Before turn 1 the view shows turn 1's weather.
    assert observe(world, initial_state(world)).weather_id == wanted[0]


def test_a_date_falls_in_the_turn_that_holds_it() -> None:
    base = load_scenario("two-rivers")
    day = base.start_date + timedelta(days=7)  # day 8: turn 3 of three-day turns
    scenario = with_weather(
        base,
        {"schedule": [{"from_date": day.isoformat(), "weather": "storm"}]},
        turn_length_days=3,
    )
    weather = chain_of(compile_world(scenario), [0], 4)[:, 0]
    assert weather_names(compile_world(scenario), weather) == ["clear", "clear", "storm", "storm"]


def test_without_a_weather_section_nothing_changes() -> None:
    world = compile_world(load_scenario("aleppo-2024"))
    assert not world.weather.declared
    assert observe(world, initial_state(world)).weather is None
    state = initial_state(world, 3)
    assert resolve_weather(world, state, np.arange(3, dtype=np.uint64)) is state


# -- the chain --------------------------------------------------------------------------------

CHAIN = {
    "transitions": {
        "clear": {"clear": 0.7, "overcast": 0.2, "rain": 0.1},
        "overcast": {"clear": 0.3, "overcast": 0.4, "rain": 0.3},
        "rain": {"clear": 0.2, "rain": 0.5, "storm": 0.3},
        "storm": {"rain": 1.0},
    }
}


def chained_world(**top: Any) -> Any:
    return compile_world(with_weather(load_scenario("two-rivers"), CHAIN, max_turns=30, **top))


@given(seeds=st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=6), pick=st.data())
def test_the_chain_is_reproducible_and_batch_invariant(seeds: list[int], pick: Any) -> None:
    world = chained_world()
    together = chain_of(world, seeds, 20)
    assert (together == chain_of(world, seeds, 20)).all()  # replay: only the seeds count
    run = pick.draw(st.integers(0, len(seeds) - 1))
    assert (together[:, run] == chain_of(world, [seeds[run]], 20)[:, 0]).all()


def test_variants_with_the_same_seeds_see_the_same_weather() -> None:
    """Common random numbers: the weather draws do not depend on anything else in the file."""
    seeds = list(range(50))
    base = chain_of(chained_world(), seeds, 15)
    other = chain_of(chained_world(rules={"combat": {"capture_ratio": 3.0}}), seeds, 15)
    assert (base == other).all()


def test_the_chain_follows_its_chances() -> None:
    """From each kind, the next turn's kind over 20,000 runs matches its row (within 5
    standard errors); kinds with no chance never follow."""
    world = chained_world()
    table = world.weather
    runs = 20_000
    seeds = np.arange(runs, dtype=np.uint64) * 7919 + 11
    for row, chances in CHAIN["transitions"].items():
        w = table.index(row)
        state = initial_state(world, runs).evolve(turn=3, weather=np.full(runs, w))
        after = resolve_weather(world, state, seeds).weather
        for kind in table.ids:
            p = chances.get(kind, 0.0)
            share = float(np.mean(after == table.index(kind)))
            if p == 0.0:
                assert share == 0.0, (row, kind)
            else:
                assert abs(share - p) <= 5 * math.sqrt(p * (1 - p) / runs), (row, kind, share)


def test_a_kind_without_a_row_stays_and_the_schedule_beats_the_chain() -> None:
    weather = {
        "transitions": {"clear": {"rain": 1.0}},
        "schedule": [{"from_turn": 4, "weather": "clear"}],
    }
    world = compile_world(with_weather(load_scenario("two-rivers"), weather))
    names = weather_names(world, chain_of(world, [5], 6)[:, 0])
    # turn 1 is the start; then clear always turns to rain, which has no row and stays,
    # until the schedule sets clear on turn 4, which turns to rain again on turn 5.
    assert names == ["clear", "rain", "rain", "clear", "rain", "rain"]


# -- what weather does ------------------------------------------------------------------------

paces = st.floats(0.01, 1.0)


@settings(deadline=None)
@given(
    length=st.floats(1.0, 2000.0),
    kind=st.sampled_from(KINDS),
    rate=st.floats(5.0, 500.0),
    days=st.sampled_from((1, 2, 3)),
    pace=paces,
)
def test_bad_weather_never_speeds_a_journey(
    length: float, kind: str, rate: float, days: int, pace: float
) -> None:
    fair = corridor(length, kind, rate, days)
    wet_data = fair.scenario.to_data()
    wet_data["weather"] = {"kinds": [{"id": "wet", "movement": {kind: pace}}]}
    wet = compile_world(scenario_from_data(wet_data))
    sooner, later = turns_to_arrive(fair), turns_to_arrive(wet)
    if later is not None:
        assert sooner is not None and sooner <= later
    expected = max(1, math.ceil(length / (rate * days) / pace))
    if expected <= wet.max_turns:
        assert later == expected  # the length over the reach the weather leaves, rounded up


@settings(deadline=None, suppress_health_check=SLOW)
@given(scenario=fst.scenarios(with_weather=True), seed=st.integers(0, 2**32 - 1))
def test_no_weather_flies_more_sorties_or_travels_faster_than_fair(
    scenario: Scenario, seed: int
) -> None:
    world = compile_world(scenario)
    fair = compile_world(scenario.model_copy(update={"weather": None, "events": []}))
    rng = np.random.default_rng(seed)
    n_w = world.weather.n_kinds
    state = initial_state(world, n_w).evolve(
        weather=np.arange(n_w), sortie_rate=rng.integers(0, 50, (n_w, len(world.air_ids)))
    )
    plain = initial_state(fair, n_w).evolve(sortie_rate=state.sortie_rate)
    assert (available_sorties(world, state) <= available_sorties(fair, plain)).all()
    assert (world.roads.weather_legs >= fair.roads.free_legs[np.newaxis]).all()


def _grounded(sorties: float) -> Game:
    weather = {"kinds": [{"id": "storm", "sorties": sorties}]}
    return Game.new(with_weather(load_scenario("two-rivers"), weather), seed=3)


def test_a_storm_that_grounds_aircraft_flies_nothing() -> None:
    game = _grounded(0.0)
    world = game.world
    entry = world.air_ids[0]
    assert observe(world, game.state).faction("maren").sorties == 0
    order = Airstrike("maren", entry, "carrick", 1)
    assert not is_legal(world, game.state, order)  # nothing left to fly
    arrays = compile_orders(world, [[]])
    arrays.strike[0, 0, world.location_index("carrick")] = 4  # asked for anyway
    _, events = resolve_turn(world, game.state, arrays, [3])
    assert not [e for e in events[0] if isinstance(e, StrikeFlown)]


def test_half_the_sorties_fly_in_weather_that_allows_half() -> None:
    fair = Game.new(load_scenario("two-rivers"), seed=3)
    half = _grounded(0.5)
    flown = observe(fair.world, fair.state).faction("maren").sorties
    assert observe(half.world, half.state).faction("maren").sorties == flown // 2


# -- events and the reference -----------------------------------------------------------------


def test_an_event_sets_the_weather_and_the_log_says_so() -> None:
    data = load_scenario("two-rivers").to_data()
    data.pop("weather")
    data["events"].append({"id": "front", "when": {"turn": 2}, "effects": [{"weather": "storm"}]})
    game = Game.new(scenario_from_data(data), seed=0)
    assert game.world.weather.declared  # the default kinds, for the event
    game.end_turn([])
    assert observe(game.world, game.state).weather_id == "clear"
    events = game.end_turn([])
    assert observe(game.world, game.state).weather == "Storm"
    change = [e for e in events if isinstance(e, WeatherChange)]
    assert [c.describe() for c in change] == ["The weather turns from clear to storm."]


@settings(deadline=None, suppress_health_check=SLOW, max_examples=40)
@given(batch=fst.batched_turns(scenario_strategy=fst.scenarios(with_weather=True), max_batch=4))
def test_the_engine_agrees_with_the_reference_in_any_weather(batch: fst.BatchTurn) -> None:
    for run, (orders, seed) in enumerate(zip(batch.orders, batch.seeds, strict=True)):
        alone = batch.before.run(run)
        assume(not wiped_out(batch.world, started(batch.world, alone, seed), orders))
        expected, trace = reference_turn(batch.world, alone, orders, seed)
        assume(not trace.close_calls)
        assert_same_state(f"run {run}", batch.after, expected, run)


def test_two_rivers_round_trips_its_weather() -> None:
    scenario = load_scenario("two-rivers")
    assert scenario.weather is not None
    again = scenario_from_data(yaml.safe_load(dump_scenario(scenario)))
    assert again.weather == scenario.weather


def test_two_rivers_turns_to_rain_on_day_5_whatever_the_chain_drew() -> None:
    for seed in range(5):
        game = Game.new(load_scenario("two-rivers"), seed=seed)
        for _ in range(5):
            game.end_turn([])
        assert game.scenario.first_day(5) == date(2030, 4, 5)
        assert observe(game.world, game.state).weather_id == "rain"
