"""The engine against the plain reference rules (``engine/reference/``).

Each phase of the engine is run on a State reached by legal play, and the reference phase on
the same State: their results must agree (floats to a relative 1e-9, integers, booleans and
controllers exactly). Whole turns must agree too, over several turns of play, and so must
every run of a batch. Where the reference reports a close call (a decision whose two sides
differ by less than that tolerance, where another order of adding may rightly decide it the
other way), the input is skipped with ``assume``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, currently_in_test_context, given, settings
from hypothesis import strategies as st

from frontlines.engine import Game, Scenario, compile_world, initial_state, load_scenario
from frontlines.engine import reference as ref
from frontlines.engine import strategies as fst
from frontlines.engine.orders import (
    Airstrike,
    Attack,
    CloseSupport,
    IllegalOrderError,
    Move,
    Order,
    OrderArrays,
    available_sorties,
    compile_orders,
    is_legal,
    legal_orders,
    no_orders,
    validate,
)
from frontlines.engine.reference.common import power
from frontlines.engine.rules.air import AirResult, resolve_air
from frontlines.engine.rules.capture import resolve_capture
from frontlines.engine.rules.combat import BATTLE_VALUES, BattleResult, resolve_combat
from frontlines.engine.rules.morale import resolve_morale
from frontlines.engine.rules.movement import resolve_movement
from frontlines.engine.rules.reinforcement import resolve_reinforcements
from frontlines.engine.rules.scripted import run_scripted_events
from frontlines.engine.rules.supply import resolve_supply, supplied
from frontlines.engine.rules.victory import resolve_victory
from frontlines.engine.rules.weather import resolve_weather
from frontlines.engine.scenario import scenario_from_data
from frontlines.engine.state import DRAW, State
from frontlines.engine.turn import resolve_turn
from frontlines.engine.world import World

TOLERANCE = 1e-9
NOTHING = 1e-12  # strengths this small are nothing: below it, floats agree to this absolutely
STATE_FIELDS = (
    "forces",
    "transit",
    "controller",
    "morale",
    "collapsed",
    "allied",
    "sortie_rate",
    "unsupplied",
    "transit_unsupplied",
    "supply_days",
    "offensive_day",
    "quality",
    "fired",
    "held_turns",
    "closed",
    "weather",
    "winner",
    "done",
)
SHIPPED = st.sampled_from(["aleppo-2024", "hama-2024", "two-rivers"]).map(load_scenario)
small = st.one_of(fst.scenarios(), fst.scenarios(max_factions=3, max_locations=4), SHIPPED)
SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]


def skip_if(condition: bool) -> None:
    """Skip this example (``assume``) in a property; in a plain test the case must not arise."""
    if currently_in_test_context():
        assume(not condition)
    else:
        assert not condition, "a close call or a strike that leaves nothing"


def examples(count: int) -> int:
    """``count`` examples: fewer if the loaded profile asks for fewer (``mutate``), ten times
    as many under ``soak``."""
    default = settings.default.max_examples
    return count * 10 if default >= 5000 else min(count, default)


# -- comparing ---------------------------------------------------------------------------------


def assert_close(what: str, engine: Any, reference: Any, scale: Any = 0.0) -> None:
    """Arrays equal: integers and booleans exactly, floats to the relative tolerance (of
    ``scale`` where that is larger: what is left of a strength after losses near all of it
    is as exact as the strength, not as itself)."""
    e, r = np.asarray(engine), np.asarray(reference)
    assert e.shape == r.shape, f"{what}: engine shape {e.shape}, reference {r.shape}"
    if e.dtype.kind in "biu" and r.dtype.kind in "biu":
        bad = e != r
    else:
        ef, rf = e.astype(np.float64), r.astype(np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            size = np.maximum(np.maximum(np.abs(ef), np.abs(rf)), np.abs(scale))
            near = np.abs(ef - rf) <= np.maximum(TOLERANCE * size, NOTHING)
        bad = ~((ef == rf) | (np.isnan(ef) & np.isnan(rf)) | near)
    if bad.any():
        at = tuple(int(i) for i in np.argwhere(bad)[0])
        raise AssertionError(
            f"{what} differs at {at}: engine {e[at]!r}, reference {r[at]!r} "
            f"({int(bad.sum())} of {bad.size} values differ)"
        )


def assert_same_state(phase: str, engine: State, reference: State, run: int = 0) -> None:
    assert engine.turn == reference.turn, f"{phase}: turn {engine.turn} != {reference.turn}"
    for name in STATE_FIELDS:
        assert_close(
            f"{phase}: state.{name}", getattr(engine, name)[run], getattr(reference, name)[0]
        )


def wiped_out(
    world: World, state: State, orders: OrderArrays | Sequence[Order] | ref.PlainOrders
) -> bool:
    """Whether a strike would leave exactly nothing of what it hits (``keep`` underflows to
    0): the engine then turns allied strength there into NaN, a known bug pinned by
    ``test_a_strike_that_leaves_nothing_keeps_allied_forces``; other tests skip such input."""
    plain = orders if isinstance(orders, ref.PlainOrders) else ref.plain_orders(world, orders)
    strike, _ = ref.flown_sorties(world, state, plain)
    r = world.rules.air
    for a, p in zip(*np.nonzero(strike), strict=True):
        effect = r.weather * float(world.air_strike[a])  # at most this gets through
        if power(1.0 - r.strike_damage, float(strike[a, p]) * effect) == 0.0:
            return True
    return False


def started(world: World, state: State, seed: int) -> State:
    """The state after the weather and the scripted events of the turn (what air strikes)."""
    return ref.scripted_events(world, ref.weather(world, state, seed), seed)[0]


def battles_of(result: BattleResult, run: int = 0) -> ref.CombatOutcome:
    """The engine's battles of one run, as the reference's capture phase reads them."""
    return ref.CombatOutcome(
        result.battle[run],
        result.attacker_power[run],
        result.defender_power[run],
        result.attacker_loss[run],
        result.defender_loss[run],
        result.attacker_strength[run],
        result.defender_strength[run],
        result.attacker_left[run],
        result.defender_left[run],
        result.strength[run],
        result.hostile[run],
    )


def compare_air(world: World, air: AirResult, flown: ref.AirOutcome) -> None:
    for name in ("strike", "support", "destroyed", "killed", "injured", "support_power"):
        assert_close(f"air: {name}", getattr(air, name)[0], getattr(flown, name))
    n_a, n_l = len(world.air_ids), world.n_locations
    by_cell = np.zeros((n_a, n_l, world.n_factions))
    for cell, row in zip(air.cells.tolist(), air.destroyed_by, strict=True):
        by_cell[(cell // n_l) % n_a, cell % n_l] = row
    assert_close("air: destroyed_by", by_cell, flown.destroyed_by)
    assert air.cells.tolist() == np.flatnonzero(flown.strike > 0).tolist(), "air: cells struck"


def compare_battles(world: World, battles: BattleResult, fought: ref.CombatOutcome) -> None:
    for name in (
        "battle",
        "attacker_power",
        "defender_power",
        "attacker_loss",
        "defender_loss",
        "attacker_strength",
        "defender_strength",
        "strength",
        "hostile",
    ):
        assert_close(f"combat: {name}", getattr(battles, name)[0], getattr(fought, name))
    for side in ("attacker", "defender"):
        assert_close(
            f"combat: {side}_left",
            getattr(battles, f"{side}_left")[0],
            getattr(fought, f"{side}_left"),
            scale=getattr(fought, f"{side}_strength"),
        )
    log = battles.log
    assert log is not None
    places = log.places.tolist()
    assert places == sorted(fought.log), (
        f"combat: battles at {places}, reference {sorted(fought.log)}"
    )
    for i, place in enumerate(places):
        for name in BATTLE_VALUES:
            assert_close(
                f"combat log at {place}: {name}", getattr(log, name)[i], fought.log[place][name]
            )
        mine = fought.by_faction[place]
        assert_close(f"combat log at {place}: strength", log.strength[i], mine["strength"])
        assert_close(f"combat log at {place}: losses", log.losses[i], mine["losses"])
        assert_close(
            f"combat log at {place}: attacking", log.attacking[i], fought.hostile[:, place]
        )
        for name, values in log.factors.items():
            assert_close(f"combat log at {place}: {name}", values[i], mine[name])


def compare_phases(world: World, state: State, orders: OrderArrays, seed: int) -> None:
    """Every engine phase against the reference phase, each on the engine's input to it."""
    seeds = np.array([seed], dtype=np.uint64)
    plain = ref.plain_orders(world, orders)
    s0 = resolve_weather(world, state, seeds)
    r0 = ref.weather(world, state, seed)
    assert_same_state("weather", s0, r0)
    s1, fired = run_scripted_events(world, s0, seeds)
    r1, scripted = ref.scripted_events(world, s0, seed)
    assert_close("scripted: fired", fired.mask[0], scripted.fired)
    assert sorted(fired.applied) == sorted(scripted.applied), "scripted: effects applied"
    for key, change in scripted.applied.items():
        assert_close(f"scripted: change of effect {key}", fired.applied[key][0], change)
    assert_same_state("scripted", s1, r1)

    # A strike that leaves nothing hits the known NaN bug (pinned below): skip.
    skip_if(wiped_out(world, s1, plain))
    # (The phases work out who is hostile where themselves here; resolve_turn hands it on.)
    s2, air = resolve_air(world, s1, orders, seeds)
    r2, flown = ref.air(world, s1, plain, seed)
    compare_air(world, air, flown)
    assert_same_state("air", s2, r2)

    s3, attacked, crossed = resolve_movement(world, s2, orders)
    r3, moved = ref.movement(world, s2, plain)
    assert_close("movement: attacked", attacked[0], moved.attacked)
    assert moved.crossed is not None
    assert_close(
        "movement: crossed",
        np.zeros_like(moved.crossed) if crossed is None else crossed[0],
        moved.crossed,
    )
    assert_same_state("movement", s3, r3)

    s4, battles = resolve_combat(world, s3, air, attacked, seeds, crossed=crossed)
    r4, fought = ref.combat(world, s3, air.support_power[0], attacked[0], seed, moved.crossed)
    compare_battles(world, battles, fought)
    assert_same_state("combat", s4, r4)

    s5, capture = resolve_capture(world, s4, battles)
    r5, taken = ref.capture(world, s4, battles_of(battles))
    for name in ("captured", "old_controller", "retreat_to", "retreated", "destroyed"):
        assert_close(f"capture: {name}", getattr(capture, name)[0], getattr(taken, name))
    assert_same_state("capture", s5, r5)

    s6 = resolve_supply(world, s5)
    r6, cut_off = ref.supply(world, s5)
    assert_close("supply: supplied", supplied(world, s5)[0], cut_off.supplied)
    assert_same_state("supply", s6, r6)

    s7, morale = resolve_morale(world, s6, capture.old_controller)
    r7, shifted = ref.morale(world, s6, capture.old_controller[0])
    skip_if(bool(shifted.close_calls))  # a collapse within 1e-9 of the threshold: skip
    for name in ("collapsed_now", "lost", "taken", "recovery", "before"):
        assert_close(f"morale: {name}", getattr(morale, name)[0], getattr(shifted, name))
    assert_same_state("morale", s7, r7)

    s8, arrived = resolve_reinforcements(world, s7)
    r8, came = ref.reinforcements(world, s7)
    assert_close("reinforcements: arrived", arrived.arrived[0], came.arrived)
    assert_close("reinforcements: turned back", arrived.turned_back[0], came.turned_back)
    assert_same_state("reinforcements", s8, r8)

    counted = s8.evolve(turn=state.turn + 1)
    s9 = resolve_victory(world, counted)
    r9, decided = ref.victory(world, counted)
    skip_if(bool(decided.close_calls))  # points within 1e-9 of the threshold: skip
    assert_same_state("victory", s9, r9)


