"""Thousands of random keys typed into the game, one at a time and in bursts faster than the
app handles them: the app never crashes and the game screen is never lost.

The keys are every key the app binds except those that quit (q, ctrl+q, ctrl+c); quitting
through the palette's "Quit" command is counted instead of ending the run. Each seed first
opens every dialog once and bursts keys into it (the tour), then types random keys, plays the
game to its end half way, and goes on typing. ``FRONTLINES_KEY_FUZZ_KEYS`` sets the random
keys per seed (250 by default); raise it for a soak:
``FRONTLINES_KEY_FUZZ_KEYS=20000 pytest tests/tui/test_key_fuzz.py``.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from textual.pilot import Pilot

from frontlines.tui.app import FrontlinesApp, make_app
from frontlines.tui.screens.battles import BattlesScreen
from frontlines.tui.screens.forecast import ForecastScreen
from frontlines.tui.screens.gameover import GameOverScreen
from frontlines.tui.screens.help import HelpScreen
from frontlines.tui.screens.load import LoadScreen
from frontlines.tui.screens.main import MainScreen
from frontlines.tui.screens.once import GamePalette
from frontlines.tui.screens.order import OrderDialog
from frontlines.tui.screens.prompt import ConfirmScreen, SaveNameScreen
from frontlines.tui.widgets.map import MapView
from tests.tui.keys import burst, settle

KEYS_PER_SEED = int(os.environ.get("FRONTLINES_KEY_FUZZ_KEYS", "250"))
SEEDS = (1, 2, 3)
CHECK_EVERY = 100
"""Random keys between checkpoints, where the turn in play finishes and the app is checked."""

SIZE = (80, 24)
MOVES = ("up", "down", "left", "right", "tab", "shift+tab", "home", "end", "pageup", "pagedown")
OPENERS = ("a", "m", "s", "c", "ctrl+p", "slash", "ctrl+s", "ctrl+o", "question_mark", "b", "f")
"""Keys that open a dialog (the order keys when the selected place has such an order)."""
OTHERS = ("enter", "escape", "space", "backspace", "e", "w", "u", "n", "y", "minus")
LETTERS = tuple("alepohm")
"""Letters typed into the palette, the place finder and the save name (most also bound)."""
KEYS = (*MOVES, *OPENERS, *OTHERS, *"0123456789", *LETTERS)
BURSTS = (
    ("enter", "enter"),
    ("enter", "escape"),
    ("escape", "escape"),
    ("enter", "enter", "enter"),
)
TOUR = (
    (("a",), OrderDialog),  # western-aleppo is selected first
    (("ctrl+p", "a"), GamePalette),
    (("slash", "h"), GamePalette),
    (("ctrl+s",), SaveNameScreen),
    (("question_mark",), HelpScreen),
    (("b",), BattlesScreen),
    (("f",), ForecastScreen),
    (("ctrl+o",), (LoadScreen, ConfirmScreen)),  # asks first if orders would be lost
)
"""Keys that open each dialog from the map, and the dialog they open."""


class Fuzz:
    """Types keys into one app: a tour of the dialogs, then random keys and bursts."""

    def __init__(self, app: FrontlinesApp, pilot: Pilot[None], seed: int) -> None:
        self.app = app
        self.pilot = pilot
        self.rng = np.random.default_rng(seed)
        self.landed: Counter[str] = Counter()
        """Bursts by the screen on top when they were typed."""
        self.log: list[str] = []
        """What was typed, for the report of a failure: keys, and bursts in brackets."""

    def pick(self, keys: tuple[str, ...]) -> str:
        return keys[int(self.rng.integers(len(keys)))]

    def pattern(self) -> tuple[str, ...]:
        return BURSTS[int(self.rng.integers(len(BURSTS)))]

    async def press(self, *keys: str) -> None:
        """Press ``keys`` one by one, each handled before the next."""
        self.log += keys
        await self.pilot.press(*keys)

    async def burst(self, keys: tuple[str, ...]) -> int:
        """Queue ``keys`` at once, then wait until the app has handled them."""
        self.landed[type(self.app.screen).__name__] += 1
        self.log.append(f"[{' '.join(keys)}]")
        burst(self.app, *keys)
        await self.pilot.pause()
        return len(keys)

    async def step(self) -> int:
        """One press, a burst, or a dialog opened then a burst; returns the keys typed."""
        roll = self.rng.random()
        if roll < 0.3:
            await self.press(self.pick(KEYS))
            return 1
        if roll < 0.85:
            if self.rng.random() < 0.5:
                return await self.burst(self.pattern())
            return await self.burst(tuple(self.pick(KEYS) for _ in range(self.rng.integers(2, 7))))
        await self.press(self.pick(OPENERS))
        return 1 + await self.burst((self.pick(LETTERS), *self.pattern()))

    async def tour(self) -> None:
        """Open every dialog from the map and burst keys into it."""
        self.main().query_one(MapView).select("western-aleppo")
        for keys, dialog in TOUR:
            await self.to_the_map()
            await self.press(*keys)
            assert isinstance(self.app.screen, dialog), (keys, self.app.screen)
            await self.burst(self.pattern())
            await self.settle()
            self.check()

    async def play_to_the_end(self) -> None:
        """End turns until the game is over, then burst keys into the game-over screen."""
        if self.main().session.game.over:  # already: play the last turn again
            await self.to_the_map()
            await self.press("u")
        for _ in range(100):
            if self.main().session.game.over:
                break
            await self.to_the_map()
            await self.press("e")
            await self.settle()
        assert isinstance(self.app.screen, GameOverScreen), self.app.screen_stack
        await self.burst(self.pattern())

    async def to_the_map(self) -> None:
        """Escape back to the map (and stay there: a palette's command may be on its way)."""
        for _ in range(50):
            if isinstance(self.app.screen, MainScreen):
                await self.settle()
                if isinstance(self.app.screen, MainScreen):
                    return
            await self.press("escape")
        raise AssertionError(f"escape does not lead back to the map: {self.app.screen_stack}")

    async def settle(self) -> None:
        """Let the keys typed, and the turn or forecast in play, finish."""
        await settle(self.pilot)

    def main(self) -> MainScreen:
        games = [s for s in self.app.screen_stack if isinstance(s, MainScreen)]
        assert games, f"no game screen in {self.app.screen_stack}"
        return games[-1]

    def check(self) -> None:
        last = " ".join(self.log[-40:])
        assert self.app._exception is None, f"{self.app._exception!r} after: {last}"
        assert self.app.is_running and self.app.return_code is None
        self.main()


@pytest.mark.parametrize("seed", SEEDS)
async def test_random_keys_never_crash_the_app_or_lose_the_game(tmp_path: Path, seed: int) -> None:
    app = make_app(
        "aleppo-2024", faction="opposition", seed=seed, difficulty="easy", saves=tmp_path
    )
    async with app.run_test(size=SIZE) as pilot:
        quits: list[object] = []
        app.exit = lambda *args, **kwargs: quits.append(args)  # type: ignore[method-assign]
        fuzz = Fuzz(app, pilot, seed)
        await fuzz.tour()
        typed, checked, played_out = 0, 0, False
        while typed < KEYS_PER_SEED:
            typed += await fuzz.step()
            if typed >= checked + CHECK_EVERY:
                checked = typed
                await fuzz.settle()
                fuzz.check()
            if not played_out and typed >= KEYS_PER_SEED // 2:
                played_out = True
                await fuzz.play_to_the_end()
        await fuzz.settle()
        fuzz.check()
        await fuzz.to_the_map()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        fuzz.check()
        print(f"seed {seed}: {typed} keys; bursts in {dict(fuzz.landed)}; quits {len(quits)}")
