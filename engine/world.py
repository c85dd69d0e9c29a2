"""The World: a scenario compiled to the arrays the rules work on. It never changes in a game."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from frontlines.engine.arrays import (
    BoolArray,
    FloatArray,
    IntArray,
    nearest_days,
    one_hot,
    scatter_add,
)
from frontlines.engine.scenario.base import FactionId, LocationId
from frontlines.engine.scenario.checks import great_circle_km
from frontlines.engine.scenario.model import Scenario
from frontlines.engine.scenario.rules import Rules
from frontlines.engine.script import CompiledEvent, compile_script
from frontlines.engine.weather import WeatherTable, compile_weather


def _frozen(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class Objectives:
    """The scenario's victory conditions as arrays, one entry per condition (``V``), in file
    order: the first condition met wins."""

    faction: IntArray  # V: the faction each condition is for
    places: BoolArray  # V x L: the places each condition needs its side to hold
    points: FloatArray  # V: the value its side must hold, NaN where the condition sets none
    by_turn: IntArray  # V: the last turn it may be met, -1 for any
    at_end: BoolArray  # V: whether it is met only after the last turn
    hold_turns: IntArray  # V: turn ends in a row its places and points must be held
    needed: BoolArray  # L: the places some condition needs held


def compile_objectives(
    scenario: Scenario, f_index: dict[str, int], l_index: dict[str, int]
) -> Objectives:
    """The victory conditions of ``scenario`` as :class:`Objectives`."""
    victory = scenario.victory
    places = np.zeros((len(victory), len(scenario.locations)), dtype=bool)
    for v, condition in enumerate(victory):
        for place in condition.control:
            places[v, l_index[place]] = True
    return Objectives(
        faction=_frozen(np.array([f_index[c.faction] for c in victory], dtype=np.int64)),
        places=_frozen(places),
        points=_frozen(
            np.array([np.nan if c.points is None else c.points for c in victory], dtype=np.float64)
        ),
        by_turn=_frozen(
            np.array([-1 if c.by_turn is None else c.by_turn for c in victory], dtype=np.int64)
        ),
        at_end=_frozen(np.array([c.at_end for c in victory], dtype=bool)),
        hold_turns=_frozen(np.array([c.hold_turns for c in victory], dtype=np.int64)),
        needed=_frozen(np.any(places, axis=0)),
    )


@dataclass(frozen=True, eq=False)
class Arrivals:
    """The scenario's reinforcements as arrays, one entry per reinforcement (``R``)."""

    turn: IntArray  # R: the turn each arrives at the end of
    faction: IntArray  # R
    place: IntArray  # R
    strength: FloatArray  # R


def compile_arrivals(
    scenario: Scenario, f_index: dict[str, int], l_index: dict[str, int]
) -> Arrivals:
    """The reinforcements of ``scenario`` as :class:`Arrivals`."""
    entries = scenario.reinforcements
    return Arrivals(
        turn=_frozen(np.array([r.turn for r in entries], dtype=np.int64)),
        faction=_frozen(np.array([f_index[r.faction] for r in entries], dtype=np.int64)),
        place=_frozen(np.array([l_index[r.location] for r in entries], dtype=np.int64)),
        strength=_frozen(np.array([r.strength for r in entries], dtype=np.float64)),
    )


@dataclass(frozen=True, eq=False)
class Graph:
    """The routes as tables for walking the map: each route's length and kind, and the arcs
    leaving and reaching each place, slot by slot as in ``World.neighbours``."""

    length_km: FloatArray  # E: the road length, the straight line where the file gives none
    kind: tuple[str, ...]  # E: highway, road or track
    out_arcs: IntArray  # L x K: the arc to each neighbour, padded with 0
    in_arcs: IntArray  # L x K: the arc from each neighbour, padded with 0
    out_valid: BoolArray  # L x K: which of those slots hold an arc
    adjacency: FloatArray | None  # L x L: 1 where a route joins two places (maps up to 256)

    def arc_length_km(self) -> FloatArray:
        """``D``: the length of each directed arc (a route's both ways)."""
        return np.concatenate([self.length_km, self.length_km])


