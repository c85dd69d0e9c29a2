"""The State: everything that changes during a game, for B games at once.

Every array has a leading batch axis ``B`` (a single game is ``B = 1``) and is read-only: a
rule builds a new State rather than changing one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields, replace
from enum import Enum
from typing import Any

import numpy as np
import numpy.typing as npt

from frontlines.engine.arrays import BoolArray, FloatArray, IntArray
from frontlines.engine.world import World

NO_WINNER = -1
DRAW = -2
NEVER = -1
"""``offensive_day`` of a faction that has not attacked yet."""
ADDED_FIELDS: dict[str, float] = {"weather": 0, "pace": 1.0}
"""State fields left out of :meth:`State.digest` while every value is the given one, which
changes nothing (see there)."""


class Outcome(Enum):
    """How a game stands for one side."""

    PLAYING = "playing"
    WON = "won"
    LOST = "lost"
    DRAWN = "drawn"


@dataclass(frozen=True, eq=False)
class State:
    """The position of B games after ``turn`` turns (turn 0 is the start).

    ``forces[b, f, l]`` is faction f's strength at location l; ``controller[b, l]`` who holds
    it; ``transit[b, f, t]`` its strength on the road, in transit slot t (see
    :class:`~frontlines.engine.world.Roads`); ``closed[b, f, e]`` bars route e to faction f
    and its allies (a cut route is closed to every faction). ``winner[b]`` is a faction index,
    ``NO_WINNER`` while the game runs, or ``DRAW``. ``weather[b]`` is the kind of weather of
    the turn last played (before turn 1: turn 1's), an index into ``World.weather``.
    """

    turn: int
    forces: FloatArray  # B x F x L
    transit: FloatArray  # B x F x T, strength on the road (see World.roads for the slots)
    controller: IntArray  # B x L
    morale: FloatArray  # B x F
    collapsed: BoolArray  # B x F
    allied: BoolArray  # B x F x F
    sortie_rate: IntArray  # B x A
    unsupplied: IntArray  # B x F x L, turns each faction's forces there have been cut off
    transit_unsupplied: FloatArray  # B x F x T, strength on the road times its turns cut off
    supply_days: FloatArray  # B x F x L, days of travel from the nearest source (inf: none)
    offensive_day: IntArray  # B x F, day (from 0) of the faction's first attack; -1: none yet
    quality: FloatArray  # B x F, combat power per strength point (scripted events change it)
    pace: (
        FloatArray  # B x F, march pace: a multiple of the route kinds' km a day (events change it)
    )
    fired: BoolArray  # B x N events
    held_turns: IntArray  # B x V, turn ends in a row each victory condition's places held
    closed: BoolArray  # B x F x E: routes closed to each faction and its allies (cut: to all)
    weather: IntArray  # B, the kind of weather (World.weather) of turn ``turn`` (0: of turn 1)
    winner: IntArray  # B
    done: BoolArray  # B

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, np.ndarray):
                value.setflags(write=False)

    @property
    def batch(self) -> int:
        """The number of games, B."""
        return int(self.controller.shape[0])

    def outcome(self, faction: int, run: int = 0) -> Outcome:
        """How game ``run`` stands for ``faction``'s side (it and its allies in that game).

        >>> from frontlines.engine.scenario import load_scenario
        >>> from frontlines.engine.world import compile_world
        >>> initial_state(compile_world(load_scenario("aleppo-2024"))).outcome(0)
        <Outcome.PLAYING: 'playing'>
        """
        winner = int(self.winner[run])
        if winner == NO_WINNER:
            return Outcome.PLAYING
        if winner == DRAW:
            return Outcome.DRAWN
        return Outcome.WON if self.allied[run, faction, winner] else Outcome.LOST

    def evolve(self, **changes: Any) -> State:
        """A new State with some arrays replaced (only those are frozen again: this runs
        several times a turn, so it avoids re-running ``__init__``)."""
        if not changes.keys() <= self.__dict__.keys():
            unknown = sorted(changes.keys() - self.__dict__.keys())
            raise TypeError(f"State has no field {unknown[0]!r}")
        for value in changes.values():
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
        new = object.__new__(State)
        new.__dict__.update(self.__dict__, **changes)
        return new

    def run(self, index: int) -> State:
        """Game ``index`` of the batch, as a State with B = 1."""
        picked = {
            item.name: getattr(self, item.name)[index : index + 1].copy()
            for item in fields(self)
            if isinstance(getattr(self, item.name), np.ndarray)
        }
        return replace(self, **picked)

    def repeated(self, count: int) -> State:
        """Game 0 of the batch, ``count`` times (a batch of games from one position)."""
        changes = {
            item.name: np.repeat(getattr(self, item.name)[:1], count, axis=0)
            for item in fields(self)
            if isinstance(getattr(self, item.name), np.ndarray)
        }
        return self.evolve(**changes)

    def digest(self) -> str:
        """A fingerprint of the whole state; equal digests mean equal games.

        Fields added since rules 3 (``ADDED_FIELDS``) count only once they differ from the
        value that changes nothing (0 weather, a march pace of 1), so that a game that never
        uses them keeps the digest it had before."""
        sha = hashlib.sha256(str(self.turn).encode())
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in ADDED_FIELDS and np.all(value == ADDED_FIELDS[item.name]):
                continue
            if isinstance(value, np.ndarray):
                sha.update(item.name.encode())
                sha.update(np.ascontiguousarray(value).tobytes())
        return sha.hexdigest()[:16]


def initial_state(world: World, batch: int = 1) -> State:
    """The scenario's starting position, repeated ``batch`` times."""

    def tile(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return np.repeat(array[np.newaxis], batch, axis=0)

    n_f, n_l = world.n_factions, world.n_locations
    return State(
        turn=0,
        forces=tile(world.forces0.astype(np.float64)),
        transit=np.zeros((batch, n_f, world.roads.n_slots)),
        controller=tile(world.controller0),
        morale=tile(world.morale0.astype(np.float64)),
        collapsed=np.zeros((batch, n_f), dtype=bool),
        allied=tile(world.allied0),
        sortie_rate=tile(world.air_sorties0),
        unsupplied=np.zeros((batch, n_f, n_l), dtype=np.int64),
        transit_unsupplied=np.zeros((batch, n_f, world.roads.n_slots)),
        supply_days=tile(world.supply_days0),
        offensive_day=np.full((batch, n_f), NEVER, dtype=np.int64),
        quality=tile(world.quality.astype(np.float64)),
        pace=tile(world.pace),
        fired=np.zeros((batch, len(world.scenario.events)), dtype=bool),
        held_turns=np.zeros((batch, len(world.scenario.victory)), dtype=np.int64),
        closed=tile(world.closed0),
        weather=np.full(batch, world.weather.start, dtype=np.int64),
        winner=np.full(batch, NO_WINNER, dtype=np.int64),
        done=np.zeros(batch, dtype=bool),
    )
