"""The behaviour oracle: a fixed, broad, deterministic workload whose output is compared with
the unmutated code's, to tell a mutant that changes behaviour from one not seen to.

The workload plays every shipped scenario and variant, generated grid maps and scenarios
drawn (derandomized) from :mod:`frontlines.engine.strategies`: whole games of random legal orders
(``random.Random`` with fixed seeds, amounts scaled), batches of games at B > 1 played by the
heuristic computer player with ``record=False`` and ``record=True`` and a turn of arrays that
were never validated, and, every few turns, hostile and random orders put to ``validate``,
``is_legal``, ``compile_orders`` and the order data round trip. Its output is lines of text:
state digests, every event's ``describe()`` and ``repr``, each order's outcome.
"""

from __future__ import annotations

import random
import warnings
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from benchmarks.generated import generated_scenario
from frontlines.engine import orders as orders_module
from frontlines.engine import strategies as fst
from frontlines.engine.ai import heuristic_orders
from frontlines.engine.game import Game
from frontlines.engine.orders import (
    Airstrike,
    Attack,
    CloseSupport,
    IllegalOrderError,
    Move,
    Order,
    available_sorties,
    compile_orders,
    is_legal,
    legal_orders,
    order_from_data,
    order_to_data,
    validate,
)
from frontlines.engine.saves import game_from_data, game_to_data
from frontlines.engine.scenario import Scenario, apply_variant, load_scenario, shipped_ids
from frontlines.engine.state import State, initial_state
from frontlines.engine.turn import resolve_turn
from frontlines.engine.world import World, compile_world
from tests.mutate.probes import crafted_scenarios, noise_lines, phase_lines

Ledger = getattr(orders_module, "Ledger", None)
"""What ``validate`` takes instead of a list of pending orders, where it exists."""
TEXT_LIMIT = 400
PROBE_EVERY = 3
"""Hostile orders are tried at the start and after every this many turns."""
PHASE_TURNS = 2
"""The phases are called on their own in the first turns of each batch."""
AMOUNTS: tuple[Any, ...] = (0, 0.0, -1.0, 1, float("nan"), float("inf"), -float("inf"), 1e308)
AMOUNTS += (10**400, 5e-324, True, "3", None, -0.0)
SORTIES: tuple[Any, ...] = (0, -1, 1, 2, 3, 10**6, True, 1.5, "2", None)
MALFORMED: tuple[dict[str, Any], ...] = (
    {},
    {"kind": "nuke"},
    {"kind": "attack"},
    {"kind": "move", "faction": "a", "origin": "b", "target": "c", "amount": 1, "extra": 1},
    {"kind": "airstrike", "faction": "a", "air_support": "b", "target": "c", "sorties": 2},
)


def _short(text: str) -> str:
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 3] + "..."


