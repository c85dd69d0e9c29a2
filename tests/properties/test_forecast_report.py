"""Any forecast's report agrees with itself: the chances of every ending and of every holder
add up to one, each variant's difference to the base is the difference of their chances and
lies inside its interval, and the JSON reads back as the same report."""

from __future__ import annotations

import json
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.engine.forecast import ForecastRequest, forecast
from frontlines.engine.report import Chances, Difference, ForecastReport, Summary
from frontlines.engine.scenario import Scenario, load_scenario, shipped_ids


@cache
def shipped(scenario_id: str) -> Scenario:
    return load_scenario(scenario_id)


def rounding(n: int) -> float:
    """How far a sum of ``n`` chances, each rounded to four decimals, may be from the truth."""
    return n * 5e-5 + 1e-9


def check_sums_to_one(chances: list[float], what: str) -> None:
    assert abs(sum(chances) - 1.0) <= rounding(len(chances)), (what, chances)
    assert all(0.0 <= p <= 1.0 for p in chances), (what, chances)


def check_summary(report: ForecastReport, summary: Summary, scenario: Scenario) -> None:
    factions = [faction for faction, _ in report.factions]
    victory = summary.victory
    assert [faction for faction, _ in victory.factions] == factions
    check_sums_to_one([*(p for _, p in victory.factions), victory.draw, victory.undecided], "won")
    assert [place.id for place in summary.locations] == [loc.id for loc in scenario.locations]
    for place in summary.locations:
        assert [faction for faction, _ in place.at_end] == factions
        check_sums_to_one([p for _, p in place.at_end], place.id)
        assert len(place.by_turn) == len(place.fallen_by_turn) == report.turns + 1
        assert place.by_turn[0] == ((place.holder_at_start, 1.0),)
        for shares in place.by_turn:
            check_sums_to_one([p for _, p in shares], place.id)
            assert all(p > 0 for _, p in shares) and _in_order(shares, factions)
        assert tuple((f, p) for f, p in place.at_end if p) == place.by_turn[-1]
        fallen = list(place.fallen_by_turn)
        assert fallen[0] == 0.0 and fallen == sorted(fallen), place.id
        assert place.changes_hands <= fallen[-1], place.id


def _in_order(shares: Chances, factions: list[str]) -> bool:
    return [f for f, _ in shares] == [f for f in factions if f in dict(shares)]


def check_difference(d: Difference, paired: float, runs: int, what: str) -> None:
    # The mean of paired differences is the difference of the two means, up to rounding.
    assert abs(d.difference - paired) <= rounding(4), (what, d, paired)
    if runs == 1:
        assert d.ci95 is None, what
    else:
        assert d.ci95 is not None, what
        low, high = d.ci95
        assert low <= d.difference <= high, (what, d)
        assert d.excludes_zero == (low > 0 or high < 0)


def check_report(report: ForecastReport, scenario: Scenario) -> None:
    """Every invariant a forecast report keeps, whatever the request."""
    assert [faction for faction, _ in report.factions] == [f.id for f in scenario.factions]
    assert len(report.days) == report.turns
    check_summary(report, report.base, scenario)
    for variant in report.variants:
        check_summary(report, variant.summary, scenario)
        compared = variant.compared_to_base
        mine, base = variant.summary.victory, report.base.victory
        assert [name for name, _ in compared.victory] == [*(f for f, _ in report.factions), "draw"]
        for name, d in compared.victory:
            check_difference(d, mine.chance(name) - base.chance(name), report.runs, name)
        assert [place for place, _ in compared.changes_hands] == [
            loc.id for loc in scenario.locations
        ]
        for place, d in compared.changes_hands:
            paired = (
                variant.summary.location(place).changes_hands
                - report.base.location(place).changes_hands
            )
            check_difference(d, paired, report.runs, place)
    text = json.dumps(report.to_data(), ensure_ascii=False)
    assert ForecastReport.from_data(json.loads(text)) == report


@st.composite
def requests(draw: st.DrawFn) -> ForecastRequest:
    """A small forecast of a shipped scenario, with some of its variants."""
    scenario = shipped(draw(st.sampled_from(sorted(shipped_ids()))))
    variants = draw(st.lists(st.sampled_from([v.id for v in scenario.variants]), unique=True))
    return ForecastRequest(
        scenario,
        runs=draw(st.integers(1, 24)),
        turns=draw(st.integers(1, scenario.max_turns)),
        seed=draw(st.integers(0, 2**64 - 1)),
        variants=tuple(variants),
    )


@settings(max_examples=25, deadline=None)
@given(requests())
def test_every_report_is_consistent(request: ForecastRequest) -> None:
    check_report(forecast(request), request.scenario)


@pytest.mark.parametrize("runs", [1, 2])
def test_a_report_of_one_or_two_runs_is_consistent(runs: int) -> None:
    scenario = shipped("aleppo-2024")
    variants = tuple(v.id for v in scenario.variants)
    report = forecast(ForecastRequest(scenario, runs=runs, turns=6, seed=4, variants=variants))
    check_report(report, scenario)
