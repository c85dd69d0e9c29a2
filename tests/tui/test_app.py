"""The terminal game, driven as a player would with Textual's Pilot."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Input, OptionList, ProgressBar

from frontlines.engine.orders import Attack
from frontlines.engine.saves import load_game
from frontlines.tui.app import FrontlinesApp, make_app
from frontlines.tui.screens.battles import BattlesScreen
from frontlines.tui.screens.forecast import ForecastScreen
from frontlines.tui.screens.gameover import GameOverScreen
from frontlines.tui.screens.help import HelpScreen
from frontlines.tui.screens.load import LoadScreen
from frontlines.tui.screens.main import MainScreen
from frontlines.tui.screens.order import OrderDialog
from frontlines.tui.screens.picker import FactionPicker, ScenarioPicker
from frontlines.tui.screens.prompt import ConfirmScreen, SaveNameScreen
from frontlines.tui.session import Session
from frontlines.tui.widgets.map import MapView
from frontlines.tui.widgets.news import NewsLog

SIZE = (120, 40)


def game_app(tmp_path: Path, faction: str = "opposition", seed: int = 7) -> FrontlinesApp:
    return make_app("aleppo-2024", faction=faction, seed=seed, difficulty="easy", saves=tmp_path)


def main_screen(app: FrontlinesApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def shown(app: FrontlinesApp) -> str:
    """What the screen shows, as text (the SVG screenshot, unescaped)."""
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


def news_text(app: FrontlinesApp) -> str:
    return "\n".join(app.screen.query_one(NewsLog).lines)


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
        assert app.notices[-1].startswith("Refused: ")
        assert "cannot send 99" in app.notices[-1]
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
        assert all(o.faction == "opposition" for o in screen.session.game.pending)
        await pilot.press("e")  # the computer gives its orders afresh
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.session.game.turn == 3
        assert not [n for n in app.notices if "could not be played" in n]


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
    assert load_game(saved).digest() == digest
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
        text = shown(app)
        for word in ("Battle", "surprise", "luck", "power"):
            assert word in text, word


async def end_turn(app: FrontlinesApp, pilot: object) -> None:
    await pilot.press("e")  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


async def test_a_battle_opens_from_its_line_in_the_news(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(MapView).select("western-aleppo")
        await pilot.press("a", "enter")
        await pilot.pause()
        await end_turn(app, pilot)
        news = app.screen.query_one(NewsLog)
        assert news.battles, "no battle line after an attack"
        assert "Aleppo is taken by HTS-led opposition coalition" in news_text(app)
        game = main_screen(app).session.game
        aleppo = game.world.location_index("aleppo")
        assert game.state.controller[0, aleppo] == game.world.faction_index("opposition")
        key, battle = next(iter(news.battles.items()))
        await pilot.press("n")
        assert news.has_focus
        news.highlighted = news.get_option_index(key)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BattlesScreen)
        assert screen.battles[screen.chosen] is battle
        assert f"Battle for {battle.place}" in shown(app)


async def test_every_order_is_in_the_command_palette_by_name(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        assert CommandPalette.is_open(app)
        await pilot.press(*"Attack Aleppo from Western")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OrderDialog)
        await pilot.press("enter")
        await pilot.pause()
        screen = main_screen(app)
        (order,) = screen.session.game.pending
        assert isinstance(order, Attack)
        assert (order.origin, order.target) == ("western-aleppo", "aleppo")
        assert screen.selected == "western-aleppo"
        assert "Attack Aleppo from Western" in shown(app)


async def test_a_place_is_selected_by_typing_its_name(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await pilot.press(*"khan")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert main_screen(app).selected == "khan-shaykhun"
        assert "town, flat, 5,000 people" in shown(app)


async def test_the_game_ends_with_the_outcome_a_chart_and_where_it_is_saved(
    tmp_path: Path,
) -> None:
    app = game_app(tmp_path, seed=3)
    async with app.run_test(size=SIZE) as pilot:
        game = main_screen(app).session.game
        while not game.over:
            await end_turn(app, pilot)
        assert isinstance(app.screen, GameOverScreen)
        text = shown(app)
        assert "Game over" in text
        assert "Your side" in text or "a draw" in text
        assert "█" in text  # the territory chart
        assert "aleppo-2024-autosave.json" in text
        assert "frontlines replay" in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        turns = game.turn
        await pilot.press("e")  # nothing happens after the end
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert main_screen(app).session.game.turn == turns


async def test_the_load_screen_resumes_a_saved_game(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await end_turn(app, pilot)
        await end_turn(app, pilot)
        digest = main_screen(app).session.game.digest()
        (tmp_path / "broken.json").write_text("{ not json")
        await pilot.press("ctrl+o")
        screen = app.screen
        assert isinstance(screen, LoadScreen)
        labels = [e.label for e in screen.entries]
        assert any("after turn 2" in label for label in labels)
        assert any(e.problem for e in screen.entries)  # the damaged file is listed, not chosen
        await pilot.press("enter")  # the newest save: the autosave
        await pilot.pause()
        resumed = main_screen(app)
        assert resumed.session.game.digest() == digest
        assert resumed.session.game.turn == 2


@pytest.mark.parametrize(("size", "compact"), [((80, 24), True), ((160, 50), False)])
async def test_the_layout_fits_small_and_large_terminals(
    tmp_path: Path, size: tuple[int, int], compact: bool
) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        text = shown(app)
        assert ("morale" in text) is not compact  # the short heading on a small terminal
        for name in ("Aleppo", "Hama", "Damascus", "(you)", "End turn"):
            assert name in text, name


async def test_the_scenario_picker_resumes_a_saved_game(tmp_path: Path) -> None:
    session = Session.new(
        game_app(tmp_path).session.game.scenario,  # type: ignore[union-attr]
        "government",
        seed=5,
        saves=tmp_path,
    )
    session.end_turn()
    session.save(tmp_path / "mine.json")
    app = make_app(saves=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        screen = app.screen
        assert isinstance(screen, LoadScreen)
        index = next(i for i, e in enumerate(screen.entries) if e.path.name == "mine.json")
        screen.query_one(OptionList).highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        resumed = main_screen(app).session
        assert resumed.game.digest() == session.game.digest()
        assert resumed.player == "government"


async def test_ctrl_q_asks_before_orders_are_lost(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(MapView).select("idlib")
        await pilot.press("m", "enter")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.is_running and main_screen(app).session.game.pending


async def test_the_offered_amount_sends_everything_even_when_it_is_fractional(
    tmp_path: Path,
) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(MapView).select("western-aleppo")
        await pilot.press("a", "enter")
        await end_turn(app, pilot)
        game = main_screen(app).session.game
        here = game.world.location_index("aleppo")
        me = game.world.faction_index("opposition")
        strength = float(game.state.forces[0, me, here])
        assert strength != round(strength, 1), "the test needs a fractional strength"
        app.screen.query_one(MapView).select("aleppo")
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, OrderDialog)
        assert "enemy there" in shown(app)
        await pilot.press("enter")
        await pilot.pause()
        (order,) = game.pending
        assert isinstance(order, Attack) and order.amount == strength


async def test_escape_on_the_faction_picker_goes_back_to_the_scenarios(tmp_path: Path) -> None:
    app = make_app(saves=tmp_path, difficulty="hard")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, FactionPicker)
        await pilot.press("escape")
        assert isinstance(app.screen, ScenarioPicker)
        await pilot.press("enter", "enter", "enter")  # --difficulty is what is offered
        assert main_screen(app).session.difficulty == "hard"


async def test_escape_on_the_faction_picker_of_a_named_scenario_quits(tmp_path: Path) -> None:
    app = make_app("aleppo-2024", saves=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, FactionPicker)
        await pilot.press("escape")
        await pilot.pause()
    assert not app.is_running


@pytest.mark.parametrize("dialog", ["question_mark", "b", "ctrl+s"])
async def test_quitting_from_a_dialog_asks_too_and_no_is_the_default(
    tmp_path: Path, dialog: str
) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(MapView).select("idlib")
        await pilot.press("m", "enter")
        await pilot.pause()
        await pilot.press(dialog)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # the focused button is "No"
        await pilot.pause()
        assert app.is_running and main_screen_in(app).session.game.pending


def main_screen_in(app: FrontlinesApp) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


async def test_withdraw_and_save_wait_while_a_turn_is_played(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        screen.query_one(MapView).select("western-aleppo")
        await pilot.press("a", "enter")
        await pilot.pause()
        (order,) = screen.session.game.pending
        screen.busy = True  # as while the worker plays the turn
        await pilot.press("w", "ctrl+s")
        await pilot.pause()
        assert screen.session.game.pending == [order]
        assert isinstance(app.screen, MainScreen)  # no save prompt
        assert "The turn is being played" in app.notices[-1]


async def test_save_names_are_checked_and_replacing_asks(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        for bad in ["a\x00b", "../x", ".hidden", "", "x" * 200, "a b"]:
            await pilot.press("ctrl+s")
            app.screen.query_one(Input).value = bad
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, SaveNameScreen), bad
            await pilot.press("escape")
        (tmp_path / "mine.json").write_text("keep me")
        await pilot.press("ctrl+s")
        app.screen.query_one(Input).value = "mine"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert (tmp_path / "mine.json").read_text() == "keep me"
        await pilot.press("ctrl+s")
        app.screen.query_one(Input).value = "mine"
        await pilot.press("enter")
        await pilot.press("y")
        await pilot.pause()
        assert load_game(tmp_path / "mine.json").digest() == main_screen(app).session.game.digest()


async def test_after_undo_the_news_holds_only_the_turns_still_played(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(MapView).select("western-aleppo")
        await pilot.press("a", "enter")
        await end_turn(app, pilot)
        assert app.screen.query_one(NewsLog).battles
        await pilot.press("u")
        await pilot.pause()
        news = app.screen.query_one(NewsLog)
        assert not news.battles
        assert "— Turn 1 —" not in news_text(app)


async def test_the_game_over_screen_names_the_file_a_finished_game_was_loaded_from(
    tmp_path: Path,
) -> None:
    from frontlines.engine.ai import choose_orders
    from frontlines.engine.scenario import load_scenario

    session = Session.new(load_scenario("aleppo-2024"), "government", seed=3, saves=None)
    game = session.game
    while not game.over:
        game.end_turn(choose_orders(game.world, game.state, session.computer, "easy", 3))
    saved = tmp_path / "finished.json"
    session.save(saved)
    app = make_app(load=saved, saves=tmp_path / "elsewhere")
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, GameOverScreen)
        assert "finished.json" in shown(app)
        assert "autosave" not in shown(app)


async def test_the_header_shows_the_weather_and_the_news_its_changes(tmp_path: Path) -> None:
    app = make_app("two-rivers", faction="lowlands", seed=1, difficulty="easy", saves=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        assert screen.sub_title.endswith("01 April 2030, weather: clear")
        for _ in range(5):  # the spring rains break on day 5 (the schedule)
            await pilot.press("e")
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert screen.sub_title.endswith("06 April 2030, weather: rain")
        assert "The weather turns from" in news_text(app)
    plain = game_app(tmp_path)
    async with plain.run_test(size=SIZE):
        assert "weather" not in main_screen(plain).sub_title  # a scenario without weather