# -- the properties ----------------------------------------------------------------------------


@settings(max_examples=examples(60), deadline=None, suppress_health_check=SLOW)
@given(turn=fst.turns(scenario_strategy=small))
def test_each_phase_agrees_with_the_reference(turn: fst.PlayedTurn) -> None:
    orders = compile_orders(turn.world, [turn.orders])
    compare_phases(turn.world, turn.before, orders, turn.seed)


extreme = fst.scenarios(rules_strategy=fst.rules_data(extreme=True), max_locations=5)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=SLOW)
@given(turn=fst.turns(scenario_strategy=extreme))
def test_each_phase_agrees_under_extreme_rules(turn: fst.PlayedTurn) -> None:
    """Constants at their bounds make ties (both sides wiped out, morale on a band's edge,
    no luck at all) that only the right comparison decides the right way."""
    orders = compile_orders(turn.world, [turn.orders])
    compare_phases(turn.world, turn.before, orders, turn.seed)


wiped = fst.scenarios(
    rules_strategy=st.just({"combat": {"attrition_rate": 1.0, "attrition_exponent": 0.0}})
)


@settings(max_examples=examples(20), deadline=None, suppress_health_check=SLOW)
@given(turn=fst.turns(scenario_strategy=wiped))
def test_each_phase_agrees_when_battles_leave_nobody(turn: fst.PlayedTurn) -> None:
    """Attrition of everything at any odds: both sides lose all (when the noise is at least
    1), so the capture test compares nothing with nothing."""
    compare_phases(turn.world, turn.before, compile_orders(turn.world, [turn.orders]), turn.seed)


