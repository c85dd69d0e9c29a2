"""What the game's screens say, tested without running the app: goals, order names, the
save list and the territory chart."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from rich.console import Console
from textual.binding import Binding

from frontlines.engine.ai import choose_orders
from frontlines.engine.game import Game
from frontlines.engine.orders import ORDER_KINDS, Airstrike, Attack, Move
from frontlines.engine.scenario import load_scenario
from frontlines.tui.screens.load import list_saves
from frontlines.tui.screens.main import MainScreen
from frontlines.tui.screens.order import ORDER_KEYS, order_line, order_title
from frontlines.tui.screens.picker import goal_text
from frontlines.tui.session import Session
from frontlines.tui.widgets.chart import territory_chart, value_shares


def test_a_goal_without_words_is_put_in_words() -> None:
    scenario = load_scenario("two-rivers")
    goal = scenario.victory[0]
    assert goal_text(scenario, goal) == goal.description
    bare = goal.model_copy(update={"description": ""})
    text = goal_text(scenario, bare)
    assert text.startswith("Hold Reed Flats, Millford")


def test_orders_are_named_with_places_and_aircraft() -> None:
    game = Game.new(load_scenario("aleppo-2024"), seed=0)
    world = game.world
    assert order_title(world, Attack("opposition", "western-aleppo", "aleppo", 3)) == (
        "Attack Aleppo from Western Aleppo countryside"
    )
    assert order_line(world, Move("opposition", "idlib", "rural-idlib", 2.5)) == (
        "Move from Idlib to Rural Idlib with 2.5"
    )
    strikes = [o for o in game.legal_orders("government") if isinstance(o, Airstrike)]
    assert strikes
    line = order_line(world, strikes[0])
    assert line.startswith("Airstrike on ") and line.endswith(f"{strikes[0].sorties} sorties")
    assert strikes[0].air_support not in line  # the aircraft by name, not id


def test_the_save_list_is_newest_first_and_shows_damage(tmp_path: Path) -> None:
    session = Session.new(load_scenario("aleppo-2024"), "opposition", seed=1, saves=tmp_path)
    session.save(tmp_path / "older.json")
    session.end_turn()  # writes the autosave, newer
    (tmp_path / "bad.json").write_text("[1, 2]")
    (tmp_path / "other.json").write_text(json.dumps({"format": "something else"}))
    entries = list_saves(tmp_path)
    usable = [e for e in entries if e.problem is None]
    assert [e.path.name for e in usable] == ["aleppo-2024-autosave.json", "older.json"]
    assert "after turn 1" in usable[0].label and "opposition" in usable[0].label
    assert {e.path.name for e in entries if e.problem} == {"bad.json", "other.json"}
    assert list_saves(tmp_path / "missing") == []


def test_the_territory_chart_shows_every_turn_and_the_shares() -> None:
    game = Game.new(load_scenario("aleppo-2024"), seed=3)
    while not game.over:
        game.end_turn(
            choose_orders(game.world, game.state, list(game.world.faction_ids), "easy", 3)
        )
    shares = value_shares(game.world, game.states)
    assert shares.shape == (game.turn + 1, game.world.n_factions)
    assert np.allclose(shares.sum(axis=1), 1.0)  # every place of the seed scenario is held
    console = Console(width=80, record=True)
    console.print(territory_chart(game.world, game.states, height=10, width=80))
    lines = console.export_text().splitlines()
    assert len(lines) == 11
    assert lines[0].startswith("100% ") and lines[9].startswith("  0% ")
    assert lines[0].count("█") == 2 * (game.turn + 1)
    assert lines[10].strip().endswith(f"turn {game.turn}")
    long = territory_chart(game.world, game.states * 10, height=4, width=40)
    assert all(len(line) <= 40 for line in long.plain.splitlines())


def test_every_kind_of_order_has_a_key_on_the_game_screen() -> None:
    offered = {k.kind for k in ORDER_KEYS.values()}
    assert offered == set(ORDER_KINDS.values())
    keys = [k.key for k in ORDER_KEYS.values()]
    assert len(set(keys)) == len(keys)
    bound = {b.key for b in MainScreen.BINDINGS if isinstance(b, Binding)}
    assert set(keys) <= bound
