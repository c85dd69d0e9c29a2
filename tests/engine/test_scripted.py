"""Scripted events that grew: turn windows, chance, strength at a place, handing a place
over, a faction's quality, and victories that must be held for some turns in a row."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from frontlines.engine import Game, compile_world, initial_state
from frontlines.engine import reference as ref
from frontlines.engine.events import Battle, Capture, ScriptedControl, ScriptedQuality, Victory
from frontlines.engine.invariants import check_turn
from frontlines.engine.orders import Attack, compile_orders, no_orders
from frontlines.engine.rules.noise import Stream
from frontlines.engine.rules.scripted import run_scripted_events
from frontlines.engine.scenario import scenario_from_data
from frontlines.engine.state import NO_WINNER, State
from frontlines.engine.turn import resolve_turn
from frontlines.engine.world import World


def _world(
    events: list[dict[str, Any]],
    victory: list[dict[str, Any]] | None = None,
    *,
    garrison_q: dict[str, float] | None = None,
    max_turns: int = 8,
) -> World:
    """Two sides: A holds P and R, B holds Q between them; events and victory as given."""
    places = [
        ("p", "a", 0.0, {"a": 5.0}),
        ("q", "b", 0.1, garrison_q if garrison_q is not None else {"b": 4.0}),
        ("r", "a", 0.2, {"a": 3.0}),
    ]
    data = {
        "schema": 1,
        "id": "events-grow",
        "title": "Events grow",
        "start_date": "2024-11-27",
        "max_turns": max_turns,
        "factions": [{"id": f, "name": f.upper(), "colour": "#808080"} for f in "ab"],
        "locations": [
            {
                "id": place,
                "name": place.upper(),
                "kind": "town",
                "lat": 36.0,
                "lon": 37.0 + east,
                "terrain": "flat",
                "controller": held,
                "garrison": garrison,
            }
            for place, held, east, garrison in places
        ],
        "routes": [{"from": "p", "to": "q"}, {"from": "q", "to": "r"}],
        "events": events,
        "victory": victory or [],
    }
    return compile_world(scenario_from_data(data))


def _fired_each_turn(world: World, seeds: list[int], turns: int) -> np.ndarray:
    """Whether event 0 fired, ``turns x B``, in games played without orders."""
    state = initial_state(world, len(seeds))
    fired = []
    for _ in range(turns):
        state, events = resolve_turn(world, state, no_orders(world, len(seeds)), seeds)
        fired.append([any(getattr(e, "event", None) == "e" for e in run) for run in events])
    return np.array(fired)


def _message(when: dict[str, Any], *, once: bool = False) -> dict[str, Any]:
    return {"id": "e", "when": when, "effects": [{"message": "it happens"}], "once": once}


# -- triggers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "turns"),
    [
        ({"from_turn": 3}, [3, 4, 5, 6]),
        ({"from_turn": 3, "for_turns": 2}, [3, 4]),
        ({"turn": 2, "for_turns": 3}, [2, 3, 4]),
        ({"turn": 2}, [2]),
        ({"from_turn": 5, "for_turns": 9}, [5, 6]),
    ],
)
def test_a_turn_window_holds_from_its_start_for_its_turns(
    when: dict[str, Any], turns: list[int]
) -> None:
    fired = _fired_each_turn(_world([_message(when)], max_turns=6), [1], 6)[:, 0]
    assert [t + 1 for t in np.flatnonzero(fired)] == turns


def test_a_chance_trigger_fires_in_about_that_share_of_runs() -> None:
    """4,000 runs, p = 0.3 each turn: within five standard errors (0.036) each turn, and in
    about p * p of them two turns running (the draws of turns are independent)."""
    p, runs = 0.3, 4000
    fired = _fired_each_turn(_world([_message({"chance": p})]), list(range(runs)), 3)
    bound = 5 * np.sqrt(p * (1 - p) / runs)
    assert np.all(np.abs(fired.mean(axis=1) - p) < bound)
    both = (fired[0] & fired[1]).mean()
    assert abs(both - p * p) < 5 * np.sqrt(p * p * (1 - p * p) / runs)


def test_a_once_only_chance_event_fires_once_at_most() -> None:
    fired = _fired_each_turn(_world([_message({"chance": 0.5}, once=True)]), list(range(200)), 6)
    assert fired.sum(axis=0).max() == 1
    assert fired.any(axis=0).mean() > 0.9  # 1 - 0.5**6 of the runs, about 0.98


def test_a_chance_draw_depends_on_the_seed_turn_and_event_only() -> None:
    """Same seed, same firing; a run fires as it does alone, in any batch; with a higher
    chance the same runs still fire (common random numbers), and the draws are the
    EVENTS stream's."""
    seeds = [5, 11, 5, 2**63 + 7, 11, 0]
    world = _world([_message({"chance": 0.4})])
    together = _fired_each_turn(world, seeds, 5)
    assert (together[:, 0] == together[:, 2]).all() and (together[:, 1] == together[:, 4]).all()
    for run, seed in enumerate(seeds):
        assert (_fired_each_turn(world, [seed], 5)[:, 0] == together[:, run]).all()
    reversed_batch = _fired_each_turn(world, seeds[::-1], 5)
    assert (reversed_batch[:, ::-1] == together).all()
    # Another event before it, and a higher chance: the runs that fired still fire.
    other = {"id": "other", "when": {"chance": 0.9}, "effects": [{"message": "x"}]}
    many = list(range(400))
    low = _fired_each_turn(_world([other, _message({"chance": 0.4})]), many, 4)
    high = _fired_each_turn(_world([other, _message({"chance": 0.6})]), many, 4)
    assert (high | ~low).all() and (high & ~low).any()
    assert Stream.EVENTS == 4


