"""The scenario as typed, validated, immutable values: what a YAML scenario file means."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import AliasChoices, Field, model_validator

from frontlines.engine.scenario.base import (
    AirSupportId,
    AllianceId,
    Colour,
    EventId,
    FactionId,
    Id,
    IsoDate,
    LocationId,
    Name,
    Sourced,
    Spec,
    Text,
    VariantId,
)
from frontlines.engine.scenario.rules import Rules
from frontlines.engine.scenario.weather import Weather, WeatherId

MAX_VARIANTS = 20
"""Each variant is checked as a whole scenario, so their number is capped."""
LIST_SECTIONS = (
    "factions",
    "alliances",
    "locations",
    "routes",
    "air_support",
    "reinforcements",
    "events",
    "victory",
    "variants",
)
"""The scenario's sections that are lists of entities, in file order."""

Strength = Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)]
Turn = Annotated[int, Field(ge=1, le=10_000)]


class Terrain(StrEnum):
    """The ground a location is fought over; sets the defence multiplier."""

    URBAN = "urban"
    RUGGED = "rugged"
    MIXED = "mixed"
    FLAT = "flat"


class LocationKind(StrEnum):
    """What a location is."""

    CITY = "city"
    TOWN = "town"
    BASE = "base"
    REGION = "region"


class Posture(StrEnum):
    """How well a defender is dug in."""

    HASTY = "hasty"
    PREPARED = "prepared"
    FORTIFIED = "fortified"


class Surprise(StrEnum):
    """How far a faction's first attack takes its enemy by surprise (Dupuy's levels)."""

    NONE = "none"
    MINOR = "minor"
    SUBSTANTIAL = "substantial"
    COMPLETE = "complete"


class RouteKind(StrEnum):
    """The kind of way a route is: it sets how far forces travel along it in a day."""

    HIGHWAY = "highway"
    ROAD = "road"
    TRACK = "track"
    ROUGH = "rough"
    RAIL = "rail"


class Crossing(StrEnum):
    """What a route crosses on the way, which weakens an attack along it."""

    RIVER = "river"
    STRAIT = "strait"


TerrainField = Annotated[Terrain, Field(strict=False)]
KindField = Annotated[LocationKind, Field(strict=False)]
PostureField = Annotated[Posture, Field(strict=False)]
RouteKindField = Annotated[RouteKind, Field(strict=False)]
SurpriseField = Annotated[Surprise, Field(strict=False)]
CrossingField = Annotated[Crossing, Field(strict=False)]


class Faction(Sourced):
    """A side that holds ground, flies sorties, or both."""

    id: FactionId
    name: Name
    colour: Colour = Field(description="Map colour, as #rrggbb.")
    quality: Annotated[float, Field(gt=0, le=3, allow_inf_nan=False)] = Field(
        1.0, description="Combat power per strength point; 1.0 is an average force."
    )
    pace: Annotated[float, Field(ge=0.1, le=5, allow_inf_nan=False)] = Field(
        1.0,
        description="How fast its forces march, as a multiple of the km a day of each route "
        "kind (rules.movement): 2.0 covers a route in half the days.",
    )
    morale: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = Field(
        0.7, description="Starting morale, from 0 (broken) to 1 (excellent)."
    )
    posture: PostureField = Field(
        Posture.PREPARED, description="Posture of this faction's garrisons unless a location says."
    )
    playable: bool = Field(True, description="Whether a person may choose to play this faction.")
    surprise: SurpriseField | None = Field(
        None,
        description="The surprise its first attack achieves (none, minor, substantial, "
        "complete; factors in rules.surprise), wearing off over rules.surprise.lasts_days. "
        "Unset: rules.combat.surprise_factor over rules.combat.surprise_turns turns.",
    )
    surprise_front: Annotated[list[LocationId], Field(min_length=1)] | None = Field(
        None,
        description="The places of the front where its surprise is achieved: only attacks on "
        "them get it, and it wears off from the first battle it fights there as attacker. "
        "Unset: everywhere, from its first attack.",
    )
    description: Text = ""


class Alliance(Sourced):
    """Factions that fight on the same side and never attack one another."""

    id: AllianceId
    name: Name
    members: list[FactionId] = Field(min_length=2)


class Location(Sourced):
    """A place that can be held: a city, town, base or region."""

    id: LocationId
    name: Name
    kind: KindField
    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)] = Field(
        description="Latitude in decimal degrees, north positive."
    )
    lon: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] = Field(
        description="Longitude in decimal degrees, east positive."
    )
    population: Annotated[int, Field(ge=0, le=100_000_000)] = Field(
        0, description="People living there; drives the civilian risk of airstrikes."
    )
    terrain: TerrainField
    value: Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)] = Field(
        1.0, description="Victory points, and weight in morale when it changes hands."
    )
    controller: FactionId
    garrison: dict[FactionId, Strength] = Field(
        default_factory=dict, description="Strength points present at the start, by faction."
    )
    posture: PostureField | None = Field(
        None, description="Defensive posture here; defaults to the controller's posture."
    )
    supply_source: bool = Field(False, description="Supplies whoever holds it, and their allies.")
    air_defence: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = Field(
        0.0, description="Fraction of hostile air power lost over this place."
    )


