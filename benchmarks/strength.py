"""How strong the computer opponents are, as JSON.

    python -m benchmarks.strength [--games N]

For every shipped scenario, playable faction and level: the share of N games (seeds 0..N-1)
in which that faction's side, played by the level, beats a player giving random legal orders
(wins, or ends without a winner holding more than it started with). Then, for each playable
faction of the seed scenario, how often ``hard`` scores higher than ``easy`` playing that
side against ``easy`` opponents on the same seeds (``engine.ai.evaluate`` at the end).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from frontlines.engine.ai.matches import RANDOM, play_match
from frontlines.engine.scenario import load_scenario, shipped_ids

LEVELS = ("easy", "normal", "hard")


def measure(games: int) -> dict[str, Any]:
    started = time.perf_counter()
    against_random: dict[str, Any] = {}
    for scenario_id in shipped_ids():
        scenario = load_scenario(scenario_id)
        playable = [f.id for f in scenario.factions if f.playable]
        rows: dict[str, Any] = {}
        for level in LEVELS:
            per_faction = {
                faction: sum(
                    play_match(scenario, faction, level, RANDOM, seed).beat_opponent
                    for seed in range(games)
                )
                / games
                for faction in playable
            }
            rows[level] = {
                "beats_random": round(sum(per_faction.values()) / len(per_faction), 3),
                "by_faction": {f: round(r, 3) for f, r in per_faction.items()},
            }
        against_random[scenario_id] = rows

    seed_scenario = load_scenario("aleppo-2024")
    hard_vs_easy: dict[str, Any] = {}
    for faction in (f.id for f in seed_scenario.factions if f.playable):
        better = worse = 0
        for seed in range(games):
            hard = play_match(seed_scenario, faction, "hard", "easy", seed).score
            easy = play_match(seed_scenario, faction, "easy", "easy", seed).score
            better += hard > easy
            worse += hard < easy
        hard_vs_easy[faction] = {"hard_better": better, "easy_better": worse, "games": games}
    return {
        "games_per_case": games,
        "against_random": against_random,
        "hard_vs_easy_aleppo_2024": hard_vs_easy,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--games", type=int, default=20)
    args = parser.parse_args()
    json.dump(measure(args.games), sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