def _around_difference(was: str, got: str) -> tuple[str, str]:
    """Two differing lines, cut to the part around where they start to differ."""
    start = next((k for k, (a, b) in enumerate(zip(was, got, strict=False)) if a != b), None)
    start = min(len(was), len(got)) if start is None else start
    cut = max(0, start - TEXT_LIMIT // 4)
    lead = "..." if cut else ""
    return lead + _short(was[cut:]), lead + _short(got[cut:])


def _drawn(strategy: st.SearchStrategy[Scenario], count: int) -> list[Scenario]:
    """The first ``count`` scenarios a derandomized Hypothesis run draws (the same each time)."""
    found: list[Scenario] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(scenario: Scenario) -> None:
        found.append(scenario)

    collect()
    return found[:count]


@dataclass(frozen=True)
class Part:
    """A scenario of the workload: how many games of random orders to play on it (seeds 1,
    2, ...), and the batch size and turns of its heuristic games (all turns if ``None``)."""

    label: str
    scenario: Scenario
    games: int
    batch: int
    batch_turns: int | None = None


@cache
def parts() -> tuple[Part, ...]:
    """The scenarios played, and how."""
    chosen: list[Part] = []
    for sid in shipped_ids():
        scenario = load_scenario(sid)
        chosen.append(Part(sid, scenario, 2, 4))
        chosen += [
            Part(f"{sid}/{v}", apply_variant(scenario, v), 1, 2) for v in scenario.variant_ids()
        ]
    chosen.append(Part("grid-16", generated_scenario(16, seed=1), 1, 4))
    chosen.append(Part("grid-36", generated_scenario(36, seed=2), 1, 2, 12))
    chosen.append(Part("grid-100", generated_scenario(100, seed=3), 0, 64, 6))
    chosen += [Part(label, scenario, 2, 3) for label, scenario in crafted_scenarios()]
    small = _drawn(fst.scenarios(max_locations=6), 10)
    many = _drawn(fst.scenarios(min_factions=8, max_factions=9, max_locations=8), 4)
    chosen += [Part(f"drawn-{k}", s, 2, 3) for k, s in enumerate(small + many)]
    return tuple(chosen)


def _outcome(call: Callable[[], object]) -> str:
    """What a call did: its result, the refusal's reason, or the exception it raised."""
    try:
        value = call()
    except IllegalOrderError as exc:
        return f"refused: {exc}"
    except Exception as exc:
        return f"raised {type(exc).__name__}: {_short(str(exc))}"
    return "ok" if value is None else _short(repr(value))


def _scaled(order: Order, rng: random.Random) -> Order:
    share = rng.choice((0.25, 0.5, 1.0, 1.0, rng.random()))
    if isinstance(order, Attack | Move):
        return type(order)(order.faction, order.origin, order.target, order.amount * share)
    return type(order)(
        order.faction, order.air_support, order.target, max(1, int(order.sorties * share))
    )


def _digest_arrays(arrays: Any) -> str:
    return " ".join(
        f"{a.sum():.12g}/{np.count_nonzero(a)}"
        for a in (arrays.flow, arrays.strike, arrays.support)
    )


def _hostile(world: World, state: State, legal: list[Order], rng: random.Random) -> Iterator[Order]:
    """Random and hostile orders: unknown ids, absurd amounts, wrong air entries, too much."""
    factions = [*world.faction_ids, "nobody", ""]
    places = [*world.location_ids, "atlantis"]
    entries = [*world.air_ids, "ghost"]
    for _ in range(24):
        faction = rng.choice(factions)
        origin, target = rng.choice(places), rng.choice(places)
        if world.arc_src.size and rng.random() < 0.7:
            arc = rng.randrange(world.arc_src.size)
            origin = world.location_ids[int(world.arc_src[arc])]
            target = world.location_ids[int(world.arc_dst[arc])]
        present = 0.0
        if faction in world.lookup["factions"] and origin in world.lookup["locations"]:
            present = float(
                state.forces[0, world.faction_index(faction), world.location_index(origin)]
            )
        amount = rng.choice((*AMOUNTS, present, present + 1e-6, present + 1e-10, present / 2))
        kind: type[Order] = rng.choice((Attack, Move, Airstrike, CloseSupport))
        if kind in (Attack, Move):
            yield kind(faction, origin, target, amount)
        else:
            sorties = rng.choice((*SORTIES, *available_sorties(world, state)[0].tolist()))
            yield kind(faction, rng.choice(entries), target, sorties)
    for order in legal:  # the legal orders again, with more than is left once some are pending
        yield order
    for order in legal[:8]:  # close support for the attacks (some of them pending by now)
        for entry, provider in zip(world.air_ids, world.air_provider.tolist(), strict=True):
            if isinstance(order, Attack):
                yield CloseSupport(world.faction_ids[provider], entry, order.target, 1)


def _probes(world: World, state: State, rng: random.Random) -> Iterator[str]:
    """Orders put to the rules of legality, alone and after pending orders."""
    legal = [o for f in world.faction_ids for o in legal_orders(world, state, f)]
    yield f"available {available_sorties(world, state).tolist()}"
    pending: list[Order] = []
    for order in _hostile(world, state, legal, rng):
        verdict = _outcome(lambda o=order: validate(world, state, o, pending))  # type: ignore[misc]
        legal_now = is_legal(world, state, order, pending)
        yield f"validate {order!r} after {len(pending)}: {verdict} {legal_now}"
        if Ledger is not None:
            ledger = Ledger.of(pending)
            check = _outcome(lambda o=order, led=ledger: validate(world, state, o, led))  # type: ignore[misc]
            yield f"with ledger: {check}"
        if verdict == "ok" and rng.random() < 0.6:
            pending.append(order)
    yield f"compiled {_digest_arrays(compile_orders(world, [pending, pending[::2]]))}"
    for order in legal:
        data = order_to_data(order)
        yield f"data {sorted(data.items())} {order_from_data(data) == order} {order.describe()}"
    for bad in MALFORMED:
        yield f"from data {bad}: {_outcome(lambda b=bad: order_from_data(b))}"  # type: ignore[misc]


def _game(label: str, scenario: Scenario, seed: int) -> Iterator[str]:
    """A whole game of random legal orders, with every turn's digest and events."""
    rng = random.Random(f"{label}:{seed}")
    game = Game.new(scenario, seed=seed)
    factions = [f.id for f in scenario.factions]
    while not game.over:
        if game.turn % PROBE_EVERY == 0:
            yield from _probes(game.world, game.state, rng)
        for faction in factions:
            options = game.legal_orders(faction)
            yield f"legal {faction} ({len(options)}): {options!r}"
            for option in options:
                if rng.random() < 0.45:
                    order = _scaled(option, rng)
                    yield f"issue {order!r}: {_outcome(lambda o=order: game.issue(o))}"  # type: ignore[misc]
        for event in game.end_turn():
            yield f"{event.describe()} | {event!r}"
        yield f"turn {game.turn} {game.digest()}"
    yield f"winner {game.state.winner.tolist()} after {game.turn}"
    saved = game_from_data(game_to_data(game), scenario=scenario)
    yield f"replayed {saved.digest() == game.digest()}"


def _batch(label: str, scenario: Scenario, batch: int, turns: int | None) -> Iterator[str]:
    """Games at B > 1 by the heuristic player, resolved with and without recording."""
    world = compile_world(scenario)
    state = initial_state(world, batch)
    seeds = np.arange(batch, dtype=np.uint64) * 7919 + 11
    everyone = np.ones(world.n_factions, dtype=bool)
    rng = np.random.default_rng(zlib.crc32(label.encode()))
    while not state.done.all() and (turns is None or state.turn < turns):
        orders = heuristic_orders(world, state, everyone)
        if state.turn == 1:  # arrays that were never validated
            for array in (orders.flow, orders.strike, orders.support):
                cells = rng.random(array.shape) < 0.2
                array[cells] = rng.choice([np.nan, np.inf, -5.0, 1e308, 0.5], size=int(cells.sum()))
        if state.turn < PHASE_TURNS:
            yield from phase_lines(world, state, orders, seeds)
        quiet, _ = resolve_turn(world, state, orders, seeds, record=False)
        state, events = resolve_turn(world, state, orders, seeds, record=True)
        yield f"batch turn {state.turn} {state.digest()} {quiet.digest()}"
        for run, run_events in enumerate(events):
            for event in run_events:
                yield f"run {run}: {event.describe()} | {event!r}"
    yield f"batch winners {state.winner.tolist()}"


def _guarded(label: str, lines: Iterator[str]) -> Iterator[str]:
    """The lines of one part of the workload; an exception ends that part with its name."""
    yield f"== {label}"
    try:
        yield from lines
    except Exception as exc:
        yield f"{label}: raised {type(exc).__name__}: {_short(str(exc))}"


def workload() -> Iterator[str]:
    """Every line of the oracle's output, in order."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield from _guarded("noise and helpers", noise_lines())
        for part in parts():
            label, scenario, batch = part.label, part.scenario, part.batch
            for seed in range(1, part.games + 1):
                yield from _guarded(f"{label} game {seed}", _game(label, scenario, seed))
            lines = _batch(label, scenario, batch, part.batch_turns)
            yield from _guarded(f"{label} batch {batch}", lines)


@cache
def baseline() -> tuple[str, ...]:
    """The unmutated code's output (worked out once, in the parent, before any fork)."""
    return tuple(workload())


def first_difference(expected: tuple[str, ...]) -> dict[str, Any] | None:
    """Run the workload and compare it with ``expected``; ``None`` if every line is the
    same, else where the first difference is and the two lines there."""
    count, part = 0, ""
    for count, line in enumerate(workload(), start=1):
        index = count - 1
        if index >= len(expected) or line != expected[index]:
            was = expected[index] if index < len(expected) else "(the output ended here)"
            shown = _around_difference(was, line)
            return {"line": count, "part": part, "expected": shown[0], "got": shown[1]}
        if line.startswith("== "):
            part = line[3:]
    if count < len(expected):
        got = "(the output ended here)"
        return {"line": count + 1, "part": part, "expected": _short(expected[count]), "got": got}
    return None