def test_a_chance_inside_all_draws_apart_from_the_triggers_own() -> None:
    """Two chances of 0.5 in one trigger, both required: about a quarter of the runs."""
    when = {"chance": 0.5, "all": [{"chance": 0.5}]}
    fired = _fired_each_turn(_world([_message(when)]), list(range(4000)), 1)[0]
    assert abs(fired.mean() - 0.25) < 0.035


@pytest.mark.parametrize(
    ("strength", "fires"),
    [
        ({"above": 4.0}, True),
        ({"above": 5.0}, False),  # strictly above
        ({"below": 6.0}, True),
        ({"below": 5.0}, False),
    ],
)
def test_a_strength_trigger_reads_the_strength_at_the_place(
    strength: dict[str, float], fires: bool
) -> None:
    """A has 5 at P at the start of turn 1."""
    when = {"strength": {"faction": "a", "location": "p", **strength}}
    assert _fired_each_turn(_world([_message(when)]), [1], 1)[0, 0] == fires


def test_a_strength_trigger_follows_the_forces_as_they_change() -> None:
    """Strength of B at Q below 2 fires only once an earlier event has taken B's forces."""
    weaken = {
        "id": "weaken",
        "when": {"turn": 2},
        "effects": [{"forces": {"faction": "b", "location": "q", "change": -3.5}}],
    }
    when = {"strength": {"faction": "b", "location": "q", "below": 2.0}}
    fired = _fired_each_turn(_world([weaken, _message(when)]), [1], 4)
    # Every trigger reads the start of the turn: "e" first holds in turn 3, after "weaken".
    assert fired[:, 0].tolist() == [False, False, True, True]


# -- effects -----------------------------------------------------------------------------------


def _play(world: World, turns: int, seed: int = 3) -> tuple[list[State], list[tuple[Any, ...]]]:
    states, events = [initial_state(world)], []
    for _ in range(turns):
        after, each = resolve_turn(world, states[-1], no_orders(world, 1), [seed])
        check_turn(world, states[-1], after, each)
        states.append(after)
        events.append(each[0])
    return states, events


