"""Choosing a saved game to resume from the saves folder, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from frontlines.engine.saves import SaveError, read_save
from frontlines.engine.text import brief, escaped
from frontlines.tui.screens.once import ClosesOnce

MAX_LISTED = 200
"""Saves listed at most (the newest)."""


@dataclass(frozen=True)
class SaveEntry:
    """One file of the saves folder as the list shows it."""

    path: Path
    label: str
    problem: str | None = None


def list_saves(folder: Path | None) -> list[SaveEntry]:
    """The saves in ``folder``, newest first, each with its scenario, side and turn, or what
    is wrong with it (a damaged file is listed, not hidden, and cannot be chosen)."""
    if folder is None or not folder.is_dir():
        return []
    try:
        paths = [p for p in folder.glob("*.json") if p.is_file()]
        paths.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return []
    entries = []
    for path in paths[:MAX_LISTED]:
        try:
            stamp = datetime.fromtimestamp(path.stat().st_mtime)
            data = read_save(path)
        except (OSError, SaveError) as exc:
            name = escaped(path.name)
            entries.append(SaveEntry(path, name, str(exc).removeprefix(f"{escaped(str(path))}: ")))
            continue
        scenario = data.get("scenario")
        player = data.get("player")
        turns = data.get("turns")
        if not isinstance(scenario, dict) or not isinstance(turns, list):
            entries.append(SaveEntry(path, escaped(path.name), "not a Frontlines save"))
            continue
        side = player.get("faction") if isinstance(player, dict) else None
        # What a save says of itself is quoted escaped and short, as in any message.
        saved_id, saved_side = brief(str(scenario.get("id")), 48), brief(str(side or "no side"), 48)
        label = (
            f"{escaped(path.stem)}: {saved_id}, {saved_side}, after turn {len(turns)}"
            f" — {stamp:%d %b %Y %H:%M}"
        )
        entries.append(SaveEntry(path, label))
    return entries


class LoadScreen(ClosesOnce[Path | None], ModalScreen[Path | None]):
    """Pick a save to resume; dismisses with its path, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, folder: Path | None) -> None:
        super().__init__()
        self.folder = folder
        self.entries = list_saves(folder)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="load"):
            yield Label(Text("Resume a saved game", style="bold"))
            if self.entries:
                yield OptionList(
                    *(
                        Option(
                            Text(e.label)
                            if e.problem is None
                            else Text(f"{e.label}: {e.problem}", style="dim"),
                            id=str(i),
                            disabled=e.problem is not None,
                        )
                        for i, e in enumerate(self.entries)
                    ),
                    id="save-list",
                )
            else:
                yield Label(f"No saved games in {self.folder}.")
            yield Label(Text("enter: resume   escape: cancel", style="dim"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.entries[event.option_index].path)

    def action_cancel(self) -> None:
        self.dismiss(None)
