"""Keys sent the way a fast typist sends them: all queued before the app handles the first."""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.command import CommandList
from textual.pilot import Pilot

CHARACTERS = {
    "enter": "\r",
    "escape": "\x1b",
    "space": " ",
    "tab": "\t",
    "backspace": "\x7f",
    "slash": "/",
    "question_mark": "?",
    "minus": "-",
}
"""The character a terminal sends with each named key (letters and digits are their own)."""


def key_event(app: App[object], key: str) -> events.Key:
    """The event a terminal's key press becomes, from the app's driver."""
    if key.startswith("ctrl+") and len(key) == 6:
        char: str | None = chr(ord(key[-1]) - ord("a") + 1)
    else:
        char = CHARACTERS.get(key, key if len(key) == 1 else None)
    event = events.Key(key, char)
    event.set_sender(app)
    return event


def burst(app: App[object], *keys: str) -> None:
    """Queue ``keys`` at once, without waiting for the app to handle any of them."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        driver.send_message(key_event(app, key))


async def settle(pilot: Pilot[object], rounds: int = 4) -> None:
    """Wait until the keys sent, and what they set off, are handled: each round waits for
    every message queued before it (a key, then the message it posts, then the screen it
    opens...), then for the workers started."""
    for _ in range(rounds):
        await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def matches_shown(pilot: Pilot[object]) -> None:
    """Wait until the open command palette lists what was typed (it searches in batches)."""
    commands = pilot.app.screen.query_one(CommandList)
    for _ in range(100):
        if commands.option_count:
            return
        await pilot.pause(0.05)
