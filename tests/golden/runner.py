"""Golden games: a fixed scenario, seed and order list, with the exact outcome pinned: every
turn's digest, who holds what, every force and every event (battles with their factors,
losses by faction, retreats, strikes, civilian casualties, morale).

``python -m tests.golden.runner --write`` (or ``make repin``) records the current outcomes
in ``expected.json``, after a change of the rules that is meant to change them. It refuses
while the digests changed but ``RULES_VERSION`` did not: saves made under the old rules would
then be taken for saves of the new ones.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from frontlines.engine import Game, load_scenario
from frontlines.engine import events as ev
from frontlines.engine.orders import available_sorties
from frontlines.engine.rules import RULES_VERSION
from frontlines.engine.scenario import Scenario, shipped_ids
from frontlines.engine.view import observe
from tests.golden.orders import GOLDEN_ORDERS

EXPECTED = Path(__file__).with_name("expected.json")
SCENARIOS = Path(__file__).with_name("scenarios")
"""Scenarios made for golden games, beside the shipped ones."""
DIGITS = 9
"""Decimals kept of each number in an event (the digests pin the state exactly)."""


def golden_scenario(key: str) -> Scenario:
    """A shipped scenario by id, or one of the golden games' own by file name."""
    own = SCENARIOS / f"{key}.yaml"
    return load_scenario(own if own.is_file() else key)


def _plain(value: Any) -> Any:
    """An event's field as JSON data, numbers rounded to :data:`DIGITS` decimals."""
    if isinstance(value, float):
        return round(value, DIGITS)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def event_data(event: ev.Event) -> dict[str, Any]:
    """An event as JSON data: its kind, then every field."""
    return {"kind": type(event).__name__, **_plain(event)}


def play_golden(key: str) -> dict[str, Any]:
    """Play a golden game to its end; returns what is pinned about it."""
    seed, turns = GOLDEN_ORDERS[key]
    game = Game.new(golden_scenario(key), seed=seed)
    world = game.world
    record: list[dict[str, Any]] = []
    reached = {
        "factions": world.n_factions,
        "most_places_lost_in_a_turn": 0,
        "most_turns_cut_off": 0,
        "one_sortie_strikes": 0,
        "air_entries_grounded": [],
        "captures": 0,
        "retreats_destroyed": 0,
        "reinforcements_turned_back": 0,
        "scripted_effects": [],
    }
    effects: set[str] = set()
    while not game.over:
        orders = turns[game.turn] if game.turn < len(turns) else []
        before = game.state
        events = game.end_turn(orders)
        state = game.state
        lost = [e.from_id for e in events if isinstance(e, ev.Capture)]
        most = max((lost.count(f) for f in set(lost)), default=0)
        reached["most_places_lost_in_a_turn"] = max(reached["most_places_lost_in_a_turn"], most)
        reached["most_turns_cut_off"] = max(
            reached["most_turns_cut_off"], int(state.unsupplied.max())
        )
        reached["one_sortie_strikes"] += sum(
            isinstance(e, ev.StrikeFlown) and e.sorties == 1 for e in events
        )
        reached["captures"] += len(lost)
        reached["retreats_destroyed"] += sum(
            isinstance(e, ev.Retreat) and e.to is None for e in events
        )
        reached["reinforcements_turned_back"] += sum(
            isinstance(e, ev.ReinforcementReport) and not e.arrived for e in events
        )
        effects |= {type(e).__name__ for e in events if type(e).__name__.startswith("Scripted")}
        grounded = (available_sorties(world, state)[0] == 0) & (state.sortie_rate[0] > 0)
        grounded &= ~state.done[0]
        was = available_sorties(world, before)[0] > 0
        reached["air_entries_grounded"] += [
            world.air_ids[a] for a in np.flatnonzero(grounded & was).tolist()
        ]
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
                "on_the_road": {
                    f: {
                        f"{j.origin} > {j.destination}, turn {j.arrives}": round(j.strength, 6)
                        for j in observe(world, state).journeys
                        if j.faction == f
                    }
                    for f in world.faction_ids
                },
                "morale": {
                    f: round(float(state.morale[0, fi]), DIGITS)
                    for fi, f in enumerate(world.faction_ids)
                },
                "events": [event_data(e) for e in events],
            }
        )
    reached["scripted_effects"] = sorted(effects)
    winner = int(game.state.winner[0])
    return {
        "seed": seed,
        "final_digest": game.digest(),
        "turns_played": game.turn,
        "winner": world.faction_ids[winner] if winner >= 0 else "draw",
        "reached": reached,
        "turns": record,
    }


def first_divergence(expected: dict[str, Any], actual: dict[str, Any]) -> str:
    """Where two golden records first differ, in words."""
    for exp, act in zip(expected["turns"], actual["turns"], strict=False):
        turn = exp["turn"]
        if exp["digest"] == act["digest"]:
            if exp != act:
                for a, b in zip(exp["events"], act["events"], strict=False):
                    if a != b:
                        return f"turn {turn}: the events differ first at {b}, expected {a}"
                return f"turn {turn}: the same state, but the events differ"
            continue
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
    if expected != actual:
        return "the same turns, but the summary differs"
    return "no difference"


def all_games() -> dict[str, Any]:
    """Every golden game played now, with the rules version that played them."""
    return {
        "rules_version": RULES_VERSION,
        "games": {key: play_golden(key) for key in GOLDEN_ORDERS},
    }


def changed_digests(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The golden games whose states differ between two records."""
    return [
        key
        for key, game in new["games"].items()
        if [t["digest"] for t in old.get("games", {}).get(key, {}).get("turns", [])]
        != [t["digest"] for t in game["turns"]]
    ]


def write(*, quiet: bool = False) -> int:
    """Record the golden games now; 1 (writing nothing) if their states changed while the
    rules version did not."""
    old = json.loads(EXPECTED.read_text()) if EXPECTED.is_file() else {"games": {}}
    new = all_games()
    changed = changed_digests(old, new)
    if changed and old.get("rules_version") == RULES_VERSION:
        print(
            f"golden games changed ({', '.join(changed)}) but RULES_VERSION is still "
            f"{RULES_VERSION}: raise it in engine/rules/__init__.py (saves made under the old "
            "rules must be told apart), then re-pin",
            file=sys.stderr,
        )
        return 1
    for key, game in new["games"].items():
        before = old.get("games", {}).get(key)
        what = "new" if before is None else first_divergence(before, game)
        if not quiet:
            print(f"golden {key}: {what}")
    EXPECTED.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="record the current outcomes")
    args = parser.parse_args()
    if args.write:
        sys.exit(write())
    expected = json.loads(EXPECTED.read_text())
    for key, game in all_games()["games"].items():
        print(key, first_divergence(expected["games"][key], game))
    missing = set(shipped_ids()) - set(GOLDEN_ORDERS)
    if missing:
        print(f"shipped scenarios without a golden game: {', '.join(sorted(missing))}")


if __name__ == "__main__":
    main()
