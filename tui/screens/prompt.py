"""Small dialogs: a question with yes and no, and a name to save under."""

from __future__ import annotations

import re
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from frontlines.tui.screens.once import ClosesOnce

SAVE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}")
"""A save's name: a file name on every system, never hidden, never a path."""


class ConfirmScreen(ClosesOnce[bool], ModalScreen[bool]):
    """A yes-or-no question."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "No"),
        Binding("y", "answer(True)", "Yes"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question)
            with Horizontal(classes="buttons"):
                yield Button("Yes", variant="error", id="yes")
                yield Button("No", variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()  # enter alone never loses anything

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class SaveNameScreen(ClosesOnce[str | None], ModalScreen[str | None]):
    """Ask for the name to save the game under."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, suggestion: str) -> None:
        super().__init__()
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Save the game as:")
            yield Input(self.suggestion, id="save-name")
            yield Label("", id="save-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if not SAVE_NAME.fullmatch(name):
            self.query_one("#save-error", Label).update(
                "Use a plain name of up to 80 letters, digits, '-' and '_'."
            )
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
