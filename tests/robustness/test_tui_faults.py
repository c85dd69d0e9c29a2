"""The terminal game under faults: a failing turn, a tiny terminal, a saves folder that
cannot be written. The game must go on, and say what happened."""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

import pytest
from textual.pilot import Pilot

from frontlines.tui.app import FrontlinesApp, error_line, make_app, writable_saves, write_crash_log
from frontlines.tui.screens.main import MainScreen
from frontlines.tui.session import Session
from frontlines.tui.widgets.map import MapView

SIZE = (120, 40)


def game_app(saves: Path) -> FrontlinesApp:
    return make_app("aleppo-2024", faction="opposition", seed=7, difficulty="easy", saves=saves)


def shown(app: FrontlinesApp) -> str:
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


async def test_an_exception_in_the_turn_worker_is_shown_and_the_game_goes_on(
    tmp_path: Path,
) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        session = screen.session
        real_end_turn = session.end_turn

        def broken() -> tuple[()]:
            raise RuntimeError("the engine tripped over something")

        session.end_turn = broken  # type: ignore[method-assign]
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running and app.screen is screen
        assert not screen.busy and not screen.query_one(MapView).loading
        assert session.game.turn == 0
        assert app.notices[-1] == "The turn could not be played: the engine tripped over something"
        assert "The turn could not be played" in shown(app)  # also in the news log

        session.end_turn = real_end_turn  # type: ignore[method-assign]
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert session.game.turn == 1


@pytest.mark.parametrize("where", ["main", "order", "battles", "forecast", "help", "game over"])
async def test_resizing_to_40x12_and_back_keeps_the_game(tmp_path: Path, where: str) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        main = app.screen
        assert isinstance(main, MainScreen)
        if where == "order":
            main.query_one(MapView).select("western-aleppo")
            await pilot.press("a")
        elif where == "battles":
            await pilot.press("b")
        elif where == "forecast":
            await pilot.press("f")
        elif where == "help":
            await pilot.press("question_mark")
        elif where == "game over":
            while not main.session.game.over:
                await pilot.press("e")
                await app.workers.wait_for_complete()
                await pilot.pause()
        before = type(app.screen)
        for size in [(40, 12), (20, 5), (1, 1), (80, 24), SIZE]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            app.export_screenshot()  # the whole screen renders at this size, or raises
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running and type(app.screen) is before


async def test_a_saves_folder_that_cannot_be_written_falls_back_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    wanted = blocker / "saves"  # cannot be created: its parent is a file
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    app = game_app(wanted)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.notices[0].startswith(f"Cannot save games in {wanted} (")
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        fallback = screen.session.saves
        assert fallback is not None and fallback.parent == tmp_path / "tmp"
        assert (fallback / "aleppo-2024-autosave.json").is_file()


def test_with_nowhere_to_write_the_game_is_played_without_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(tempfile, "tempdir", str(blocker))
    folder, warning = writable_saves(blocker / "saves")
    assert folder is None
    assert warning is not None and "will not be saved" in warning
    assert writable_saves(tmp_path / "fine") == (tmp_path / "fine", None)


async def test_notices_with_brackets_are_shown_as_they_are(tmp_path: Path) -> None:
    app = game_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        message = "Could not load [saves/x].json: [1, 2] [/bold] [link=x]"
        app.notify(message)  # markup here would raise, or swallow the brackets
        await pilot.pause()
        assert app.is_running and app.notices[-1] == message


async def test_an_autosave_that_fails_mid_game_warns_and_the_game_goes_on(
    tmp_path: Path,
) -> None:
    saves = tmp_path / "saves"
    app = game_app(saves)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (saves / "aleppo-2024-autosave.json").is_file()
        saves.rename(tmp_path / "moved")
        saves.write_text("the folder is now a file")  # nothing can be written there
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.session.game.turn == 2
        assert app.notices[-1].startswith("Could not autosave to")


def test_a_crash_stops_play_with_one_line_a_crash_log_and_the_autosave_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from frontlines.tui import cli

    async def play_a_turn_then_crash(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("question_mark")  # the help is broken: a bug in Frontlines

    def broken_help(self: MainScreen) -> None:
        raise RuntimeError("the help\nfell over")

    real_run = FrontlinesApp.run

    def run_headless(app: FrontlinesApp) -> None:
        real_run(app, headless=True, size=SIZE, auto_pilot=play_a_turn_then_crash)

    monkeypatch.setenv("FRONTLINES_DATA", str(tmp_path))
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr(FrontlinesApp, "run", run_headless)
    monkeypatch.setattr(MainScreen, "action_help", broken_help)
    code = cli.main(
        ["play", "aleppo-2024", "--faction", "opposition", "--seed", "7", "--difficulty", "easy"]
    )
    out, err = capsys.readouterr()
    assert code == 3
    (line,) = err.splitlines()
    (log,) = tmp_path.glob("crash-*.log")
    assert line == (
        "frontlines: error: the game stopped on an internal error (RuntimeError: the help fell "
        f"over); the full traceback is in {log}"
    )
    assert "Traceback" not in out + err
    report = log.read_text()
    assert "Traceback (most recent call last)" in report and "in broken_help" in report
    resumed = Session.load(tmp_path / "aleppo-2024-autosave.json")
    assert resumed.game.turn == 1 and resumed.player == "opposition"


def test_a_crash_log_that_cannot_be_written_is_reported_as_none(tmp_path: Path) -> None:
    try:
        raise ValueError("x" * 500)
    except ValueError as exc:
        error = exc
    assert write_crash_log(error, tmp_path / "no" / "such" / "folder") is None
    log = write_crash_log(error, tmp_path)
    assert log is not None and log.parent == tmp_path and "ValueError" in log.read_text()
    assert error_line(error) == "ValueError: " + "x" * 187 + "…"
    assert error_line(RuntimeError()) == "RuntimeError"
