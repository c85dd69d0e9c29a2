"""What a side sees of one game: frozen values read from the arrays, never the arrays.

A view is to the batched :class:`~frontlines.engine.state.State` what an observation is to a
game's full state: the terminal game, and anything else that shows a game to a person,
reads it through :func:`observe` instead of through the rules' internals. Today every side
sees everything; fog of war will narrow what :func:`observe` returns for ``side``.

    >>> from frontlines.engine import compile_world, initial_state, load_scenario
    >>> world = compile_world(load_scenario("aleppo-2024"))
    >>> view = observe(world, initial_state(world, batch=1))
    >>> view.turn, view.date
    (0, '2024-11-27')
    >>> view.place("aleppo").holder
    'government'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from frontlines.engine.orders import available_sorties
from frontlines.engine.rules.common import allied_to_holder, hostile_here
from frontlines.engine.rules.supply import supplied
from frontlines.engine.rules.victory import condition_met
from frontlines.engine.scenario.base import FactionId, LocationId
from frontlines.engine.state import DRAW, NO_WINNER, State
from frontlines.engine.world import World


@dataclass(frozen=True)
class Presence:
    """One faction's forces at a place."""

    faction: FactionId
    name: str
    strength: float
    hostile: bool  # hostile to the place's holder: attacking or besieging it
    in_supply: bool
    beyond_range: float = 0.0  # days of travel beyond the supply range (0: within it)


@dataclass(frozen=True)
class PlaceView:
    """One place as a side sees it."""

    id: LocationId
    name: str
    kind: str
    terrain: str
    population: int
    value: float
    supply_source: bool
    holder: FactionId
    forces: tuple[Presence, ...]  # factions with forces there, in faction order
    contested: bool  # forces hostile to the holder stand there
    besieged: bool  # the holder's garrison there is cut off from supply

    def strength_of(self, faction: str) -> float:
        """The strength ``faction`` has here (0 if none)."""
        return sum(p.strength for p in self.forces if p.faction == faction)


@dataclass(frozen=True)
class Journey:
    """Forces of one faction on the road: set out from ``origin``, bound for ``destination``,
    arriving in the movement phase of turn ``arrives`` (on ``arrives_on``)."""

    faction: FactionId
    name: str
    origin: LocationId
    destination: LocationId
    strength: float
    arrives: int
    arrives_on: str


@dataclass(frozen=True)
class ClosedRoute:
    """A route some factions may not use: ``cut`` for everyone (a bridge down), else closed
    to the factions ``closed_to`` and, while it is, to their allies."""

    origin: LocationId
    target: LocationId
    cut: bool
    closed_to: tuple[FactionId, ...]
    barred: bool  # closed to the side looking (an onlooker: cut)


@dataclass(frozen=True)
class FactionStanding:
    """One faction's standing: strength, morale, supply, air and ground held."""

    id: FactionId
    name: str
    colour: str
    strength: float  # at places and on the road
    in_supply: float  # the part of ``strength`` at places that is in supply
    on_the_road: float  # the part of ``strength`` in transit
    morale: float
    collapsed: bool
    sorties: int  # sorties its air-support entries can fly this turn
    places_held: int
    value_held: float


@dataclass(frozen=True)
class VictoryProgress:
    """How far one victory condition is from being met."""

    faction: FactionId  # the faction it is for; its allies' holdings count too
    places_needed: tuple[LocationId, ...]
    places_held: tuple[LocationId, ...]  # those of ``places_needed`` the side holds now
    points_needed: float | None
    points_held: float  # value the side holds now
    turns_left: int  # turns left in which it may still be met (0: no longer)
    at_end: bool  # met only after the last turn
    met: bool  # holds now, for as many turn ends as it needs (and the turn allows it)
    hold_turns: int = 1  # turn ends in a row its places and points must hold
    turns_held: int = 0  # turn ends in a row they have held so far


@dataclass(frozen=True)
class GameView:
    """Everything a side sees of one game after ``turn`` turns."""

    turn: int
    date: str  # the day the next turn starts
    max_turns: int
    places: tuple[PlaceView, ...]
    journeys: tuple[Journey, ...]  # forces on the road that the side sees, soonest first
    factions: tuple[FactionStanding, ...]
    victory: tuple[VictoryProgress, ...]
    winner: FactionId | None  # None while the game goes on or after a draw
    draw: bool
    over: bool
    closed_routes: tuple[ClosedRoute, ...] = ()  # routes cut or closed to some faction
    weather: str | None = None  # the weather now (before turn 1: turn 1's); None: undeclared
    weather_id: str | None = None

    def place(self, place_id: LocationId) -> PlaceView:
        """The view of one place; raises ``KeyError``."""
        for view in self.places:
            if view.id == place_id:
                return view
        raise KeyError(place_id)

    def faction(self, faction_id: FactionId) -> FactionStanding:
        """The standing of one faction; raises ``KeyError``."""
        for standing in self.factions:
            if standing.id == faction_id:
                return standing
        raise KeyError(faction_id)


def _beyond_range(world: World, days: float) -> float:
    """How many days of travel beyond the supply range ``days`` from a source is."""
    limit = world.rules.supply.range_days
    if limit is None or not math.isfinite(days):
        return 0.0
    return max(days - limit, 0.0)


