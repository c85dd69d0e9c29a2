"""Hypothesis strategies for Frontlines: valid scenarios, the pieces they are made of, and play.

Rule authors compose these in property tests::

    from hypothesis import given
    from frontlines.engine import strategies as fst

    @given(fst.scenarios(max_locations=6))
    def test_every_location_has_a_controller(scenario): ...

Every strategy takes keyword-only arguments, and those that build on others accept them as
strategies, so a test can narrow any part (``fst.scenarios(name_strategy=st.just("A"))``).
Generated scenarios reach every part of the rules: every trigger (turn windows, chance,
strength) and effect (control of a place, a faction's quality) of scripted events, alliances
that events change, several air-support entries, reinforcements, control and points
victories (held for some turns in a row), varied ``rules:`` constants, and tiny amounts
(1e-9 .. 1e-3) as well as round ones. :func:`big_scenarios` gives many factions and places
(the rules' paths for large maps) at a higher cost. :func:`turns` and :func:`batched_turns`
give a turn of legal play with what came of it. This is the only module of the engine that
imports Hypothesis.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from hypothesis import strategies as st

from frontlines.engine.scenario.build import scenario_from_data
from frontlines.engine.scenario.model import (
    Crossing,
    LocationKind,
    Posture,
    RouteKind,
    Scenario,
    Surprise,
    Terrain,
)
from frontlines.engine.scenario.weather import default_kinds

if TYPE_CHECKING:
    from frontlines.engine.game import Game
    from frontlines.engine.orders import Order, OrderArrays
    from frontlines.engine.state import State
    from frontlines.engine.world import World

__all__ = [
    "YAML_LOOKALIKES",
    "BatchTurn",
    "PlayedTurn",
    "batched_turns",
    "big_scenarios",
    "colours",
    "ids",
    "names",
    "order_arrays",
    "played_games",
    "rules_data",
    "scenario_data",
    "scenarios",
    "strengths",
    "turn_orders",
    "turns",
    "weather_data",
]


DEFAULT_WEATHER = tuple(kind.id for kind in default_kinds())
"""The kinds of weather of a ``weather:`` section that lists none."""
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ALNUM = _LETTERS + "0123456789"
YAML_LOOKALIKES = ("no", "on", "off", "yes", "y", "n", "null", "true", "false", "nan", "inf")
"""Ids that a YAML 1.1 reader would turn into booleans, null or numbers."""


@lru_cache(maxsize=256)
def ids(*, max_parts: int = 3) -> st.SearchStrategy[str]:
    """Valid entity ids: lower-case words joined by '-' or '_', YAML look-alikes included."""
    part = st.text(_ALNUM, min_size=1, max_size=4)
    joined = st.builds(
        lambda head, tail, rest: head + tail + "".join(sep + word for sep, word in rest),
        st.sampled_from(_LETTERS),
        st.text(_ALNUM, max_size=5),
        st.lists(st.tuples(st.sampled_from("-_"), part), max_size=max_parts - 1),
    )
    return st.one_of(st.sampled_from(YAML_LOOKALIKES), joined)


@lru_cache(maxsize=256)
def names(*, max_size: int = 30) -> st.SearchStrategy[str]:
    """Display names: any printable text, with at least one visible character."""
    alphabet = st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"))
    return st.text(alphabet, min_size=1, max_size=max_size).filter(lambda s: s.strip() != "")


@lru_cache(maxsize=256)
def colours() -> st.SearchStrategy[str]:
    """Colours as ``#rrggbb``."""
    return st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}")


_BOOLEANS = st.booleans()


@lru_cache(maxsize=4096)
def _between(lo: int, hi: int) -> st.SearchStrategy[int]:
    """``st.integers(lo, hi)``, built once: a strategy is checked the first time it draws,
    and a scenario draws thousands of values."""
    return st.integers(lo, hi)


def _one_of(values: Sequence[Any]) -> st.SearchStrategy[Any]:
    """``st.sampled_from(values)``, built once for each tuple of values."""
    return _sampled(tuple(values))


