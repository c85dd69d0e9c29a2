"""The ``rules:`` section: every constant of the combat model, with its documented default.

Each group is optional and so is each field in it; a scenario overrides only what it needs.
Where the defaults come from is explained in ``docs/scenario-format.md``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasChoices, Field, model_validator

from frontlines.engine.scenario.base import Spec

Factor = Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)]
Fraction = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


class TerrainRules(Spec):
    """Defence multipliers by terrain (QJM-style)."""

    urban: Factor = Field(1.4, description="Defence multiplier in cities and large towns.")
    rugged: Factor = Field(1.5, description="Defence multiplier in hills and mountains.")
    mixed: Factor = Field(1.2, description="Defence multiplier in rolling, mixed country.")
    flat: Factor = Field(1.05, description="Defence multiplier in flat, open country.")


class PostureRules(Spec):
    """Defence multipliers by the defender's posture (QJM-style)."""

    hasty: Factor = Field(1.3, description="A defence put together within a day.")
    prepared: Factor = Field(1.5, description="Positions dug in over days.")
    fortified: Factor = Field(1.6, description="Permanent works: bases, citadels, berms.")


class MoraleRules(Spec):
    """How morale scales combat power, and how it moves."""

    high: Factor = Field(1.0, description="Power multiplier at morale >= high_from.")
    steady: Factor = Field(0.9, description="Power multiplier at morale >= steady_from.")
    shaken: Factor = Field(0.8, description="Power multiplier at morale >= shaken_from.")
    wavering: Factor = Field(0.7, description="Power multiplier below shaken_from.")
    high_from: Fraction = Field(0.75, description="Lowest morale counted as high.")
    steady_from: Fraction = Field(0.5, description="Lowest morale counted as steady.")
    shaken_from: Fraction = Field(0.25, description="Lowest morale counted as shaken.")
    panic: Factor = Field(0.2, description="Power multiplier once a faction has collapsed.")
    collapse_below: Fraction = Field(
        0.15, description="A faction whose morale falls below this collapses into panic."
    )
    loss_per_value: Fraction = Field(
        0.02, description="Morale lost per value point of a location the faction loses."
    )
    gain_per_value: Fraction = Field(
        0.01, description="Morale gained per value point of a location the faction takes."
    )
    recovery_per_day: Fraction = Field(
        0.01,
        validation_alias=AliasChoices("recovery_per_day", "recovery_per_turn"),
        description="Morale regained each day of a turn without losses, up to the starting "
        "level (a turn of d days regains d times as much). The old name recovery_per_turn is "
        "still read, with the same meaning per day.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> MoraleRules:
        if not self.high >= self.steady >= self.shaken >= self.wavering >= self.panic:
            raise ValueError("morale factors must not increase from high to panic")
        if not self.high_from >= self.steady_from >= self.shaken_from:
            raise ValueError("morale bands must run high_from >= steady_from >= shaken_from")
        return self


class CombatRules(Spec):
    """Ground combat: attrition, chance and the capture threshold."""

    attrition_rate: Fraction = Field(
        0.08,
        description="Fraction of a side's strength lost per day of battle at 1:1 odds; a turn "
        "of d days compounds it: 1 - (1 - loss)**d.",
    )
    attrition_exponent: Annotated[float, Field(ge=0, le=3, allow_inf_nan=False)] = Field(
        0.5, description="How strongly losses follow the power ratio (Lanchester-style)."
    )
    noise_sigma: Annotated[float, Field(ge=0, le=2, allow_inf_nan=False)] = Field(
        0.25, description="Spread of the lognormal noise on each side's losses."
    )
    power_sigma: Annotated[float, Field(ge=0, le=2, allow_inf_nan=False)] = Field(
        0.4,
        description="Spread of the lognormal luck on each side's combat power in a battle: "
        "the friction of war, so that a battle at even odds can go either way.",
    )
    capture_ratio: Factor = Field(
        1.5,
        description="Attacker's surviving power must exceed the defence by this ratio to "
        "take a location.",
    )
    surprise_factor: Factor = Field(
        1.5,
        description="Attacker power multiplier on a faction's first attack, for factions "
        "that declare no surprise level; it falls to 1 over surprise_turns turns.",
    )
    surprise_turns: Annotated[int, Field(ge=0, le=100)] = Field(
        1,
        description="How many turns (of turn_length_days days each) surprise_factor takes to "
        "wear off, counted from the faction's first attack and never restored by a pause; "
        "only for factions that declare no surprise level (see rules.surprise).",
    )
    retreat_loss: Fraction = Field(
        0.2, description="Fraction of a defeated garrison lost as it retreats."
    )


class AirRules(Spec):
    """Air power: close air support and strikes."""

    sortie_power: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] = Field(
        0.5, description="Ground combat power added by one close-support sortie."
    )
    cas_excess_weight: Fraction = Field(
        0.5, description="Weight of close support beyond the supported ground power."
    )
    cas_cap: Factor = Field(
        3.0, description="Close support never adds more than this multiple of ground power."
    )
    strike_damage: Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False)] = Field(
        0.01, description="Strength destroyed per strike sortie, as a fraction of the target."
    )
    casualties_per_sortie: Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)] = Field(
        0.5,
        description="Expected civilian deaths per strike sortie on a place of 100,000 people "
        "at civilian_risk 1.",
    )
    injured_per_killed: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] = Field(
        8.0, description="Reported injured per reported death in strikes on populated places."
    )
    weather: Fraction = Field(1.0, description="Fraction of air power that weather allows.")
    casualty_sigma: Annotated[float, Field(ge=0, le=3, allow_inf_nan=False)] = Field(
        0.5, description="Spread of the lognormal noise on civilian deaths from a strike."
    )
    injured_sigma: Annotated[float, Field(ge=0, le=3, allow_inf_nan=False)] = Field(
        0.3, description="Spread of the lognormal noise on the injured per death."
    )


