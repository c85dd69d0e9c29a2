"""Forecasts: many AI-vs-AI games of a scenario at once, and what changes between variants.

Every faction is played by the heuristic policy. Run ``i`` has the same seed in the base and
in every variant (common random numbers), so a variant's difference to the base is measured
run by run: the paired difference and its 95% confidence interval. Runs are played in
chunks; by batch invariance the result does not depend on the chunk size. The result is a
:class:`~frontlines.engine.report.ForecastReport`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from frontlines.engine.ai.heuristic import heuristic_orders, varied_params
from frontlines.engine.arrays import IntArray
from frontlines.engine.report import (
    Comparison,
    Difference,
    ForecastReport,
    LocationSummary,
    Summary,
    VariantReport,
    Victory,
)
from frontlines.engine.rules.noise import mix
from frontlines.engine.scenario import Scenario, apply_variant
from frontlines.engine.state import DRAW, NO_WINNER, State, initial_state
from frontlines.engine.turn import resolve_turn
from frontlines.engine.world import World, compile_world

COMMANDER_SIGMA = 0.25
"""Spread of the commanders' boldness from run to run (see ``varied_params``)."""
CHUNK = 1000
"""Runs played together in one batch."""
MAX_RUNS = 100_000
"""Each run keeps who held each place after each turn (two bytes each): about 50 MB per world
at this many runs of the seed scenario."""
Z95 = 1.959963984540054
FORECAST_SALT = 0x464F524543415354
GOLDEN = 0x9E3779B97F4A7C15

Progress = Callable[[int, int], None]
"""Called with (turns played so far, turns in all) as the forecast goes."""


def run_seeds(seed: int, first: int, count: int) -> np.ndarray:
    """The seeds of runs ``first .. first + count - 1`` of a forecast with ``seed``."""
    with np.errstate(over="ignore"):
        key = mix(np.uint64(seed) ^ np.uint64(FORECAST_SALT))
        index = np.arange(first, first + count, dtype=np.uint64)
        values: np.ndarray = mix(mix(key + index * np.uint64(GOLDEN)))
    return values


@dataclass(frozen=True, eq=False)
class Outcomes:
    """What happened in every run of one world: ``controller[r, t, l]`` after turn
    ``start_turn + t`` (t = 0 is the start) and ``winner[r]`` after the last turn."""

    world: World
    start: State
    controller: np.ndarray  # R x (T + 1) x L, int16
    winner: IntArray  # R

    @property
    def runs(self) -> int:
        """The number of runs."""
        return int(self.winner.shape[0])

    def falls(self) -> np.ndarray:
        """``R x (T + 1) x L``: whether each place is held by a side hostile to its holder at
        the start."""
        start_holder = self.start.controller[0]  # L
        allied = self.start.allied[0]  # F x F
        fallen: np.ndarray = ~allied[start_holder[np.newaxis, np.newaxis, :], self.controller]
        return fallen


def play_out(
    world: World,
    start: State,
    *,
    runs: int,
    turns: int,
    seed: int,
    progress: Progress | None = None,
    done_before: int = 0,
    total: int = 0,
) -> Outcomes:
    """Play ``runs`` games from ``start`` (a State with B = 1) for ``turns`` turns."""
    everyone = np.ones(world.n_factions, dtype=bool)
    controller = np.empty((runs, turns + 1, world.n_locations), dtype=np.int16)
    winner = np.empty(runs, dtype=np.int64)
    played = done_before
    for first in range(0, runs, CHUNK):
        count = min(CHUNK, runs - first)
        seeds = run_seeds(seed, first, count)
        state = start.repeated(count)
        controller[first : first + count, 0] = state.controller
        for t in range(1, turns + 1):
            commanders = varied_params(seeds, state.turn + 1, COMMANDER_SIGMA)
            orders = heuristic_orders(world, state, everyone, commanders)
            state, _ = resolve_turn(world, state, orders, seeds, record=False)
            controller[first : first + count, t] = state.controller
            played += count
            if progress is not None:
                progress(played, total or runs * turns)
        winner[first : first + count] = state.winner
    return Outcomes(world, start, controller, winner)


# -- summaries ---------------------------------------------------------------------------------


def _p(count: float, runs: int) -> float:
    return round(float(count) / runs, 4)


def _difference(variant: np.ndarray, base: np.ndarray) -> Difference:
    """Mean paired difference of two 0/1 arrays over the same runs, with a 95% interval."""
    d = variant.astype(np.float64) - base.astype(np.float64)
    n = d.size
    mean = float(d.mean())
    sd = float(d.std(ddof=1)) if n > 1 else 0.0
    half = Z95 * sd / math.sqrt(n) if n > 1 else float("nan")
    ci95 = (round(mean - half, 4), round(mean + half, 4)) if n > 1 else None
    return Difference(round(mean, 4), ci95)


def _victory(outcomes: Outcomes) -> Victory:
    w = outcomes.world
    return Victory(
        factions=tuple(
            (f, _p(np.sum(outcomes.winner == i), outcomes.runs))
            for i, f in enumerate(w.faction_ids)
        ),
        draw=_p(np.sum(outcomes.winner == DRAW), outcomes.runs),
        undecided=_p(np.sum(outcomes.winner == NO_WINNER), outcomes.runs),
    )