def _every_event_fires_on(scenario: Scenario, turn: int) -> Scenario:
    data = scenario.to_data()
    for event in data.get("events", []):
        event["when"] = {"turn": turn}
    return scenario_from_data(data)


@settings(max_examples=examples(30), deadline=None, suppress_health_check=SLOW)
@given(turn=fst.turns(scenario_strategy=small))
def test_every_effect_agrees_when_every_event_fires(turn: fst.PlayedTurn) -> None:
    """The events rewritten to fire on the turn played (once-only ones that have not fired
    yet): every effect is applied, in order, on top of the others."""
    world = compile_world(_every_event_fires_on(turn.world.scenario, turn.before.turn + 1))
    s1, fired = run_scripted_events(world, turn.before, [turn.seed])
    r1, scripted = ref.scripted_events(world, turn.before, turn.seed)
    assert_close("scripted: fired", fired.mask[0], scripted.fired)
    assert sorted(fired.applied) == sorted(scripted.applied), "scripted: effects applied"
    for key, change in scripted.applied.items():
        assert_close(f"scripted: change of effect {key}", fired.applied[key][0], change)
    assert_same_state("scripted", s1, r1)


@settings(max_examples=examples(6), deadline=None, suppress_health_check=SLOW)
@given(turn=fst.turns(scenario_strategy=fst.big_scenarios(), max_turns=2))
def test_each_phase_agrees_on_big_scenarios(turn: fst.PlayedTurn) -> None:
    orders = compile_orders(turn.world, [turn.orders])
    compare_phases(turn.world, turn.before, orders, turn.seed)


