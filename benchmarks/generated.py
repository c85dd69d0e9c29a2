"""Synthetic scenarios of any size, for measuring how the engine's cost grows with the map.

    scenario = generated_scenario(1000, seed=0)

The map is a jittered grid of ``n`` locations, about 5 km apart, joined by a connected grid
of routes (right and down neighbours, plus some diagonals: about 2.5 routes per location).
Four factions in two alliances hold the two halves of the map, every location has a
garrison, each faction has a supply source, and there are two air-support entries and a
victory condition per alliance. The same ``(n, seed)`` always gives the same scenario; the
random numbers here only shape the benchmark data, they are not game chance.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from frontlines.engine.scenario import scenario_from_data
from frontlines.engine.scenario.model import Scenario

SPACING_DEG = 0.05
"""Grid spacing in degrees (about 5 km), so that routes stay short."""
DIAGONAL_SHARE = 0.6
"""Share of grid cells that get a diagonal route; with the grid's own ~2 routes per location
this gives about 2.5."""
FACTIONS = (
    ("north-a", "#b03a2e"),
    ("south-a", "#5d6d7e"),
    ("north-b", "#1e8449"),
    ("south-b", "#d4ac0d"),
)
"""Alliance A holds the west half of the map, alliance B the east; within each half the
first faction holds the north and the second the south."""


def _loc_id(index: int) -> str:
    return f"loc-{index:05d}"


def generated_scenario(n_locations: int, *, seed: int = 0) -> Scenario:
    """A valid synthetic scenario with ``n_locations`` locations (at least 16, so that each
    faction's quarter of the map holds a full row)."""
    if n_locations < 16:
        raise ValueError("a generated scenario needs at least 16 locations")
    rng = np.random.default_rng(seed)
    width = math.ceil(math.sqrt(n_locations))
    rows = math.ceil(n_locations / width)
    half_col = width / 2
    half_row = rows / 2

    def owner(index: int) -> int:
        row, col = divmod(index, width)
        side = 0 if col < half_col else 2
        return side + (0 if row < half_row else 1)

    jitter = rng.uniform(-0.3, 0.3, size=(n_locations, 2)) * SPACING_DEG
    strength = rng.uniform(2.0, 10.0, size=n_locations).round(1)
    value = rng.integers(1, 4, size=n_locations)
    population = rng.integers(0, 200_000, size=n_locations)
    terrains = ("urban", "rugged", "mixed", "flat")
    terrain = rng.integers(0, len(terrains), size=n_locations)

    locations: list[dict[str, Any]] = []
    for i in range(n_locations):
        row, col = divmod(i, width)
        holder = FACTIONS[owner(i)][0]
        locations.append(
            {
                "id": _loc_id(i),
                "name": f"Place {i}",
                "kind": "town",
                "lat": round(35.0 + row * SPACING_DEG + float(jitter[i, 0]), 5),
                "lon": round(36.0 + col * SPACING_DEG + float(jitter[i, 1]), 5),
                "population": int(population[i]),
                "terrain": terrains[int(terrain[i])],
                "value": int(value[i]),
                "controller": holder,
                "garrison": {holder: float(strength[i])},
            }
        )

    # A supply source per faction: the location of its area farthest from the front line.
    deepest: dict[int, tuple[int, float]] = {}
    for i in range(n_locations):
        f = owner(i)
        depth = abs(i % width + 0.5 - half_col)
        if f not in deepest or depth > deepest[f][1]:
            deepest[f] = (i, depth)
    sources = {f: i for f, (i, _depth) in deepest.items()}
    assert len(sources) == len(FACTIONS), "every faction holds part of the map"
    for i in sources.values():
        locations[i]["supply_source"] = True

    routes: list[dict[str, Any]] = []
    kinds = ("highway", "road", "road", "track")
    route_kind = rng.integers(0, len(kinds), size=4 * n_locations)

    def add_route(a: int, b: int) -> None:
        routes.append(
            {"from": _loc_id(a), "to": _loc_id(b), "kind": kinds[int(route_kind[len(routes)])]}
        )

    diagonal = rng.random(n_locations) < DIAGONAL_SHARE
    for i in range(n_locations):
        row, col = divmod(i, width)
        right, down, diag = i + 1, i + width, i + width + 1
        if col + 1 < width and right < n_locations:
            add_route(i, right)
        if down < n_locations:
            add_route(i, down)
        if diagonal[i] and col + 1 < width and diag < n_locations:
            add_route(i, diag)

    factions = [
        {
            "id": fid,
            "name": f"Faction {fid}",
            "colour": colour,
            "quality": [1.0, 0.8, 0.9, 1.1][k],
            "morale": [0.7, 0.6, 0.65, 0.8][k],
            "posture": ["prepared", "hasty", "fortified", "hasty"][k],
        }
        for k, (fid, colour) in enumerate(FACTIONS)
    ]
    alliances = [
        {"id": "west", "name": "Western alliance", "members": [FACTIONS[0][0], FACTIONS[1][0]]},
        {"id": "east", "name": "Eastern alliance", "members": [FACTIONS[2][0], FACTIONS[3][0]]},
    ]
    base_a = sources[1]
    air_support = [
        {
            "id": "west-air",
            "name": "Western air wing",
            "provider": FACTIONS[1][0],
            "beneficiary": FACTIONS[0][0],
            "sorties_per_day": 8,
            "base": _loc_id(base_a),
            "range_km": 2000.0,
            "strike_modifier": 1.1,
            "civilian_risk": 0.2,
        },
        {
            "id": "east-drones",
            "name": "Eastern drones",
            "provider": FACTIONS[3][0],
            "beneficiary": FACTIONS[3][0],
            "sorties_per_day": 4,
            "cas_modifier": 0.6,
            "strike_modifier": 0.5,
            "civilian_risk": 0.05,
        },
    ]
    total_value = int(value.sum())
    reinforcements = [
        {"faction": fid, "location": _loc_id(sources[k]), "turn": 3, "strength": 5.0}
        for k, (fid, _colour) in enumerate(FACTIONS)
    ]
    victory = [
        {
            "faction": FACTIONS[0][0],
            "description": "Hold two thirds of the map's value.",
            "points": round(total_value * 2 / 3, 1),
        },
        {
            "faction": FACTIONS[2][0],
            "description": "Hold every supply source of the east when the last turn ends.",
            "control": [_loc_id(sources[2]), _loc_id(sources[3])],
            "at_end": True,
        },
    ]
    data = {
        "schema": 1,
        "id": f"generated-{n_locations}",
        "title": f"Generated map, {n_locations} locations",
        "start_date": "2025-01-01",
        "max_turns": 30,
        "factions": factions,
        "alliances": alliances,
        "locations": locations,
        "routes": routes,
        "air_support": air_support,
        "reinforcements": reinforcements,
        "victory": victory,
    }
    return scenario_from_data(data)
