"""Hypothesis strategies for Frontlines: valid scenarios, and the pieces they are made of.

Rule authors compose these in property tests::

    from hypothesis import given
    from engine import strategies as fst

    @given(fst.scenarios(max_locations=6))
    def test_every_location_has_a_controller(scenario): ...

Every strategy takes keyword-only arguments, and those that build on others accept them as
strategies, so a test can narrow any part (``fst.scenarios(name_strategy=st.just("A"))``).
This is the only module of the engine that imports Hypothesis.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import strategies as st

from engine.scenario.model import LocationKind, Posture, RouteKind, Scenario, Terrain

__all__ = [
    "YAML_LOOKALIKES",
    "colours",
    "ids",
    "names",
    "played_games",
    "scenario_data",
    "scenarios",
    "turn_orders",
]


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ALNUM = _LETTERS + "0123456789"
YAML_LOOKALIKES = ("no", "on", "off", "yes", "y", "n", "null", "true", "false", "nan", "inf")
"""Ids that a YAML 1.1 reader would turn into booleans, null or numbers."""


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


def names(*, max_size: int = 30) -> st.SearchStrategy[str]:
    """Display names: any printable text, with at least one visible character."""
    alphabet = st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"))
    return st.text(alphabet, min_size=1, max_size=max_size).filter(lambda s: s.strip() != "")


def colours() -> st.SearchStrategy[str]:
    """Colours as ``#rrggbb``."""
    return st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}")


def _floats(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


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
) -> dict[str, Any]:
    """Plain data of a valid scenario, as it would be read from YAML."""
    id_st = id_strategy if id_strategy is not None else ids()
    name_st = name_strategy if name_strategy is not None else names()
    n_factions = draw(st.integers(min_factions, max_factions))
    n_locations = draw(st.integers(min_locations, max_locations))
    faction_ids = draw(st.lists(id_st, min_size=n_factions, max_size=n_factions, unique=True))
    location_ids = draw(st.lists(id_st, min_size=n_locations, max_size=n_locations, unique=True))

    factions = [
        {
            "id": fid,
            "name": draw(name_st),
            "colour": draw(colours()),
            "quality": draw(_floats(0.1, 3)),
            "morale": draw(_floats(0, 1)),
            "posture": draw(st.sampled_from([p.value for p in Posture])),
        }
        for fid in faction_ids
    ]
    alliances: list[dict[str, Any]] = []
    allied = {fid: {fid} for fid in faction_ids}
    if n_factions >= 3 and draw(st.booleans()):
        members = faction_ids[: draw(st.integers(2, n_factions - 1))]
        alliances.append({"id": draw(id_st), "name": draw(name_st), "members": members})
        for m in members:
            allied[m] = set(members)

    # Place locations close together so that no straight-line route looks suspicious.
    base_lat, base_lon = draw(_floats(-60, 60)), draw(_floats(-170, 170))
    locations = []
    for lid in location_ids:
        controller = draw(st.sampled_from(faction_ids))
        garrison = draw(
            st.dictionaries(st.sampled_from(sorted(allied[controller])), _floats(0, 50), max_size=2)
        )
        locations.append(
            {
                "id": lid,
                "name": draw(name_st),
                "kind": draw(st.sampled_from([k.value for k in LocationKind])),
                "lat": base_lat + draw(_floats(0, 2)),
                "lon": base_lon + draw(_floats(0, 2)),
                "population": draw(st.integers(0, 5_000_000)),
                "terrain": draw(st.sampled_from([t.value for t in Terrain])),
                "value": draw(_floats(0, 20)),
                "controller": controller,
                "garrison": garrison,
                "supply_source": draw(st.booleans()),
            }
        )
    # A spanning tree keeps every location reachable; extra edges make cycles.
    edges = {
        frozenset((location_ids[i], location_ids[draw(st.integers(0, i - 1))]))
        for i in range(1, n_locations)
    }
    for _ in range(draw(st.integers(0, n_locations))):
        a, b = draw(st.sampled_from(location_ids)), draw(st.sampled_from(location_ids))
        if a != b:
            edges.add(frozenset((a, b)))
    routes = []
    for edge in sorted(edges, key=sorted):
        a, b = sorted(edge)
        route: dict[str, Any] = {"from": a, "to": b}
        if draw(st.booleans()):
            route["kind"] = draw(st.sampled_from([k.value for k in RouteKind]))
        routes.append(route)

    air_support = []
    if draw(st.booleans()):
        provider = draw(st.sampled_from(faction_ids))
        air_support.append(
            {
                "id": draw(id_st),
                "name": draw(name_st),
                "provider": provider,
                "beneficiary": draw(st.sampled_from(sorted(allied[provider]))),
                "sorties_per_turn": draw(st.integers(0, 40)),
                "civilian_risk": draw(_floats(0, 1)),
            }
        )
    max_turns = draw(st.integers(1, 60))
    data: dict[str, Any] = {
        "schema": 1,
        "id": draw(id_st),
        "title": draw(name_st),
        "description": draw(
            st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=80)
        ),
        "start_date": draw(st.dates(date(1900, 1, 1), date(2100, 12, 31))).isoformat(),
        "max_turns": max_turns,
        "factions": factions,
        "alliances": alliances,
        "locations": locations,
        "routes": routes,
        "air_support": air_support,
        "reinforcements": [
            {
                "faction": faction_ids[0],
                "location": location_ids[0],
                "turn": draw(st.integers(1, max_turns)),
                "strength": draw(_floats(0.5, 20)),
            }
        ],
        "events": [
            {
                "id": draw(id_st),
                "when": {"controlled": {"location": location_ids[-1], "by": faction_ids[0]}},
                "effects": [{"message": draw(name_st)}],
            }
        ],
        "victory": [{"faction": faction_ids[0], "control": [location_ids[-1]]}],
    }
    if draw(st.booleans()):
        data["rules"] = {"combat": {"capture_ratio": draw(_floats(1, 4))}}
    if draw(st.booleans()):
        data["x-editor"] = {"zoom": draw(st.integers(1, 10))}
    if draw(st.booleans()):
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
    return scenario_data(**kwargs).map(Scenario.model_validate)


