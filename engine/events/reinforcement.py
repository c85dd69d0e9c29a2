"""Events of phase 8, reinforcement: forces that arrived or turned back."""

from __future__ import annotations

from dataclasses import dataclass

from frontlines.engine.rules.reinforcement import ReinforcementResult
from frontlines.engine.scenario.base import FactionId, LocationId
from frontlines.engine.world import World


@dataclass(frozen=True)
class ReinforcementReport:
    """Fresh forces arrived (or found their destination in enemy hands)."""

    turn: int
    faction: str
    location: LocationId
    place: str
    strength: float
    arrived: bool
    faction_id: FactionId

    def describe(self) -> str:
        """The arrival (or the turning back) as one line of the news log."""
        if self.arrived:
            return f"{self.faction} reinforcements ({self.strength:g}) reach {self.place}."
        return f"{self.faction} reinforcements for {self.place} turn back: it is in enemy hands."


def reinforcement_events(
    world: World, result: ReinforcementResult, run: int, turn: int
) -> list[ReinforcementReport]:
    """Each reinforcement due in game ``run`` this turn, arrived or turned back."""
    due = world.arrivals
    out: list[ReinforcementReport] = []
    for i in (result.arrived[run] | result.turned_back[run]).nonzero()[0].tolist():
        f, loc = int(due.faction[i]), int(due.place[i])
        out.append(
            ReinforcementReport(
                turn,
                world.faction_names[f],
                world.location_ids[loc],
                world.location_names[loc],
                float(due.strength[i]),
                bool(result.arrived[run, i]),
                world.faction_ids[f],
            )
        )
    return out