def test_control_of_an_empty_place_changes_its_holder() -> None:
    hand_over = {
        "id": "e",
        "when": {"turn": 2},
        "effects": [{"control": {"location": "q", "faction": "a"}}],
    }
    world = _world([hand_over], garrison_q={})
    states, events = _play(world, 3)
    q, a, b = world.location_index("q"), world.faction_index("a"), world.faction_index("b")
    assert [int(s.controller[0, q]) for s in states] == [b, b, a, a]
    (control,) = [e for e in events[1] if isinstance(e, ScriptedControl)]
    assert (control.from_id, control.faction_id, control.location) == ("b", "a", "q")
    assert control.describe() == "Q passes from B to A."
    assert not any(isinstance(e, Capture) for turn in events for e in turn)


def test_control_of_a_garrisoned_place_leaves_it_contested() -> None:
    """B's 4 stay at Q when it is handed to A, who has nobody there: they are hostile to
    the new holder, nobody defends it, and the capture rules give it back to B that turn."""
    hand_over = {
        "id": "e",
        "when": {"turn": 1},
        "effects": [{"control": {"location": "q", "faction": "a"}}],
    }
    world = _world([hand_over])
    states, events = _play(world, 1)
    q, b = world.location_index("q"), world.faction_index("b")
    assert float(states[1].forces[0, b, q]) == 4.0  # nobody was moved or lost
    assert int(states[1].controller[0, q]) == b
    kinds = [type(e) for e in events[0]]
    assert ScriptedControl in kinds and Capture in kinds
    (capture,) = [e for e in events[0] if isinstance(e, Capture)]
    assert (capture.from_id, capture.by_id) == ("a", "b")


def test_control_backed_by_forces_holds_the_place() -> None:
    """The same hand-over with B's garrison removed and A's 6 put there: it sticks."""
    effects = [
        {"forces": {"faction": "b", "location": "q", "change": -4.0}},
        {"forces": {"faction": "a", "location": "q", "change": 6.0}},
        {"control": {"location": "q", "faction": "a"}},
    ]
    world = _world([{"id": "e", "when": {"turn": 1}, "effects": effects}])
    states, _ = _play(world, 2)
    assert int(states[-1].controller[0, world.location_index("q")]) == world.faction_index("a")


def _battle(quality: float | None, seed: int) -> Battle:
    """A attacks B's Q from P with 5 on turn 1; an event may set A's quality first."""
    events = []
    if quality is not None:
        rules = {"faction_rules": {"faction": "a", "quality": quality}}
        events = [{"id": "e", "when": {"turn": 1}, "effects": [rules]}]
    world = _world(events)
    orders = compile_orders(world, [[Attack("a", "p", "q", 5.0)]])
    _, each = resolve_turn(world, initial_state(world), orders, [seed])
    (battle,) = [e for e in each[0] if isinstance(e, Battle)]
    return battle


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_better_quality_wins_the_same_battle_by_more(seed: int) -> None:
    """The same seed (the same luck): with quality 2 A's power doubles, B loses more and A
    less; with quality 0.5 the other way round."""
    plain, better, worse = _battle(None, seed), _battle(2.0, seed), _battle(0.5, seed)
    assert better.attacker_power == pytest.approx(2 * plain.attacker_power)
    assert better.defender_losses > plain.defender_losses > worse.defender_losses
    assert better.attacker_losses < plain.attacker_losses < worse.attacker_losses
    (factor,) = [f for f in better.factors if f.name == "quality"]
    assert factor.attacker == pytest.approx(2.0)


def test_a_quality_change_lasts_and_is_reported() -> None:
    rules = {"faction_rules": {"faction": "b", "quality": 1.5}}
    world = _world([{"id": "e", "when": {"chance": 0.5}, "effects": [rules]}])
    seeds = list(range(40))
    state = initial_state(world, len(seeds))
    state, events = resolve_turn(world, state, no_orders(world, len(seeds)), seeds)
    b = world.faction_index("b")
    changed = state.quality[:, b] == 1.5
    assert changed.any() and not changed.all()  # only in the runs where it fired
    assert (state.quality[~changed, b] == 1.0).all()
    for run, run_events in enumerate(events):
        reports = [e for e in run_events if isinstance(e, ScriptedQuality)]
        assert bool(reports) == bool(changed[run])
    (report,) = [
        e for e in events[int(np.flatnonzero(changed)[0])] if isinstance(e, ScriptedQuality)
    ]
    assert report.describe() == "B: combat quality 1.00, now 1.50."
    later, _ = resolve_turn(world, state, no_orders(world, len(seeds)), seeds)
    assert (later.quality[changed, b] == 1.5).all()