class SurpriseRules(Spec):
    """Surprise in the manner of Dupuy: the attacker's power multiplier for each level a
    faction declares, and the days over which it wears off."""

    minor: Factor = Field(1.3, description="Multiplier on the first day of minor surprise.")
    substantial: Factor = Field(
        1.6, description="Multiplier on the first day of substantial surprise."
    )
    complete: Factor = Field(2.0, description="Multiplier on the first day of complete surprise.")
    lasts_days: Annotated[int, Field(ge=0, le=100)] = Field(
        3,
        description="Days after a faction's first attack over which its surprise falls "
        "linearly to 1 (whether or not it goes on attacking: a pause never restores it).",
    )


class SupplyRules(Spec):
    """What happens to forces cut off from their supply sources."""

    unsupplied_decay: Fraction = Field(
        0.1, description="Power lost per day without supply, as a fraction."
    )
    unsupplied_floor: Fraction = Field(
        0.4,
        description="Forces cut off or beyond supply range never fall below this fraction of "
        "their power.",
    )
    range_days: Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)] | None = Field(
        4.0,
        description="Days of travel (at the free pace of rules.movement along each route) "
        "from a supply source along routes through friendly places within which forces are "
        "fully supplied; null: no limit.",
    )
    beyond_range_decay: Fraction = Field(
        0.1,
        description="Power lost per day of travel beyond range_days, as a fraction (down to "
        "unsupplied_floor): the further an advance runs from its sources, the weaker it is.",
    )


class MovementRules(Spec):
    """How far forces travel along a route in a day, by the route's kind, and how much an
    enemy holding the far end slows them (in the manner of Dupuy's TNDM advance rates)."""

    highway: Annotated[float, Field(gt=0, le=2000, allow_inf_nan=False)] = Field(
        160.0, description="Km a day along a highway."
    )
    road: Annotated[float, Field(gt=0, le=2000, allow_inf_nan=False)] = Field(
        100.0, description="Km a day along a paved road."
    )
    track: Annotated[float, Field(gt=0, le=2000, allow_inf_nan=False)] = Field(
        50.0, description="Km a day along an unpaved track."
    )
    rough: Annotated[float, Field(gt=0, le=2000, allow_inf_nan=False)] = Field(
        20.0, description="Km a day across country without a road."
    )
    rail: Annotated[float, Field(gt=0, le=2000, allow_inf_nan=False)] = Field(
        300.0, description="Km a day by railway, loading and unloading included."
    )
    opposed_per_ratio: Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)] = Field(
        0.5,
        description="Pace of an opposed advance, as a fraction of the free pace, per unit of "
        "the attackers' strength ratio over the defenders at the far end (at most 1).",
    )
    opposed_floor: Annotated[float, Field(ge=0.05, le=1, allow_inf_nan=False)] = Field(
        0.25, description="An opposed advance never goes slower than this fraction of free pace."
    )
    contested_share: Fraction = Field(
        0.5,
        description="Share of a route into a place held by an enemy that is fought over and "
        "goes at the opposed pace (the front runs between the two places); the rest goes at "
        "the free pace.",
    )
    urban: Fraction = Field(0.5, description="Advance-rate factor into a city or large town.")
    rugged: Fraction = Field(0.6, description="Advance-rate factor into hills and mountains.")
    mixed: Fraction = Field(0.8, description="Advance-rate factor into rolling, mixed country.")
    flat: Fraction = Field(1.0, description="Advance-rate factor into flat, open country.")


class CrossingRules(Spec):
    """How much a crossing weakens an attack along the route (QJM-style river factors)."""

    river: Annotated[float, Field(ge=1, le=10, allow_inf_nan=False)] = Field(
        1.5,
        description="Divides the power of attackers who cross a river this turn (a defence "
        "multiplier in Dupuy's QJM).",
    )
    strait: Annotated[float, Field(ge=1, le=10, allow_inf_nan=False)] = Field(
        2.0,
        description="Divides the power of attackers who cross a strait (or a major unfordable "
        "river) this turn.",
    )


class Rules(Spec):
    """Every constant of the combat model; all optional."""

    terrain: TerrainRules = Field(default_factory=TerrainRules)
    posture: PostureRules = Field(default_factory=PostureRules)
    morale: MoraleRules = Field(default_factory=MoraleRules)
    combat: CombatRules = Field(default_factory=CombatRules)
    air: AirRules = Field(default_factory=AirRules)
    supply: SupplyRules = Field(default_factory=SupplyRules)
    movement: MovementRules = Field(default_factory=MovementRules)
    surprise: SurpriseRules = Field(default_factory=SurpriseRules)
    crossing: CrossingRules = Field(default_factory=CrossingRules)

    def surprise_of(self, level: str | None, turn_length_days: int) -> tuple[float, int]:
        """A faction's surprise: its power multiplier on the day of its first attack and
        the days over which that falls to 1, for its declared ``level`` (``None``: the
        default, ``combat.surprise_factor`` over ``combat.surprise_turns`` turns)."""
        if level is None:
            return self.combat.surprise_factor, self.combat.surprise_turns * turn_length_days
        if level == "none":
            return 1.0, 0
        factor: float = getattr(self.surprise, str(level))
        return factor, self.surprise.lasts_days
