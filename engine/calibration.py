"""Calibration against history: how likely the model makes what happened, by when it happened.

    python -m engine.calibration [--runs N] [--seed S] [--variant NAME]

History gives dates the seed scenario can be held to (context facts of seeds/aleppo-2024.yaml,
not the article): the offensive began on 27 November 2024 (turn 1); the opposition held most
of Aleppo by 30 November (turn 4); Hama fell on 5 December (turn 9); Homs on 7-8 December and
Damascus on 8 December (turn 12). A plausible model gives each milestone a chance between 10%
and 90% by its date: neither certain nor impossible. ``docs/calibration.md`` records the
figures and what was tuned to reach them.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from typing import Any

from frontlines.engine.forecast import ForecastRequest, forecast
from frontlines.engine.report import ForecastReport, Summary
from frontlines.engine.scenario import load_scenario

SCENARIO = "aleppo-2024"
PLAUSIBLE = (0.10, 0.90)


@dataclass(frozen=True)
class Milestone:
    """A place out of its first holder's hands by the end of a turn."""

    place: str
    turn: int
    date: str
    what: str


MILESTONES = (
    Milestone("aleppo", 4, "2024-11-30", "the opposition holds Aleppo"),
    Milestone("hama", 9, "2024-12-05", "Hama falls"),
    Milestone("homs", 12, "2024-12-08", "Homs falls"),
    Milestone("damascus", 12, "2024-12-08", "Damascus falls"),
)


def milestone_chances(report: ForecastReport, section: Summary) -> list[dict[str, Any]]:
    """Each milestone's chance in one section of a forecast report (its base or a variant)."""
    start = report.start_turn
    rows = []
    for m in MILESTONES:
        fallen = section.location(m.place).fallen_by_turn
        chance = fallen[min(m.turn - start, len(fallen) - 1)]
        rows.append(
            {
                "milestone": m.what,
                "place": m.place,
                "by_turn": m.turn,
                "date": m.date,
                "chance": chance,
                "plausible": PLAUSIBLE[0] <= chance <= PLAUSIBLE[1],
            }
        )
    return rows


def calibrate(runs: int, seed: int, variants: tuple[str, ...] = ()) -> dict[str, Any]:
    """Forecast the seed scenario and report the milestones for the base and each variant."""
    scenario = load_scenario(SCENARIO)
    report = forecast(ForecastRequest(scenario, runs, scenario.max_turns, seed, variants))
    out: dict[str, Any] = {
        "scenario": SCENARIO,
        "runs": runs,
        "seed": seed,
        "plausible_range": list(PLAUSIBLE),
        "base": milestone_chances(report, report.base),
        "victory": report.base.victory.to_data(),
    }
    for variant in report.variants:
        out[variant.id] = milestone_chances(report, variant.summary)
    return out


def main() -> None:
    """Calibrate with the runs, seed and variants the command line gives; print the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--variant", action="append", default=[])
    args = parser.parse_args()
    json.dump(calibrate(args.runs, args.seed, tuple(args.variant)), sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
