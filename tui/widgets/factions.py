"""The factions table: strength, morale, supply, sorties, places and value held."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from frontlines.engine.state import State
from frontlines.engine.view import observe
from frontlines.engine.world import World

COMPACT_BELOW = 44
"""Narrower than this, the table shortens its headings and marks the player by underlining."""


def factions_table(
    world: World, state: State, player: str | None = None, *, compact: bool = False
) -> Table:
    """Each faction's standing in game 0 of ``state``: strength, morale (or broken), the
    share of its strength in supply, sorties it can fly, places held and their value."""
    table = Table(
        expand=True,
        box=None,
        padding=(0, 1),
        pad_edge=False,
        collapse_padding=True,
        header_style="bold",
    )
    headings = ("faction", "str", "mor" if compact else "morale", "supp", "air", "held", "pts")
    for name in headings:
        if name == "faction":
            table.add_column(
                name, no_wrap=True, max_width=10 if compact else 12, overflow="ellipsis"
            )
        else:
            table.add_column(name, justify="right", no_wrap=True, min_width=max(len(name), 3))
    for standing in observe(world, state).factions:
        fid, colour, total = standing.id, standing.colour, standing.strength
        if compact:
            label = Text(fid, style=f"{colour} bold underline" if fid == player else colour)
        else:
            label = Text(("> " if fid == player else "  ") + fid, style=colour)
        table.add_row(
            label,
            f"{total:.1f}",
            Text("broke" if not compact else "brk", style="bold red")
            if standing.collapsed
            else f"{standing.morale:.2f}",
            f"{100 * standing.in_supply / total:.0f}%" if total > 0 else "-",
            str(standing.sorties) if standing.sorties else "-",
            str(standing.places_held),
            f"{standing.value_held:g}",
        )
    return table


class FactionsPanel(Static):
    """The factions table of the game on screen, compact when the panel is narrow."""

    def show(self, world: World, state: State, player: str | None) -> None:
        self.shown = (world, state, player)
        self.draw()

    def draw(self) -> None:
        if not hasattr(self, "shown"):
            return
        world, state, player = self.shown
        width = self.content_size.width or self.app.size.width
        self.update(factions_table(world, state, player, compact=width < COMPACT_BELOW))

    def on_resize(self) -> None:
        self.draw()