class Route(Sourced):
    """A road or track between two locations; forces move and attack along routes."""

    from_: LocationId = Field(alias="from")
    to: LocationId
    kind: RouteKindField = RouteKind.ROAD
    length_km: Annotated[float, Field(gt=0, le=5000, allow_inf_nan=False)] | None = Field(
        None, description="Road length; the straight-line distance when omitted."
    )
    crossing: CrossingField | None = Field(
        None,
        description="A river or strait the route crosses: an attack along it into a place "
        "held by an enemy is weaker by rules.crossing.river or rules.crossing.strait.",
    )
    cut: bool = Field(
        False,
        description="Cut at the start (a bridge down): nobody may use it until an event "
        "restores it.",
    )
    closed_to: list[FactionId] = Field(
        default_factory=list,
        description="Factions that may not use it at the start, nor may their allies (an "
        "event may open it to them).",
    )


class AirSupport(Sourced):
    """Sorties one faction flies for another (or for itself) every day."""

    id: AirSupportId
    name: Name
    provider: FactionId
    beneficiary: FactionId
    sorties_per_day: Annotated[int, Field(ge=0, le=10_000)] = Field(
        validation_alias=AliasChoices("sorties_per_day", "sorties_per_turn"),
        description="Sorties flown each day; a turn of d days has d times as many. The old "
        "name sorties_per_turn is still read, with the same meaning per day.",
    )
    base: LocationId | None = Field(
        None, description="Where the sorties fly from; none fly while it is held by an enemy."
    )
    range_km: Annotated[float, Field(gt=0, le=20_000, allow_inf_nan=False)] = Field(
        1000.0, description="How far from the base the sorties reach."
    )
    cas_modifier: Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)] = Field(
        1.0, description="Effect of a close-support sortie relative to rules.air.sortie_power."
    )
    strike_modifier: Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)] = Field(
        1.0, description="Effect of a strike sortie relative to rules.air.strike_damage."
    )
    civilian_risk: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = Field(
        0.1, description="Risk of harming civilians when striking a populated place, 0 to 1."
    )


class Reinforcement(Sourced):
    """Fresh forces that arrive at a location on a given turn."""

    faction: FactionId
    location: LocationId
    turn: Turn
    strength: Annotated[float, Field(gt=0, le=1_000_000, allow_inf_nan=False)]


class ControlCondition(Spec):
    """True while a faction (or one of its allies, if ``or_allies``) holds a location."""

    location: LocationId
    by: FactionId
    or_allies: bool = False


class MoraleCondition(Spec):
    """True while a faction's morale is below a threshold."""

    faction: FactionId
    below: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]


class StrengthCondition(Spec):
    """True while a faction's strength at a location (at the start of the turn, not counting
    forces on the road) is above or below a level; give exactly one of ``above`` and
    ``below``."""

    faction: FactionId
    location: LocationId
    above: Strength | None = Field(None, description="Holds while the strength is more than this.")
    below: Strength | None = Field(None, description="Holds while the strength is less than this.")

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.above is None) == (self.below is None):
            raise ValueError("give exactly one of 'above' and 'below'")
        return self


Chance = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
TRIGGER_PARTS = (
    "turn",
    "from_turn",
    "chance",
    "controlled",
    "morale_below",
    "strength",
    "all",
    "any",
)
"""The fields of a trigger that are conditions (``for_turns`` only bounds a turn window)."""