@dataclass(frozen=True, eq=False)
class Roads:
    """How long each directed arc takes to travel, and the slots of the forces in transit.

    A force that sets out along arc ``d`` needs ``legs`` turns to reach its end: one turn
    arrives the same turn; otherwise it waits in the arc's transit slots, ``slot_start[d] + j``
    holding what arrives ``j + 1`` movement phases later. An arc has as many slots as its
    slowest (most opposed, in the worst weather) advance needs, up to one journey longer than
    the game (which therefore never arrives). Weather slows a journey by the pace it keeps
    on the turn it sets out (``weather_pace``); that fixes its legs.
    """

    reach_km: FloatArray  # D: km along the arc in one turn at the free pace
    length_turns: FloatArray  # D: the arc's length over that reach (turns, not rounded up)
    free_legs: IntArray  # D: turns an unopposed journey takes (at least 1)
    slots: IntArray  # D: transit slots of each arc (the most legs it allows, less one)
    slot_start: IntArray  # D: index of each arc's first slot (where its next arrivals wait)
    slot_arc: IntArray  # T: the arc each slot belongs to
    shift_from: IntArray  # T: the slot whose contents move into this one (T: none)
    advance: FloatArray  # L: advance-rate factor of each place's terrain
    contested: float  # the share of an opposed journey that goes at the opposed pace
    days: FloatArray  # D: days the arc takes at the free pace (supply columns' travel time)
    weather_pace: FloatArray  # W x D: the fraction of the pace each kind of weather keeps
    weather_legs: IntArray  # W x D: turns an unopposed journey takes in each kind of weather

    @property
    def n_slots(self) -> int:
        """The number of transit slots, T."""
        return len(self.slot_arc)

    def legs(
        self,
        arc: IntArray,
        pace: FloatArray | float = 1.0,
        weather: FloatArray | float = 1.0,
        march: FloatArray | float = 1.0,
    ) -> IntArray:
        """Turns a journey along each ``arc`` takes when its contested share goes at
        ``pace`` times the free pace (the rest at the free pace), the weather keeps
        ``weather`` of every pace and the faction marches at ``march`` times the route
        kind's rate: the length over a turn's reach, so stretched, over the weather's share
        and the march, rounded up, and no more than the arc's slots allow."""
        stretch = (1.0 - self.contested) + self.contested / pace
        need = np.maximum(np.ceil(self.length_turns[arc] * stretch / weather / march), 1.0)
        legs: IntArray = np.minimum(need, self.slots[arc] + 1).astype(np.int64)
        return legs

    def free(
        self, arc: IntArray, weather: FloatArray | float, march: FloatArray | float
    ) -> IntArray:
        """Turns an unopposed journey along each ``arc`` takes when the weather keeps
        ``weather`` of the pace and the faction marches at ``march`` times the route kind's
        rate (``free_legs`` and ``weather_legs`` are this at a march of 1)."""
        need = np.maximum(np.ceil(self.length_turns[arc] / weather / march), 1.0)
        legs: IntArray = np.minimum(need, self.slots[arc] + 1).astype(np.int64)
        return legs


@dataclass(frozen=True, eq=False)
class Sides:
    """The sides at the start: ``rows[s, f]`` is 1 where faction f is on side ``s`` (one
    side per distinct set of allies), ``of[f]`` the side of faction f."""

    rows: FloatArray  # S x F
    of: IntArray  # F


