"""A per-turn chart of the share of the map's value each faction held: one column a turn,
split from the bottom up in the factions' colours."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rich.style import Style
from rich.text import Text

from frontlines.engine.state import State
from frontlines.engine.world import World

BLOCK = "█"
UNHELD = Style(color="grey30")
AXIS_LABEL = "100% "


def value_shares(world: World, states: Sequence[State]) -> np.ndarray:
    """Share of the total value held by each faction after each turn (turns x factions);
    row 0 is the start. A map without value counts places instead."""
    weight = world.value if float(world.value.sum()) > 0 else np.ones(world.n_locations)
    holders = np.stack([s.controller[0] for s in states])  # turns x places
    held = np.zeros((len(states), world.n_factions))
    for f in range(world.n_factions):
        held[:, f] = ((holders == f) * weight).sum(axis=1)
    return held / float(weight.sum())


def territory_chart(
    world: World, states: Sequence[State], height: int = 10, width: int = 60
) -> Text:
    """The chart as text in ``height`` rows and at most ``width`` cells: two cells a turn
    when there is room, one otherwise, and evenly spaced turns when even that is too many."""
    shares = value_shares(world, states)
    columns = max(width - len(AXIS_LABEL), 1)
    turns = np.arange(len(states))
    if len(turns) > columns:
        turns = np.unique(np.linspace(0, len(states) - 1, columns).round().astype(int))
    cell = 2 if 2 * len(turns) <= columns else 1
    colours = [Style(color=f.colour) for f in world.scenario.factions]
    # A cell takes the faction whose band covers the cell's middle, so each faction's
    # cells add up to its share, rounded to the nearest cell.
    bands = np.cumsum(shares[turns], axis=1)
    lines = []
    for row in range(height):
        middle = (height - row - 0.5) / height
        label = "100% " if row == 0 else "  0% " if row == height - 1 else ""
        line = Text()
        line.append(label.ljust(len(AXIS_LABEL)), style="dim")
        for column in range(len(turns)):
            owner = int(np.searchsorted(bands[column], middle, side="right"))
            line.append(BLOCK * cell, style=colours[owner] if owner < len(colours) else UNHELD)
        lines.append(line)
    span = cell * len(turns)
    first, last = f"turn {turns[0]}", f"turn {turns[-1]}"
    axis = " " * len(AXIS_LABEL) + first + last.rjust(max(span - len(first), len(last) + 1))
    lines.append(Text(axis, style="dim"))
    return Text("\n").join(lines)