class Trigger(Spec):
    """When an event fires: every condition given must hold (use ``any`` for either-or)."""

    turn: Turn | None = Field(None, description="At the start of this turn.")
    from_turn: Turn | None = Field(
        None, description="At the start of this turn and every later one."
    )
    for_turns: Turn | None = Field(
        None,
        description="With 'turn' or 'from_turn': holds only in this many turns from that turn "
        "on (turn: 3, for_turns: 2 holds in turns 3 and 4).",
    )
    chance: Chance | None = Field(
        None,
        description="Holds with this probability each turn, drawn afresh every turn from the "
        "run's seed (the same seed gives the same draws).",
    )
    controlled: ControlCondition | None = None
    morale_below: MoraleCondition | None = None
    strength: StrengthCondition | None = None
    all: Annotated[list[Trigger], Field(min_length=1)] | None = None
    any: Annotated[list[Trigger], Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if all(getattr(self, part) is None for part in TRIGGER_PARTS):
            raise ValueError(
                "a trigger needs at least one of turn, from_turn, chance, controlled, "
                "morale_below, strength, all, any"
            )
        if self.turn is not None and self.from_turn is not None:
            raise ValueError(
                "give 'turn' (that one turn) or 'from_turn' (that turn and every later one), "
                "not both"
            )
        if self.for_turns is not None and self.turn is None and self.from_turn is None:
            raise ValueError(
                "'for_turns' counts turns from a start: give 'turn' or 'from_turn' with it"
            )
        return self


CHANCE_SLOTS = 16
"""Most chance parts one event's trigger may have (each has its own stream of draws)."""


def chance_parts(trigger: Trigger) -> list[float]:
    """The chances a trigger gives, depth first in file order (the order of their draws):
    its own, then those of ``all``, then those of ``any``."""
    found = [] if trigger.chance is None else [trigger.chance]
    for sub in [*(trigger.all or ()), *(trigger.any or ())]:
        found += chance_parts(sub)
    return found


class SortieChange(Spec):
    """Set or change an air-support entry's sorties per turn."""

    air_support: AirSupportId
    set: Annotated[int, Field(ge=0, le=10_000)] | None = None
    change: Annotated[int, Field(ge=-10_000, le=10_000)] | None = None

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.set is None) == (self.change is None):
            raise ValueError("give exactly one of 'set' and 'change'")
        return self


class ForceChange(Spec):
    """Add (or remove, if negative) strength of a faction at a location."""

    faction: FactionId
    location: LocationId
    change: Annotated[float, Field(ge=-1_000_000, le=1_000_000, allow_inf_nan=False)]


class MoraleChange(Spec):
    """Raise or lower a faction's morale."""

    faction: FactionId
    change: Annotated[float, Field(ge=-1, le=1, allow_inf_nan=False)]


class AllianceChange(Spec):
    """A faction joins or leaves an alliance."""

    alliance: AllianceId
    join: FactionId | None = None
    leave: FactionId | None = None

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.join is None) == (self.leave is None):
            raise ValueError("give exactly one of 'join' and 'leave'")
        return self


