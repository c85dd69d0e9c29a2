"""Events of the weather, set at the start of phase 1: the turn's weather when it changes."""

from __future__ import annotations

from dataclasses import dataclass

from frontlines.engine.state import State
from frontlines.engine.world import World


@dataclass(frozen=True)
class WeatherChange:
    """The weather of this turn differs from the last turn's (by the schedule, the chain or
    a scripted event)."""

    turn: int
    weather_id: str
    name: str
    was: str

    def describe(self) -> str:
        """The change as one line of the news log."""
        return f"The weather turns from {self.was.lower()} to {self.name.lower()}."


def weather_events(world: World, before: State, after: State, run: int) -> list[WeatherChange]:
    """The weather change of game ``run`` this turn, if any."""
    was, now = int(before.weather[run]), int(after.weather[run])
    if was == now:
        return []
    table = world.weather
    return [WeatherChange(after.turn, table.ids[now], table.names[now], table.names[was])]
