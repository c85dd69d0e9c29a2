"""Golden games: a fixed scenario, seed and order list, with the exact outcome pinned.

``python -m tests.golden.runner --write`` records the current outcomes in ``expected.json``
(do that only when a rules change is meant to change them, and say so in the commit).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from engine import Game, load_scenario
from engine.events import Battle, Reinforcement
from tests.golden.orders import GOLDEN_ORDERS

EXPECTED = Path(__file__).with_name("expected.json")


def play_golden(scenario_id: str) -> dict[str, Any]:
    """Play a golden game to its end; returns what is pinned about it."""
    seed, turns = GOLDEN_ORDERS[scenario_id]
    game = Game.new(load_scenario(scenario_id), seed=seed)
    world = game.world
    record: list[dict[str, Any]] = []
    # Losses: what each faction had, plus what arrived, minus what it has at the end.
    losses = dict(zip(world.faction_ids, game.state.forces[0].sum(axis=1).tolist(), strict=True))
    while not game.over:
        orders = turns[game.turn] if game.turn < len(turns) else []
        events = game.end_turn(orders)
        for event in events:
            if isinstance(event, Reinforcement) and event.arrived:
                entry = next(
                    r
                    for r in game.scenario.reinforcements
                    if r.turn == event.turn and r.location == event.location
                )
                losses[entry.faction] += entry.strength
        state = game.state
        record.append(
            {
                "turn": state.turn,
                "digest": game.digest(),
                "controller": {
                    loc: world.faction_ids[state.controller[0, i]]
                    for i, loc in enumerate(world.location_ids)
                },
                "forces": {
                    f: {
                        loc: round(float(state.forces[0, fi, li]), 6)
                        for li, loc in enumerate(world.location_ids)
                        if state.forces[0, fi, li] > 0
                    }
                    for fi, f in enumerate(world.faction_ids)
                },
                "battles": sum(isinstance(e, Battle) for e in events),
            }
        )
    for f, remaining in zip(world.faction_ids, game.state.forces[0].sum(axis=1), strict=True):
        losses[f] -= float(remaining)
    winner = int(game.state.winner[0])
    facts = {}
    if "aleppo" in world.location_ids and len(record) >= 4:
        facts["aleppo_on_day_4"] = record[3]["controller"]["aleppo"]
    return {
        "facts": facts,
        "seed": seed,
        "final_digest": game.digest(),
        "turns_played": game.turn,
        "winner": world.faction_ids[winner] if winner >= 0 else "draw",
        "losses": {f: round(v, 3) for f, v in losses.items()},
        "turns": record,
    }


def first_divergence(expected: dict[str, Any], actual: dict[str, Any]) -> str:
    """Where two golden records first differ, in words."""
    for exp, act in zip(expected["turns"], actual["turns"], strict=False):
        if exp["digest"] == act["digest"]:
            continue
        turn = exp["turn"]
        for loc, holder in exp["controller"].items():
            if act["controller"].get(loc) != holder:
                return (
                    f"turn {turn}: {loc} is held by {act['controller'].get(loc)}, expected {holder}"
                )
        for faction, places in exp["forces"].items():
            for loc in sorted(set(places) | set(act["forces"].get(faction, {}))):
                want, got = places.get(loc, 0.0), act["forces"].get(faction, {}).get(loc, 0.0)
                if want != got:
                    return f"turn {turn}: {faction} at {loc} has {got}, expected {want}"
        return f"turn {turn}: the state differs (morale, supply or other counters)"
    if len(expected["turns"]) != len(actual["turns"]):
        return f"the game lasted {len(actual['turns'])} turns, expected {len(expected['turns'])}"
    return "no difference"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="record the current outcomes")
    args = parser.parse_args()
    results = {sid: play_golden(sid) for sid in GOLDEN_ORDERS}
    if args.write:
        EXPECTED.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
        print(f"wrote {EXPECTED}")
    else:
        expected = json.loads(EXPECTED.read_text())
        for sid, result in results.items():
            print(sid, first_divergence(expected[sid], result))


if __name__ == "__main__":
    main()