def any_position(world: World, rng: np.random.Generator, turn: int) -> State:
    """A State of one game that play need not reach: holders, alliances, forces, morale and
    counters at random, morale often exactly on an edge a rule compares it with."""
    n_f, n_l, n_a = world.n_factions, world.n_locations, len(world.air_ids)
    n_t = world.roads.n_slots
    allied = rng.uniform(0, 1, (1, n_f, n_f)) < 0.3
    allied = allied | allied.transpose(0, 2, 1) | np.eye(n_f, dtype=bool)
    forces = rng.choice([0.0, 1e-9, 0.5, 3.0, 20.0], (1, n_f, n_l)) * rng.uniform(0.5, 1.5)
    m = world.rules.morale
    edges = [m.high_from, m.steady_from, m.shaken_from, m.collapse_below, 0.0, 1.0]
    edges += [
        t.morale_below.below
        for e in world.scenario.events
        for t in _triggers(e.when)
        if t.morale_below is not None
    ]
    morale = np.where(
        rng.uniform(0, 1, (1, n_f)) < 0.5, rng.choice(edges, (1, n_f)), rng.uniform(0, 1, (1, n_f))
    )
    transit = rng.choice([0.0, 1e-9, 0.5, 3.0], (1, n_f, n_t)) * (
        rng.uniform(0, 1, (1, n_f, n_t)) < 0.3
    )
    return initial_state(world).evolve(
        turn=turn,
        controller=rng.integers(0, n_f, (1, n_l)),
        allied=allied,
        forces=forces,
        morale=morale,
        collapsed=rng.uniform(0, 1, (1, n_f)) < 0.2,
        sortie_rate=rng.integers(0, 13, (1, n_a)),
        unsupplied=rng.integers(0, 8, (1, n_f, n_l)) * (rng.uniform(0, 1, (1, n_f, n_l)) < 0.3),
        transit=transit,
        transit_unsupplied=transit * rng.integers(0, 6, (1, n_f, n_t)),
        supply_days=rng.choice([0.0, 1.5, 3.9, 4.0, 4.5, 9.0, np.inf], (1, n_f, n_l)),
        offensive_day=np.where(
            rng.uniform(0, 1, (1, n_f)) < 0.4,
            -1,
            rng.integers(0, turn * world.turn_length_days + 1, (1, n_f)),  # (not after today)
        ),
        fired=rng.uniform(0, 1, (1, len(world.scenario.events))) < 0.3,
        quality=np.where(
            rng.uniform(0, 1, (1, n_f)) < 0.5, world.quality, rng.choice([0.1, 0.6, 3.0], (1, n_f))
        ),
        pace=np.where(
            rng.uniform(0, 1, (1, n_f)) < 0.5,
            world.pace,
            rng.choice([0.3, 0.7, 1.5, 4.0], (1, n_f)),
        ),
        held_turns=rng.integers(0, 4, (1, len(world.scenario.victory))),
        closed=_closures(rng, n_f, world.n_routes),
        weather=rng.integers(0, world.weather.n_kinds, 1),
    )


def _closures(rng: np.random.Generator, n_f: int, n_routes: int) -> np.ndarray:
    """Routes closed at random: often none, else some cut and some closed to a faction."""
    if rng.uniform() < 0.4:
        return np.zeros((1, n_f, n_routes), dtype=bool)
    cut = rng.uniform(0, 1, (1, 1, n_routes)) < 0.2
    return cut | (rng.uniform(0, 1, (1, n_f, n_routes)) < 0.15)


def _triggers(trigger: Any) -> list[Any]:
    subs = [*(trigger.all or []), *(trigger.any or [])]
    return [trigger, *(t for sub in subs for t in _triggers(sub))]


@settings(max_examples=examples(60), deadline=None, suppress_health_check=SLOW)
@given(
    scenario=st.one_of(fst.scenarios(), fst.scenarios(rules_strategy=fst.rules_data(extreme=True))),
    seed=st.integers(0, 2**32 - 1),
    data=st.data(),
)
def test_each_phase_agrees_on_any_position(
    scenario: Scenario, seed: int, data: st.DataObject
) -> None:
    """Positions at random, with flows along random arcs and odd orders: every rule must
    hold for any State, not only for those that play reaches."""
    world = compile_world(scenario)
    rng = np.random.default_rng(seed)
    state = any_position(world, rng, int(rng.integers(0, scenario.max_turns)))
    orders = data.draw(fst.order_arrays(world), label="odd")
    sent = rng.uniform(0, 1, orders.flow.shape) < 0.2
    orders.flow[sent] += state.forces[0][:, world.arc_src][sent[0]] * rng.choice([0.5, 1.0, 2.0])
    orders.support[0] += rng.integers(0, 4, orders.support.shape[1:])
    compare_phases(world, state, orders, seed)


