"""The public strategies: what they generate is valid, and reaches every part of the rules."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.strategies import SearchStrategy

from frontlines.engine import events as ev
from frontlines.engine import strategies as fst
from frontlines.engine.scenario import Scenario, scenario_from_data
from frontlines.engine.scenario.model import Trigger
from frontlines.engine.scenario.rules import Rules
from frontlines.engine.state import NO_WINNER
from frontlines.engine.world import BIT_SET_LIMIT, compile_world

SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]
SEARCH = settings(
    max_examples=300, derandomize=True, database=None, deadline=None, suppress_health_check=SLOW
)


reach = pytest.mark.skipif(
    os.environ.get("HYPOTHESIS_PROFILE") == "mutate",
    reason="what the strategies reach checks the strategies, not the rules",
)


def examples(count: int) -> int:
    """``count`` examples: fewer if the loaded profile asks for fewer (``mutate``), ten times
    as many under ``soak``."""
    default = settings.default.max_examples
    return count * 10 if default >= 5000 else min(count, default)


@settings(max_examples=examples(100), deadline=None, suppress_health_check=SLOW)
@given(data=fst.scenario_data())
def test_generated_scenarios_validate(data: dict[str, Any]) -> None:
    scenario_from_data(data)


@settings(max_examples=examples(5), deadline=None, suppress_health_check=SLOW)
@given(scenario=fst.big_scenarios())
def test_big_scenarios_are_big(scenario: Scenario) -> None:
    assert len(scenario.factions) > 7
    assert 17 <= len(scenario.locations) <= 120
    scenario_from_data(scenario.to_data())


@given(rules=fst.rules_data())
def test_generated_rules_validate(rules: dict[str, Any]) -> None:
    Rules.model_validate(rules)


# -- what the scenarios reach ------------------------------------------------------------------


def _triggers(trigger: Trigger) -> Iterator[Trigger]:
    yield trigger
    for sub in (trigger.all or []) + (trigger.any or []):
        yield from _triggers(sub)


def _all_triggers(s: Scenario) -> list[Trigger]:
    return [t for event in s.events for t in _triggers(event.when)]


def _effects(s: Scenario) -> list[Any]:
    return [effect for event in s.events for effect in event.effects]


REACHES: dict[str, Callable[[Scenario], bool]] = {
    "a turn trigger": lambda s: any(t.turn for t in _all_triggers(s)),
    "a control trigger": lambda s: any(
        t.controlled and not t.controlled.or_allies for t in _all_triggers(s)
    ),
    "a control trigger with allies": lambda s: any(
        t.controlled and t.controlled.or_allies for t in _all_triggers(s)
    ),
    "a morale trigger": lambda s: any(t.morale_below for t in _all_triggers(s)),
    "any inside all": lambda s: any(
        t.all and any(sub.any for sub in t.all) for t in _all_triggers(s)
    ),
    "a message": lambda s: any(e.message for e in _effects(s)),
    "sorties set": lambda s: any(e.sorties and e.sorties.set is not None for e in _effects(s)),
    "sorties changed": lambda s: any(
        e.sorties and e.sorties.change is not None for e in _effects(s)
    ),
    "forces added": lambda s: any(e.forces and e.forces.change > 0 for e in _effects(s)),
    "forces removed": lambda s: any(e.forces and e.forces.change < 0 for e in _effects(s)),
    "morale changed": lambda s: any(e.morale for e in _effects(s)),
    "an alliance joined": lambda s: any(e.alliance and e.alliance.join for e in _effects(s)),
    "an alliance left": lambda s: any(e.alliance and e.alliance.leave for e in _effects(s)),
    "a repeating event": lambda s: any(not e.once for e in s.events),
    "a disabled event": lambda s: any(not e.enabled for e in s.events),
    "two alliances": lambda s: len(s.alliances) >= 2,
    "a points victory by a turn": lambda s: any(v.points and v.by_turn for v in s.victory),
    "a control victory at the end": lambda s: any(v.control and v.at_end for v in s.victory),
    "reinforcements on the same turn": lambda s: (
        len({r.turn for r in s.reinforcements}) < len(s.reinforcements)
    ),
    "air support with and without a base": lambda s: (
        len({a.base is None for a in s.air_support}) == 2
    ),
    "air support for an ally": lambda s: any(a.provider != a.beneficiary for a in s.air_support),
    "air defence": lambda s: any(0 < loc.air_defence < 1 for loc in s.locations),
    "tiny garrisons": lambda s: any(
        0 < amount <= 1e-3 for loc in s.locations for amount in loc.garrison.values()
    ),
    "a hostile garrison": lambda s: any(
        f != loc.controller
        and not any(f in a.members and loc.controller in a.members for a in s.alliances)
        for loc in s.locations
        for f in loc.garrison
    ),
    **{
        f"rules: {group}": (
            lambda s, group=group: getattr(s.rules, group) != type(getattr(s.rules, group))()
        )
        for group in ("terrain", "posture", "morale", "combat", "air", "supply")
    },
}


@reach
def test_big_scenarios_reach_every_size_of_map() -> None:
    sizes = {
        "8-bit place sets": lambda w: 16 < w.n_locations <= BIT_SET_LIMIT,
        "too many places for sets": lambda w: w.n_locations > BIT_SET_LIMIT,
        "more than 7 factions": lambda w: w.n_factions > 7,
    }
    assert reached(fst.big_scenarios().map(compile_world), sizes, 40) == set(sizes)
    dense = {"no one-hot matrix": lambda w: w.dst_matrix is None}
    many_routes = fst.big_scenarios(min_locations=120, min_extra_routes=1500, max_extra_routes=1500)
    assert reached(many_routes.map(compile_world), dense, 3) == set(dense)


# -- what play reaches -------------------------------------------------------------------------


def _events_of(turn: fst.PlayedTurn) -> list[str]:
    return [type(e).__name__ for e in turn.events]


PLAY: dict[str, Callable[[fst.PlayedTurn], bool]] = {
    "a battle": lambda t: "Battle" in _events_of(t),
    "a capture after a battle": lambda t: any(
        isinstance(e, ev.Capture) and e.fought for e in t.events
    ),
    "a capture without a battle": lambda t: any(
        isinstance(e, ev.Capture) and not e.fought for e in t.events
    ),
    "a retreat": lambda t: any(isinstance(e, ev.Retreat) and e.to for e in t.events),
    "an airstrike": lambda t: "StrikeFlown" in _events_of(t),
    "civilian casualties": lambda t: "CivilianCasualties" in _events_of(t),
    "close support in a battle": lambda t: any(
        isinstance(e, ev.Battle)
        and any(f.name == "air support" and f.attacker * f.defender > 1 for f in e.factors)
        for e in t.events
    ),
    "reinforcements": lambda t: any(
        isinstance(e, ev.ReinforcementReport) and e.arrived for e in t.events
    ),
    "reinforcements turned back": lambda t: any(
        isinstance(e, ev.ReinforcementReport) and not e.arrived for e in t.events
    ),
    "a scripted event": lambda t: (
        "Message" in _events_of(t) or any(name.startswith("Scripted") for name in _events_of(t))
    ),
    "a morale collapse": lambda t: "MoraleCollapse" in _events_of(t),
    "a victory": lambda t: any(isinstance(e, ev.Victory) and e.winner for e in t.events),
    "a draw": lambda t: any(isinstance(e, ev.Victory) and not e.winner for e in t.events),
    "forces cut off": lambda t: bool(t.after.unsupplied.any()),
    "an attack across a crossing": lambda t: any(
        isinstance(e, ev.Battle) and any(f.name == "crossing" and f.attacker < 1 for f in e.factors)
        for e in t.events
    ),
    "a route cut or closed": lambda t: any(
        isinstance(e, ev.ScriptedRoute) and e.closed for e in t.events
    ),
    "a closed route in play": lambda t: bool(t.before.closed.any()),
    "a game already over": lambda t: bool(t.before.done[0]) and t.after.winner[0] != NO_WINNER,
    "tiny orders": lambda t: any(0 < getattr(o, "amount", 1.0) <= 1e-3 for o in t.orders),
}


class _AllFound(Exception):
    """Every check has passed on some example: no need to draw more."""


def reached(
    strategy: SearchStrategy[Any], checks: dict[str, Callable[[Any], bool]], count: int
) -> set[str]:
    """The checks that some of up to ``count`` derandomized examples of ``strategy`` pass
    (it stops drawing once every check has passed)."""
    found: set[str] = set()
    # Each example is reduced to the names of the checks it passes (so that stopping early,
    # which Hypothesis reports as a failure, shows a short value).
    passed = strategy.map(lambda example: frozenset(n for n, c in checks.items() if c(example)))

    @settings(SEARCH, max_examples=count, phases=[Phase.generate])
    @given(names=passed)
    def collect(names: frozenset[str]) -> None:
        found.update(names)
        if len(found) == len(checks):
            raise _AllFound

    with contextlib.suppress(_AllFound):
        collect()
    return found


@reach
def test_scenarios_and_play_reach_every_path() -> None:
    """One pass over turns of play checks both what the scenarios hold and what play does."""
    checks: dict[str, Callable[[fst.PlayedTurn], bool]] = {
        **{f"scenario: {name}": _on_scenario(check) for name, check in REACHES.items()},
        **{f"play: {name}": check for name, check in PLAY.items()},
    }
    missing = set(checks) - reached(fst.turns(), checks, 1000)
    assert not missing, f"not reached: {sorted(missing)}"


def _on_scenario(check: Callable[[Scenario], bool]) -> Callable[[fst.PlayedTurn], bool]:
    return lambda turn: check(turn.world.scenario)


@reach
def test_batched_turns_differ_run_by_run() -> None:
    def differ(batch: fst.BatchTurn) -> bool:
        assert batch.before.batch == len(batch.seeds) == len(batch.orders) == len(batch.events)
        return len(set(batch.seeds)) > 1 and not np.array_equal(
            batch.after.forces[0], batch.after.forces[1]
        )

    assert reached(fst.batched_turns(), {"different runs": differ}, 30)


@settings(max_examples=examples(20), deadline=None, suppress_health_check=SLOW)
@given(turn=fst.turns())
def test_a_turn_is_what_resolve_turn_made_of_it(turn: fst.PlayedTurn) -> None:
    from frontlines.engine.orders import compile_orders, validate
    from frontlines.engine.turn import resolve_turn

    before, orders, after, events = turn
    for i, order in enumerate(orders):
        validate(turn.world, before, order, orders[:i])
    again, again_events = resolve_turn(
        turn.world, before, compile_orders(turn.world, [orders]), [turn.seed]
    )
    assert again.digest() == after.digest()
    assert again_events[0] == events
