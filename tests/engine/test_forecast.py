"""Forecasts: deterministic reports, probabilities that add up, paired variant comparisons."""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import yaml

import frontlines.engine.forecast
from frontlines.engine import Game, load_scenario
from frontlines.engine.ai import choose_orders
from frontlines.engine.forecast import ForecastRequest, forecast, run_seeds
from frontlines.engine.report import Difference, ForecastReport, Summary
from frontlines.engine.saves import load_game, save_game
from frontlines.engine.scenario import Scenario, load_scenario_text
from frontlines.engine.scenario.loader import shipped_dir


@cache
def aleppo() -> Scenario:
    return load_scenario("aleppo-2024")


@cache
def report_of(runs: int, turns: int, seed: int, variants: tuple[str, ...] = ()) -> ForecastReport:
    """A forecast of aleppo-2024 (shared between tests; a report is a frozen value)."""
    return forecast(ForecastRequest(aleppo(), runs=runs, turns=turns, seed=seed, variants=variants))


def sections(report: ForecastReport) -> list[Summary]:
    return [report.base, *(variant.summary for variant in report.variants)]


def test_the_same_request_gives_the_same_report() -> None:
    request = ForecastRequest(aleppo(), runs=30, turns=14, seed=11, variants=("prepared-defence",))
    first, second = forecast(request), forecast(request)
    assert first == second
    assert json.dumps(first.to_data()) == json.dumps(second.to_data())


def test_run_seeds_do_not_depend_on_how_runs_are_split() -> None:
    seeds = run_seeds(5, 0, 50)
    np.testing.assert_array_equal(run_seeds(5, 20, 30), seeds[20:])
    assert len(set(seeds.tolist())) == 50


def test_forecasts_with_different_seeds_share_no_runs() -> None:
    runs = {seed: set(run_seeds(seed, 0, 100).tolist()) for seed in range(8)}
    shared = [(a, b) for a in runs for b in runs if a < b and runs[a] & runs[b]]
    assert shared == [], f"seeds sharing a run: {shared}"


def test_the_report_does_not_depend_on_the_chunk_size(monkeypatch: pytest.MonkeyPatch) -> None:
    request = ForecastRequest(aleppo(), runs=20, turns=14, seed=3, variants=("no-russian-air",))
    whole = forecast(request)
    monkeypatch.setattr(frontlines.engine.forecast, "CHUNK", 7)
    assert forecast(request) == whole


def test_probabilities_add_up() -> None:
    report = report_of(60, 14, 2, ("no-russian-air", "prepared-defence"))
    turns, start = report.turns, report.start_turn
    assert len(report.days) == turns
    factions = [faction for faction, _ in report.factions]
    for section in sections(report):
        victory = section.victory
        assert [faction for faction, _ in victory.factions] == factions
        chances = [p for _, p in victory.factions] + [victory.draw, victory.undecided]
        assert sum(chances) == pytest.approx(1.0, abs=1e-3)
        assert [info.id for info in section.locations] == [loc.id for loc in aleppo().locations]
        for info in section.locations:
            place = info.id
            assert len(info.by_turn) == len(info.fallen_by_turn) == turns + 1
            for shares in info.by_turn:
                assert sum(p for _, p in shares) == pytest.approx(1.0, abs=1e-3), place
            assert [faction for faction, _ in info.at_end] == factions
            assert sum(p for _, p in info.at_end) == pytest.approx(1.0, abs=1e-3), place
            assert tuple((f, p) for f, p in info.at_end if p) == info.by_turn[-1]
            fallen = list(info.fallen_by_turn)
            assert all(0.0 <= p <= 1.0 for p in fallen)
            assert fallen == sorted(fallen), f"{place}: fallen_by_turn goes down: {fallen}"
            # A place may be retaken: held by the enemy at the end implies it fell once.
            assert info.changes_hands <= fallen[-1] + 1e-9, place
            half = info.turn_half_fallen
            if half is None:
                assert fallen[-1] < 0.5, place
            else:  # the first turn by which the place has fallen in half the runs
                assert start < half <= start + turns
                assert fallen[half - start] >= 0.5 > max([0.0, *fallen[: half - start]])


