"""Events of phase 7, morale: each faction's shift with its causes, and collapses."""

from __future__ import annotations

from dataclasses import dataclass

from frontlines.engine.rules.morale import MoraleResult
from frontlines.engine.scenario.base import FactionId
from frontlines.engine.state import State
from frontlines.engine.world import World


@dataclass(frozen=True)
class MoraleShift:
    """A faction's morale moved this turn: with the value of the places it lost and took,
    and what a turn without losses gave back."""

    turn: int
    faction: FactionId
    name: str
    before: float
    after: float
    lost_value: float
    taken_value: float
    recovered: float

    def describe(self) -> str:
        """The shift, with its causes, as one line of the news log."""
        why = []
        if self.lost_value:
            why.append(f"places worth {self.lost_value:g} lost")
        if self.taken_value:
            why.append(f"places worth {self.taken_value:g} taken")
        if self.recovered and not why:
            why.append("a quiet day")
        verb = "rises" if self.after > self.before else "falls"
        reason = f" ({', '.join(why)})" if why else ""
        return f"{self.name}: morale {verb} from {self.before:.2f} to {self.after:.2f}{reason}."


@dataclass(frozen=True)
class MoraleCollapse:
    """A faction's morale broke."""

    turn: int
    faction: FactionId
    name: str

    def describe(self) -> str:
        """The collapse as one line of the news log."""
        return f"{self.name}: morale collapses; its units are close to breaking."


MoraleEvent = MoraleShift | MoraleCollapse


def morale_events(
    world: World, morale: MoraleResult, after: State, run: int, turn: int
) -> list[MoraleEvent]:
    """A shift for each faction whose morale the phase moved in game ``run``, then a
    collapse for each whose morale broke."""
    before, now = morale.before[run], after.morale[run]
    out: list[MoraleEvent] = []
    for f in (before != now).nonzero()[0].tolist():
        out.append(
            MoraleShift(
                turn,
                world.faction_ids[f],
                world.faction_names[f],
                float(before[f]),
                float(now[f]),
                float(morale.lost[run, f]),
                float(morale.taken[run, f]),
                float(morale.recovery[run, f]),
            )
        )
    for f in morale.collapsed_now[run].nonzero()[0].tolist():
        out.append(MoraleCollapse(turn, world.faction_ids[f], world.faction_names[f]))
    return out
