r"""Long games: the heuristic plays every faction of a batch of games, as forecasts do, for far
more turns than any scenario lasts, on every shipped scenario, on a 100-place grid and on
generated scenarios. Every turn keeps the rules' invariants (no NaN, no negative force, one
controller per place, morale in 0..1) and the AI never sends more than is there; a second
play of the same seeds gives the same digests at every checkpoint; and memory stays flat.

By default each scenario plays 200 turns at B = 64 (about 30 s in all). The full soak,
1,000 turns at B = 256:

    FRONTLINES_SOAK_TURNS=1000 FRONTLINES_SOAK_BATCH=256 \
        .venv/bin/pytest tests/robustness/test_long_games.py -s

``-s`` prints one line of figures per scenario; ``FRONTLINES_SOAK_GENERATED`` sets how many
generated scenarios are played (default 3). Turns are at most 1,000, the scenario format's
limit on ``max_turns``.

Measured with that command on a 2-core machine (5 min 17 s in all, each scenario played
twice, once under tracemalloc): aleppo-2024 4.8 s a play (54,000 run-turns/s), hama-2024
4.5 s, two-rivers 2.7 s, the grid 113 s (2,300 run-turns/s: over 52 places the supply flood
dominates), 4 generated scenarios of 3 to 11 places 1.4 to 3.9 s each. Traced memory grew by
2.3 to 2.9 KB from turn 100 to turn 1,000 on every scenario (0.9 MB allowed), the peak of a
turn by at most 18 KB; the process's peak RSS was 121 MB.

Why the scenarios are changed: the shipped scenarios end after 8 to 14 turns, and a victory
ends a run at once. The runs of a batch share one turn counter, so a finished run cannot be
restarted from the start without playing it at the wrong turn (reinforcements and scripted
events go by turn). Instead every scenario is played with ``max_turns`` raised to the soak's
length and its victory conditions removed, validated again by the scenario model: every
phase runs on every run every turn, except that victory only declares the draw after the
last turn (victory itself is covered by ``tests/properties``).
"""

from __future__ import annotations

import gc
import os
import time
import tracemalloc
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import given, settings

from benchmarks.generated import generated_scenario
from frontlines.engine import Scenario, compile_world, initial_state, load_scenario, resolve_turn
from frontlines.engine import strategies as fst
from frontlines.engine.ai.heuristic import heuristic_orders, varied_params
from frontlines.engine.forecast import COMMANDER_SIGMA, run_seeds
from frontlines.engine.invariants import check_turn
from frontlines.engine.scenario import scenario_from_data, shipped_ids
from frontlines.engine.world import World

TURNS = int(os.environ.get("FRONTLINES_SOAK_TURNS", "200"))
BATCH = int(os.environ.get("FRONTLINES_SOAK_BATCH", "64"))
GENERATED = int(os.environ.get("FRONTLINES_SOAK_GENERATED", "3"))
SEED = 1000
CHECKPOINTS = 10
"""Digests and memory are taken every ``TURNS / CHECKPOINTS`` turns; the first checkpoint
ends the warm-up."""
SMALLEST_LEAK = 8
"""Bytes per run per turn of the smallest leak that matters: one float64 per run."""
ONE_OFF_ALLOWANCE = 64 * 1024
"""Bytes that first-use caches (numpy's, Python's) may add after the warm-up."""


def endless(scenario: Scenario, turns: int) -> Scenario:
    """The scenario without victory conditions, lasting ``turns`` turns (or its own length,
    if longer), validated again so that the format's limits apply."""
    data = scenario.model_dump(mode="json", by_alias=True)
    data["max_turns"] = max(turns, scenario.max_turns)
    data["victory"] = []
    return scenario_from_data(data)


@dataclass
class Soak:
    """What one long play gave: digests and traced memory at each checkpoint."""

    turns: list[int] = field(default_factory=list)
    digests: list[str] = field(default_factory=list)
    memory: list[tuple[int, int]] = field(default_factory=list)  # (current, peak) bytes
    seconds: float = 0.0