class RouteChange(Spec):
    """Cut or restore a route (a bridge blown or rebuilt), or close or open it to a side."""

    from_: LocationId = Field(alias="from")
    to: LocationId
    cut: Literal[True] | None = Field(None, description="Nobody may use it from now on.")
    restore: Literal[True] | None = Field(
        None, description="Open to everyone again: lifts a cut and every closure."
    )
    close_to: FactionId | None = Field(
        None, description="This faction, and whoever is allied with it, may not use it."
    )
    open_to: FactionId | None = Field(
        None,
        description="Lifts a closure to this faction (a cut, or a closure to its allies, "
        "still bars it).",
    )

    @model_validator(mode="after")
    def _one(self) -> Self:
        given = [v for v in (self.cut, self.restore, self.close_to, self.open_to) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'cut', 'restore', 'close_to' and 'open_to'")
        return self


class ControlChange(Spec):
    """A location passes to a faction. Forces there stay: where some are hostile to the new
    holder, the place is contested and this turn's battle and capture decide who keeps it."""

    location: LocationId
    faction: FactionId


Quality = Annotated[float, Field(gt=0, le=3, allow_inf_nan=False)]
Pace = Annotated[float, Field(ge=0.1, le=5, allow_inf_nan=False)]


class FactionRulesChange(Spec):
    """Change a rules constant of one faction from this turn on, in the games where the
    event fired."""

    faction: FactionId
    quality: Quality | None = Field(
        None, description="The faction's combat quality (power per strength point) from now on."
    )
    pace: Pace | None = Field(
        None,
        description="The faction's march pace (a multiple of each route kind's km a day) for "
        "the journeys it sets out on from now on.",
    )

    @model_validator(mode="after")
    def _one_constant(self) -> Self:
        given = [name for name in ("quality", "pace") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one constant to change: 'quality' or 'pace'")
        return self


EFFECT_KINDS = (
    "message",
    "sorties",
    "forces",
    "morale",
    "alliance",
    "control",
    "faction_rules",
    "route",
    "weather",
)
"""The fields of an effect, one of which each effect gives."""


class Effect(Spec):
    """One thing an event does; give exactly one field."""

    message: Text | None = Field(None, description="A line for the news log.")
    sorties: SortieChange | None = None
    forces: ForceChange | None = None
    morale: MoraleChange | None = None
    alliance: AllianceChange | None = None
    control: ControlChange | None = Field(None, description="A location changes hands.")
    faction_rules: FactionRulesChange | None = Field(
        None, description="A rules constant of one faction changes."
    )
    route: RouteChange | None = Field(
        None, description="Cut, restore, close or open the route between two places."
    )
    weather: WeatherId | None = Field(
        None, description="Set the weather, from this turn on, to a kind of weather.kinds."
    )

    @model_validator(mode="after")
    def _one(self) -> Self:
        given = [kind for kind in EFFECT_KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            raise ValueError(f"an effect has exactly one of {', '.join(EFFECT_KINDS)}")
        return self


class Event(Sourced):
    """A scripted event: when its trigger holds, its effects happen."""

    id: EventId
    when: Trigger
    effects: list[Effect] = Field(min_length=1)
    once: bool = Field(True, description="Fire only the first time the trigger holds.")
    enabled: bool = Field(True, description="False switches the event off (useful in variants).")


class VictoryCondition(Sourced):
    """How a faction wins: hold all of some places, or enough value, by a turn or at the end."""

    faction: FactionId
    description: Text = ""
    control: list[LocationId] = Field(
        default_factory=list, description="The faction or its allies hold every one of these."
    )
    points: Annotated[float, Field(gt=0, le=100_000, allow_inf_nan=False)] | None = Field(
        None, description="The faction and its allies hold locations worth this much value."
    )
    by_turn: Turn | None = Field(None, description="Only counts on or before this turn.")
    at_end: bool = Field(False, description="Only checked when the last turn ends.")
    hold_turns: Turn = Field(
        1,
        description="Met only once 'control' and 'points' have held at this many turn ends in "
        "a row (1: the turn end they first hold); a turn end where they do not resets the count.",
    )

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.control and self.points is None:
            raise ValueError("a victory condition needs 'control', 'points' or both")
        if self.at_end and self.by_turn is not None:
            raise ValueError(
                "give 'by_turn' (met on or before that turn) or 'at_end' (met when the last "
                "turn ends), not both"
            )
        return self


class Variant(Sourced):
    """A named what-if: changes merged into the base scenario (``no-russian-air``)."""

    id: VariantId
    title: Name
    description: Text = ""
    changes: dict[str, Any] = Field(
        description="Overrides: top-level values, 'rules', or entities by id "
        "(factions, locations, air_support, alliances, events) with the fields to change."
    )


class Scenario(Sourced):
    """A whole scenario file."""

    schema_version: Literal[1] = Field(alias="schema", description="Scenario format version.")
    id: Id
    title: Name
    description: Text = ""
    start_date: IsoDate = Field(description="The date of turn 1, as YYYY-MM-DD.")
    turn_length_days: Annotated[int, Field(ge=1, le=365)] = 1
    max_turns: Annotated[int, Field(ge=1, le=1000)]
    factions: list[Faction] = Field(min_length=2)
    alliances: list[Alliance] = Field(default_factory=list)
    locations: list[Location] = Field(min_length=2)
    routes: list[Route] = Field(min_length=1)
    air_support: list[AirSupport] = Field(default_factory=list)
    reinforcements: list[Reinforcement] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    victory: list[VictoryCondition] = Field(default_factory=list)
    rules: Rules = Field(default_factory=Rules)
    weather: Weather | None = Field(
        None,
        description="The weather over time (kinds, a schedule or a seeded process); without "
        "it every turn is fair, with rules.air.weather on every sortie as before.",
    )
    variants: list[Variant] = Field(default_factory=list, max_length=MAX_VARIANTS)

    @model_validator(mode="after")
    def _calendar(self) -> Self:
        days = self.turn_length_days * self.max_turns
        if (date.max - self.start_date).days < days:
            raise ValueError(f"the last turn would fall after {date.max.isoformat()}")
        return self

    def faction(self, faction_id: str) -> Faction:
        """The faction with this id; raises ``KeyError``."""
        for faction in self.factions:
            if faction.id == faction_id:
                return faction
        raise KeyError(faction_id)

    def location(self, location_id: str) -> Location:
        """The location with this id; raises ``KeyError``."""
        for location in self.locations:
            if location.id == location_id:
                return location
        raise KeyError(location_id)

    def first_day(self, turn: int) -> date:
        """The first day of turn ``turn`` (turn 1 starts on ``start_date``).

        >>> from frontlines.engine.scenario import load_scenario
        >>> load_scenario("aleppo-2024").first_day(4).isoformat()
        '2024-11-30'
        """
        return self.start_date + timedelta(days=(turn - 1) * self.turn_length_days)

    def last_day(self, turn: int) -> date:
        """The last day of turn ``turn``; ``last_day(max_turns)`` is the scenario's last day."""
        return self.first_day(turn + 1) - timedelta(days=1)

    def variant_ids(self) -> list[str]:
        """The ids of the scenario's variants, in file order."""
        return [v.id for v in self.variants]

    def to_data(self) -> dict[str, Any]:
        """Plain data that dumps to an equivalent scenario file."""
        data: dict[str, Any] = self.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        return data


Trigger.model_rebuild()