# -- play ------------------------------------------------------------------------------------


@st.composite
def turn_orders(
    draw: st.DrawFn, game: Any, *, factions: st.SearchStrategy[list[str]] | None = None
) -> list[Any]:
    """A list of legal orders for the current turn of ``game`` (an :class:`engine.Game`):
    for some factions, some of their legal orders with a drawn share of what is available.

    The orders are checked one after another, as a player would give them, so the list as a
    whole is legal."""
    from dataclasses import replace

    from engine.orders import Airstrike, Attack, CloseSupport, IllegalOrderError, Move, validate

    ids = [f.id for f in game.scenario.factions]
    chosen = draw(factions if factions is not None else st.lists(st.sampled_from(ids), unique=True))
    accepted: list[Any] = []
    for faction in chosen:
        options = game.legal_orders(faction)
        if not options:
            continue
        for option in draw(st.lists(st.sampled_from(options), max_size=4, unique=True)):
            share = draw(st.sampled_from([0.25, 0.5, 1.0]))
            order: Any
            if isinstance(option, Attack | Move):
                order = replace(option, amount=option.amount * share)
            elif isinstance(option, Airstrike | CloseSupport):
                order = replace(option, sorties=max(1, int(option.sorties * share)))
            try:
                validate(game.world, game.state, order, accepted)
            except IllegalOrderError:
                continue
            accepted.append(order)
    return accepted


@st.composite
def played_games(
    draw: st.DrawFn,
    *,
    scenario_strategy: st.SearchStrategy[Scenario] | None = None,
    seeds: st.SearchStrategy[int] | None = None,
    max_turns: int = 6,
) -> Any:
    """An :class:`engine.Game` after up to ``max_turns`` turns of random legal play."""
    from engine.game import Game

    scenario = draw(scenario_strategy if scenario_strategy is not None else scenarios())
    seed = draw(seeds if seeds is not None else st.integers(0, 2**32 - 1))
    game = Game.new(scenario, seed=seed)
    for _ in range(draw(st.integers(0, max_turns))):
        if game.over:
            break
        game.end_turn(draw(turn_orders(game)))
    return game