# -- victory -----------------------------------------------------------------------------------


def test_a_victory_held_for_turns_needs_them_in_a_row() -> None:
    """A must hold P for 3 turn ends: it does from the start, so it wins after turn 3."""
    world = _world([], [{"faction": "a", "control": ["p"], "hold_turns": 3}])
    states, events = _play(world, 3)
    assert [int(s.held_turns[0, 0]) for s in states] == [0, 1, 2, 3]
    assert [int(s.winner[0]) for s in states[:3]] == [NO_WINNER] * 3
    assert int(states[3].winner[0]) == world.faction_index("a")
    assert any(isinstance(e, Victory) for e in events[2])


def test_a_break_in_holding_starts_the_count_again() -> None:
    """A holds R (empty); an event hands R to B in turn 2 and back to A in turn 3, so A,
    needing 3 turn ends in a row, wins only after turn 5."""
    away = {
        "id": "away",
        "when": {"turn": 2},
        "effects": [{"control": {"location": "r", "faction": "b"}}],
    }
    back = {
        "id": "back",
        "when": {"turn": 3},
        "effects": [{"control": {"location": "r", "faction": "a"}}],
    }
    victory = [{"faction": "a", "control": ["r"], "hold_turns": 3}]
    world = _world([away, back], victory, garrison_q={"b": 4.0})
    data = world.scenario.to_data()
    data["locations"][2]["garrison"] = {}  # nobody at R, so the hand-overs stick
    world = compile_world(scenario_from_data(data))
    states, _ = _play(world, 5)
    assert [int(s.held_turns[0, 0]) for s in states] == [0, 1, 0, 1, 2, 3]
    assert [int(s.winner[0]) for s in states] == [NO_WINNER] * 5 + [world.faction_index("a")]


def test_a_game_with_hold_turns_one_ends_as_before() -> None:
    """hold_turns 1 (the default) wins at the first turn end the places are held."""
    world = _world([], [{"faction": "a", "control": ["p"]}])
    states, _ = _play(world, 1)
    assert int(states[1].winner[0]) == world.faction_index("a")


def test_the_new_fields_are_part_of_the_digest_and_the_runs() -> None:
    world = _world([], [{"faction": "a", "control": ["q"], "hold_turns": 2}])
    start = initial_state(world, 2)
    quality = start.quality.copy()
    quality[1, 0] = 2.0
    changed = start.evolve(quality=quality)
    assert changed.run(0).digest() == start.run(0).digest()
    assert changed.run(1).digest() != start.run(1).digest()
    held = start.held_turns.copy()
    held[0, 0] = 1
    assert start.evolve(held_turns=held).digest() != start.digest()
    assert (start.repeated(3).quality == start.quality[:1]).all()


def test_a_game_replays_the_same_firing() -> None:
    world = _world([_message({"chance": 0.5})])
    first, second = (
        Game(world, 9, states=[initial_state(world)]),
        Game(world, 9, states=[initial_state(world)]),
    )
    for _ in range(6):
        assert first.end_turn() == second.end_turn()
    assert first.state.digest() == second.state.digest()


@pytest.mark.parametrize(
    "when",
    [{"turn": 2, "for_turns": 3}, {"from_turn": 2, "for_turns": 3}, {"from_turn": 2}, {"turn": 2}],
)
def test_the_reference_reads_turn_windows_as_the_engine_does(when: dict[str, Any]) -> None:
    """Found by Hypothesis: the reference once read ``turn`` with ``for_turns`` as that turn
    only."""
    world = _world([_message(when)], max_turns=6)
    for played in range(6):
        state = initial_state(world).evolve(turn=played)
        engine, _ = run_scripted_events(world, state, [7])
        _, reference = ref.scripted_events(world, state, 7)
        assert engine.fired.tolist() == [reference.fired.tolist()], when