crowded = st.one_of(fst.scenarios(min_factions=3, min_locations=3), SHIPPED)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=SLOW)
@given(game=fst.played_games(scenario_strategy=crowded, max_turns=3), data=st.data())
def test_each_phase_agrees_on_orders_never_validated(game: Game, data: st.DataObject) -> None:
    """Legal orders, with odd values written over some cells and close support (of any
    entry, for either side) where the attacks go."""
    world = game.world
    legal = [] if game.over else data.draw(fst.turn_orders(game), label="legal")
    orders = compile_orders(world, [legal])
    odd = data.draw(fst.order_arrays(world), label="odd")
    for mine, theirs in zip(
        (orders.flow, orders.strike, orders.support),
        (odd.flow, odd.strike, odd.support),
        strict=True,
    ):
        np.copyto(mine, theirs, where=theirs != 0)
    targets = [world.location_index(o.target) for o in legal if isinstance(o, Attack)]
    if world.air_ids and data.draw(st.booleans(), label="support everywhere"):
        targets = list(range(world.n_locations))
    if targets and world.air_ids:
        sorties = data.draw(st.integers(1, 12), label="support")
        orders.support[0][:, targets] += sorties
    compare_phases(world, game.state, orders, game.seed)


@settings(max_examples=examples(30), deadline=None, suppress_health_check=SLOW)
@given(game=fst.played_games(scenario_strategy=small, max_turns=0), data=st.data())
def test_whole_turns_agree_over_several_turns(game: Game, data: st.DataObject) -> None:
    for _ in range(data.draw(st.integers(1, 6), label="turns")):
        if game.over:
            break
        before = game.state
        orders = data.draw(fst.turn_orders(game), label="orders")
        # A strike that leaves nothing hits the known NaN bug (pinned below): skip.
        assume(not wiped_out(game.world, started(game.world, before, game.seed), orders))
        expected, trace = ref.reference_turn(game.world, before, orders, game.seed)
        assume(not trace.close_calls)  # a decision within 1e-9 of its threshold: skip
        game.end_turn(orders)
        assert_same_state(f"turn {game.turn}", game.state, expected)
        quiet, _ = resolve_turn(
            game.world, before, compile_orders(game.world, [orders]), [game.seed], record=False
        )
        assert_same_state(f"turn {game.turn} without events", quiet, expected)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=SLOW)
@given(batch=fst.batched_turns(scenario_strategy=small, max_batch=6))
def test_every_run_of_a_batch_agrees_with_the_reference(batch: fst.BatchTurn) -> None:
    for run, (orders, seed) in enumerate(zip(batch.orders, batch.seeds, strict=True)):
        alone = batch.before.run(run)
        # A strike that leaves nothing hits the known NaN bug (pinned below): skip.
        assume(
            not wiped_out(
                batch.world,
                started(batch.world, alone, seed),
                ref.plain_orders(batch.world, orders),
            )
        )
        expected, trace = ref.reference_turn(batch.world, alone, orders, seed)
        assume(not trace.close_calls)  # a decision within 1e-9 of its threshold: skip
        assert_same_state(f"run {run}", batch.after, expected, run)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=SLOW)
@given(batch=fst.batched_turns(scenario_strategy=small, max_batch=6), data=st.data())
def test_games_that_are_over_stay_as_they_are(batch: fst.BatchTurn, data: st.DataObject) -> None:
    """Some games of the batch declared over (a draw): they must not change at all, and the
    others must play on as the reference does."""
    size = batch.before.batch
    over = np.array(data.draw(st.lists(st.booleans(), min_size=size, max_size=size)))
    winner = np.where(over & ~batch.before.done, DRAW, batch.before.winner)
    # A game ends after its morale phase, which has collapsed every faction below the
    # threshold (the engine's morale phase relies on that even in games that are over).
    low = batch.before.morale < batch.world.rules.morale.collapse_below
    collapsed = batch.before.collapsed | (over[:, np.newaxis] & low)
    before = batch.before.evolve(done=batch.before.done | over, winner=winner, collapsed=collapsed)
    arrays = compile_orders(batch.world, batch.orders)
    after, _ = resolve_turn(batch.world, before, arrays, batch.seeds)
    for run, (orders, seed) in enumerate(zip(batch.orders, batch.seeds, strict=True)):
        alone = before.run(run)
        # A strike that leaves nothing hits the known NaN bug (pinned below): skip.
        assume(not wiped_out(batch.world, started(batch.world, alone, seed), orders))
        expected, trace = ref.reference_turn(batch.world, alone, orders, seed)
        assume(not trace.close_calls)  # a decision within 1e-9 of its threshold: skip
        assert_same_state(f"run {run}", after, expected, run)
        if bool(before.done[run]):
            assert_same_state(f"run {run}, over", after, alone.evolve(turn=after.turn), run)