def play(world: World, turns: int, batch: int, *, trace: bool) -> Soak:
    """Play ``batch`` games of ``world`` for ``turns`` turns, every faction by the heuristic
    with commanders varied per run and turn (as forecasts play), checking every turn."""
    seeds = run_seeds(SEED, 0, batch)
    everyone = np.ones(world.n_factions, dtype=bool)
    state = initial_state(world, batch)
    every = max(turns // CHECKPOINTS, 1)
    soak = Soak()
    started_tracing = trace and not tracemalloc.is_tracing()
    if started_tracing:
        tracemalloc.start()
    start = time.perf_counter()
    try:
        for turn in range(1, turns + 1):
            commanders = varied_params(seeds, state.turn + 1, COMMANDER_SIGMA)
            orders = heuristic_orders(world, state, everyone, commanders)
            assert np.isfinite(orders.flow).all() and (orders.flow >= 0).all()
            assert (world.sum_at_origins(orders.flow) <= state.forces + 1e-9).all()
            after, _ = resolve_turn(world, state, orders, seeds, record=False)
            check_turn(world, state, after)
            state = after
            if turn % every == 0 or turn == turns:
                soak.turns.append(turn)
                soak.digests.append(state.digest())
                if trace:
                    gc.collect()
                    soak.memory.append(tracemalloc.get_traced_memory())
                    tracemalloc.reset_peak()
        soak.seconds = time.perf_counter() - start
    finally:
        if started_tracing:
            tracemalloc.stop()
    assert state.done.all(), "every run ends after max_turns"
    return soak


def peak_rss_mb() -> float | None:
    """The process's peak resident memory in MB, where the platform reports it."""
    try:
        import resource
    except ImportError:
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def soak_and_check(name: str, scenario: Scenario) -> None:
    world = compile_world(endless(scenario, TURNS))
    traced = play(world, TURNS, BATCH, trace=True)
    again = play(world, TURNS, BATCH, trace=False)
    assert again.digests == traced.digests, "the same seeds gave a different game"

    # Memory is flat if what stays allocated after the warm-up (the first checkpoint) does
    # not grow with the turns played. tracemalloc sees Python's and numpy's allocations
    # exactly, unlike RSS, which the allocator keeps as it likes. A leak of the smallest
    # size that matters (one float64 per run per turn) would add 8 * B bytes a turn; we
    # allow half of that over the rest of the soak, and at least 64 KiB for first-use
    # caches (about 2 KB is measured). The 1,000 x 256 soak so allows 0.9 MB. The peak of
    # each stretch between checkpoints (the working set of a turn) may not grow either: it
    # varies with what the games do (a turn of many battles needs more than a quiet one), so
    # the highest peak of the second half of the soak is compared with that of the first.
    (warm_current, warm_peak), *rest = traced.memory
    allowance = max(ONE_OFF_ALLOWANCE, SMALLEST_LEAK * BATCH * (TURNS - traced.turns[0]) // 2)
    growth = traced.memory[-1][0] - warm_current
    peaks = [warm_peak] + [peak for _, peak in rest]
    half = (len(peaks) + 1) // 2
    peak_growth = max(peaks[half:], default=peaks[-1]) - max(peaks[:half])
    rss = peak_rss_mb()
    print(
        f"\n{name}: {TURNS} turns x {BATCH} runs, {world.n_locations} places: "
        f"{again.seconds:.1f} s ({TURNS * BATCH / again.seconds:,.0f} run-turns/s; "
        f"{traced.seconds:.1f} s traced); traced memory after turn {traced.turns[0]} "
        f"{warm_current / 1024:.0f} KB, after turn {TURNS} {traced.memory[-1][0] / 1024:.0f} KB "
        f"(growth {growth:+,} B, allowed {allowance:,} B), peak growth {peak_growth:+,} B"
        + (f"; peak RSS {rss:.0f} MB" if rss is not None else "")
    )
    assert growth < allowance, f"memory grew by {growth:,} bytes over the soak"
    assert peak_growth < allowance, f"a turn's peak memory grew by {peak_growth:,} bytes"


@pytest.mark.slow
@pytest.mark.parametrize("scenario_id", shipped_ids())
def test_shipped_scenarios_play_long_games(scenario_id: str) -> None:
    soak_and_check(scenario_id, load_scenario(scenario_id))


@pytest.mark.slow
def test_a_hundred_place_grid_plays_long_games() -> None:
    """Over 52 places, so supply floods along the arcs instead of through sets of places held
    in one integer (``World.neighbour_bits`` is ``None``): the other code path."""
    soak_and_check("grid-100", generated_scenario(100, seed=0))


@pytest.mark.slow
@settings(max_examples=GENERATED, deadline=None)
@given(scenario=fst.scenarios(min_locations=3, max_locations=12))
def test_generated_scenarios_play_long_games(scenario: Scenario) -> None:
    soak_and_check(f"generated {scenario.id!r}", scenario)
