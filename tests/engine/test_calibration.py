"""The seed scenario keeps history plausible: each milestone of late 2024 happens by its date
in between 10% and 90% of computer-vs-computer games (docs/calibration.md)."""

from __future__ import annotations

from frontlines.engine.calibration import MILESTONES, PLAUSIBLE, calibrate

RUNS = 1000


KNOWN_MISSES = {
    "damascus": "Damascus fell on 8 December to factions from the south that aleppo-2024 does "
    "not have; since rules 3 a column from Homs needs two days on the 160 km of the M5, so "
    "the scenario's only way there no longer arrives in time (history as a test: issue 15)",
}
"""Milestones the model is known to miss, with the reason; the test holds them missed, so
that a change that reaches them again is seen."""


def test_every_milestone_of_2024_is_plausible_by_its_date() -> None:
    report = calibrate(RUNS, seed=0, variants=("no-russian-air",))
    low, high = PLAUSIBLE
    for row in report["base"]:
        if row["place"] in KNOWN_MISSES:
            assert row["chance"] < low, f"{row['milestone']} is reached again: review KNOWN_MISSES"
            continue
        assert low <= row["chance"] <= high, (
            f"{row['milestone']} by {row['date']}: {row['chance']:.1%} of {RUNS} games, "
            f"outside {low:.0%}-{high:.0%}"
        )
    assert [row["place"] for row in report["base"]] == [m.place for m in MILESTONES]
    # Without Russian air support every milestone comes sooner, not later.
    for base, variant in zip(report["base"], report["no-russian-air"], strict=True):
        assert variant["chance"] > base["chance"], base["milestone"]


def test_the_milestones_follow_the_order_of_events() -> None:
    """Damascus lies beyond Homs: by the same day it never falls more often than Homs."""
    report = calibrate(RUNS, seed=1)
    chance = {row["place"]: row["chance"] for row in report["base"]}
    assert chance["damascus"] <= chance["homs"]