wide_maps = fst.big_scenarios(min_factions=2, max_factions=4, min_locations=65, max_locations=110)


@settings(max_examples=examples(2), deadline=None, suppress_health_check=SLOW)
@given(
    batch=fst.batched_turns(scenario_strategy=wide_maps, min_batch=64, max_batch=64, max_turns=1)
)
def test_every_run_of_a_wide_batch_agrees_with_the_reference(batch: fst.BatchTurn) -> None:
    """Batches of more than 4,096 places and 8 seeds: the paths the engine takes for big
    arrays (index lists by ``flatnonzero``, sums slice by slice, keys as arrays)."""
    for run, (orders, seed) in enumerate(zip(batch.orders, batch.seeds, strict=True)):
        alone = batch.before.run(run)
        plain = ref.plain_orders(batch.world, orders)
        # A strike that leaves nothing hits the known NaN bug (pinned below): skip.
        assume(not wiped_out(batch.world, started(batch.world, alone, seed), plain))
        expected, trace = ref.reference_turn(batch.world, alone, orders, seed)
        assume(not trace.close_calls)  # a decision within 1e-9 of its threshold: skip
        assert_same_state(f"run {run}", batch.after, expected, run)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=SLOW)
@given(turn=fst.turns(scenario_strategy=small))
def test_orders_compile_to_what_they_add_up_to(turn: fst.PlayedTurn) -> None:
    world = turn.world
    arrays = compile_orders(world, [turn.orders, [], turn.orders[::-1]])
    plain = ref.plain_orders(world, turn.orders)
    for run in (0, 2):
        assert_close("orders: flow", arrays.flow[run], plain.flow)
        assert_close("orders: strike", arrays.strike[run], plain.strike)
        assert_close("orders: support", arrays.support[run], plain.support)
    assert not arrays.flow[1].any() and not arrays.strike[1].any()
    for state in (turn.before, turn.after):
        assert_close(
            "available sorties",
            available_sorties(world, state)[0],
            ref.available_sorties(world, state),
        )


def _three_sides(air: dict[str, Any], rules: dict[str, Any] | None = None) -> Scenario:
    places = [("p", "b", 0.0), ("q", "a", 0.1), ("r", "c", 0.2)]
    return scenario_from_data(
        {
            "rules": rules or {},
            "schema": 1,
            "id": "three-sides",
            "title": "Three sides",
            "start_date": "2024-11-27",
            "max_turns": 5,
            "factions": [{"id": f, "name": f.upper(), "colour": "#808080"} for f in "abc"],
            "locations": [
                {
                    "id": place,
                    "name": place.upper(),
                    "kind": "town",
                    "lat": 36.0,
                    "lon": 37.0 + east,
                    "terrain": "flat",
                    "controller": held,
                    "garrison": {held: 5.0},
                }
                for place, held, east in places
            ],
            "routes": [{"from": "p", "to": "q"}, {"from": "q", "to": "r"}],
            "air_support": [air],
        }
    )


def test_support_counts_only_for_a_side_in_the_battle() -> None:
    """B attacks A's Q; C, hostile to both, flies close support at Q: it helps nobody."""
    air = {"id": "air", "name": "Air", "provider": "c", "beneficiary": "c", "sorties_per_turn": 10}
    world = compile_world(_three_sides(air))
    orders: list[Order] = [Attack("b", "p", "q", 5.0), CloseSupport("c", "air", "q", 10)]
    for i, order in enumerate(orders):
        validate(world, initial_state(world), order, orders[:i])
    after, events = resolve_turn(world, initial_state(world), compile_orders(world, [orders]), [3])
    expected, _ = ref.reference_turn(world, initial_state(world), orders, 3)
    assert_same_state("turn", after, expected)
    (battle,) = [e for e in events[0] if type(e).__name__ == "Battle"]
    assert [(f.attacker, f.defender) for f in battle.factors if f.name == "air support"] == [
        (1.0, 1.0)
    ]


def test_victory_needs_every_part_of_a_condition() -> None:
    """A holds Q (value 1) but not the 3 points its condition also asks for; C holds R."""
    air = {"id": "air", "name": "Air", "provider": "a", "beneficiary": "a", "sorties_per_turn": 1}
    data = _three_sides(air).to_data()
    data["victory"] = [
        {"faction": "a", "control": ["q"], "points": 3.0},
        {"faction": "c", "control": ["r"], "points": 1.0, "by_turn": 1},
    ]
    world = compile_world(scenario_from_data(data))
    for turn in (1, 2):
        state = initial_state(world).evolve(turn=turn)
        decided, _ = ref.victory(world, state)
        assert_same_state(f"victory after turn {turn}", resolve_victory(world, state), decided)
    assert resolve_victory(world, initial_state(world).evolve(turn=1)).winner.tolist() == [2]


