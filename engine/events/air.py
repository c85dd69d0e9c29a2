"""Events of phase 2, air: the strikes flown and the civilian harm they did."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from frontlines.engine.rules.air import AirResult
from frontlines.engine.scenario.base import AirSupportId, FactionId, LocationId
from frontlines.engine.text import counted
from frontlines.engine.world import World


@dataclass(frozen=True)
class StrikeFlown:
    """Strike sorties flown against a place."""

    turn: int
    air_support: AirSupportId
    provider: str
    location: LocationId
    place: str
    sorties: int
    destroyed: float
    provider_id: FactionId
    destroyed_by: tuple[tuple[str, float], ...]  # (faction id, strength) of each faction hit
    on_road: float = 0.0  # of ``destroyed``, the part caught on the road in

    def describe(self) -> str:
        """The strike as one line of the news log."""
        flown = counted(self.sorties, "strike sortie")
        destroyed = f"destroying {self.destroyed:.1f} strength"
        if self.on_road >= 0.05:
            destroyed += f" ({self.on_road:.1f} of it on the road in)"
        return f"{flown} by {self.provider} hit {self.place}, {destroyed}."


@dataclass(frozen=True)
class CivilianCasualties:
    """Civilians reported killed and injured by strikes on a place."""

    turn: int
    location: LocationId
    place: str
    killed: int
    injured: int
    by: str
    by_id: FactionId
    air_support: AirSupportId

    def describe(self) -> str:
        """The civilian harm as one line of the news log."""
        return (
            f"Strikes by {self.by} on {self.place}: {counted(self.killed, 'civilian')} killed "
            f"and {self.injured} injured, as monitors report."
        )


AirEvent = StrikeFlown | CivilianCasualties


def air_events(world: World, air: AirResult, run: int, turn: int) -> list[AirEvent]:
    """Strike events, each followed by the civilian harm it did (if any)."""
    cells = air.strike[run].reshape(-1).nonzero()[0]  # entry * L + place, in that order
    if cells.size == 0:
        return []
    flown = air.strike[run].take(cells).tolist()
    destroyed = air.destroyed[run].take(cells).tolist()
    killed = air.killed[run].take(cells).tolist()
    injured = air.injured[run].take(cells).tolist()
    # Each faction's losses at the cells struck in this run (``air.cells`` holds every run's).
    per_run = world.n_locations * len(world.air_ids)
    first = run * per_run
    lo, hi = np.searchsorted(air.cells, (first, first + per_run)).tolist()
    struck = (air.cells[lo:hi] - first).tolist()
    by_cell = dict(zip(struck, air.destroyed_by[lo:hi].tolist(), strict=True))
    road = [0.0] * len(struck) if air.on_road is None else air.on_road[lo:hi].tolist()
    road_by_cell = dict(zip(struck, road, strict=True))
    entries, places = np.divmod(cells, world.n_locations)
    place, fname, lid, fid = (
        world.location_names,
        world.faction_names,
        world.location_ids,
        world.faction_ids,
    )
    provider = [fname[f] for f in world.air_provider.tolist()]
    provider_id = [fid[f] for f in world.air_provider.tolist()]
    out: list[AirEvent] = []
    for i, (a, loc) in enumerate(zip(entries.tolist(), places.tolist(), strict=True)):
        hit = by_cell.get(int(cells[i]), ())
        out.append(
            StrikeFlown(
                turn,
                world.air_ids[a],
                provider[a],
                lid[loc],
                place[loc],
                int(flown[i]),
                destroyed[i],
                provider_id[a],
                tuple((fid[f], amount) for f, amount in enumerate(hit) if amount > 0),
                road_by_cell.get(int(cells[i]), 0.0),
            )
        )
        dead, hurt = int(killed[i]), int(injured[i])
        if dead or hurt:
            out.append(
                CivilianCasualties(
                    turn,
                    lid[loc],
                    place[loc],
                    dead,
                    hurt,
                    provider[a],
                    provider_id[a],
                    world.air_ids[a],
                )
            )
    return out
