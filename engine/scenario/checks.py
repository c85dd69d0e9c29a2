"""Checks that span the whole scenario: references, duplicates, reachability, alliances, sources.

Field types and ranges are checked by the models; everything here needs more than one field.
Every check reports a :class:`Problem` located by its data path and keeps going, so an author
sees every mistake at once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pydantic_core import InitErrorDetails

from frontlines.engine.scenario.diagnostics import (
    Candidates,
    DataPath,
    Problem,
    Severity,
    SuggestionBudget,
    suggest,
)
from frontlines.engine.scenario.model import (
    CHANCE_SLOTS,
    LIST_SECTIONS,
    Effect,
    Scenario,
    Trigger,
    chance_parts,
)
from frontlines.engine.scenario.weather import PROBABILITY_SLACK, Weather, turn_of

_NOUNS = {
    "factions": "faction",
    "locations": "location",
    "alliances": "alliance",
    "air_support": "air-support entry",
    "weather": "kind of weather",
}
LONG_ROUTE_KM = 1000.0
"""A route longer than this in a straight line is probably a typing mistake in coordinates."""


@dataclass
class CheckContext:
    """What the checks need from outside the file, and where they put what they find.

    ``facts`` is the set of fact ids that ``sources`` may cite; ``None`` skips that check.
    """

    facts: frozenset[str] | None = None
    problems: list[Problem] = field(default_factory=list)
    left_out: dict[str, set[str]] | None = None
    """Set when checking what is left of a file after dropping entities that failed
    validation: their ids by section, still counted as known so that references to them are
    not reported. Checks that need the whole scenario are skipped."""
    budget: SuggestionBudget = field(default_factory=SuggestionBudget)
    """What the file's "did you mean" hints may still spend."""
    variant_applied: bool = False
    """Set when checking the scenario with a variant applied: the checks of what no variant can
    change (ids and routes) are skipped, since checking the base scenario reported them."""


def cross_check(scenario: Scenario, context: CheckContext) -> list[Problem]:
    """Every cross-field problem in ``scenario`` (its variants are checked by
    :func:`frontlines.engine.scenario.variants.check_variants`)."""
    checker = _Checker(scenario, context)
    return list(checker.run())


def check_scenario(data: Any, context: CheckContext | None = None) -> Scenario:
    """Scenario data through the first two steps of loading: the fields, then the
    cross-checks (not the variants).

    With a ``context`` the cross-checks' problems are added to it; without one, any error
    among them raises :class:`pydantic.ValidationError`, as a field error does.
    """
    scenario = Scenario.model_validate(data)
    found = cross_check(scenario, context or CheckContext())
    if context is None:
        raise_errors(found, data)
    else:
        context.problems.extend(found)
    return scenario


def raise_errors(problems: Iterable[Problem], data: Any) -> None:
    """Raise :class:`pydantic.ValidationError` for the errors among ``problems``, if any."""
    errors = [p for p in problems if p.is_error]
    if errors:
        message = "; ".join(p.describe() for p in errors)
        detail = InitErrorDetails(
            type="value_error", loc=(), input=data, ctx={"error": ValueError(message)}
        )
        raise ValidationError.from_exception_data(Scenario.__name__, [detail])


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance between two points on the Earth's surface, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