def test_support_for_the_attackers_is_reduced_by_air_defence() -> None:
    """B attacks A's Q, which has air defence, with close support of its own."""
    air = {"id": "air", "name": "Air", "provider": "b", "beneficiary": "b", "sorties_per_turn": 8}
    scenario = _three_sides(air)
    data = scenario.to_data()
    data["locations"][1]["air_defence"] = 0.25
    world = compile_world(scenario_from_data(data))
    orders: list[Order] = [Attack("b", "p", "q", 5.0), CloseSupport("b", "air", "q", 8)]
    arrays = compile_orders(world, [orders])
    compare_phases(world, initial_state(world), arrays, 3)
    _, events = resolve_turn(world, initial_state(world), arrays, [3])
    (battle,) = [e for e in events[0] if type(e).__name__ == "Battle"]
    (factor,) = [f for f in battle.factors if f.name == "air support"]
    # 8 sorties x 0.5 power, of which 0.75 gets through (3.0), beside 5 strength x 0.9
    # (steady morale) x 1.5 (surprise) = 6.75 on the ground.
    assert factor.attacker == pytest.approx((6.75 + 3.0) / 6.75) and factor.defender == 1.0


def test_a_battle_where_the_attackers_have_no_power_left() -> None:
    """B's forces in A's Q have been cut off for three turns, with no floor to their supply
    factor: they fight with no power at all (and no surprise to report)."""
    air = {"id": "air", "name": "Air", "provider": "a", "beneficiary": "a", "sorties_per_turn": 0}
    rules = {"supply": {"unsupplied_decay": 0.5, "unsupplied_floor": 0.0}}
    world = compile_world(_three_sides(air, rules))
    start = initial_state(world)
    b, q = world.faction_index("b"), world.location_index("q")
    forces, cut_off = start.forces.copy(), start.unsupplied.copy()
    forces[0, b, q], cut_off[0, b, q] = 4.0, 3
    state = start.evolve(forces=forces, unsupplied=cut_off)
    compare_phases(world, state, no_orders(world, 1), 5)
    _, events = resolve_turn(world, state, no_orders(world, 1), [5])
    (battle,) = [e for e in events[0] if type(e).__name__ == "Battle"]
    assert battle.attacker_power == 0.0
    assert [f.attacker for f in battle.factors if f.name == "surprise"] == [1.0]


def test_close_support_is_allowed_where_an_enemy_stands_next_door() -> None:
    """A holds Q; next door, B stands in P (listed first), and R (C's) is empty."""
    air = {"id": "air", "name": "Air", "provider": "a", "beneficiary": "a", "sorties_per_turn": 4}
    world = compile_world(_three_sides(air))
    start = initial_state(world)
    forces = start.forces.copy()
    forces[0, world.faction_index("c"), world.location_index("r")] = 0.0
    state = start.evolve(forces=forces)
    order = CloseSupport("a", "air", "q", 1)
    assert ref.refusal(world, state, order) is None
    validate(world, state, order)
    calm = forces.copy()  # (evolve froze ``forces``)
    calm[0, world.faction_index("b"), world.location_index("p")] = 0.0
    assert ref.refusal(world, state.evolve(forces=calm), order) == "battle"
    assert not is_legal(world, state.evolve(forces=calm), order)


WIPE_OUT = {
    "schema": 1,
    "id": "wipe-out",
    "title": "A strike that leaves nothing",
    "start_date": "2024-11-27",
    "max_turns": 5,
    "factions": [
        {"id": "a", "name": "A", "colour": "#aa0000"},
        {"id": "b", "name": "B", "colour": "#0000aa"},
    ],
    "locations": [
        {
            "id": "p",
            "name": "P",
            "kind": "city",
            "lat": 36.0,
            "lon": 37.0,
            "terrain": "flat",
            "controller": "a",
            "garrison": {"a": 5.0},
        },
        {
            "id": "q",
            "name": "Q",
            "kind": "city",
            "lat": 36.0,
            "lon": 37.1,
            "terrain": "flat",
            "controller": "b",
            "garrison": {"b": 5.0, "a": 3.0},
        },
    ],
    "routes": [{"from": "p", "to": "q"}],
    "air_support": [
        {
            "id": "air",
            "name": "Air",
            "provider": "a",
            "beneficiary": "a",
            "sorties_per_turn": 40,
            "strike_modifier": 10.0,
        },
    ],
    "rules": {"air": {"strike_damage": 0.9}},
}


def test_a_strike_that_leaves_nothing_keeps_allied_forces() -> None:
    world = compile_world(scenario_from_data(WIPE_OUT))
    state = initial_state(world)
    orders = [Airstrike("a", "air", "q", 40)]
    struck, air = resolve_air(
        world, state, compile_orders(world, [orders]), np.array([1], np.uint64)
    )
    r_struck, flown = ref.air(world, state, ref.plain_orders(world, orders), 1)
    assert r_struck.forces[0].tolist() == [[5.0, 3.0], [0.0, 0.0]]  # b's 5 at q are gone
    assert flown.destroyed[0, 1] == 5.0
    assert_same_state("air", struck, r_struck)
    assert_close("air: destroyed", air.destroyed[0], flown.destroyed)


