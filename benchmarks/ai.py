"""How fast the computer opponents and forecasts are.

    python -m benchmarks.ai [--repeat N] [--profile forecast]

Prints JSON with medians over ``--repeat`` repeats:

* ``forecast``: a whole AI-vs-AI forecast of aleppo-2024, B = 1000 games of 14 turns with
  every faction played by the heuristic (easy) policy and the full rules, in run-turns per
  second (budget 50,000); the same games played one at a time (measured on a subset and
  scaled) and the ratio (budget 30x);
* ``decision_ms``: one decision of the look-ahead opponents for the government's side at the
  start and at turn 5 (budget 250 ms for normal).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from typing import Any

import numpy as np

from frontlines.engine import load_scenario
from frontlines.engine.ai import choose_orders, heuristic_orders
from frontlines.engine.forecast import play_out, run_seeds
from frontlines.engine.game import Game
from frontlines.engine.state import initial_state
from frontlines.engine.turn import resolve_turn
from frontlines.engine.world import compile_world

SEED_SCENARIO = "aleppo-2024"
RUNS = 1000
TURNS = 14
ONE_AT_A_TIME_SUBSET = 40
BUDGETS = {
    "forecast_run_turns_per_s_min": 50_000,
    "forecast_batch_speedup_min": 30.0,
    "normal_decision_ms_max": 250.0,
}


def _median_seconds(call: Any, repeat: int) -> float:
    call()  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(repeat: int) -> dict[str, Any]:
    scenario = load_scenario(SEED_SCENARIO)
    world = compile_world(scenario)
    start = initial_state(world)
    everyone = np.ones(world.n_factions, dtype=bool)

    def batched() -> None:
        play_out(world, start, runs=RUNS, turns=TURNS, seed=0)

    seeds = run_seeds(0, 0, ONE_AT_A_TIME_SUBSET)

    def alone() -> None:
        for seed in seeds:
            state = start
            for _ in range(TURNS):
                orders = heuristic_orders(world, state, everyone)
                state, _ = resolve_turn(world, state, orders, [seed], record=False)

    batched_s = _median_seconds(batched, repeat)
    alone_s = _median_seconds(alone, max(1, repeat // 2)) * RUNS / ONE_AT_A_TIME_SUBSET
    rate = RUNS * TURNS / batched_s
    alone_rate = RUNS * TURNS / alone_s
    out: dict[str, Any] = {
        "forecast": {
            "scenario": SEED_SCENARIO,
            "games": RUNS,
            "turns": TURNS,
            "seconds": round(batched_s, 3),
            "run_turns_per_s": round(rate),
            "one_at_a_time_run_turns_per_s": round(alone_rate),
            "one_at_a_time_measured_on": ONE_AT_A_TIME_SUBSET,
            "speedup": round(rate / alone_rate, 1),
        }
    }

    game = Game.new(scenario, seed=11)
    side = ["government", "russia", "iran"]
    positions = {"start": game.state}
    for _ in range(5):
        game.end_turn(choose_orders(game.world, game.state, list(world.faction_ids), "easy", 11))
    positions["turn_5"] = game.state
    decisions: dict[str, dict[str, float]] = {}
    for level in ("easy", "normal", "hard"):
        decisions[level] = {
            name: round(
                1000
                * _median_seconds(
                    lambda state=state, level=level: choose_orders(world, state, side, level, 11),
                    repeat,
                ),
                2,
            )
            for name, state in positions.items()
        }
    out["decision_ms"] = decisions
    out["budgets"] = BUDGETS
    out["within_budget"] = {
        "forecast_run_turns_per_s": rate >= BUDGETS["forecast_run_turns_per_s_min"],
        "forecast_batch_speedup": rate / alone_rate >= BUDGETS["forecast_batch_speedup_min"],
        "normal_decision_ms": max(decisions["normal"].values())
        <= BUDGETS["normal_decision_ms_max"],
    }
    return out


def profile() -> str:
    """A cProfile of one B = 1000 forecast (top 20 functions by own time)."""
    world = compile_world(load_scenario(SEED_SCENARIO))
    start = initial_state(world)
    profiler = cProfile.Profile()
    profiler.enable()
    play_out(world, start, runs=RUNS, turns=TURNS, seed=0)
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(20)
    return text.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", choices=["forecast"], help="profile a forecast instead")
    args = parser.parse_args()
    if args.profile:
        sys.stdout.write(profile())
        return
    json.dump(measure(args.repeat), sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
