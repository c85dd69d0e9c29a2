"""How long the largest save a Frontlines accepts takes to load: every order of every turn is
checked again as it was given, and every turn replayed.

    python -m benchmarks.replay [--repeat N] [--orders N]

The save is a game of aleppo-2024 whose every turn holds ``--orders`` (default: the most a
turn may hold, 10,000) tiny legal moves, with as many turns as fit under the size limit of a
save (16 MB). Prints JSON: the save's size, turns and orders, and the median seconds (wall and
CPU) to load it with ``load_game`` and to replay it with ``frontlines replay --verify``, and
per order. Checking orders used to cost more with every order already given in the turn
(102 s for 14 turns of 10,000 orders).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from frontlines.engine import Game, Move, load_game, load_scenario
from frontlines.engine.game import MAX_ORDERS_PER_TURN
from frontlines.engine.orders import order_to_data
from frontlines.engine.saves import MAX_SAVE_BYTES, game_to_data, save_text
from frontlines.tui.cli import main as cli

SCENARIO = "aleppo-2024"
TINY = 1e-6
"""The strength each move sends: 10,000 of them are a hundredth of a point."""


def tiny_moves(game: Game, count: int) -> list[Move]:
    """``count`` legal moves of a millionth of a point each, along every route between two
    places a faction holds where it has at least a point, round and round."""
    moves = []
    for faction in game.world.faction_ids:
        moves += [o for o in game.legal_orders(faction) if isinstance(o, Move) and o.amount >= 1]
    return [Move(m.faction, m.origin, m.target, TINY) for m in moves] * (count // len(moves) + 1)


def largest_save(orders_per_turn: int) -> tuple[str, int]:
    """The text of the largest save of tiny moves under the size limit, and its turns."""
    game = Game.new(load_scenario(SCENARIO), seed=1)
    fitted, turns = "", 0
    while not game.over:
        game.end_turn(tiny_moves(game, orders_per_turn)[:orders_per_turn])
        text = save_text(game_to_data(game))
        if len(text.encode()) > MAX_SAVE_BYTES:
            break
        fitted, turns = text, game.turn
    return fitted, turns


def timed(action: Any, repeat: int) -> dict[str, float]:
    """Median wall and CPU seconds of ``action()`` over ``repeat`` runs."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return {"seconds_median": statistics.median(wall), "cpu_seconds_median": statistics.median(cpu)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--orders", type=int, default=MAX_ORDERS_PER_TURN)
    args = parser.parse_args()
    text, turns = largest_save(args.orders)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "largest.json"
        path.write_text(text, encoding="utf-8")
        load = timed(lambda: load_game(path), args.repeat)

        def replay() -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                assert cli(["replay", "--verify", str(path)]) == 0

        command = timed(replay, args.repeat)
    orders = turns * args.orders
    report = {
        "scenario": SCENARIO,
        "save_bytes": len(text.encode()),
        "turns": turns,
        "orders_per_turn": args.orders,
        "orders": orders,
        "example_order": order_to_data(tiny_moves(Game.new(load_scenario(SCENARIO), seed=1), 1)[0]),
        "load": {**load, "us_per_order": round(load["seconds_median"] / orders * 1e6, 1)},
        "replay_verify": command,
        "repeat": args.repeat,
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