# -- legality ----------------------------------------------------------------------------------

_AMOUNTS = (0.0, -1.0, float("nan"), float("inf"), 10**400, True, "3", 1e-9, 0.5, 1.0, 1e9)


@st.composite
def any_orders(draw: st.DrawFn, game: Game) -> Order:
    """Orders legal or not: known and unknown ids, any amounts, any sorties."""
    world = game.world
    faction = draw(st.sampled_from([*world.faction_ids, "nobody"]))
    target = draw(st.sampled_from([*world.location_ids, "nowhere"]))
    if world.air_ids and draw(st.booleans()):
        entry = draw(st.sampled_from([*world.air_ids, "no-entry"]))
        kind = draw(st.sampled_from((Airstrike, CloseSupport)))
        sorties = draw(st.sampled_from((0, -1, True, 2.5)) | st.integers(1, 45))
        return kind(faction, entry, target, sorties)
    origin = draw(st.sampled_from([*world.location_ids, "nowhere"]))
    have = 1.0
    if faction in world.faction_ids and origin in world.location_ids:
        f, p = world.faction_ids.index(faction), world.location_ids.index(origin)
        have = float(game.state.forces[0, f, p])
    share = st.sampled_from((0.5, 1.0, 1.0 + 1e-12, 2.0)).map(lambda s: have * s)
    amount = draw(share | st.sampled_from(_AMOUNTS) | st.sampled_from((True, "3")))
    return draw(st.sampled_from((Attack, Move)))(faction, origin, target, amount)


def _scaled(order: Order, share: float) -> Order:
    if isinstance(order, Attack | Move):
        return replace(order, amount=order.amount * share)
    return replace(order, sorties=max(1, round(order.sorties * share)))


@settings(max_examples=examples(60), deadline=None, suppress_health_check=SLOW)
@given(game=fst.played_games(scenario_strategy=small, max_turns=3), data=st.data())
def test_orders_are_refused_for_the_documented_reason(game: Game, data: st.DataObject) -> None:
    world, state = game.world, game.state
    pending: list[Order] = []
    legal = data.draw(fst.turn_orders(game)) if not game.over else []
    # What the rules list as legal (with a share of what is available), and anything at all.
    listed = [o for f in world.faction_ids for o in ref.legal_orders(world, state, f)]
    shares = st.sampled_from((1e-9, 0.5, 1.0, 1.0 + 1e-12, 1.5))
    some = st.tuples(st.sampled_from(listed), shares).map(lambda pair: _scaled(*pair))
    offered = data.draw(st.lists(some, max_size=8)) if listed else []
    # And one order of each kind everywhere: an attack and a move along every arc, a strike
    # and close support of every entry at every place (the last ones after the attacks).
    share = data.draw(shares, label="share")
    everywhere: list[Order] = []
    for f, faction in enumerate(world.faction_ids):
        for arc in range(world.n_arcs):
            origin = world.location_ids[int(world.arc_src[arc])]
            target = world.location_ids[int(world.arc_dst[arc])]
            amount = float(state.forces[0, f, int(world.arc_src[arc])]) * share or 1.0
            everywhere += [kind(faction, origin, target, amount) for kind in (Attack, Move)]
    for a, entry in enumerate(world.air_ids):
        provider = world.faction_ids[int(world.air_provider[a])]
        for place in world.location_ids:
            everywhere += [kind(provider, entry, place, 1) for kind in (Airstrike, CloseSupport)]
        everywhere += [kind(provider, entry, place, 0) for kind in (Airstrike, CloseSupport)]
    for order in everywhere:  # each alone
        reason = ref.refusal(world, state, order)
        assert is_legal(world, state, order) == (reason is None), f"{order}: {reason}"
    odd = data.draw(st.lists(any_orders(game), max_size=12))
    for order in [*legal, *offered, *odd, *everywhere]:  # one after another
        reason = ref.refusal(world, state, order, pending)
        assert is_legal(world, state, order, pending) == (reason is None), f"{order}: {reason}"
        try:
            validate(world, state, order, pending)
        except IllegalOrderError as error:
            assert reason is not None, f"{order} refused ({error}), but the rules allow it"
            assert ref.REASONS[reason] in str(error), f"{order}: {error} is not {reason!r}"
        else:
            assert reason is None, f"{order} accepted, but the rules refuse it: {reason}"
            pending.append(order)
    for faction in world.faction_ids:
        listed = legal_orders(world, state, faction)
        assert sorted(map(repr, listed)) == sorted(
            map(repr, ref.legal_orders(world, state, faction))
        )