class _Checker:
    def __init__(self, scenario: Scenario, context: CheckContext) -> None:
        self.s = scenario
        self.context = context
        left_out = context.left_out or {}
        self.partial = context.left_out is not None
        # Sections where an entity was left out without a readable id: any reference to
        # them might be right, so none is reported.
        self.uncertain = {section for section, found in left_out.items() if "" in found}
        self.factions = {f.id for f in scenario.factions} | left_out.get("factions", set())
        self.locations = {loc.id for loc in scenario.locations} | left_out.get("locations", set())
        self.alliances = {a.id for a in scenario.alliances} | left_out.get("alliances", set())
        self.air = {a.id for a in scenario.air_support} | left_out.get("air_support", set())
        weather = scenario.weather or Weather()  # events may set the default kinds
        self.known = {
            "factions": self.factions,
            "locations": self.locations,
            "alliances": self.alliances,
            "air_support": self.air,
            "weather": set(weather.kind_ids()),
        }
        self.members = {a.id: set(a.members) for a in scenario.alliances}
        self.joiners: dict[str, set[str]] = {}
        for event in scenario.events:
            for effect in event.effects:
                if effect.alliance is not None and effect.alliance.join is not None:
                    self.joiners.setdefault(effect.alliance.alliance, set()).add(
                        effect.alliance.join
                    )
        self.candidates: dict[str, Candidates] = {}

    def run(self) -> Iterator[Problem]:
        found = [
            *(() if self.context.variant_applied else self._duplicates()),
            *self._locations(),
            *self._routes(),
            *self._alliances(),
            *self._air_support(),
            *self._reinforcements(),
            *self._events(),
            *self._weather(),
            *self._victory(),
            *self._sources(),
        ]
        if not self.partial:
            if not self.context.variant_applied:
                found += self._reachability()
            found += [*self._playable(), *self._activity()]
        yield from found

    # -- helpers ---------------------------------------------------------------------------

    def _ref(
        self, value: str, section: str, path: DataPath, *, at_key: bool = False
    ) -> Iterator[Problem]:
        if value in self.known[section] or section in self.uncertain:
            return
        hint = self._hint(value, section)
        yield Problem(path, f"unknown {_NOUNS[section]} '{value}'{hint}", at_key=at_key)

    def _hint(self, value: str, section: str) -> str:
        return suggest(value, self._candidates(section, self.known[section]), self.context.budget)

    def _candidates(self, key: str, names: Iterable[str]) -> Candidates:
        """The names of ``key`` (a section, or facts), prepared once for every hint."""
        if key not in self.candidates:
            self.candidates[key] = Candidates(names)
        return self.candidates[key]

    def allied(self, a: str, b: str) -> bool:
        """Whether two factions are the same or share an alliance."""
        return a == b or any(a in al.members and b in al.members for al in self.s.alliances)

    def _warn(self, path: DataPath, message: str) -> Problem:
        return Problem(path, message, severity=Severity.WARNING)

    # -- checks ----------------------------------------------------------------------------

    def _duplicates(self) -> Iterator[Problem]:
        groups: list[tuple[str, str, Iterable[str]]] = [
            ("factions", "faction", (f.id for f in self.s.factions)),
            ("alliances", "alliance", (a.id for a in self.s.alliances)),
            ("locations", "location", (loc.id for loc in self.s.locations)),
            ("air_support", "air-support", (a.id for a in self.s.air_support)),
            ("events", "event", (e.id for e in self.s.events)),
            ("variants", "variant", (v.id for v in self.s.variants)),
        ]
        for section, what, ids in groups:
            first: dict[str, int] = {}
            for index, entity_id in enumerate(ids):
                if entity_id in first:
                    yield Problem(
                        (section, index, "id"),
                        f"duplicate {what} id '{entity_id}'",
                        first=(section, first[entity_id], "id"),
                    )
                else:
                    first[entity_id] = index

    def _locations(self) -> Iterator[Problem]:
        for i, side in enumerate(self.s.factions):
            for j, place in enumerate(side.surprise_front or ()):
                yield from self._ref(place, "locations", ("factions", i, "surprise_front", j))
        for i, loc in enumerate(self.s.locations):
            yield from self._ref(loc.controller, "factions", ("locations", i, "controller"))
            for faction in loc.garrison:
                yield from self._ref(
                    faction,
                    "factions",
                    ("locations", i, "garrison", faction),
                    at_key=True,
                )

    def _routes(self) -> Iterator[Problem]:
        coords = {loc.id: (loc.lat, loc.lon) for loc in self.s.locations}
        seen: dict[frozenset[str], int] = {}
        for i, route in enumerate(self.s.routes):
            ends_ok = True
            for end, value in (("from", route.from_), ("to", route.to)):
                if value not in coords:
                    ends_ok = False
                if value not in self.locations and "locations" not in self.uncertain:
                    yield Problem(
                        ("routes", i, end),
                        f"route leads to unknown location '{value}'"
                        + self._hint(value, "locations"),
                    )
            for j, faction in enumerate(route.closed_to):
                yield from self._ref(faction, "factions", ("routes", i, "closed_to", j))
            if route.from_ == route.to:
                yield Problem(
                    ("routes", i, "to"), f"route from '{route.from_}' leads back to itself"
                )
                continue
            pair = frozenset((route.from_, route.to))
            if pair in seen:
                yield Problem(
                    ("routes", i),
                    f"a second route between '{route.from_}' and '{route.to}'",
                    first=("routes", seen[pair]),
                )
            seen.setdefault(pair, i)
            if not ends_ok:
                continue
            straight = great_circle_km(*coords[route.from_], *coords[route.to])
            if straight > LONG_ROUTE_KM and route.length_km is None:
                yield self._warn(
                    ("routes", i),
                    f"route '{route.from_}'-'{route.to}' spans {straight:,.0f} km in a straight "
                    "line; check the coordinates (lat and lon swapped?) or give length_km",
                )
            if route.length_km is not None and route.length_km > max(4 * straight, straight + 200):
                yield self._warn(
                    ("routes", i, "length_km"),
                    f"length_km {route.length_km:g} is far longer than the straight-line distance "
                    f"({straight:,.0f} km); check the value and the coordinates",
                )
            if route.length_km is not None and route.length_km < 0.9 * straight:
                yield self._warn(
                    ("routes", i, "length_km"),
                    f"length_km {route.length_km:g} is shorter than the straight-line distance "
                    f"({straight:,.0f} km); check the coordinates",
                )

    def _reachability(self) -> Iterator[Problem]:
        if len(self.s.locations) < 2:
            return
        neighbours: dict[str, set[str]] = {loc: set() for loc in self.locations}
        for route in self.s.routes:
            if route.from_ in neighbours and route.to in neighbours and route.from_ != route.to:
                neighbours[route.from_].add(route.to)
                neighbours[route.to].add(route.from_)
        parts: list[set[str]] = []
        unseen = set(neighbours)
        for loc in self.s.locations:
            if loc.id not in unseen:
                continue
            part, stack = {loc.id}, [loc.id]
            while stack:
                for nxt in neighbours[stack.pop()]:
                    if nxt not in part:
                        part.add(nxt)
                        stack.append(nxt)
            unseen -= part
            parts.append(part)
        main = max(parts, key=len)
        for i, loc in enumerate(self.s.locations):
            if not neighbours[loc.id]:
                yield Problem(
                    ("locations", i, "id"),
                    f"no route leads to location '{loc.id}': nothing can reach it",
                )
            elif loc.id not in main:
                yield Problem(
                    ("locations", i, "id"),
                    f"location '{loc.id}' is cut off from the rest of the map: no chain of "
                    f"routes links it to '{sorted(main)[0]}'",
                )

    def _alliances(self) -> Iterator[Problem]:
        # One alliance per faction: "ally of an ally" must be an ally, or sides are ill-defined.
        member_of: dict[str, str] = {}
        for i, alliance in enumerate(self.s.alliances):
            for j, member in enumerate(alliance.members):
                other = member_of.setdefault(member, alliance.id)
                if other != alliance.id:
                    yield Problem(
                        ("alliances", i, "members", j),
                        f"'{member}' is already in alliance '{other}'; a faction belongs to "
                        "one alliance at a time",
                    )
        for i, event in enumerate(self.s.events):
            for j, effect in enumerate(event.effects):
                change = effect.alliance
                if change is not None and change.join is not None:
                    current = member_of.get(change.join)
                    if current is not None and current != change.alliance:
                        yield self._warn(
                            ("events", i, "effects", j, "alliance", "join"),
                            f"'{change.join}' starts in alliance '{current}': make it leave that "
                            "alliance first, or its allies will be mixed",
                        )
        for i, alliance in enumerate(self.s.alliances):
            seen: set[str] = set()
            for j, member in enumerate(alliance.members):
                path = ("alliances", i, "members", j)
                yield from self._ref(member, "factions", path)
                if member in seen:
                    yield Problem(path, f"'{member}' is listed twice in alliance '{alliance.id}'")
                seen.add(member)

    def _air_support(self) -> Iterator[Problem]:
        controller = {loc.id: loc.controller for loc in self.s.locations}
        for i, air in enumerate(self.s.air_support):
            yield from self._ref(air.provider, "factions", ("air_support", i, "provider"))
            yield from self._ref(air.beneficiary, "factions", ("air_support", i, "beneficiary"))
            if (
                air.provider in self.factions
                and air.beneficiary in self.factions
                and not self.allied(air.provider, air.beneficiary)
                and not (self.partial and "alliances" in (self.context.left_out or {}))
            ):
                yield Problem(
                    ("air_support", i, "beneficiary"),
                    f"'{air.provider}' flies for '{air.beneficiary}', but they share no alliance; "
                    "add both to an alliance or change the beneficiary",
                )
            if air.base is not None:
                path = ("air_support", i, "base")
                yield from self._ref(air.base, "locations", path)
                holder = controller.get(air.base)
                if (
                    holder is not None
                    and holder in self.factions
                    and air.provider in self.factions
                    and not self.allied(holder, air.provider)
                ):
                    yield self._warn(
                        path,
                        f"base '{air.base}' starts in the hands of '{holder}', not "
                        f"'{air.provider}' or an ally: no sorties fly until it is retaken",
                    )

    def _reinforcements(self) -> Iterator[Problem]:
        for i, r in enumerate(self.s.reinforcements):
            yield from self._ref(r.faction, "factions", ("reinforcements", i, "faction"))
            yield from self._ref(r.location, "locations", ("reinforcements", i, "location"))
            if r.turn > self.s.max_turns:
                yield self._warn(
                    ("reinforcements", i, "turn"),
                    f"arrives on turn {r.turn}, after the last turn ({self.s.max_turns})",
                )

    def _events(self) -> Iterator[Problem]:
        for i, event in enumerate(self.s.events):
            yield from self._trigger(event.when, ("events", i, "when"))
            chances = len(chance_parts(event.when))
            if chances > CHANCE_SLOTS:
                yield Problem(
                    ("events", i, "when"),
                    f"the trigger has {chances} 'chance' parts; an event may have at most "
                    f"{CHANCE_SLOTS}: split it into several events",
                )
            for j, effect in enumerate(event.effects):
                yield from self._effect(effect, ("events", i, "effects", j))

    def _trigger(self, trigger: Trigger, path: DataPath) -> Iterator[Problem]:
        for key in ("turn", "from_turn"):
            start = getattr(trigger, key)
            if start is not None and start > self.s.max_turns:
                yield self._warn(
                    (*path, key),
                    f"{key} {start} comes after the last turn ({self.s.max_turns}); "
                    "this condition never holds",
                )
        if trigger.chance == 0:
            yield self._warn((*path, "chance"), "chance 0: this condition never holds")
        if trigger.strength is not None:
            t = trigger.strength
            yield from self._ref(t.faction, "factions", (*path, "strength", "faction"))
            yield from self._ref(t.location, "locations", (*path, "strength", "location"))
            if t.below == 0:
                yield self._warn(
                    (*path, "strength", "below"),
                    "strength is never below 0: this condition never holds",
                )
        if trigger.controlled is not None:
            c = trigger.controlled
            yield from self._ref(c.location, "locations", (*path, "controlled", "location"))
            yield from self._ref(c.by, "factions", (*path, "controlled", "by"))
        if trigger.morale_below is not None:
            yield from self._ref(
                trigger.morale_below.faction,
                "factions",
                (*path, "morale_below", "faction"),
            )
        for group in ("all", "any"):
            for k, sub in enumerate(getattr(trigger, group) or ()):
                yield from self._trigger(sub, (*path, group, k))

    def _effect(self, effect: Effect, path: DataPath) -> Iterator[Problem]:
        if effect.sorties is not None:
            yield from self._ref(
                effect.sorties.air_support,
                "air_support",
                (*path, "sorties", "air_support"),
            )
        if effect.forces is not None:
            f = effect.forces
            yield from self._ref(f.faction, "factions", (*path, "forces", "faction"))
            yield from self._ref(f.location, "locations", (*path, "forces", "location"))
        if effect.morale is not None:
            yield from self._ref(effect.morale.faction, "factions", (*path, "morale", "faction"))
        if effect.control is not None:
            c = effect.control
            yield from self._ref(c.location, "locations", (*path, "control", "location"))
            yield from self._ref(c.faction, "factions", (*path, "control", "faction"))
        if effect.faction_rules is not None:
            yield from self._ref(
                effect.faction_rules.faction, "factions", (*path, "faction_rules", "faction")
            )
        if effect.weather is not None:
            yield from self._ref(effect.weather, "weather", (*path, "weather"))
        if effect.alliance is not None:
            a = effect.alliance
            yield from self._ref(a.alliance, "alliances", (*path, "alliance", "alliance"))
            for key in ("join", "leave"):
                value = getattr(a, key)
                if value is not None:
                    yield from self._ref(value, "factions", (*path, "alliance", key))
            could_be_member = self.members.get(a.alliance, set()) | self.joiners.get(
                a.alliance, set()
            )
            if (
                a.leave is not None
                and a.alliance in self.alliances
                and a.leave not in could_be_member
            ):
                yield self._warn(
                    (*path, "alliance", "leave"),
                    f"'{a.leave}' is not a member of alliance '{a.alliance}' and no event adds it",
                )

        if effect.route is not None:
            yield from self._route_change(effect, path)

    def _route_change(self, effect: Effect, path: DataPath) -> Iterator[Problem]:
        """A route effect names two known places a route joins, and a known faction."""
        r = effect.route
        assert r is not None
        known = True
        for key, value in (("from", r.from_), ("to", r.to)):
            if value not in self.locations:
                known = False
            yield from self._ref(value, "locations", (*path, "route", key))
        for key in ("close_to", "open_to"):
            value = getattr(r, key)
            if value is not None:
                yield from self._ref(value, "factions", (*path, "route", key))
        routes = {frozenset((route.from_, route.to)) for route in self.s.routes}
        if known and not self.partial and frozenset((r.from_, r.to)) not in routes:
            yield Problem(
                (*path, "route"),
                f"no route joins '{r.from_}' and '{r.to}'; an event can only change a route "
                "the routes section declares",
            )

    def _weather(self) -> Iterator[Problem]:
        w = self.s.weather
        if w is None:
            return
        first: dict[str, int] = {}
        for i, kind in enumerate(w.kinds):
            if kind.id in first:
                yield Problem(
                    ("weather", "kinds", i, "id"),
                    f"duplicate kind of weather '{kind.id}'",
                    first=("weather", "kinds", first[kind.id], "id"),
                )
            first.setdefault(kind.id, i)
        if w.start is not None:
            yield from self._ref(w.start, "weather", ("weather", "start"))
        yield from self._schedule(w)
        for before, row in w.transitions.items():
            path: DataPath = ("weather", "transitions", before)
            yield from self._ref(before, "weather", path, at_key=True)
            for other in row:
                yield from self._ref(other, "weather", (*path, other), at_key=True)
            total = math.fsum(row.values())
            if abs(total - 1.0) > PROBABILITY_SLACK:
                yield Problem(
                    path, f"the chances after '{before}' sum to {total:g}, not 1", at_key=True
                )

    def _schedule(self, w: Weather) -> Iterator[Problem]:
        s = self.s
        last = s.last_day(s.max_turns)
        turns: dict[int, int] = {}
        for i, change in enumerate(w.schedule):
            path: DataPath = ("weather", "schedule", i)
            yield from self._ref(change.weather, "weather", (*path, "weather"))
            turn = change.from_turn
            if change.from_date is not None:
                if change.from_date < s.start_date:
                    yield Problem(
                        (*path, "from_date"),
                        f"{change.from_date.isoformat()} is outside the scenario "
                        f"({s.start_date.isoformat()} to {last.isoformat()})",
                    )
                    continue
                if change.from_date > last:
                    yield self._warn(
                        (*path, "from_date"),
                        f"{change.from_date.isoformat()} falls after the last turn "
                        f"({s.max_turns}), which ends {last.isoformat()}; it never happens",
                    )
                    continue
                turn = turn_of(s, change.from_date)
            elif turn is not None and turn > s.max_turns:
                yield self._warn(
                    (*path, "from_turn"),
                    f"turn {turn} comes after the last turn ({s.max_turns}); it never happens",
                )
            if turn is None:
                continue
            if turn in turns:
                yield Problem(
                    path,
                    f"another change of weather falls on turn {turn} too",
                    first=("weather", "schedule", turns[turn]),
                )
            turns.setdefault(turn, i)

    def _victory(self) -> Iterator[Problem]:
        if not self.s.victory:
            yield self._warn(
                ("victory",),
                "no victory conditions: every game runs to max_turns and ends in a draw",
            )
        for i, v in enumerate(self.s.victory):
            yield from self._ref(v.faction, "factions", ("victory", i, "faction"))
            listed: set[str] = set()
            for j, loc in enumerate(v.control):
                yield from self._ref(loc, "locations", ("victory", i, "control", j))
                if loc in listed:
                    yield Problem(("victory", i, "control", j), f"'{loc}' is listed twice")
                listed.add(loc)
            if v.by_turn is not None and v.by_turn > self.s.max_turns:
                yield self._warn(
                    ("victory", i, "by_turn"),
                    f"by_turn {v.by_turn} comes after the last turn ({self.s.max_turns})",
                )
            last = min(v.by_turn or self.s.max_turns, self.s.max_turns)
            if v.hold_turns > last:
                yield Problem(
                    ("victory", i, "hold_turns"),
                    f"needs {v.hold_turns} turn ends in a row, but only {last} come "
                    f"{'by its by_turn' if v.by_turn is not None else 'in the game'}: "
                    "nobody can meet it",
                )
            if v.points is not None and not self.partial:
                total = sum(loc.value for loc in self.s.locations)
                if v.points > total:
                    yield Problem(
                        ("victory", i, "points"),
                        f"needs {v.points:g} points but all locations together are worth "
                        f"{total:g}: nobody can meet it",
                    )

    def _playable(self) -> Iterator[Problem]:
        if not any(f.playable for f in self.s.factions):
            yield Problem(("factions",), "no faction is playable: set playable: true on one")

    def _activity(self) -> Iterator[Problem]:
        active = {f for loc in self.s.locations for f in loc.garrison}
        active |= {a.provider for a in self.s.air_support}
        active |= {r.faction for r in self.s.reinforcements}
        active |= {e.forces.faction for ev in self.s.events for e in ev.effects if e.forces}
        for i, faction in enumerate(self.s.factions):
            if faction.id not in active:
                yield self._warn(
                    ("factions", i, "id"),
                    f"faction '{faction.id}' has no forces, sorties or reinforcements: "
                    "it cannot act",
                )

    def _sources(self) -> Iterator[Problem]:
        facts = self.context.facts
        if facts is None:
            return
        for path, cited in citations(self.s):
            for k, fact in enumerate(cited):
                if fact not in facts:
                    hint = suggest(fact, self._candidates("facts", facts), self.context.budget)
                    yield Problem(
                        (*path, "sources", k),
                        f"no fact '{fact}' in the fact sheets{hint}; they "
                        "are read from the shipped seeds/ and from a seeds/ folder beside "
                        "the scenario or one folder up",
                    )


def citations(scenario: Scenario) -> Iterator[tuple[DataPath, list[str]]]:
    """Every ``sources`` list in the scenario, with the path of the entity that holds it."""
    yield (), scenario.sources
    if scenario.weather is not None:
        yield ("weather",), scenario.weather.sources
        for i, kind in enumerate(scenario.weather.kinds):
            yield ("weather", "kinds", i), kind.sources
    for section in LIST_SECTIONS:
        for i, entity in enumerate(getattr(scenario, section)):
            yield (section, i), entity.sources
