"""Why a battle went the way it did: every battle of the game so far, with its factors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from frontlines.engine.events import Battle, Event
from frontlines.tui.screens.once import ClosesOnce


def battle_breakdown(battle: Battle) -> Group:
    """The sides, strengths, powers, losses and each factor with its source."""
    table = Table(expand=True, header_style="bold", pad_edge=False)
    table.add_column("factor", no_wrap=True)
    table.add_column("attacker", justify="right", no_wrap=True)
    table.add_column("defender", justify="right", no_wrap=True)
    table.add_column("from", overflow="fold")
    table.add_row(
        "strength", f"{battle.attacker_strength:.1f}", f"{battle.defender_strength:.1f}", ""
    )
    for factor in battle.factors:
        table.add_row(
            factor.name, f"{factor.attacker:.2f}", f"{factor.defender:.2f}", factor.source
        )
    table.add_row(
        Text("power", style="bold"),
        f"{battle.attacker_power:.1f}",
        f"{battle.defender_power:.1f}",
        "",
    )
    table.add_row("losses", f"{battle.attacker_losses:.2f}", f"{battle.defender_losses:.2f}", "")
    outcome = "taken" if battle.captured else "held"
    heading = Text.assemble(
        (f"Battle for {battle.place}, turn {battle.turn}: ", "bold"),
        f"{', '.join(battle.attackers)} against {', '.join(battle.defenders)}; {outcome}.",
    )
    return Group(heading, table)


class BattlesScreen(ClosesOnce[None], ModalScreen[None]):
    """Pick a battle from the game so far to see its factor breakdown (latest first)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,b,q", "close", "Close")]

    def __init__(self, history: Sequence[Sequence[Event]], chosen: Battle | None = None) -> None:
        super().__init__()
        self.battles = [e for events in reversed(history) for e in events if isinstance(e, Battle)]
        self.chosen = next((i for i, b in enumerate(self.battles) if b is chosen), 0)

    def compose(self) -> ComposeResult:
        with Horizontal(id="battles"):
            yield OptionList(
                *(
                    Option(f"turn {b.turn}: {b.place}{' (taken)' if b.captured else ''}", id=str(i))
                    for i, b in enumerate(self.battles)
                ),
                id="battle-list",
            )
            yield Static("No battle has been fought yet." if not self.battles else "", id="battle")

    def on_mount(self) -> None:
        if self.battles:
            self.query_one(OptionList).highlighted = self.chosen

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.query_one("#battle", Static).update(battle_breakdown(self.battles[event.option_index]))

    def action_close(self) -> None:
        self.dismiss(None)
