"""Help: every key, and how a turn works."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from frontlines.tui.screens.once import ClosesOnce

HELP = """\
# Frontlines: how to play

Each turn is a day. Give your orders, then end the turn: the computer gives its orders at
the same time, and the engine plays the day. The log tells what happened.

| key | does |
| --- | --- |
| arrows, click | select a place on the map |
| tab / shift+tab | next / previous place |
| / | find a place by typing its name |
| a | attack from the selected place |
| m | move from the selected place |
| s | airstrike on the selected place |
| c | close air support over the selected place |
| w | withdraw the last pending order |
| e | end the turn |
| b | the battles so far, each with its factor breakdown |
| n | go to the news log; enter on a battle (▸) opens its breakdown; escape back to the map |
| f | forecast: each place's chance of changing hands in the next turns |
| u | undo the last turn |
| ctrl+s | save the game |
| ctrl+o | resume a saved game |
| ctrl+p | the palette: every order by name ("Attack Hama from ..."), places, a screenshot |
| ? | this help |
| q | quit (asks first if there is something to lose) |

A place changes hands when the attackers' surviving power beats the defence by the capture
ratio; terrain, posture, morale, supply, surprise, air support and luck all count. Losing
valuable places hurts a faction's morale; a faction whose morale breaks collapses.

Games are saved after every turn (the autosave) in the data folder. When the game ends, a
summary shows who won, how the map changed hands turn by turn, and where the save is.
"""


class HelpScreen(ClosesOnce[None], ModalScreen[None]):
    """The keys and the rules in brief."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(HELP)

    def action_close(self) -> None:
        self.dismiss(None)
