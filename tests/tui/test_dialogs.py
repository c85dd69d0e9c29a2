"""Keys typed faster than the app handles them: a dialog closes once, and the game screen
under it stays."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.screen import Screen
from textual.widgets.option_list import Option

from frontlines.tui.app import FrontlinesApp, make_app
from frontlines.tui.screens.help import HelpScreen
from frontlines.tui.screens.load import LoadScreen
from frontlines.tui.screens.main import MainScreen
from frontlines.tui.screens.once import GamePalette
from frontlines.tui.screens.order import OrderDialog
from frontlines.tui.screens.picker import FactionPicker
from frontlines.tui.screens.prompt import SaveNameScreen
from frontlines.tui.widgets.map import MapView
from tests.tui.keys import burst, matches_shown, settle

SIZE = (120, 40)


def game_app(tmp_path: Path) -> FrontlinesApp:
    return make_app("aleppo-2024", faction="opposition", seed=7, difficulty="easy", saves=tmp_path)


def the_game(app: FrontlinesApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), f"{screen!r} is on top, not the game"
    return screen


@pytest.mark.parametrize("second", ["enter", "escape"])
async def test_a_second_key_in_the_order_dialog_leaves_the_game_on_screen(
    tmp_path: Path, second: str
) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = the_game(app)
        main.query_one(MapView).select("western-aleppo")
        await pilot.press("a")
        assert isinstance(app.screen, OrderDialog)
        burst(app, "enter", second)
        await settle(pilot)
        assert app.screen is main
        # Given once (enter) or not at all (escape came first), never twice.
        assert len(main.session.game.pending) <= 1
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)


async def test_enter_enter_gives_the_order_once(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = the_game(app)
        main.query_one(MapView).select("western-aleppo")
        await pilot.press("a")
        burst(app, "enter", "enter", "enter")
        await settle(pilot)
        assert app.screen is main
        assert len(main.session.game.pending) == 1


@pytest.mark.parametrize("presses", [2, 3])
async def test_enter_again_in_the_command_palette_does_not_crash(
    tmp_path: Path, presses: int
) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = the_game(app)
        await pilot.press("ctrl+p")
        await pilot.press(*"attack alep")
        await matches_shown(pilot)
        burst(app, *["enter"] * presses)
        await settle(pilot)
        assert app._exception is None
        assert main in app.screen_stack
        # The order's dialog opens once at most (a third enter may give the order).
        assert len([s for s in app.screen_stack if isinstance(s, OrderDialog)]) <= 1
        for _ in range(5):
            if app.screen is main:
                break
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)


async def test_enter_twice_in_the_place_finder_leaves_the_game_on_screen(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = the_game(app)
        await pilot.press("slash")
        await pilot.press(*"khan")
        await matches_shown(pilot)
        assert CommandPalette.is_open(app)
        burst(app, "enter", "enter")
        await settle(pilot)
        assert app._exception is None
        assert app.screen is main
        assert main.selected == "khan-shaykhun"


async def test_enter_twice_in_the_save_name_dialog_saves_once(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = the_game(app)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, SaveNameScreen)
        burst(app, "enter", "enter")
        await settle(pilot)
        assert app.screen is main
        assert (tmp_path / "aleppo-2024-turn-0.json").is_file()
        assert [n for n in app.notices if n.startswith("Saved to")] == [
            f"Saved to {tmp_path / 'aleppo-2024-turn-0.json'}"
        ]


async def test_enter_twice_on_the_load_screen_loads_once(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, LoadScreen)
        burst(app, "enter", "enter")
        await settle(pilot)
        assert app._exception is None
        assert the_game(app).session.game.turn == 1
        assert [type(s) for s in app.screen_stack] == [Screen, MainScreen]


async def test_the_game_screen_is_never_popped(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = the_game(app)
        await app.pop_screen()
        await pilot.pause()
        assert app.screen is main


async def test_enter_twice_on_the_scenario_picker_opens_the_faction_picker(
    tmp_path: Path,
) -> None:
    app = make_app(saves=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        burst(app, "enter", "enter")
        await settle(pilot)
        assert app._exception is None
        assert isinstance(app.screen, FactionPicker)
        assert len(app.screen_stack) == 2


async def test_paging_the_palette_before_its_matches_are_laid_out_does_nothing(
    tmp_path: Path,
) -> None:
    # Found by the key fuzz (ctrl+p m pagedown): Textual's paging raised KeyError when
    # matches had just been added to the list, before it was laid out.
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        commands = app.screen.query_one(CommandList)
        commands.display = False
        await pilot.pause()
        commands.clear_options().add_options([Option("first"), Option("second")])
        commands.highlighted = 0  # as the palette does with its first matches
        await pilot.press("pagedown")
        assert app._exception is None
        commands.display = True
        await pilot.pause()
        await pilot.press("end", "home", "pagedown")  # once laid out, the keys page
        assert commands.highlighted == 1


async def test_keys_before_a_screen_is_composed_do_nothing(tmp_path: Path) -> None:
    # Found by the key fuzz: a key handled before a screen just pushed (or switched to)
    # had composed its widgets ran an action that looked for them: NoMatches.
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = the_game(app)
        palette = GamePalette()
        app.push_screen(palette)  # not awaited: not composed yet
        for action in ("cursor_down", "command_list('page_down')", "page('down')"):
            await app.run_action(action, palette)
        await pilot.pause()
        await pilot.press("escape")
        assert app.screen is main
        again = MainScreen(main.session)
        app.switch_screen(again)
        for action in ("next_place(1)", "back_to_map", "news", "withdraw"):
            await app.run_action(action, again)
        await pilot.pause()
        assert app.screen is again and app._exception is None
