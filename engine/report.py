"""A forecast's report: frozen values, and the JSON that ``frontlines forecast --json`` prints.

:func:`~frontlines.engine.forecast.forecast` returns a :class:`ForecastReport`; anything that
shows a forecast reads its fields. :meth:`ForecastReport.to_data` is the JSON report of
``docs/forecasts.md``, key for key and in the same order, and :meth:`ForecastReport.from_data`
reads it back. Every chance is a share of the runs rounded to four decimals; whatever is given
per faction or per place is in the scenario's order.

    >>> d = Difference(0.25, (0.2, 0.3))
    >>> d.excludes_zero, Difference.from_data(d.to_data()) == d
    (True, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from frontlines.engine.scenario.base import FactionId, LocationId, VariantId

Chances = tuple[tuple[FactionId, float], ...]
"""(faction, chance) pairs, in faction order."""


def _chances(data: Mapping[str, Any]) -> Chances:
    return tuple((faction, float(p)) for faction, p in data.items())


@dataclass(frozen=True)
class Difference:
    """A variant's paired difference to the base over the same runs (variant minus base)."""

    difference: float
    ci95: tuple[float, float] | None  # the 95% interval; None from a single run

    @property
    def excludes_zero(self) -> bool:
        """Whether the interval leaves zero out: the variant really changes this outcome."""
        return self.ci95 is not None and (self.ci95[0] > 0 or self.ci95[1] < 0)

    def to_data(self) -> dict[str, Any]:
        """The difference as JSON data."""
        return {
            "difference": self.difference,
            "ci95": None if self.ci95 is None else list(self.ci95),
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Difference:
        """The difference read back from JSON data."""
        ci95 = data["ci95"]
        low_high = None if ci95 is None else (float(ci95[0]), float(ci95[1]))
        return cls(float(data["difference"]), low_high)


@dataclass(frozen=True)
class Victory:
    """How the runs ended: each faction's victory, a draw, or no end within the turns played."""

    factions: Chances  # every faction
    draw: float
    undecided: float

    def chance(self, outcome: str) -> float:
        """The chance of a faction's victory, of ``"draw"`` or of ``"undecided"``."""
        if outcome == "draw":
            return self.draw
        if outcome == "undecided":
            return self.undecided
        return dict(self.factions)[outcome]

    def to_data(self) -> dict[str, float]:
        """The chances of each outcome as JSON data."""
        return {**dict(self.factions), "draw": self.draw, "undecided": self.undecided}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Victory:
        """The chances of each outcome read back from JSON data."""
        rest = {k: v for k, v in data.items() if k not in ("draw", "undecided")}
        return cls(_chances(rest), float(data["draw"]), float(data["undecided"]))


@dataclass(frozen=True)
class LocationSummary:
    """Who holds one place over the turns played, and how likely (and when) it changes hands.

    Index 0 of ``by_turn`` and ``fallen_by_turn`` is the start of the forecast."""

    id: LocationId
    holder_at_start: FactionId
    at_end: Chances  # every faction: the chance it holds the place after the last turn
    changes_hands: float  # held at the end by a side hostile to ``holder_at_start``
    fallen_by_turn: tuple[float, ...]  # taken by a hostile side at least once by that turn
    turn_half_fallen: int | None  # the first turn by which it fell in half the runs
    by_turn: tuple[Chances, ...]  # each holder's chance; factions with none left out

    def to_data(self) -> dict[str, Any]:
        """The place's summary as JSON data, without its id (the key it is filed under)."""
        return {
            "holder_at_start": self.holder_at_start,
            "at_end": dict(self.at_end),
            "changes_hands": self.changes_hands,
            "fallen_by_turn": list(self.fallen_by_turn),
            "turn_half_fallen": self.turn_half_fallen,
            "by_turn": [dict(shares) for shares in self.by_turn],
        }

    @classmethod
    def from_data(cls, place: LocationId, data: Mapping[str, Any]) -> LocationSummary:
        """The summary of ``place`` read back from JSON data."""
        half = data["turn_half_fallen"]
        return cls(
            id=place,
            holder_at_start=data["holder_at_start"],
            at_end=_chances(data["at_end"]),
            changes_hands=float(data["changes_hands"]),
            fallen_by_turn=tuple(float(p) for p in data["fallen_by_turn"]),
            turn_half_fallen=None if half is None else int(half),
            by_turn=tuple(_chances(shares) for shares in data["by_turn"]),
        )


@dataclass(frozen=True)
class Summary:
    """What happened in the runs of one version of the scenario."""

    victory: Victory
    locations: tuple[LocationSummary, ...]  # every place

    def location(self, place: str) -> LocationSummary:
        """The summary of one place; raises ``KeyError``."""
        for summary in self.locations:
            if summary.id == place:
                return summary
        raise KeyError(place)

    def to_data(self) -> dict[str, Any]:
        """The summary as JSON data."""
        return {
            "victory": self.victory.to_data(),
            "locations": {summary.id: summary.to_data() for summary in self.locations},
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Summary:
        """The summary read back from JSON data."""
        return cls(
            Victory.from_data(data["victory"]),
            tuple(LocationSummary.from_data(p, d) for p, d in data["locations"].items()),
        )


@dataclass(frozen=True)
class Comparison:
    """A variant's paired differences to the base: victory chances and places changing hands."""

    victory: tuple[tuple[FactionId, Difference], ...]  # every faction, then "draw"
    changes_hands: tuple[tuple[LocationId, Difference], ...]  # every place

    def to_data(self) -> dict[str, Any]:
        """The comparison as JSON data."""
        return {
            "victory": {name: d.to_data() for name, d in self.victory},
            "changes_hands": {place: d.to_data() for place, d in self.changes_hands},
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Comparison:
        """The comparison read back from JSON data."""
        return cls(
            tuple((name, Difference.from_data(d)) for name, d in data["victory"].items()),
            tuple((place, Difference.from_data(d)) for place, d in data["changes_hands"].items()),
        )


@dataclass(frozen=True)
class VariantReport:
    """One variant's runs, summarised and compared with the base's."""

    id: VariantId
    title: str
    summary: Summary
    compared_to_base: Comparison

    def to_data(self) -> dict[str, Any]:
        """The variant's report as JSON data, without its id (the key it is filed under)."""
        return {
            "title": self.title,
            **self.summary.to_data(),
            "compared_to_base": self.compared_to_base.to_data(),
        }

    @classmethod
    def from_data(cls, name: VariantId, data: Mapping[str, Any]) -> VariantReport:
        """The report of variant ``name`` read back from JSON data."""
        return cls(
            name,
            data["title"],
            Summary.from_data(data),
            Comparison.from_data(data["compared_to_base"]),
        )


@dataclass(frozen=True)
class ForecastReport:
    """A whole forecast: what was asked, the base's runs and each variant's."""

    scenario: str  # the scenario's id
    title: str
    source: str  # the scenario's id, or the save forecast from
    runs: int
    turns: int
    seed: int
    start_turn: int  # 0 from the scenario's start
    days: tuple[str, ...]  # ISO dates, one per turn played
    opponents: str  # the computer level that played every faction
    factions: tuple[tuple[FactionId, str], ...]  # (id, name), in faction order
    base: Summary
    variants: tuple[VariantReport, ...]  # in the order asked for

    def faction_name(self, faction: str) -> str:
        """The name of one faction; raises ``KeyError``."""
        return dict(self.factions)[faction]

    def variant(self, name: str) -> VariantReport:
        """The report of one variant; raises ``KeyError``."""
        for variant in self.variants:
            if variant.id == name:
                return variant
        raise KeyError(name)

    def to_data(self) -> dict[str, Any]:
        """The JSON report (``docs/forecasts.md``), without ``timing``."""
        return {
            "scenario": self.scenario,
            "title": self.title,
            "source": self.source,
            "runs": self.runs,
            "turns": self.turns,
            "seed": self.seed,
            "start_turn": self.start_turn,
            "days": list(self.days),
            "opponents": self.opponents,
            "factions": dict(self.factions),
            "base": self.base.to_data(),
            "variants": {variant.id: variant.to_data() for variant in self.variants},
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> ForecastReport:
        """The report :meth:`to_data` gave; other keys (the CLI's ``timing``) are left out."""
        return cls(
            scenario=data["scenario"],
            title=data["title"],
            source=data["source"],
            runs=int(data["runs"]),
            turns=int(data["turns"]),
            seed=int(data["seed"]),
            start_turn=int(data["start_turn"]),
            days=tuple(data["days"]),
            opponents=data["opponents"],
            factions=tuple(data["factions"].items()),
            base=Summary.from_data(data["base"]),
            variants=tuple(
                VariantReport.from_data(name, v) for name, v in data["variants"].items()
            ),
        )
