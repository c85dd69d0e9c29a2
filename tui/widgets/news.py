"""The news log: what happened each turn in plain sentences. A battle's line can be chosen
(enter or a click) to see why it went the way it did."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from frontlines.engine.events import Battle, Event, MoraleShift

BATTLE_MARK = "▸ "
"""Starts the line of a battle, which opens its breakdown."""


def newsworthy(event: Event) -> bool:
    """Whether the log tells of ``event``: all but morale recovering on a quiet day, which
    would add a line every turn."""
    if isinstance(event, MoraleShift):
        return bool(event.lost_value or event.taken_value)
    return True


class NewsLog(OptionList):
    """A log of lines; a battle's line is an option that opens its factor breakdown."""

    class BattleChosen(Message):
        """The player chose a battle's line."""

        def __init__(self, battle: Battle) -> None:
            super().__init__()
            self.battle = battle

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.battles: dict[str, Battle] = {}

    def clear(self) -> None:
        """Empty the log, battles and all."""
        self.clear_options()
        self.battles.clear()

    def say(self, text: str, style: str = "") -> None:
        """Add a line that is not a battle."""
        self.add_option(Option(Text(text, style=style)))
        self._follow()

    def report(self, turn: int, events: Sequence[Event]) -> None:
        """Add a turn's heading and one line per event worth telling."""
        self.add_option(Option(Text(f"— Turn {turn} —", style="bold")))
        for event in filter(newsworthy, events):
            if isinstance(event, Battle):
                key = f"battle-{len(self.battles)}"
                self.battles[key] = event
                self.add_option(Option(Text(BATTLE_MARK + event.describe()), id=key))
            else:
                self.add_option(Option(Text(event.describe())))
        self._follow()

    @property
    def lines(self) -> list[str]:
        """The log as plain text, oldest first."""
        lines = []
        for index in range(self.option_count):
            prompt = self.get_option_at_index(index).prompt
            lines.append(prompt.plain if isinstance(prompt, Text) else str(prompt))
        return lines

    def _follow(self) -> None:
        self.highlighted = self.option_count - 1
        self.call_after_refresh(self.scroll_end, animate=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        battle = self.battles.get(event.option.id or "")
        if battle is not None:
            self.post_message(self.BattleChosen(battle))