@dataclass(frozen=True, eq=False)
class World:
    """Index maps and constant arrays of one scenario (F factions, L locations, E routes).

    Routes are stored once each as ``src``/``dst`` and as directed arcs ``arc_src``/``arc_dst``
    (arc ``e`` runs src -> dst, arc ``E + e`` runs back), so that work grows with routes,
    not with locations squared.
    """

    scenario: Scenario
    rules: Rules
    faction_ids: tuple[FactionId, ...]
    location_ids: tuple[LocationId, ...]
    src: IntArray
    dst: IntArray
    arc_src: IntArray
    arc_dst: IntArray
    allied0: BoolArray
    quality: FloatArray
    pace: FloatArray  # F: each faction's march pace at the start (a multiple of the km a day)
    morale0: FloatArray
    faction_posture: FloatArray
    surprise_factor: FloatArray  # F: power multiplier on the day of a faction's first attack
    surprise_days: IntArray  # F: days over which it wears off
    surprise_front: BoolArray | None  # F x L: where each faction's surprise applies (None: all)
    terrain: FloatArray
    posture_override: FloatArray
    value: FloatArray
    population: FloatArray
    air_defence: FloatArray
    supply_source: BoolArray
    controller0: IntArray
    forces0: FloatArray
    air_provider: IntArray
    air_beneficiary: IntArray
    air_base: IntArray
    air_sorties0: IntArray
    air_in_range: BoolArray
    air_cas: FloatArray
    air_strike: FloatArray
    air_risk: FloatArray
    air_ids: tuple[str, ...]
    air_names: tuple[str, ...]
    neighbours: IntArray  # L x K, each place's neighbours, padded with -1
    crossing_loss: FloatArray  # D: share of an attacker's power a crossing on the arc costs
    closed0: BoolArray  # F x E: routes closed to each faction at the start (a cut: to all)
    supply_days0: FloatArray  # F x L: days of travel from supply at the start (inf: none)
    graph: Graph
    roads: Roads
    weather: WeatherTable
    sides0: Sides
    faction_names: tuple[str, ...]
    faction_colours: tuple[str, ...]
    location_names: tuple[str, ...]
    location_kinds: tuple[str, ...]
    location_terrains: tuple[str, ...]
    dst_matrix: FloatArray | None  # D x L one-hot of arc_dst, on maps small enough
    neighbour_bits: IntArray | None  # chunks x 2**w place sets, on maps of at most 52 places
    place_bits: FloatArray  # 2**l for each place l, on maps of at most 52 places (else empty)
    source_bits: int  # the set of supply sources, bit l for place l (on those maps)
    lookup: dict[str, dict[Any, int]]  # id -> index for factions, locations, air, arcs
    objectives: Objectives
    arrivals: Arrivals
    script: tuple[CompiledEvent, ...]
    max_turns: int
    turn_length_days: int
    digest: str

    @property
    def n_factions(self) -> int:
        """The number of factions."""
        return len(self.faction_ids)

    @property
    def n_locations(self) -> int:
        """The number of locations."""
        return len(self.location_ids)

    @property
    def n_arcs(self) -> int:
        """The number of directed arcs (each route both ways)."""
        return len(self.arc_src)

    def sum_at_origins(self, values: FloatArray) -> FloatArray:
        """Sum ``values[..., arc]`` into the location each arc starts from (``... x L``),
        always in the same order, so that results do not depend on the batch size."""
        return scatter_add(values, self.arc_src, self.n_locations)

    def sum_at_ends(self, values: FloatArray) -> FloatArray:
        """Sum ``values[..., arc]`` into the location each arc leads to (``... x L``)."""
        return scatter_add(values, self.arc_dst, self.n_locations)

    def any_at_ends(self, flags: BoolArray) -> BoolArray:
        """Whether any arc with ``flags[..., arc]`` set leads to each location (``... x L``).

        Counting 0/1 values is exact in any order, so a matrix product may do it."""
        if self.dst_matrix is not None:
            hits: BoolArray = (flags.astype(np.float64) @ self.dst_matrix) > 0
            return hits
        return self.sum_at_ends(flags.astype(np.float64)) > 0

    def first_day(self, turn: int) -> date:
        """The first day of turn ``turn`` (see :meth:`Scenario.first_day`)."""
        return self.scenario.first_day(turn)

    def faction_index(self, faction_id: str) -> int:
        """Index of a faction; raises ``KeyError``."""
        return self.lookup["factions"][faction_id]

    def location_index(self, location_id: str) -> int:
        """Index of a location; raises ``KeyError``."""
        return self.lookup["locations"][location_id]

    def air_index(self, air_id: str) -> int:
        """Index of an air-support entry; raises ``KeyError``."""
        return self.lookup["air"][air_id]

    @property
    def n_routes(self) -> int:
        """The number of routes, E (arc ``e`` and ``E + e`` run along route ``e``)."""
        return len(self.src)

    @property
    def has_crossings(self) -> bool:
        """Whether any route crosses a river or strait."""
        return bool(np.count_nonzero(self.crossing_loss))

    def arc_index(self, origin: str, target: str) -> int | None:
        """The directed arc from one location to another, or ``None`` if no route joins them."""
        key = (self.location_index(origin), self.location_index(target))
        return self.lookup["arcs"].get(key)


