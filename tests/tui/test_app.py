"""The terminal game, driven as a player would with Textual's Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, ProgressBar, RichLog

from engine.game import Game
from tui.app import FrontlinesApp, make_app
from tui.screens.battles import BattlesScreen
from tui.screens.forecast import ForecastScreen
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.order import OrderDialog
from tui.screens.picker import FactionPicker, ScenarioPicker
from tui.session import Session
from tui.widgets.map import MapView

SIZE = (120, 40)


def game_app(tmp_path: Path, faction: str = "opposition", seed: int = 7) -> FrontlinesApp:
    return make_app("aleppo-2024", faction=faction, seed=seed, difficulty="easy", saves=tmp_path)


def main_screen(app: FrontlinesApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def news_text(app: FrontlinesApp) -> str:
    log = app.screen.query_one("#news", RichLog)
    return "\n".join(line.text for line in log.lines)


async def test_a_new_player_picks_a_scenario_a_faction_and_a_level(tmp_path: Path) -> None:
    app = make_app(saves=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, ScenarioPicker)
        await pilot.press("enter")  # the seed scenario comes first
        assert isinstance(app.screen, FactionPicker)
        await pilot.press("enter")  # the first playable faction
        await pilot.press("enter")  # the highlighted level: normal
        screen = main_screen(app)
        assert screen.session.game.scenario.id == "aleppo-2024"
        assert screen.session.difficulty == "normal"
        assert screen.session.player == "government"


async def test_orders_are_given_refused_and_withdrawn(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        app.screen.query_one(MapView).select("western-aleppo")
        await pilot.pause()
        assert screen.selected == "western-aleppo"
        await pilot.press("a")
        assert isinstance(app.screen, OrderDialog)
        offered = [o.describe() for o in app.screen.offered]
        assert any("Attack aleppo from western-aleppo" in text for text in offered)
        app.screen.query_one("#order-amount", Input).value = "99"
        await pilot.press("enter")
        await pilot.pause()
        # The engine refuses it, with its reason; nothing is pending.
        assert screen.session.game.pending == []
        await pilot.press("a")
        app.screen.query_one("#order-amount", Input).value = "5"
        await pilot.press("enter")
        await pilot.pause()
        assert [o.amount for o in screen.session.game.pending] == [5.0]  # type: ignore[union-attr]
        await pilot.press("w")
        assert screen.session.game.pending == []


async def test_ending_turns_plays_the_computer_and_autosaves(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        for _ in range(3):
            await pilot.press("e")
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert screen.session.game.turn == 3
        assert "— Turn 3 —" in news_text(app)
        autosave = tmp_path / "aleppo-2024-autosave.json"
        resumed = Session.load(autosave)
        assert resumed.game.digest() == screen.session.game.digest()
        assert resumed.player == "opposition"
        await pilot.press("u")
        await pilot.pause()
        assert screen.session.game.turn == 2


async def test_save_and_load_give_the_same_game(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("ctrl+s")
        app.screen.query_one(Input).value = "mine"
        await pilot.press("enter")
        await pilot.pause()
        digest = main_screen(app).session.game.digest()
    saved = tmp_path / "mine.json"
    assert Game.load(saved).digest() == digest
    again = make_app(load=saved, saves=tmp_path)
    async with again.run_test(size=SIZE):
        assert main_screen(again).session.game.digest() == digest


async def test_help_opens_and_quit_asks_when_orders_would_be_lost(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        screen = main_screen(app)
        app.screen.query_one(MapView).select("idlib")
        await pilot.press("m")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.session.game.pending
        await pilot.press("q")
        await pilot.press("n")
        assert app.is_running
        await pilot.press("q")
        await pilot.press("y")
    assert not app.is_running


@pytest.mark.parametrize("kind", ["s", "c"])
async def test_air_orders_come_from_the_selected_target(tmp_path: Path, kind: str) -> None:
    app = game_app(tmp_path, faction="government")
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(MapView).select("western-aleppo")
        await pilot.pause()
        await pilot.press(kind)
        assert isinstance(app.screen, OrderDialog)
        assert app.screen.query_one(OptionList).option_count >= 1
        await pilot.press("enter")
        await pilot.pause()
        assert main_screen(app).session.game.pending


async def test_the_forecast_view_colours_the_map_by_the_chance_of_falling(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        screen = app.screen
        assert isinstance(screen, ForecastScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.report is not None
        shading = screen.query_one(MapView).shading
        assert shading is not None and set(shading) == set(screen.session.game.world.location_ids)
        assert all(0.0 <= p <= 1.0 for p in shading.values())
        assert screen.query_one(ProgressBar).percentage == 1.0
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_a_battle_opens_with_its_factor_breakdown(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(MapView).select("western-aleppo")
        await pilot.press("a")
        await pilot.press("enter")  # attack Aleppo with everything offered
        await pilot.pause()
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("b")
        screen = app.screen
        assert isinstance(screen, BattlesScreen)
        assert screen.battles, "no battle after an attack"
        await pilot.pause()
        shown = app.export_screenshot()
        for word in ("Battle", "surprise", "luck", "power"):
            assert word in shown, word
