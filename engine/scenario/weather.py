"""The ``weather:`` section: kinds of weather, and how the weather changes from turn to turn.

A kind of weather sets the fraction of sorties that fly and, by route kind, the fraction of
the km-a-day pace that forces keep. The weather of turn 1 is ``start`` (or what ``schedule``
sets on turn 1); on each later turn a ``schedule`` entry that begins then sets it, else the
``transitions`` of the previous turn's weather draw it (a Markov chain, seeded like all
chance), else it stays. Where the default values come from is explained in ``docs/rules.md``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Self

from pydantic import Field, model_validator

from frontlines.engine.scenario.base import Id, IsoDate, Name, Sourced, Spec

if TYPE_CHECKING:
    from frontlines.engine.scenario.model import Scenario

WeatherId = Id
Pace = Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]
Probability = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
PROBABILITY_SLACK = 1e-6
"""How far a row of transition probabilities may sum from 1 (for decimals written in a file)."""


class RoutePace(Spec):
    """The fraction of the fair-weather pace kept along each kind of route (1: unchanged)."""

    highway: Pace = Field(1.0, description="Along highways.")
    road: Pace = Field(1.0, description="Along paved roads.")
    track: Pace = Field(1.0, description="Along unpaved tracks.")
    rough: Pace = Field(1.0, description="Across country without a road.")
    rail: Pace = Field(1.0, description="By railway.")


class WeatherKind(Sourced):
    """A kind of weather and what it does to air power and movement."""

    id: WeatherId
    name: Name | None = Field(None, description="How it is shown; the id when omitted.")
    sorties: Probability = Field(
        1.0, description="Fraction of each air-support entry's sorties that fly (0 grounds all)."
    )
    movement: RoutePace = Field(
        default_factory=RoutePace,
        description="Fraction of the km-a-day pace (rules.movement) kept, by route kind.",
    )

    @property
    def title(self) -> str:
        """The name shown for it."""
        return self.name or self.id


def default_kinds() -> list[WeatherKind]:
    """The kinds a ``weather:`` section has when it lists none (values: docs/rules.md)."""
    return [
        WeatherKind(id="clear", name="Clear"),
        WeatherKind(id="overcast", name="Overcast", sorties=0.75),
        WeatherKind(
            id="rain",
            name="Rain",
            sorties=0.5,
            movement=RoutePace(highway=0.9, road=0.8, track=0.5, rough=0.3, rail=1.0),
        ),
        WeatherKind(
            id="storm",
            name="Storm",
            sorties=0.1,
            movement=RoutePace(highway=0.7, road=0.6, track=0.3, rough=0.2, rail=0.9),
        ),
    ]


class WeatherChange(Spec):
    """From a turn (or the turn holding a date) on, the weather is ``weather``."""

    from_turn: Annotated[int, Field(ge=1, le=10_000)] | None = Field(
        None, description="The first turn of this weather."
    )
    from_date: IsoDate | None = Field(
        None, description="The first day of this weather, as YYYY-MM-DD: from the turn it falls in."
    )
    weather: WeatherId = Field(description="The kind of weather, one of weather.kinds.")

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.from_turn is None) == (self.from_date is None):
            raise ValueError("give exactly one of 'from_turn' and 'from_date'")
        return self


class Weather(Sourced):
    """The weather over the game: its kinds, its start, and a schedule or a seeded process."""

    kinds: list[WeatherKind] = Field(
        default_factory=default_kinds,
        min_length=1,
        max_length=32,
        description="The kinds of weather; clear, overcast, rain and storm when omitted.",
    )
    start: WeatherId | None = Field(
        None, description="The weather of turn 1; the first kind when omitted."
    )
    schedule: list[WeatherChange] = Field(
        default_factory=list,
        max_length=10_000,
        description="Changes from a turn or date on; a change beats the transitions that turn.",
    )
    transitions: dict[WeatherId, dict[WeatherId, Probability]] = Field(
        default_factory=dict,
        description="A Markov chain: for a kind of weather, the chance of each kind the next "
        "turn (each row sums to 1; a kind without a row stays as it is). Drawn from the run's "
        "seed and the turn only.",
    )

    def kind_ids(self) -> list[str]:
        """The ids of the kinds, in file order."""
        return [kind.id for kind in self.kinds]

    def start_id(self) -> str:
        """The weather of turn 1 before the schedule."""
        return self.start or self.kinds[0].id


def turn_of(scenario: Scenario, day: date) -> int:
    """The turn whose days hold ``day`` (turn 1 starts on ``start_date``)."""
    return (day - scenario.start_date).days // scenario.turn_length_days + 1
