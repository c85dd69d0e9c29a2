"""How fast the engine plays turns: one game, a batch of games, and growing generated maps.

    python -m benchmarks.engine [--repeat N] [--profile CASE]

Prints JSON with medians over ``--repeat`` repeats (each repeat times a loop of turns and
takes the mean per turn, so the timer's resolution does not matter):

* ``turn_ms_b1``: one turn of aleppo-2024 at B = 1 with every faction's legal orders at the
  start (amounts halved), with and without building events (budget 1 ms);
* ``batch``: the same turn for B = 1000 games with different seeds in one call, against the
  same 1000 games played one at a time (measured on a subset and scaled; budget 30x);
* ``generated``: one turn of a generated map of 100, 300 and 1000 locations, with each
  faction attacking along a few routes, and the growth exponent of its cost from 100 to
  1000 locations (budget 10 ms at 1000, exponent at most 1).

``--profile CASE`` instead prints a cProfile of that case (top 15 by own time).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.generated import generated_scenario
from frontlines.engine import load_scenario
from frontlines.engine.orders import (
    Attack,
    GroundOrder,
    Order,
    OrderArrays,
    compile_orders,
    is_legal,
    legal_orders,
)
from frontlines.engine.state import State, initial_state
from frontlines.engine.turn import resolve_turn
from frontlines.engine.world import World, compile_world

SEED_SCENARIO = "aleppo-2024"
BATCH = 1000
ONE_AT_A_TIME_SUBSET = 100
GENERATED_SIZES = (100, 300, 1000)
ATTACKS_PER_FACTION = 4
BUDGETS = {
    "turn_ms_b1_max": 1.0,
    "batch_speedup_min": 30.0,
    "generated_1000_ms_max": 10.0,
    "generated_growth_exponent_max": 1.0,
}
PROFILE_CASES = ("b1", "b1-record", "batch", "one-at-a-time", "generated-1000")


def per_call_ms(call: Callable[[], object], repeat: int, inner: int) -> float:
    """Median over ``repeat`` repeats of the mean milliseconds per call of ``inner`` calls."""
    call()  # warm up caches and lazy imports
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(inner):
            call()
        times.append((time.perf_counter() - start) * 1000 / inner)
    return statistics.median(times)


def seed_orders(world: World, state: State) -> list[Order]:
    """A realistic legal turn for every faction: half of each force spread over the routes out
    of its location, and half the sorties of each air entry (while any are left)."""
    chosen: list[Order] = []
    for faction in world.faction_ids:
        offered = legal_orders(world, state, faction)
        arcs_from: dict[str, int] = {}
        for order in offered:
            if isinstance(order, GroundOrder):
                arcs_from[order.origin] = arcs_from.get(order.origin, 0) + 1
        for order in offered:
            candidate: Order
            if isinstance(order, GroundOrder):
                candidate = order.resized(order.amount / 2 / arcs_from[order.origin])
            else:
                candidate = order.resized(max(order.sorties // 2, 1))
            if is_legal(world, state, candidate, chosen):
                chosen.append(candidate)
    return chosen


def attack_orders(world: World, state: State) -> list[Order]:
    """A few attacks per faction, spread along its front, each with half the force there."""
    chosen: list[Order] = []
    for faction in world.faction_ids:
        attacks = [o for o in legal_orders(world, state, faction) if isinstance(o, Attack)]
        if not attacks:
            continue
        picks = np.linspace(0, len(attacks) - 1, min(ATTACKS_PER_FACTION, len(attacks)))
        for index in sorted(set(picks.round().astype(int).tolist())):
            a = attacks[index]
            amount = a.amount / 2
            # Several picks may share an origin; never send more than is there.
            candidate = Attack(a.faction, a.origin, a.target, amount)
            if is_legal(world, state, candidate, chosen):
                chosen.append(candidate)
    return chosen


class Cases:
    """Everything the measurements need, built once (and not timed)."""

    def __init__(self) -> None:
        self.world = compile_world(load_scenario(SEED_SCENARIO))
        self.state1 = initial_state(self.world, 1)
        self.orders_list = seed_orders(self.world, self.state1)
        self.orders1 = compile_orders(self.world, [self.orders_list])
        self.stateB = initial_state(self.world, BATCH)
        self.ordersB = self.orders1.repeated(BATCH)
        self.seeds = np.arange(1, BATCH + 1, dtype=np.uint64)
        self.generated: dict[int, tuple[World, State, OrderArrays, int]] = {}

    def generated_case(self, n: int) -> tuple[World, State, OrderArrays, int]:
        if n not in self.generated:
            world = compile_world(generated_scenario(n, seed=0))
            state = initial_state(world, 1)
            orders = attack_orders(world, state)
            self.generated[n] = (world, state, compile_orders(world, [orders]), len(orders))
        return self.generated[n]

    def turn_b1(self, record: bool) -> Callable[[], object]:
        w, s, o = self.world, self.state1, self.orders1
        return lambda: resolve_turn(w, s, o, [7], record=record)

    def turn_batch(self) -> Callable[[], object]:
        w, s, o, seeds = self.world, self.stateB, self.ordersB, self.seeds
        return lambda: resolve_turn(w, s, o, seeds, record=False)

    def one_at_a_time(self) -> Callable[[], object]:
        """The first ``ONE_AT_A_TIME_SUBSET`` games of the batch, each on its own."""
        w, s, o = self.world, self.state1, self.orders1
        seeds = self.seeds[:ONE_AT_A_TIME_SUBSET]

        def play() -> None:
            for seed in seeds:
                resolve_turn(w, s, o, [seed], record=False)

        return play

    def turn_generated(self, n: int) -> Callable[[], object]:
        w, s, o, _count = self.generated_case(n)
        return lambda: resolve_turn(w, s, o, [7], record=False)


def same_games(cases: Cases) -> bool:
    """Whether the batched turn gives each game exactly what playing it alone gives."""
    batched, _ = resolve_turn(cases.world, cases.stateB, cases.ordersB, cases.seeds, record=False)
    for run in range(0, BATCH, BATCH // 10):
        alone, _ = resolve_turn(
            cases.world, cases.state1, cases.orders1, [cases.seeds[run]], record=False
        )
        if alone.digest() != batched.run(run).digest():
            return False
    return True


def measure(repeat: int) -> dict[str, Any]:
    started = time.perf_counter()
    cases = Cases()
    out: dict[str, Any] = {
        "repeat": repeat,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "cpus": os.cpu_count(),
    }
    world = cases.world
    out["seed_scenario"] = {
        "id": SEED_SCENARIO,
        "factions": world.n_factions,
        "locations": world.n_locations,
        "arcs": world.n_arcs,
        "orders": len(cases.orders_list),
    }
    record_ms = per_call_ms(cases.turn_b1(record=True), repeat, inner=100)
    plain_ms = per_call_ms(cases.turn_b1(record=False), repeat, inner=100)
    out["turn_ms_b1"] = {"record": round(record_ms, 3), "no_record": round(plain_ms, 3)}

    batch_ms = per_call_ms(cases.turn_batch(), repeat, inner=5)
    subset_ms = per_call_ms(cases.one_at_a_time(), repeat, inner=1)
    alone_s = subset_ms / 1000 * BATCH / ONE_AT_A_TIME_SUBSET
    batched_rate = BATCH / (batch_ms / 1000)
    alone_rate = BATCH / alone_s
    out["batch"] = {
        "games": BATCH,
        "batched_seconds_per_turn": round(batch_ms / 1000, 4),
        "batched_run_turns_per_s": round(batched_rate),
        "one_at_a_time_seconds": round(alone_s, 4),
        "one_at_a_time_measured_on": ONE_AT_A_TIME_SUBSET,
        "one_at_a_time_run_turns_per_s": round(alone_rate),
        "speedup": round(batched_rate / alone_rate, 1),
        "same_results": same_games(cases),
    }

    generated: dict[str, Any] = {}
    times: dict[int, float] = {}
    for n in GENERATED_SIZES:
        w, _s, _o, count = cases.generated_case(n)
        times[n] = per_call_ms(cases.turn_generated(n), repeat, inner=20)
        generated[str(n)] = {
            "ms_per_turn": round(times[n], 3),
            "routes": len(w.src),
            "attack_orders": count,
        }
    low, high = GENERATED_SIZES[0], GENERATED_SIZES[-1]
    exponent = math.log(times[high] / times[low]) / math.log(high / low)
    out["generated"] = {"sizes": generated, "growth_exponent": round(exponent, 3)}

    out["budgets"] = BUDGETS
    out["within_budget"] = {
        "turn_ms_b1_record": record_ms <= BUDGETS["turn_ms_b1_max"],
        "turn_ms_b1_no_record": plain_ms <= BUDGETS["turn_ms_b1_max"],
        "batch_speedup": batched_rate / alone_rate >= BUDGETS["batch_speedup_min"],
        "generated_1000_ms": times[high] <= BUDGETS["generated_1000_ms_max"],
        "generated_growth_exponent": exponent <= BUDGETS["generated_growth_exponent_max"],
    }
    out["benchmark_seconds"] = round(time.perf_counter() - started, 1)
    return out


def profile(case: str, rounds: int = 200) -> str:
    """A cProfile of one case (top 15 functions by own time), as text."""
    cases = Cases()
    call = {
        "b1": cases.turn_b1(record=False),
        "b1-record": cases.turn_b1(record=True),
        "batch": cases.turn_batch(),
        "one-at-a-time": cases.one_at_a_time(),
        "generated-1000": cases.turn_generated(1000),
    }[case]
    if case in ("batch", "one-at-a-time"):
        rounds = 10
    call()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        call()
    profiler.disable()
    text = io.StringIO()
    text.write(f"{case}: {rounds} calls\n")
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(15)
    return text.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--profile", choices=PROFILE_CASES, help="profile one case instead")
    args = parser.parse_args()
    if args.profile:
        sys.stdout.write(profile(args.profile))
        return
    json.dump(measure(args.repeat), sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