def _day(world: World, turn: int) -> str:
    return world.first_day(turn).isoformat()


def _locations(outcomes: Outcomes) -> tuple[LocationSummary, ...]:
    w = outcomes.world
    runs, start_turn = outcomes.runs, outcomes.start.turn
    falls = outcomes.falls()
    fallen_by = np.maximum.accumulate(falls, axis=1)
    result = []
    n_f = w.n_factions
    for loc, place in enumerate(w.location_ids):
        held = outcomes.controller[:, :, loc]  # R x (T + 1)
        counts = np.stack([np.bincount(held[:, t], minlength=n_f) for t in range(held.shape[1])])
        by_turn = fallen_by[:, :, loc].mean(axis=0)  # T + 1
        half = np.flatnonzero(by_turn >= 0.5)
        result.append(
            LocationSummary(
                id=place,
                holder_at_start=w.faction_ids[int(outcomes.start.controller[0, loc])],
                at_end=tuple((f, _p(counts[-1, i], runs)) for i, f in enumerate(w.faction_ids)),
                changes_hands=_p(np.sum(falls[:, -1, loc]), runs),
                fallen_by_turn=tuple(
                    _p(np.sum(fallen_by[:, t, loc]), runs) for t in range(held.shape[1])
                ),
                turn_half_fallen=int(half[0]) + start_turn if half.size else None,
                by_turn=tuple(
                    tuple(
                        (f, _p(counts[t, i], runs))
                        for i, f in enumerate(w.faction_ids)
                        if counts[t, i]
                    )
                    for t in range(held.shape[1])
                ),
            )
        )
    return tuple(result)


def summarise(outcomes: Outcomes) -> Summary:
    """Per faction the chance of victory; per location who holds it at the end and by turn,
    and how likely (and when) it changes hands."""
    return Summary(_victory(outcomes), _locations(outcomes))


def compare(variant: Outcomes, base: Outcomes) -> Comparison:
    """The variant's paired differences to the base: victory chances and places falling."""
    w = base.world
    victory = [
        (f, _difference(variant.winner == i, base.winner == i)) for i, f in enumerate(w.faction_ids)
    ]
    victory.append(("draw", _difference(variant.winner == DRAW, base.winner == DRAW)))
    falls_v, falls_b = variant.falls()[:, -1], base.falls()[:, -1]
    places = tuple(
        (place, _difference(falls_v[:, loc], falls_b[:, loc]))
        for loc, place in enumerate(w.location_ids)
    )
    return Comparison(tuple(victory), places)


@dataclass(frozen=True)
class ForecastRequest:
    """What to forecast. ``start`` (a State with B = 1 and the world it belongs to) replaces
    the scenario's start, for forecasts from a save; it cannot be combined with variants."""

    scenario: Scenario
    runs: int
    turns: int
    seed: int
    variants: Sequence[str] = ()
    start: tuple[World, State] | None = None
    source: str | None = None


def forecast(request: ForecastRequest, progress: Progress | None = None) -> ForecastReport:
    """Run the forecast and return its report (the same report for the same request)."""
    if request.start is not None and request.variants:
        raise ValueError("a forecast from a saved position cannot also play variants")
    base_world, start = request.start or (None, None)
    if base_world is None or start is None:
        base_world = compile_world(request.scenario)
        start = initial_state(base_world)
    worlds = [("base", base_world)] + [
        (name, compile_world(apply_variant(request.scenario, name))) for name in request.variants
    ]
    total = request.runs * request.turns * len(worlds)
    outcomes: dict[str, Outcomes] = {}
    for index, (name, world) in enumerate(worlds):
        # A variant starts from its own position (its garrisons, morale, sorties); a save's
        # position is the same for all (variants cannot be combined with a save).
        outcomes[name] = play_out(
            world,
            start if index == 0 or request.start is not None else initial_state(world),
            runs=request.runs,
            turns=request.turns,
            seed=request.seed,
            progress=progress,
            done_before=index * request.runs * request.turns,
            total=total,
        )
    scenario = base_world.scenario
    base = outcomes["base"]
    variants = []
    for name, _ in worlds[1:]:
        spec = next(v for v in request.scenario.variants if v.id == name)
        variants.append(
            VariantReport(
                id=name,
                title=spec.title,
                summary=summarise(outcomes[name]),
                compared_to_base=compare(outcomes[name], base),
            )
        )
    return ForecastReport(
        scenario=scenario.id,
        title=scenario.title,
        source=request.source or scenario.id,
        runs=request.runs,
        turns=request.turns,
        seed=request.seed,
        start_turn=start.turn,
        days=tuple(_day(base_world, start.turn + t) for t in range(1, request.turns + 1)),
        opponents="easy",
        factions=tuple(zip(base_world.faction_ids, base_world.faction_names, strict=True)),
        base=summarise(base),
        variants=tuple(variants),
    )
