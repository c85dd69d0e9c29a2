"""Screens that close once: a key typed again before the first is handled (enter, enter)
must not close the screen below as well.

Textual's ``Screen.dismiss`` pops whatever screen is on top, so a dialog that dismisses
twice pops the game under it. Every screen of the app that dismisses derives from
:class:`ClosesOnce`, which also holds keys back until the screen is composed; the command
palette (ctrl+p, and ``/`` for places) is :class:`GamePalette`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from textual import on
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.command import CommandList, CommandPalette
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Input, OptionList

ResultT = TypeVar("ResultT")


def done() -> AwaitComplete:
    """Something to await that is already complete (what ``AwaitComplete.nothing`` gives,
    typed: with no awaitables there is nothing to wait for)."""
    return AwaitComplete()


if TYPE_CHECKING:
    _Mixin = Screen
else:  # a plain mixin: Textual takes a screen's styles from its first base that is a node
    _Mixin = Generic


class ClosesOnce(_Mixin[ResultT]):
    """Put first among a screen's bases: it then closes at most once, and only while it is
    the top screen."""

    dismissed = False
    """Whether the screen has closed (or is closing); it takes no further answer."""

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        """Close with ``result``, unless already closed or not on top (then do nothing)."""
        if self.dismissed or not self.is_active:
            return done()
        self.dismissed = True
        return super().dismiss(result)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No key works before the screen is composed (a key typed as it opens): its
        actions look for its widgets."""
        return self.is_mounted and super().check_action(action, parameters)


class GamePalette(ClosesOnce[None], CommandPalette):
    """Textual's command palette, closing once and running one command at most."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pagedown", "page('down')", "Next page", show=False),
        Binding("pageup", "page('up')", "Previous page", show=False),
    ]

    def action_page(self, way: str) -> None:
        """Page through the commands; not before the list is laid out (Textual's paging
        then fails: a key typed as the first matches arrive)."""
        commands = self.query_one(CommandList)
        if commands.scrollable_content_region:
            getattr(commands, f"action_page_{way}")()

    @on(Input.Submitted)
    @on(OptionList.OptionSelected)
    @on(Button.Pressed)
    def _ignore_when_closed(self, event: Message) -> None:
        # A choice made after the palette closed (or while a dialog is over it) is dropped,
        # before Textual's own handlers would run its command again.
        if self.dismissed or not self.is_active:
            event.stop()
            event.prevent_default()
