"""A scenario's weather compiled once: the kinds as arrays, the schedule turn by turn and the
transition chain as cumulative probabilities (see ``rules/weather.py`` for how it plays)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from frontlines.engine.arrays import BoolArray, FloatArray, IntArray
from frontlines.engine.scenario.model import Scenario
from frontlines.engine.scenario.weather import Weather, turn_of

ROUTE_KINDS = ("highway", "road", "track", "rough", "rail")
FAIR = "fair"
"""The one kind of weather of a scenario without a ``weather:`` section."""


def _frozen(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class WeatherTable:
    """The kinds of weather (``W``) and how they follow one another.

    A scenario without a ``weather:`` section (``declared`` false) has one kind, fair, that
    changes nothing: no factor is applied at all, so such games play exactly as before.
    """

    declared: bool
    ids: tuple[str, ...]  # W
    names: tuple[str, ...]  # W
    sorties: FloatArray  # W: fraction of sorties that fly
    route_pace: FloatArray  # W x 5: fraction of the pace kept, by route kind (ROUTE_KINDS)
    start: int  # the weather of turn 1 (the schedule's, if it sets turn 1)
    scheduled: IntArray  # max_turns + 2: the kind a schedule entry sets on each turn, -1: none
    cumulative: FloatArray  # W x W: running sums of each kind's transition row
    chained: BoolArray  # W: kinds with a transition row (the others stay as they are)

    @property
    def n_kinds(self) -> int:
        """The number of kinds, W."""
        return len(self.ids)

    @property
    def changes(self) -> bool:
        """Whether the weather can change during a game (by the schedule or the chain)."""
        return bool(np.any(self.scheduled[1:] >= 0) or np.any(self.chained))

    def index(self, kind_id: str) -> int:
        """Index of a kind of weather; raises ``ValueError``."""
        return self.ids.index(kind_id)

    def arc_pace(self, kinds: tuple[str, ...]) -> FloatArray:
        """``W x D``: the fraction of the pace kept along each directed arc, for routes of
        ``kinds`` (each route both ways)."""
        column = np.array([ROUTE_KINDS.index(kind) for kind in kinds], dtype=np.int64)
        per_route = self.route_pace[:, column]
        return np.concatenate([per_route, per_route], axis=1)


def weather_section(scenario: Scenario) -> Weather | None:
    """The scenario's weather: its section, or the default kinds if only an event sets the
    weather, or ``None``."""
    if scenario.weather is not None:
        return scenario.weather
    if any(e.weather is not None for event in scenario.events for e in event.effects):
        return Weather()
    return None


def compile_weather(scenario: Scenario) -> WeatherTable:
    """The scenario's weather as a :class:`WeatherTable`."""
    section = weather_section(scenario)
    scheduled = np.full(scenario.max_turns + 2, -1, dtype=np.int64)
    if section is None:
        return WeatherTable(
            declared=False,
            ids=(FAIR,),
            names=("Fair",),
            sorties=_frozen(np.ones(1)),
            route_pace=_frozen(np.ones((1, len(ROUTE_KINDS)))),
            start=0,
            scheduled=_frozen(scheduled),
            cumulative=_frozen(np.ones((1, 1))),
            chained=_frozen(np.zeros(1, dtype=bool)),
        )
    ids = tuple(section.kind_ids())
    for change in section.schedule:
        turn = change.from_turn if change.from_date is None else turn_of(scenario, change.from_date)
        if turn is not None and 1 <= turn <= scenario.max_turns:
            scheduled[turn] = ids.index(change.weather)
    n_w = len(ids)
    cumulative = np.ones((n_w, n_w))
    chained = np.zeros(n_w, dtype=bool)
    for kind, row in section.transitions.items():
        w = ids.index(kind)
        chances = np.array([row.get(other, 0.0) for other in ids], dtype=np.float64)
        running = np.cumsum(chances)
        # From the last kind that may follow on, the running sum is 1 exactly, so that a
        # draw just below 1 never falls past it when the written chances sum to a hair less.
        last = int(np.flatnonzero(chances > 0)[-1]) if np.any(chances > 0) else n_w - 1
        running[last:] = 1.0
        cumulative[w] = running
        chained[w] = True
    start = ids.index(section.start_id())
    if scheduled[1] >= 0:
        start = int(scheduled[1])
    return WeatherTable(
        declared=True,
        ids=ids,
        names=tuple(kind.title for kind in section.kinds),
        sorties=_frozen(np.array([kind.sorties for kind in section.kinds], dtype=np.float64)),
        route_pace=_frozen(
            np.array(
                [[getattr(kind.movement, r) for r in ROUTE_KINDS] for kind in section.kinds],
                dtype=np.float64,
            )
        ),
        start=start,
        scheduled=_frozen(scheduled),
        cumulative=_frozen(cumulative),
        chained=_frozen(chained),
    )
