"""Pictures of the game, compared with the approved SVGs in ``__snapshots__``.

After a deliberate change of the look, review and approve the new pictures with
``pytest tests/tui/test_snapshots.py --snapshot-update``. The pictures depend on the exact
Textual and Rich versions, which ``constraints.txt`` pins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from frontlines.tui.app import FrontlinesApp, make_app
from frontlines.tui.screens.main import MainScreen
from frontlines.tui.widgets.map import MapView

SnapCompare = Callable[..., bool]


@pytest.fixture
def saves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A saves folder shown by the same relative name in every run."""
    monkeypatch.chdir(tmp_path)
    return Path("saves")


def game(saves: Path, faction: str = "opposition", seed: int = 7) -> FrontlinesApp:
    return make_app("aleppo-2024", faction=faction, seed=seed, difficulty="easy", saves=saves)


async def attack_aleppo(pilot: Pilot[Any]) -> None:
    """Select Western Aleppo, attack Aleppo with everything there, and look at Aleppo."""
    pilot.app.screen.query_one(MapView).select("western-aleppo")
    await pilot.press("a", "enter")
    await pilot.pause()
    pilot.app.screen.query_one(MapView).select("aleppo")
    await pilot.pause()


async def play_turns(pilot: Pilot[Any], turns: int) -> None:
    for _ in range(turns):
        await pilot.press("e")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def then(
    *steps: Callable[[Pilot[Any]], Awaitable[None]],
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run(pilot: Pilot[Any]) -> None:
        for step in steps:
            await step(pilot)

    return run


def test_the_scenario_picker(snap_compare: SnapCompare, saves: Path) -> None:
    assert snap_compare(make_app(saves=saves), terminal_size=(100, 30))


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_the_main_screen(snap_compare: SnapCompare, saves: Path, size: tuple[int, int]) -> None:
    assert snap_compare(game(saves), terminal_size=size, run_before=attack_aleppo)


def test_a_battle_breakdown(snap_compare: SnapCompare, saves: Path) -> None:
    async def open_battles(pilot: Pilot[Any]) -> None:
        await play_turns(pilot, 1)
        await pilot.press("b")
        await pilot.pause()

    assert snap_compare(
        game(saves), terminal_size=(120, 40), run_before=then(attack_aleppo, open_battles)
    )


def test_the_forecast_view(snap_compare: SnapCompare, saves: Path) -> None:
    async def forecast(pilot: Pilot[Any]) -> None:
        await pilot.press("f")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(game(saves), terminal_size=(120, 40), run_before=forecast)


def test_the_game_over_screen(snap_compare: SnapCompare, saves: Path) -> None:
    async def to_the_end(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        while not screen.session.game.over:
            await play_turns(pilot, 1)

    # The player (the government) gives no orders, so the chart shows the opposition's gains.
    assert snap_compare(
        game(saves, faction="government", seed=3), terminal_size=(100, 40), run_before=to_the_end
    )