@lru_cache(maxsize=4096)
def _sampled(values: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    return st.sampled_from(values)


@lru_cache(maxsize=256)
def _floats(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@lru_cache(maxsize=256)
def _either(
    palette: Sequence[float], lo: float, hi: float, *, only: bool = False
) -> st.SearchStrategy[float]:
    """A value from a palette of telling ones (bounds, defaults, round numbers), or any
    (or, with ``only``, never any other)."""
    telling = _one_of([v for v in palette if lo <= v <= hi])
    return telling if only else st.one_of(telling, _floats(lo, hi))


@lru_cache(maxsize=256)
def _rarely() -> st.SearchStrategy[bool]:
    return _one_of((False, False, False, True))


_STRENGTHS = (0.0, 1e-9, 1e-6, 1e-3, 0.25, 1.0, 2.5, 10.0, 50.0)


@lru_cache(maxsize=256)
def strengths(*, positive: bool = False, max_value: float = 50.0) -> st.SearchStrategy[float]:
    """Amounts of strength: tiny ones (1e-9 .. 1e-3) and round ones as well as any between."""
    palette = [v for v in _STRENGTHS if (v > 0 or not positive) and v <= max_value]
    return st.one_of(_one_of(palette), _floats(1e-9 if positive else 0.0, max_value))


_FACTORS = (0.05, 0.5, 1.0, 1.05, 1.3, 1.5, 2.0, 10.0)
_FRACTIONS = (0.0, 0.01, 0.02, 0.1, 0.15, 0.25, 0.5, 0.75, 1.0)
PACES = (1.0, 1.0, 1.0, 1.0, 0.1, 0.5, 1.3, 2.0, 5.0)  # march paces: mostly the route kinds' own


@lru_cache(maxsize=256)
def _factor(only: bool = False) -> st.SearchStrategy[float]:
    return _either(_FACTORS, 1e-3, 10.0, only=only)


@lru_cache(maxsize=256)
def _fraction(only: bool = False) -> st.SearchStrategy[float]:
    return _either(_FRACTIONS, 0.0, 1.0, only=only)


@lru_cache(maxsize=256)
def _rule_fields(only: bool = False) -> dict[str, dict[str, st.SearchStrategy[Any]]]:
    """The fields of each group of ``rules:`` (except the ordered morale ones), each with
    values inside the validator's range (only telling ones, with ``only``)."""

    def pick(palette: Sequence[float], lo: float, hi: float) -> st.SearchStrategy[float]:
        return _either(palette, lo, hi, only=only)

    factor, fraction = _factor(only), _fraction(only)
    return {
        "terrain": {name: factor for name in ("urban", "rugged", "mixed", "flat")},
        "posture": {name: factor for name in ("hasty", "prepared", "fortified")},
        "combat": {
            "attrition_rate": fraction,
            "attrition_exponent": pick((0.0, 0.5, 1.0, 3.0), 0.0, 3.0),
            "noise_sigma": pick((0.0, 0.25, 2.0), 0.0, 2.0),
            "power_sigma": pick((0.0, 0.4, 2.0), 0.0, 2.0),
            "capture_ratio": factor,
            "surprise_factor": factor,
            "surprise_turns": _between(0, 4),
            "retreat_loss": fraction,
        },
        "surprise": {
            "minor": factor,
            "substantial": factor,
            "complete": factor,
            "lasts_days": _between(0, 5),
        },
        "air": {
            "sortie_power": pick((0.0, 0.5, 1.0, 100.0), 0.0, 100.0),
            "cas_excess_weight": fraction,
            "cas_cap": factor,
            # Up to 0.2; with ``only`` up to 0.999, where a strike can leave exactly nothing,
            # which the engine gets wrong (tests/properties/test_reference.py pins it).
            "strike_damage": (
                _one_of((0.0, 0.01, 0.5, 0.9, 0.999))
                if only
                else pick((0.0, 0.01, 0.1, 0.2), 0.0, 0.2)
            ),
            "casualties_per_sortie": pick((0.0, 0.5, 5.0, 1000.0), 0.0, 1000.0),
            "injured_per_killed": pick((0.0, 8.0, 100.0), 0.0, 100.0),
            "weather": fraction,
            "casualty_sigma": pick((0.0, 0.5, 3.0), 0.0, 3.0),
            "injured_sigma": pick((0.0, 0.3, 3.0), 0.0, 3.0),
        },
        "supply": {"unsupplied_decay": fraction, "unsupplied_floor": fraction},
        "crossing": {name: pick((1.0, 1.5, 2.0, 10.0), 1.0, 10.0) for name in ("river", "strait")},
        "movement": {
            **{kind: pick((5.0, 20.0, 100.0, 2000.0), 0.01, 2000.0) for kind in _KINDS},
            "opposed_per_ratio": pick((0.01, 0.5, 10.0), 0.01, 10.0),
            "opposed_floor": pick((0.05, 0.25, 1.0), 0.05, 1.0),
            "contested_share": fraction,
            **{name: fraction for name in ("urban", "rugged", "mixed", "flat")},
        },
        "morale": {
            "collapse_below": fraction,
            "loss_per_value": fraction,
            "gain_per_value": fraction,
            "recovery_per_day": fraction,
        },
    }


_KINDS = ("highway", "road", "track", "rough", "rail")


@st.composite
def rules_data(draw: st.DrawFn, *, extreme: bool = False) -> dict[str, Any]:
    """A ``rules:`` section: some groups with some of their fields, every value within the
    validator's ranges (morale's factors and bands in the order it requires). With
    ``extreme``, values come only from a palette of bounds and round numbers, so that ties
    (a loss of everything on both sides, a morale exactly at a band's edge) are common."""
    out: dict[str, Any] = {}
    for group, fields in _rule_fields(extreme).items():
        if not draw(_BOOLEANS):
            continue
        chosen = {name: draw(value) for name, value in fields.items() if draw(_BOOLEANS)}
        if group == "morale" and draw(_BOOLEANS):
            factors = sorted((draw(_factor(extreme)) for _ in range(5)), reverse=True)
            chosen.update(
                zip(("high", "steady", "shaken", "wavering", "panic"), factors, strict=True)
            )
        if group == "morale" and draw(_BOOLEANS):
            bands = sorted((draw(_fraction(extreme)) for _ in range(3)), reverse=True)
            chosen.update(zip(("high_from", "steady_from", "shaken_from"), bands, strict=True))
        out[group] = chosen
    return out


@st.composite
def _trigger(
    draw: st.DrawFn, factions: list[str], holders: dict[str, str], max_turns: int, depth: int = 0
) -> dict[str, Any]:
    kinds = ["turn", "from_turn", "chance", "controlled", "morale_below", "strength"]
    kinds += ["all", "any"] if depth < 2 else []
    trigger: dict[str, Any] = {}
    for kind in draw(st.lists(_one_of(kinds), min_size=1, max_size=2, unique=True)):
        if kind in ("turn", "from_turn"):
            if "turn" in trigger or "from_turn" in trigger:
                continue  # (one start only; the other kinds keep the trigger non-empty)
            trigger[kind] = draw(_between(1, max(1, min(max_turns, 4))) | _between(1, 99))
            if draw(_BOOLEANS):
                trigger["for_turns"] = draw(_between(1, 3) | _between(1, 99))
        elif kind == "chance":
            trigger["chance"] = draw(_either((0.0, 0.1, 0.5, 0.9, 1.0), 0.0, 1.0))
        elif kind == "strength":
            level = draw(_either((0.0, 1.0, 5.0, 20.0), 0.0, 50.0))
            side = "below" if level > 0 and draw(_BOOLEANS) else "above"
            trigger["strength"] = {
                "faction": draw(_one_of(factions)),
                "location": draw(_one_of(sorted(holders))),
                side: level,
            }
        elif kind == "controlled":  # often by the first holder, so that it holds at first
            location = draw(_one_of(sorted(holders)))
            first = draw(_BOOLEANS)
            by = holders[location] if first else draw(_one_of(factions))
            trigger["controlled"] = {"location": location, "by": by}
            if draw(_BOOLEANS):
                trigger["controlled"]["or_allies"] = draw(_BOOLEANS)
        elif kind == "morale_below":
            trigger["morale_below"] = {
                "faction": draw(_one_of(factions)),
                "below": draw(_either((0.15, 0.5, 0.7, 1.0), 0.01, 1.0)),
            }
        else:
            sub = _trigger(factions, holders, max_turns, depth + 1)
            trigger[kind] = draw(st.lists(sub, min_size=1, max_size=2))
    return trigger


@st.composite
def _effect(
    draw: st.DrawFn,
    factions: list[str],
    locations: list[str],
    air: list[str],
    alliances: dict[str, list[str]],
    strength: st.SearchStrategy[float],
    name: st.SearchStrategy[str],
    routes: Sequence[tuple[str, str]] = (),
    weather: Sequence[str] = DEFAULT_WEATHER,
) -> dict[str, Any]:
    kinds = ["message", "forces", "morale", "control", "faction_rules", "weather"]
    kinds += ["sorties"] if air else []
    kinds += ["route"] * 2 if routes else []
    kind = draw(_one_of(kinds + (["alliance"] * 2 if alliances else [])))
    if kind == "message":
        return {"message": draw(name)}
    if kind == "weather":
        return {"weather": draw(_one_of(weather))}
    if kind == "control":
        return {
            "control": {"location": draw(_one_of(locations)), "faction": draw(_one_of(factions))}
        }
    if kind == "faction_rules":
        who = draw(_one_of(factions))
        if draw(_BOOLEANS):
            return {"faction_rules": {"faction": who, "pace": draw(_either(PACES, 0.1, 5.0))}}
        quality = draw(_either((0.1, 0.5, 1.0, 1.5, 3.0), 0.01, 3.0))
        return {"faction_rules": {"faction": who, "quality": quality}}
    if kind == "route":
        a, b = draw(_one_of(list(routes)))
        if draw(_BOOLEANS):
            a, b = b, a  # either way round names the same route
        how = draw(_one_of(("cut", "restore", "close_to", "open_to")))
        value = draw(_one_of(factions)) if how in ("close_to", "open_to") else True
        return {"route": {"from": a, "to": b, how: value}}
    if kind == "forces":
        sign = draw(_one_of((1.0, -1.0)))
        return {
            "forces": {
                "faction": draw(_one_of(factions)),
                "location": draw(_one_of(locations)),
                "change": sign * draw(strength | st.just(1_000_000.0)),
            }
        }
    if kind == "morale":
        change = draw(_either((-1.0, -0.2, -0.05, 0.05, 0.2, 1.0), -1.0, 1.0))
        return {"morale": {"faction": draw(_one_of(factions)), "change": change}}
    if kind == "sorties":
        entry = draw(_one_of(air))
        if draw(_BOOLEANS):
            return {"sorties": {"air_support": entry, "set": draw(_between(0, 40))}}
        change = draw(_one_of((-10_000, -40, -1, 0, 1, 40)) | _between(-40, 40))
        return {"sorties": {"air_support": entry, "change": change}}
    alliance = draw(_one_of(sorted(alliances)))
    members = alliances[alliance]
    outsiders = [f for f in factions if f not in members]
    joins = draw(_BOOLEANS)
    if outsiders and joins:
        return {"alliance": {"alliance": alliance, "join": draw(_one_of(outsiders))}}
    return {"alliance": {"alliance": alliance, "leave": draw(_one_of(members))}}


WEATHER_IDS = ("clear", "haze", "rain", "storm", "snow")


@st.composite
def weather_data(
    draw: st.DrawFn, *, start_date: date, turn_length_days: int, max_turns: int
) -> dict[str, Any]:
    """Plain data of a valid ``weather:`` section for a scenario of these dates: its own
    kinds or the defaults, a start, schedule entries by turn or date, and transition rows
    (in eighths, exact, or in tenths, which sum to 1 only within the slack)."""
    data: dict[str, Any] = {}
    ids = list(DEFAULT_WEATHER)
    if draw(_BOOLEANS):
        ids = draw(st.lists(_sampled(WEATHER_IDS), min_size=1, max_size=4, unique=True))
        share = _either((0.0, 0.1, 0.5, 1.0), 0.0, 1.0)
        pace = _either((0.05, 0.3, 0.5, 1.0), 0.01, 1.0)
        data["kinds"] = [
            {
                "id": kind,
                "sorties": draw(share),
                "movement": draw(
                    st.dictionaries(_sampled(("highway", "road", "track", "rough", "rail")), pace)
                ),
            }
            for kind in ids
        ]
    if draw(_BOOLEANS):
        data["start"] = draw(_one_of(ids))
    turns = draw(st.lists(_between(1, max_turns + 1), max_size=4, unique=True))
    schedule = []
    for turn in sorted(turns):
        entry: dict[str, Any] = {"weather": draw(_one_of(ids))}
        if turn <= max_turns and draw(_BOOLEANS):
            day = start_date.toordinal() + (turn - 1) * turn_length_days
            day += draw(_between(0, turn_length_days - 1))
            entry["from_date"] = date.fromordinal(day).isoformat()
        else:
            entry["from_turn"] = turn
        schedule.append(entry)
    if schedule:
        data["schedule"] = schedule
    rows = {}
    for kind in draw(st.lists(_one_of(ids), max_size=len(ids), unique=True)):
        parts = draw(_one_of((8, 10)))
        cuts = sorted(
            draw(st.lists(_between(0, parts), min_size=len(ids) - 1, max_size=len(ids) - 1))
        )
        counts = [b - a for a, b in zip([0, *cuts], [*cuts, parts], strict=True)]
        rows[kind] = {other: n / parts for other, n in zip(ids, counts, strict=True) if n}
    if rows:
        data["transitions"] = rows
    return data


@st.composite
def _victory(
    draw: st.DrawFn,
    factions: list[str],
    holders: dict[str, str],
    allied: dict[str, set[str]],
    total_value: float,
    max_turns: int,
) -> dict[str, Any]:
    faction = draw(_one_of(factions))
    condition: dict[str, Any] = {"faction": faction}
    # Mostly places the faction's side does not hold yet, so that few games end at once.
    elsewhere = sorted(loc for loc, by in holders.items() if by not in allied[faction])
    mostly = draw(_between(0, 3)) > 0
    pool = elsewhere if elsewhere and mostly else sorted(holders)
    if total_value <= 0 or draw(_BOOLEANS):
        condition["control"] = draw(st.lists(_one_of(pool), min_size=1, max_size=3, unique=True))
    if total_value > 0 and ("control" not in condition or draw(_BOOLEANS)):
        points = total_value * draw(_either((0.5, 0.75, 1.0), 1e-6, 1.0))
        condition["points"] = points if points > 0 else total_value
    timing = draw(_one_of(("none", "by_turn", "at_end")))
    if timing == "by_turn":
        condition["by_turn"] = draw(_between(1, max_turns))
    elif timing == "at_end":
        condition["at_end"] = True
    if draw(_BOOLEANS):
        condition["hold_turns"] = draw(_between(1, min(3, condition.get("by_turn", max_turns))))
    return condition


def _unique(draw: st.DrawFn, count: int, id_st: st.SearchStrategy[str]) -> list[str]:
    """``count`` different ids."""
    return draw(st.lists(id_st, min_size=count, max_size=count, unique=True))


@st.composite
def scenario_data(
    draw: st.DrawFn,
    *,
    min_factions: int = 2,
    max_factions: int = 4,
    min_locations: int = 2,
    max_locations: int = 8,
    id_strategy: st.SearchStrategy[str] | None = None,
    name_strategy: st.SearchStrategy[str] | None = None,
    strength_strategy: st.SearchStrategy[float] | None = None,
    value_strategy: st.SearchStrategy[float] | None = None,
    rules_strategy: st.SearchStrategy[dict[str, Any]] | None = None,
    weather_strategy: st.SearchStrategy[dict[str, Any]] | None = None,
    with_weather: bool | None = None,
    max_air_support: int = 3,
    max_reinforcements: int = 4,
    max_events: int = 4,
    max_victory: int = 3,
    min_extra_routes: int = 0,
    max_extra_routes: int | None = None,
) -> dict[str, Any]:
    """Plain data of a valid scenario, as it would be read from YAML.

    ``min_extra_routes`` and ``max_extra_routes`` (default: the number of locations) bound
    the routes added to a spanning tree (fewer where two fall on the same pair); beyond 64
    they are placed by a seeded generator, which costs Hypothesis little to draw. A
    ``weather:`` section comes from ``weather_strategy`` if given, else from
    :func:`weather_data` always (``with_weather=True``), never (``False``) or sometimes."""
    id_st = id_strategy if id_strategy is not None else ids()
    name_st = name_strategy if name_strategy is not None else names()
    strength_st = strength_strategy if strength_strategy is not None else strengths()
    value_st = (
        value_strategy
        if value_strategy is not None
        else _either((0.0, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0), 0.0, 20.0)
    )
    n_factions = draw(_between(min_factions, max_factions))
    n_locations = draw(_between(min_locations, max_locations))
    faction_ids = _unique(draw, n_factions, id_st)
    location_ids = _unique(draw, n_locations, id_st)
    max_turns = draw(_between(1, 8) | _between(1, 60))

    factions = [
        {
            "id": fid,
            "name": draw(name_st),
            "colour": draw(colours()),
            "quality": draw(_either((0.1, 0.6, 1.0, 3.0), 0.1, 3)),
            "pace": draw(_one_of(PACES)),
            "morale": draw(_either((0.0, 0.15, 0.35, 0.5, 0.75, 1.0), 0, 1)),
            "posture": draw(_one_of([p.value for p in Posture])),
        }
        for fid in faction_ids
    ]
    for faction in factions:  # some declare a level of surprise, the others take the default
        if draw(_BOOLEANS):
            faction["surprise"] = draw(_one_of([s.value for s in Surprise]))
            if draw(_BOOLEANS):  # and some the front where it is achieved
                front = [loc for loc in location_ids if draw(_BOOLEANS)]
                faction["surprise_front"] = front or location_ids[:1]
    # Factions in the same group (of two or more) form an alliance: each is in one at most.
    group = [draw(_between(0, 2)) for _ in faction_ids]
    allied = {fid: {fid} for fid in faction_ids}
    members_of: dict[str, list[str]] = {}
    for g in range(3):
        members = [f for f, k in zip(faction_ids, group, strict=True) if k == g]
        if len(members) >= 2 and draw(_between(0, 3)) > 0:
            members_of[draw(id_st.filter(lambda a: a not in members_of))] = members
            for m in members:
                allied[m] = set(members)
    alliances = [
        {"id": aid, "name": draw(name_st), "members": members}
        for aid, members in members_of.items()
    ]

    # Places lie close together (a grid of 1/1000 degree) so that no route looks suspicious.
    base_lat, base_lon = draw(_floats(-60, 60)), draw(_floats(-170, 170))
    locations = []
    for lid in location_ids:
        controller = draw(_one_of(faction_ids))
        anyone = draw(_rarely())  # a garrison that includes the holder's enemies
        pool = faction_ids if anyone else sorted(allied[controller])
        location: dict[str, Any] = {
            "id": lid,
            "name": draw(name_st),
            "kind": draw(_one_of([k.value for k in LocationKind])),
            "lat": base_lat + draw(_between(0, 2000)) / 1000,
            "lon": base_lon + draw(_between(0, 2000)) / 1000,
            "population": draw(_one_of((0, 100_000, 5_000_000)) | _between(0, 5_000_000)),
            "terrain": draw(_one_of([t.value for t in Terrain])),
            "value": draw(value_st),
            "controller": controller,
            "garrison": draw(st.dictionaries(_one_of(pool), strength_st, max_size=2)),
            "supply_source": draw(_BOOLEANS),
        }
        if draw(_BOOLEANS):
            location["posture"] = draw(_one_of([p.value for p in Posture]))
        if draw(_BOOLEANS):
            location["air_defence"] = draw(_either((0.0, 0.1, 0.5, 1.0), 0.0, 1.0))
        locations.append(location)

    # A spanning tree keeps every location reachable; extra edges make cycles.
    edges = {
        frozenset((location_ids[i], location_ids[draw(_between(0, i - 1))]))
        for i in range(1, n_locations)
    }
    most = n_locations if max_extra_routes is None else max_extra_routes
    extra = draw(_between(min(min_extra_routes, most), most))
    placer = random.Random(draw(_between(0, 2**32 - 1))) if extra > 64 else None
    for _ in range(extra):
        if placer is not None:
            a, b = placer.choice(location_ids), placer.choice(location_ids)
        else:
            a, b = draw(_one_of(location_ids)), draw(_one_of(location_ids))
        if a != b:
            edges.add(frozenset((a, b)))
    routes = []
    # (One draw for the whole map, so that the simplest maps draw nothing more per route.)
    crossings_and_closures = draw(_BOOLEANS)
    for edge in sorted(edges, key=sorted):
        a, b = sorted(edge)
        route: dict[str, Any] = {"from": a, "to": b}
        if draw(_BOOLEANS):
            route["kind"] = draw(_one_of([k.value for k in RouteKind]))
        if draw(_BOOLEANS):  # lengths from a short hop to journeys of many turns
            route["length_km"] = draw(_one_of((1.0, 30.0, 100.0, 160.0, 250.0, 900.0, 5000.0)))
        if crossings_and_closures and draw(_BOOLEANS):
            route["crossing"] = draw(_one_of([c.value for c in Crossing]))
        if crossings_and_closures and draw(_rarely()):
            route["cut"] = True
        if crossings_and_closures and draw(_rarely()):
            route["closed_to"] = draw(st.lists(_one_of(faction_ids), max_size=2, unique=True))
        routes.append(route)

    n_air = draw(_between(0, max_air_support))
    air_ids = _unique(draw, n_air, id_st)
    air_support = []
    for air_id in air_ids:
        provider = draw(_one_of(faction_ids))
        entry: dict[str, Any] = {
            "id": air_id,
            "name": draw(name_st),
            "provider": provider,
            "beneficiary": draw(_one_of(sorted(allied[provider]))),
            "sorties_per_day": draw(_one_of((0, 1, 2, 12)) | _between(0, 40)),
            "civilian_risk": draw(_fraction()),
        }
        if draw(_BOOLEANS):
            entry["base"] = draw(_one_of(location_ids))
            entry["range_km"] = draw(_one_of((10.0, 60.0, 150.0, 1000.0)))
        if draw(_BOOLEANS):
            entry["cas_modifier"] = draw(_either((0.0, 0.5, 1.0, 10.0), 0.0, 10.0))
        if draw(_BOOLEANS):
            entry["strike_modifier"] = draw(_either((0.0, 0.8, 1.2, 10.0), 0.0, 10.0))
        air_support.append(entry)

    early = _between(1, max(1, min(max_turns, 4)))
    reinforcements = [
        {
            "faction": draw(_one_of(faction_ids)),
            "location": draw(_one_of(location_ids)),
            "turn": draw(early | _between(1, max_turns)),
            "strength": draw(strengths(positive=True)),
        }
        for _ in range(draw(_between(0, max_reinforcements)))
    ]
    holders = {loc["id"]: loc["controller"] for loc in locations}
    pairs = [(route["from"], route["to"]) for route in routes]
    start_date = draw(st.dates(date(1900, 1, 1), date(2100, 12, 31)))
    turn_length_days = draw(_one_of((1, 1, 1, 2, 3, 7)))
    weather = None
    if weather_strategy is not None:
        weather = draw(weather_strategy)
    elif with_weather or (with_weather is None and draw(_BOOLEANS)):
        weather = draw(
            weather_data(
                start_date=start_date, turn_length_days=turn_length_days, max_turns=max_turns
            )
        )
    weather_ids = [k["id"] for k in weather.get("kinds", [])] if weather else []
    effect = _effect(
        faction_ids,
        location_ids,
        air_ids,
        members_of,
        strength_st,
        name_st,
        routes=pairs,
        weather=weather_ids or DEFAULT_WEATHER,
    )
    events = []
    for event_id in _unique(draw, draw(_between(0, max_events)), id_st):
        event: dict[str, Any] = {
            "id": event_id,
            "when": draw(_trigger(faction_ids, holders, max_turns)),
            "effects": draw(st.lists(effect, min_size=1, max_size=3)),
        }
        if draw(_BOOLEANS):
            event["once"] = draw(_BOOLEANS)
        if draw(_rarely()):
            event["enabled"] = False
        events.append(event)
    total_value = sum(loc["value"] for loc in locations)
    victory_st = _victory(faction_ids, holders, allied, total_value, max_turns)
    data: dict[str, Any] = {
        "schema": 1,
        "id": draw(id_st),
        "title": draw(name_st),
        "description": draw(
            st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=80)
        ),
        "start_date": start_date.isoformat(),
        "max_turns": max_turns,
        "turn_length_days": turn_length_days,
        "factions": factions,
        "alliances": alliances,
        "locations": locations,
        "routes": routes,
        "air_support": air_support,
        "reinforcements": reinforcements,
        "events": events,
        "victory": draw(st.lists(victory_st, max_size=max_victory)),
    }
    rules = draw(rules_strategy if rules_strategy is not None else rules_data())
    if rules:
        data["rules"] = rules
    if weather is not None:
        data["weather"] = weather
    if draw(_BOOLEANS):
        data["x-editor"] = {"zoom": draw(_between(1, 10))}
    if draw(_BOOLEANS):
        data["variants"] = [
            {
                "id": draw(id_st),
                "title": draw(name_st),
                "changes": {"factions": {faction_ids[0]: {"morale": draw(_floats(0, 1))}}},
            }
        ]
    return data


def scenarios(**kwargs: Any) -> st.SearchStrategy[Scenario]:
    """Valid :class:`Scenario` values; takes the keyword arguments of :func:`scenario_data`."""
    return scenario_data(**kwargs).map(scenario_from_data)


def big_scenarios(
    *,
    min_factions: int = 8,
    max_factions: int = 10,
    min_locations: int = 17,
    max_locations: int = 120,
    max_extra_routes: int | None = None,
    **kwargs: Any,
) -> st.SearchStrategy[Scenario]:
    """Scenarios with many factions (more than 7) and places (17 to 120 by default), drawn
    cheaply (short ids and names, amounts from a palette) so that they fit Hypothesis's
    budget; other keyword arguments go to :func:`scenario_data`."""
    options: dict[str, Any] = {
        "id_strategy": _between(0, 9999).map(lambda n: f"x{n}"),
        "name_strategy": _one_of(("A", "B")),
        "strength_strategy": _one_of(_STRENGTHS),
        "value_strategy": _one_of((0.0, 1.0, 2.5, 10.0)),
        "max_air_support": 9,
        **kwargs,
    }
    return scenarios(
        min_factions=min_factions,
        max_factions=max_factions,
        min_locations=min_locations,
        max_locations=max_locations,
        max_extra_routes=max_extra_routes,
        **options,
    )


# -- play ------------------------------------------------------------------------------------

_SHARES = (1e-9, 1e-3, 0.25, 0.5, 1.0, 1.0 + 1e-12)
"""Shares of what is available that orders send: tiny ones, and a hair over everything
(within the legality check's tolerance, so that resolution has to scale it down)."""


@st.composite
def turn_orders(
    draw: st.DrawFn,
    game: Game,
    *,
    factions: st.SearchStrategy[list[str]] | None = None,
    shares: st.SearchStrategy[float] | None = None,
) -> list[Order]:
    """A list of legal orders for the current turn of ``game`` (an :class:`frontlines.engine.Game`):
    for some factions, some of their legal orders with a drawn share of what is available,
    and close support where the beneficiary's side will fight (the target of an attack it
    gave, or a place where it and its enemies stand).

    The orders are checked one after another, as a player would give them, so the list as a
    whole is legal."""
    from dataclasses import replace

    import numpy as np

    from frontlines.engine.orders import (
        Airstrike,
        Attack,
        CloseSupport,
        IllegalOrderError,
        Move,
        available_sorties,
        validate,
    )

    ids = [f.id for f in game.scenario.factions]
    chosen = draw(factions if factions is not None else st.lists(st.sampled_from(ids), unique=True))
    share_st = shares if shares is not None else st.sampled_from(_SHARES)
    world = game.world
    accepted: list[Order] = []

    def accept(order: Order) -> None:
        try:
            validate(world, game.state, order, accepted)
        except IllegalOrderError:
            return
        accepted.append(order)

    def some(orders: Sequence[Order], fewest: int, most: int) -> list[Order]:
        if not orders:
            return []
        picked: list[Order] = draw(
            st.lists(st.sampled_from(orders), min_size=fewest, max_size=most, unique=True)
        )
        return picked

    options = {faction: game.legal_orders(faction) for faction in chosen}
    for faction in chosen:
        for kind, most in ((Attack, 3), (Move, 2)):
            for ground in some([o for o in options[faction] if isinstance(o, kind)], 0, most):
                assert isinstance(ground, Attack | Move)
                accept(replace(ground, amount=ground.amount * draw(share_st)))
    # Close support for a side where it will fight (the places it attacks, those where it
    # and its enemies stand), before other air orders use up the sorties.
    state = game.state
    present = state.forces[0] > 0
    flyable = available_sorties(world, state)[0]
    for faction in chosen:
        f = world.faction_index(faction)
        entries = [a for a in range(len(world.air_ids)) if world.air_provider[a] == f]
        support = draw(st.integers(0, 3)) > 0
        if not (entries and support):
            continue
        a = draw(st.sampled_from(entries))
        side = state.allied[0, world.air_beneficiary[a]][:, np.newaxis]  # the beneficiary's
        both = (present & side).any(axis=0) & (present & ~side).any(axis=0)
        fights = [
            world.location_index(o.target)
            for o in accepted
            if isinstance(o, Attack) and side[world.faction_index(o.faction), 0]
        ]
        fights += both.nonzero()[0].tolist()
        reach = [p for p in fights if world.air_in_range[a, p]] or list(range(world.n_locations))
        target = world.location_ids[draw(st.sampled_from(reach))]
        sorties = max(1, int(flyable[a] * draw(share_st)))
        accept(CloseSupport(faction, world.air_ids[a], target, sorties))
    for faction in chosen:
        air = [o for o in options[faction] if isinstance(o, Airstrike | CloseSupport)]
        for flight in some(air, 1, 2):
            assert isinstance(flight, Airstrike | CloseSupport)
            accept(replace(flight, sorties=max(1, int(flight.sorties * draw(share_st)))))
    return accepted


@st.composite
def played_games(
    draw: st.DrawFn,
    *,
    scenario_strategy: st.SearchStrategy[Scenario] | None = None,
    seeds: st.SearchStrategy[int] | None = None,
    max_turns: int = 6,
) -> Game:
    """An :class:`frontlines.engine.Game` after up to ``max_turns`` turns of random legal play."""
    from frontlines.engine.game import Game

    scenario = draw(scenario_strategy if scenario_strategy is not None else scenarios())
    seed = draw(seeds if seeds is not None else st.integers(0, 2**32 - 1))
    game = Game.new(scenario, seed=seed)
    for _ in range(draw(st.integers(0, max_turns))):
        if game.over:
            break
        game.end_turn(draw(turn_orders(game)))
    return game


class _Turn(NamedTuple):
    before: State
    orders: list[Order]
    after: State
    events: tuple[Any, ...]


class PlayedTurn(_Turn):
    """One turn of one game (B = 1): ``(before, orders, after, events)``, with the game's
    ``world`` and ``seed`` as attributes."""

    world: World
    seed: int


class _Batch(NamedTuple):
    before: State
    orders: list[list[Order]]
    after: State
    events: list[tuple[Any, ...]]


class BatchTurn(_Batch):
    """One turn of B games at once: ``(before, orders, after, events)`` with the orders and
    events of each run, and ``world`` and ``seeds`` (one per run) as attributes."""

    world: World
    seeds: list[int]


@st.composite
def turns(
    draw: st.DrawFn,
    *,
    scenario_strategy: st.SearchStrategy[Scenario] | None = None,
    seeds: st.SearchStrategy[int] | None = None,
    max_turns: int = 4,
) -> PlayedTurn:
    """A turn of a game reached by up to ``max_turns`` turns of legal play: the State before
    it, the legal orders given, the State after :func:`~frontlines.engine.turn.resolve_turn` and the
    turn's events."""
    from frontlines.engine.orders import compile_orders
    from frontlines.engine.turn import resolve_turn

    game = draw(played_games(scenario_strategy=scenario_strategy, seeds=seeds, max_turns=max_turns))
    if game.over and game.turn > 0 and draw(st.integers(0, 3)) > 0:
        game.undo()  # mostly the last turn of a game rather than one after its end
    orders = [] if game.over else draw(turn_orders(game))
    after, events = resolve_turn(
        game.world, game.state, compile_orders(game.world, [orders]), [game.seed]
    )
    turn = PlayedTurn(game.state, orders, after, events[0])
    turn.world, turn.seed = game.world, game.seed
    return turn


def _stacked(states: Sequence[State], turn: int) -> State:
    """The games of ``states`` (each B = 1) as one batch, all after ``turn`` turns."""
    import numpy as np

    from frontlines.engine.state import State

    arrays = {
        name: np.concatenate([getattr(s, name) for s in states])
        for name, value in vars(states[0]).items()
        if isinstance(value, np.ndarray)
    }
    return State(turn=turn, **arrays)


@st.composite
def batched_turns(
    draw: st.DrawFn,
    *,
    scenario_strategy: st.SearchStrategy[Scenario] | None = None,
    seeds: st.SearchStrategy[int] | None = None,
    min_batch: int = 2,
    max_batch: int = 8,
    max_turns: int = 3,
) -> BatchTurn:
    """A turn of B games of one scenario at once, each with its own seed and its own legal
    play before (all for the same number of turns; a game that ended stays as it was)."""
    from frontlines.engine.game import Game
    from frontlines.engine.orders import compile_orders
    from frontlines.engine.state import initial_state
    from frontlines.engine.turn import resolve_turn
    from frontlines.engine.world import compile_world

    scenario = draw(scenario_strategy if scenario_strategy is not None else scenarios())
    world = compile_world(scenario)
    seed_st = seeds if seeds is not None else st.integers(0, 2**64 - 1)
    count = draw(st.integers(min_batch, max_batch))
    run_seeds = draw(st.lists(seed_st, min_size=count, max_size=count, unique=True))
    played = draw(st.integers(0, max_turns))
    games = [Game(world, seed, None, scenario.id, [initial_state(world)]) for seed in run_seeds]
    for game in games:
        for _ in range(played):
            if game.over:
                break
            game.end_turn(draw(turn_orders(game)))
    orders = [[] if game.over else draw(turn_orders(game)) for game in games]
    before = _stacked([game.state for game in games], played)
    after, events = resolve_turn(world, before, compile_orders(world, orders), run_seeds)
    batch = BatchTurn(before, orders, after, events)
    batch.world, batch.seeds = world, run_seeds
    return batch


_ODD_AMOUNTS = (float("nan"), float("inf"), float("-inf"), -1.0, 0.0, 1e-300, 1e-9, 0.5, 1e308)


@st.composite
def order_arrays(
    draw: st.DrawFn, world: World, *, batch: int = 1, max_entries: int = 12
) -> OrderArrays:
    """Order arrays that were never validated, as AI policies and forecasts may give: a few
    cells of each array set to anything (negative, NaN, infinite, fractional sorties, more
    than is present or available, out of range)."""
    from frontlines.engine.orders import no_orders

    arrays = no_orders(world, batch)
    amount = st.sampled_from(_ODD_AMOUNTS) | _floats(0.0, 60.0)
    for array in (arrays.flow, arrays.strike, arrays.support):
        if array.size == 0:
            continue
        cells = st.tuples(*(st.integers(0, n - 1) for n in array.shape))
        for cell in draw(st.lists(cells, max_size=max_entries)):
            array[cell] = draw(amount)
    return arrays