def scenario_digest(scenario: Scenario) -> str:
    """A short fingerprint of everything in a scenario; saves record it."""
    text = json.dumps(scenario.to_data(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


ONE_HOT_LIMIT = 250_000
"""Largest arcs x locations matrix kept for summing along arcs by matrix product."""


def _one_hot(index: IntArray, size: int) -> FloatArray | None:
    if len(index) * size > ONE_HOT_LIMIT:
        return None
    return _frozen(one_hot(index, size))


BIT_SET_LIMIT = 52
"""Most places for which a set of places fits one integer (bit ``l`` for place l) that a
64-bit float also holds exactly."""


def _neighbour_bits(arc_src: IntArray, arc_dst: IntArray, n_l: int) -> IntArray | None:
    """For sets of places held as integers: ``table[j, chunk]`` is the set of places an arc
    leads to from the places ``w * j + i`` for the bits ``i`` set in ``chunk`` (``w`` bits
    wide: 16 on maps of up to 16 places, so that one lookup does, else 8), so that the places
    next to a set are the union of one lookup per chunk of it."""
    if n_l > BIT_SET_LIMIT:
        return None
    width = 16 if n_l <= 16 else 8
    n_chunks = -(-n_l // width)
    next_to = np.zeros(width * n_chunks, dtype=np.int64)
    np.bitwise_or.at(next_to, arc_src, np.left_shift(1, arc_dst, dtype=np.int64))
    table = np.zeros((n_chunks, 1 << width), dtype=np.int64)
    for i in range(width):  # the chunks whose top bit is i: those below, and i's neighbours
        table[:, 1 << i : 2 << i] = table[:, : 1 << i] | next_to[i::width][:, np.newaxis]
    return _frozen(table)


def _source_bits(scenario: Scenario) -> int:
    """The supply sources as a set of places held in one integer (bit l for place l)."""
    return sum(1 << j for j, loc in enumerate(scenario.locations) if loc.supply_source)


def _neighbour_table(src: IntArray, dst: IntArray, n_l: int) -> IntArray:
    arcs_from = np.concatenate([src, dst])
    arcs_to = np.concatenate([dst, src])
    order = np.lexsort((arcs_to, arcs_from))
    arcs_from, arcs_to = arcs_from[order], arcs_to[order]
    degree = np.bincount(arcs_from, minlength=n_l)
    width = max(int(degree.max(initial=0)), 1)
    table = np.full((n_l, width), -1, dtype=np.int64)
    start = np.concatenate([[0], np.cumsum(degree)[:-1]])
    slot = np.arange(len(arcs_from)) - start[arcs_from]
    table[arcs_from, slot] = arcs_to
    return table


ADJACENCY_LIMIT = 256
"""Maps of up to this many places keep the dense adjacency matrix: a product of 0/1 values
with it counts exactly, in any order the machine's BLAS adds."""


def _graph(
    scenario: Scenario,
    neighbours: IntArray,
    arcs: dict[tuple[int, int], int],
    n_routes: int,
) -> Graph:
    coords = {loc.id: (loc.lat, loc.lon) for loc in scenario.locations}
    length = [
        great_circle_km(*coords[r.from_], *coords[r.to]) if r.length_km is None else r.length_km
        for r in scenario.routes
    ]
    valid = neighbours >= 0
    out = np.zeros(neighbours.shape, dtype=np.int64)
    for place, row in enumerate(neighbours.tolist()):
        for k, other in enumerate(row):
            if other >= 0:
                out[place, k] = arcs[(place, other)]
    back = np.where(valid, (out + n_routes) % max(2 * n_routes, 1), 0)  # arc e's reverse
    n_l = len(neighbours)
    adjacency = None
    if n_l <= ADJACENCY_LIMIT:
        adjacency = np.zeros((n_l, n_l))
        rows = np.repeat(np.arange(n_l), neighbours.shape[1])
        cols = neighbours.ravel()
        adjacency[rows[cols >= 0], cols[cols >= 0]] = 1.0
    return Graph(
        length_km=_frozen(np.array(length, dtype=np.float64)),
        kind=tuple(r.kind.value for r in scenario.routes),
        out_arcs=_frozen(out),
        in_arcs=_frozen(back),
        out_valid=_frozen(valid),
        adjacency=None if adjacency is None else _frozen(adjacency),
    )


def _roads(scenario: Scenario, graph: Graph, weather: WeatherTable) -> Roads:
    """Each arc's reach in a turn and the transit slots (see :class:`Roads`)."""
    move = scenario.rules.movement
    pace = {kind: getattr(move, kind) for kind in ("highway", "road", "track", "rough", "rail")}
    km_a_day = np.array([pace[kind] for kind in graph.kind], dtype=np.float64)
    reach = np.concatenate([km_a_day, km_a_day]) * scenario.turn_length_days
    ratio = graph.arc_length_km() / reach
    free = np.maximum(np.ceil(ratio), 1.0)
    stretch = (1.0 - move.contested_share) + move.contested_share / move.opposed_floor
    weather_pace = weather.arc_pace(graph.kind)  # W x D
    worst = weather_pace.min(axis=0)  # 1 where the scenario declares no weather
    slowest = np.maximum(np.ceil(ratio * stretch / worst / _slowest_march(scenario)), 1.0)
    slots = (np.minimum(slowest, scenario.max_turns + 1) - 1).astype(np.int64)
    start = np.concatenate([[0], np.cumsum(slots)[:-1]]).astype(np.int64)
    slot_arc = np.repeat(np.arange(len(slots), dtype=np.int64), slots)
    n_t = len(slot_arc)
    index = np.arange(n_t, dtype=np.int64)
    last = index == (start + slots - 1)[slot_arc] if n_t else np.zeros(0, dtype=bool)
    shift_from = np.where(last, n_t, index + 1)
    factor = {kind: getattr(move, kind) for kind in ("urban", "rugged", "mixed", "flat")}
    advance = np.array([factor[loc.terrain] for loc in scenario.locations], dtype=np.float64)
    return Roads(
        reach_km=_frozen(reach),
        length_turns=_frozen(ratio),
        free_legs=_frozen(np.minimum(free, slots + 1).astype(np.int64)),
        weather_pace=_frozen(weather_pace),
        weather_legs=_frozen(
            np.minimum(np.maximum(np.ceil(ratio / weather_pace), 1.0), slots + 1).astype(np.int64)
        ),
        slots=_frozen(slots),
        slot_start=_frozen(start),
        slot_arc=_frozen(slot_arc),
        shift_from=_frozen(shift_from.astype(np.int64)),
        advance=_frozen(advance),
        contested=move.contested_share,
        days=_frozen(ratio * scenario.turn_length_days),
    )


def _slowest_march(scenario: Scenario) -> float:
    """The slowest march pace any faction may have in the game: at the start or set by a
    scripted ``faction_rules`` effect (at most 1, the pace the route kinds' rates are for)."""
    paces = [1.0] + [f.pace for f in scenario.factions]
    for event in scenario.events:
        for effect in event.effects:
            if effect.faction_rules is not None and effect.faction_rules.pace is not None:
                paces.append(effect.faction_rules.pace)
    return min(paces)


def _surprise_fronts(scenario: Scenario) -> BoolArray | None:
    """``F x L``: the places where each faction's surprise applies; ``None`` when every
    faction's applies everywhere."""
    if all(f.surprise_front is None for f in scenario.factions):
        return None
    index = {loc.id: j for j, loc in enumerate(scenario.locations)}
    front = np.ones((len(scenario.factions), len(scenario.locations)), dtype=bool)
    for i, faction in enumerate(scenario.factions):
        if faction.surprise_front is not None:
            front[i] = False
            front[i, [index[place] for place in faction.surprise_front]] = True
    return _frozen(front)


def _crossing_loss(scenario: Scenario) -> FloatArray:
    """``D``: ``1 - 1 / factor`` for each arc whose route crosses a river or strait (0 for the
    others): the share of the power of attackers crossing it that the crossing costs."""
    factor = {"river": scenario.rules.crossing.river, "strait": scenario.rules.crossing.strait}
    loss = [0.0 if r.crossing is None else 1.0 - 1.0 / factor[r.crossing] for r in scenario.routes]
    return np.array(loss + loss, dtype=np.float64)


def _closed0(scenario: Scenario, f_index: dict[str, int]) -> BoolArray:
    """``F x E``: the routes each faction may not use at the start."""
    closed = np.zeros((len(scenario.factions), len(scenario.routes)), dtype=bool)
    for e, route in enumerate(scenario.routes):
        closed[:, e] = route.cut
        for faction in route.closed_to:
            closed[f_index[faction], e] = True
    return closed


def _supply_days0(
    scenario: Scenario,
    allied: BoolArray,
    closed: BoolArray,
    roads: Roads,
    arc_src: IntArray,
    arc_dst: IntArray,
) -> FloatArray:
    """``F x L``: the days of travel from each faction's supply at the start (as
    :func:`~frontlines.engine.rules.supply.supply_days` measures them; 0 in supply where
    supply has no range)."""
    f_index = {f.id: i for i, f in enumerate(scenario.factions)}
    holder = np.array([f_index[loc.controller] for loc in scenario.locations], dtype=np.int64)
    friendly = allied[:, holder]  # F x L
    barred = (allied.astype(np.float64) @ closed.astype(np.float64)) > 0  # F x E
    step = np.where(np.concatenate((barred, barred), axis=1), np.inf, roads.days)
    source = np.array([loc.supply_source for loc in scenario.locations])
    days = nearest_days(friendly, source, arc_src, arc_dst, step)
    if scenario.rules.supply.range_days is None:
        days = np.where(np.isfinite(days), 0.0, np.inf)
    return _frozen(days)


def _sides(allied: BoolArray) -> Sides:
    unique, inverse = np.unique(allied, axis=0, return_inverse=True)
    return Sides(
        rows=_frozen(unique.astype(np.float64)),
        of=_frozen(np.asarray(inverse, dtype=np.int64).ravel()),
    )


def compile_world(scenario: Scenario) -> World:
    """Compile a validated scenario to a :class:`World`.

    >>> from frontlines.engine.scenario import load_scenario
    >>> world = compile_world(load_scenario("aleppo-2024"))
    >>> world.n_factions, world.n_locations, world.n_arcs
    (4, 15, 40)
    >>> world.location_ids[world.src[0]], world.location_ids[world.dst[0]], world.graph.kind[0]
    ('idlib', 'western-aleppo', 'road')
    """
    rules = scenario.rules
    factions = tuple(f.id for f in scenario.factions)
    locations = tuple(loc.id for loc in scenario.locations)
    f_index = {fid: i for i, fid in enumerate(factions)}
    l_index = {lid: i for i, lid in enumerate(locations)}
    n_f, n_l = len(factions), len(locations)

    src = np.array([l_index[r.from_] for r in scenario.routes], dtype=np.int64)
    dst = np.array([l_index[r.to] for r in scenario.routes], dtype=np.int64)

    allied = np.eye(n_f, dtype=bool)
    for alliance in scenario.alliances:
        members = [f_index[m] for m in alliance.members]
        allied[np.ix_(members, members)] = True

    posture_factor = {
        "hasty": rules.posture.hasty,
        "prepared": rules.posture.prepared,
        "fortified": rules.posture.fortified,
    }
    terrain_factor = {
        "urban": rules.terrain.urban,
        "rugged": rules.terrain.rugged,
        "mixed": rules.terrain.mixed,
        "flat": rules.terrain.flat,
    }
    days = scenario.turn_length_days
    surprises = [rules.surprise_of(f.surprise, days) for f in scenario.factions]
    forces = np.zeros((n_f, n_l))
    for j, loc in enumerate(scenario.locations):
        for fid, amount in loc.garrison.items():
            forces[f_index[fid], j] = amount

    lat = np.array([loc.lat for loc in scenario.locations])
    lon = np.array([loc.lon for loc in scenario.locations])
    air = scenario.air_support
    in_range = np.zeros((len(air), n_l), dtype=bool)
    for a, entry in enumerate(air):
        if entry.base is None:
            in_range[a] = True
        else:
            b = l_index[entry.base]
            distance = np.array(
                [great_circle_km(lat[b], lon[b], lat[j], lon[j]) for j in range(n_l)]
            )
            in_range[a] = distance <= entry.range_km

    arc_src, arc_dst = np.concatenate([src, dst]), np.concatenate([dst, src])
    arcs = {(int(a), int(b)): i for i, (a, b) in enumerate(zip(arc_src, arc_dst, strict=True))}
    neighbours = _frozen(_neighbour_table(src, dst, n_l))
    dst_matrix = _one_hot(arc_dst, n_l)
    graph = _graph(scenario, neighbours, arcs, len(src))
    weather = compile_weather(scenario)
    roads = _roads(scenario, graph, weather)
    closed0 = _frozen(_closed0(scenario, f_index))
    return World(
        scenario=scenario,
        rules=rules,
        faction_ids=factions,
        location_ids=locations,
        src=_frozen(src),
        dst=_frozen(dst),
        arc_src=_frozen(arc_src),
        arc_dst=_frozen(arc_dst),
        allied0=_frozen(allied),
        quality=_frozen(np.array([f.quality for f in scenario.factions])),
        pace=_frozen(np.array([f.pace for f in scenario.factions], dtype=np.float64)),
        morale0=_frozen(np.array([f.morale for f in scenario.factions])),
        faction_posture=_frozen(np.array([posture_factor[f.posture] for f in scenario.factions])),
        surprise_factor=_frozen(np.array([surprise[0] for surprise in surprises], dtype=float)),
        surprise_days=_frozen(np.array([surprise[1] for surprise in surprises], dtype=np.int64)),
        surprise_front=_surprise_fronts(scenario),
        terrain=_frozen(np.array([terrain_factor[loc.terrain] for loc in scenario.locations])),
        posture_override=_frozen(
            np.array(
                [
                    np.nan if loc.posture is None else posture_factor[loc.posture]
                    for loc in scenario.locations
                ]
            )
        ),
        value=_frozen(np.array([loc.value for loc in scenario.locations], dtype=np.float64)),
        population=_frozen(
            np.array([loc.population for loc in scenario.locations], dtype=np.float64)
        ),
        air_defence=_frozen(np.array([loc.air_defence for loc in scenario.locations])),
        supply_source=_frozen(np.array([loc.supply_source for loc in scenario.locations])),
        controller0=_frozen(
            np.array([f_index[loc.controller] for loc in scenario.locations], dtype=np.int64)
        ),
        forces0=_frozen(forces),
        air_provider=_frozen(np.array([f_index[a.provider] for a in air], dtype=np.int64)),
        air_beneficiary=_frozen(np.array([f_index[a.beneficiary] for a in air], dtype=np.int64)),
        air_base=_frozen(
            np.array([-1 if a.base is None else l_index[a.base] for a in air], dtype=np.int64)
        ),
        air_sorties0=_frozen(np.array([a.sorties_per_day for a in air], dtype=np.int64)),
        air_in_range=_frozen(in_range),
        air_cas=_frozen(np.array([a.cas_modifier for a in air], dtype=np.float64)),
        air_strike=_frozen(np.array([a.strike_modifier for a in air], dtype=np.float64)),
        air_risk=_frozen(np.array([a.civilian_risk for a in air], dtype=np.float64)),
        air_ids=tuple(a.id for a in air),
        air_names=tuple(a.name for a in air),
        neighbours=neighbours,
        crossing_loss=_frozen(_crossing_loss(scenario)),
        closed0=closed0,
        supply_days0=_supply_days0(scenario, allied, closed0, roads, arc_src, arc_dst),
        graph=graph,
        roads=roads,
        weather=weather,
        sides0=_sides(allied),
        faction_names=tuple(f.name for f in scenario.factions),
        faction_colours=tuple(f.colour for f in scenario.factions),
        location_names=tuple(loc.name for loc in scenario.locations),
        location_kinds=tuple(loc.kind.value for loc in scenario.locations),
        location_terrains=tuple(loc.terrain.value for loc in scenario.locations),
        dst_matrix=dst_matrix,
        neighbour_bits=_neighbour_bits(arc_src, arc_dst, n_l),
        place_bits=_frozen(np.ldexp(1.0, np.arange(n_l if n_l <= BIT_SET_LIMIT else 0))),
        source_bits=_source_bits(scenario) if n_l <= BIT_SET_LIMIT else 0,
        lookup={
            "factions": f_index,
            "locations": l_index,
            "air": {a.id: i for i, a in enumerate(air)},
            "arcs": arcs,
        },
        objectives=compile_objectives(scenario, f_index, l_index),
        arrivals=compile_arrivals(scenario, f_index, l_index),
        script=compile_script(scenario),
        max_turns=scenario.max_turns,
        turn_length_days=scenario.turn_length_days,
        digest=scenario_digest(scenario),
    )
