"""Events of phase 9, victory: the end of a game."""

from __future__ import annotations

from dataclasses import dataclass

from frontlines.engine.scenario.base import FactionId
from frontlines.engine.state import DRAW, NO_WINNER, State
from frontlines.engine.world import World


@dataclass(frozen=True)
class Victory:
    """The game ended."""

    turn: int
    winner: FactionId | None
    name: str | None

    def describe(self) -> str:
        """The end of the game as one line of the news log."""
        if self.winner is None:
            return "The last turn is over: no side met its victory conditions. A draw."
        return f"{self.name} has met its victory conditions."


def victory_events(world: World, before: State, after: State, run: int, turn: int) -> list[Victory]:
    """The end of game ``run``, if it ended this turn."""
    if not (after.done[run] and not before.done[run]):
        return []
    w = int(after.winner[run])
    decided = w not in (DRAW, NO_WINNER)
    return [
        Victory(
            turn,
            world.faction_ids[w] if decided else None,
            world.faction_names[w] if decided else None,
        )
    ]