def observe(world: World, state: State, run: int = 0, side: FactionId | None = None) -> GameView:
    """Game ``run`` of ``state`` as ``side`` sees it (``None``: as an onlooker).

    Every side sees the whole game for now; ``side`` is where fog of war will plug in."""
    if side is not None:
        world.faction_index(side)  # an unknown side is refused, as it will matter later
    one = state if state.batch == 1 and run == 0 else state.run(run)
    forces = one.forces[0]
    in_supply = supplied(world, one)[0]
    hostile = hostile_here(one)[0]
    holders = one.controller[0]
    sorties = available_sorties(world, one)[0]
    places = []
    for j in range(world.n_locations):
        holder = int(holders[j])
        present = [
            Presence(
                faction=world.faction_ids[f],
                name=world.faction_names[f],
                strength=float(forces[f, j]),
                hostile=bool(hostile[f, j]),
                in_supply=bool(in_supply[f, j]),
                beyond_range=_beyond_range(world, float(one.supply_days[0, f, j])),
            )
            for f in range(world.n_factions)
            if forces[f, j] > 0
        ]
        places.append(
            PlaceView(
                id=world.location_ids[j],
                name=world.location_names[j],
                kind=world.location_kinds[j],
                terrain=world.location_terrains[j],
                population=int(world.population[j]),
                value=float(world.value[j]),
                supply_source=bool(world.supply_source[j]),
                holder=world.faction_ids[holder],
                forces=tuple(present),
                contested=any(p.hostile for p in present),
                besieged=forces[holder, j] > 0 and not in_supply[holder, j],
            )
        )
    factions = []
    for f, faction_id in enumerate(world.faction_ids):
        held = holders == f
        factions.append(
            FactionStanding(
                id=faction_id,
                name=world.faction_names[f],
                colour=world.faction_colours[f],
                strength=float(forces[f].sum()) + float(one.transit[0, f].sum()),
                in_supply=float((forces[f] * in_supply[f]).sum()),
                on_the_road=float(one.transit[0, f].sum()),
                morale=float(one.morale[0, f]),
                collapsed=bool(one.collapsed[0, f]),
                sorties=int(sorties[world.air_provider == f].sum()) if len(world.air_ids) else 0,
                places_held=int(held.sum()),
                value_held=float(world.value[held].sum()),
            )
        )
    winner = int(one.winner[0])
    return GameView(
        turn=one.turn,
        date=world.first_day(one.turn + 1).isoformat(),
        max_turns=world.max_turns,
        places=tuple(places),
        journeys=_journeys(world, one, side),
        factions=tuple(factions),
        victory=_progress(world, one),
        winner=world.faction_ids[winner] if winner not in (NO_WINNER, DRAW) else None,
        draw=winner == DRAW,
        over=bool(one.done[0]),
        closed_routes=_closed_routes(world, one, side),
        weather=world.weather.names[int(one.weather[0])] if world.weather.declared else None,
        weather_id=world.weather.ids[int(one.weather[0])] if world.weather.declared else None,
    )


def _closed_routes(world: World, one: State, side: FactionId | None) -> tuple[ClosedRoute, ...]:
    """The routes cut or closed to some faction, in file order."""
    closed = one.closed[0]
    found = []
    for e in np.flatnonzero(closed.any(axis=0)).tolist():
        cut = bool(closed[:, e].all())
        looking = None if side is None else world.faction_index(side)
        barred = cut or (
            looking is not None and bool((closed[:, e] & one.allied[0, looking]).any())
        )
        found.append(
            ClosedRoute(
                origin=world.location_ids[int(world.src[e])],
                target=world.location_ids[int(world.dst[e])],
                cut=cut,
                closed_to=tuple(world.faction_ids[f] for f in np.flatnonzero(closed[:, e])),
                barred=barred,
            )
        )
    return tuple(found)


def _journeys(world: World, one: State, side: FactionId | None) -> tuple[Journey, ...]:
    """The forces on the road, of ``side`` and its allies (of everyone for an onlooker)."""
    roads = world.roads
    seen = (
        one.allied[0, world.faction_index(side)]
        if side is not None
        else np.ones(world.n_factions, dtype=bool)
    )
    found = []
    for f, t in zip(*np.nonzero(one.transit[0] > 0), strict=True):
        if not seen[f]:
            continue
        arc = int(roads.slot_arc[t])
        arrives = one.turn + int(t - roads.slot_start[arc]) + 1
        found.append(
            Journey(
                faction=world.faction_ids[f],
                name=world.faction_names[f],
                origin=world.location_ids[int(world.arc_src[arc])],
                destination=world.location_ids[int(world.arc_dst[arc])],
                strength=float(one.transit[0, f, t]),
                arrives=arrives,
                arrives_on=world.first_day(arrives).isoformat(),
            )
        )
    return tuple(sorted(found, key=lambda j: (j.arrives, j.faction, j.destination)))


def _progress(world: World, one: State) -> tuple[VictoryProgress, ...]:
    goals = world.objectives
    progress = []
    for v in range(len(goals.faction)):
        winner = int(goals.faction[v])
        side_holds = allied_to_holder(one.allied, one.controller, winner)[0]
        needed = np.flatnonzero(goals.places[v])
        points = float(goals.points[v])
        by_turn = int(goals.by_turn[v])
        last = world.max_turns if by_turn < 0 else min(by_turn, world.max_turns)
        progress.append(
            VictoryProgress(
                faction=world.faction_ids[winner],
                places_needed=tuple(world.location_ids[j] for j in needed),
                places_held=tuple(world.location_ids[j] for j in needed if side_holds[j]),
                points_needed=None if math.isnan(points) else points,
                points_held=float((side_holds * world.value).sum()),
                turns_left=max(0, last - one.turn),
                at_end=bool(goals.at_end[v]),
                met=bool(condition_met(world, one, v)[0]),
                hold_turns=int(goals.hold_turns[v]),
                turns_held=int(one.held_turns[0, v]),
            )
        )
    return tuple(progress)