def test_the_first_turn_shows_the_start() -> None:
    report = report_of(60, 14, 2, ("no-russian-air", "prepared-defence"))
    scenario = aleppo()
    assert report.days[0] == scenario.start_date.isoformat()
    for location in scenario.locations:
        info = report.base.location(location.id)
        assert info.holder_at_start == location.controller
        assert info.by_turn[0] == ((location.controller, 1.0),)
        assert info.fallen_by_turn[0] == 0.0


def test_variants_are_compared_on_the_same_runs_as_the_base() -> None:
    with_variants = report_of(60, 14, 2, ("no-russian-air", "prepared-defence"))
    assert with_variants.base == report_of(60, 14, 2).base


def with_a_variant_that_changes_nothing() -> Scenario:
    data = yaml.safe_load((shipped_dir() / "aleppo-2024.yaml").read_text(encoding="utf-8"))
    data["variants"].append(
        {
            "id": "retold",
            "title": "The same war, told in other words",
            "changes": {
                "description": "The same offensive, described differently.",
                "factions": {"government": {"description": "The same army."}},
                "events": {"offensive-opens": {"enabled": True}},
            },
        }
    )
    return load_scenario_text(yaml.safe_dump(data, sort_keys=False), name="retold.yaml")


def test_a_variant_that_changes_nothing_differs_by_exactly_zero() -> None:
    scenario = with_a_variant_that_changes_nothing()
    report = forecast(ForecastRequest(scenario, runs=40, turns=14, seed=9, variants=("retold",)))
    variant = report.variant("retold")
    assert variant.summary == report.base
    compared = variant.compared_to_base
    differences = [d for _, d in (*compared.victory, *compared.changes_hands)]
    assert len(differences) == len(report.factions) + 1 + len(scenario.locations)
    for d in differences:
        assert d == Difference(0.0, (0.0, 0.0))


def test_a_variant_comparison_gives_each_difference_with_its_interval() -> None:
    report = report_of(200, 14, 0, ("no-russian-air",))
    variant = report.variant("no-russian-air")
    assert variant.title == "No Russian air support"
    compared = variant.compared_to_base
    assert [name for name, _ in compared.victory] == [f for f, _ in report.factions] + ["draw"]
    assert [place for place, _ in compared.changes_hands] == [loc.id for loc in aleppo().locations]
    for name, d in [*compared.victory, *compared.changes_hands]:
        assert d.ci95 is not None, name
        lo, hi = d.ci95
        assert -1.0 <= lo <= d.difference <= hi <= 1.0, (name, d)
    for faction, d in compared.victory:
        paired = variant.summary.victory.chance(faction) - report.base.victory.chance(faction)
        assert d.difference == pytest.approx(paired, abs=1e-3), faction
    json.dumps(report.to_data())  # plain JSON data


def test_a_forecast_from_a_save_starts_at_the_saved_position(tmp_path: Path) -> None:
    game = Game.new(aleppo(), seed=3)
    for _ in range(2):
        game.end_turn(choose_orders(game.world, game.state, game.world.faction_ids, "easy", 3))
    path = tmp_path / "game.json"
    save_game(game, path)
    saved = load_game(path)
    left = aleppo().max_turns - saved.turn
    request = ForecastRequest(
        aleppo(), runs=30, turns=left, seed=0, start=(saved.world, saved.state), source=str(path)
    )
    report = forecast(request)
    assert report.start_turn == 2
    assert report.source == str(path)
    assert report.days[0] == (aleppo().start_date + timedelta(days=2)).isoformat()
    assert date.fromisoformat(report.days[-1]) == aleppo().start_date + timedelta(days=13)
    captured = []
    for location in aleppo().locations:
        holder = saved.world.faction_ids[
            int(saved.state.controller[0, saved.world.location_index(location.id)])
        ]
        info = report.base.location(location.id)
        # Changes of hands are counted from the saved position, not the scenario's start.
        assert info.holder_at_start == holder
        assert info.by_turn[0] == ((holder, 1.0),)
        assert info.fallen_by_turn[0] == 0.0
        if holder != location.controller:
            captured.append(location.id)
    assert captured, "nothing changed hands in the two turns played; pick another seed"


def test_progress_is_reported_up_to_every_run_turn() -> None:
    calls: list[tuple[int, int]] = []
    request = ForecastRequest(aleppo(), runs=10, turns=5, seed=1, variants=("no-russian-air",))
    forecast(request, lambda done, total: calls.append((done, total)))
    total = 10 * 5 * 2
    assert calls[-1] == (total, total)
    assert all(t == total for _, t in calls)
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[0] > 0
