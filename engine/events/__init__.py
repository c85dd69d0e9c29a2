"""Events: frozen records of what happened in a turn, and the sentences the news log shows.

Each phase owns its events (one module here per phase that reports any) and builds them from
its own result; :func:`build_events` puts them in the order the phases ran. Every event
carries ids (for programs) and display names (for :meth:`describe`). Event names differ from
order and scenario names: an order ``Airstrike`` is reported as a ``StrikeFlown``, a scenario's
``Reinforcement`` as a ``ReinforcementReport``.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontlines.engine.events.air import AirEvent, CivilianCasualties, StrikeFlown, air_events
from frontlines.engine.events.capture import Capture, CaptureEvent, Retreat, capture_events
from frontlines.engine.events.combat import Battle, Factor, battle_events
from frontlines.engine.events.morale import MoraleCollapse, MoraleEvent, MoraleShift, morale_events
from frontlines.engine.events.reinforcement import ReinforcementReport, reinforcement_events
from frontlines.engine.events.scripted import (
    Message,
    ScriptedAlliance,
    ScriptedControl,
    ScriptedEffect,
    ScriptedForces,
    ScriptedMorale,
    ScriptedPace,
    ScriptedQuality,
    ScriptedRoute,
    ScriptedSorties,
    scripted_events,
)
from frontlines.engine.events.victory import Victory, victory_events
from frontlines.engine.events.weather import WeatherChange, weather_events
from frontlines.engine.rules.air import AirResult
from frontlines.engine.rules.capture import CaptureResult
from frontlines.engine.rules.combat import BattleResult
from frontlines.engine.rules.morale import MoraleResult
from frontlines.engine.rules.reinforcement import ReinforcementResult
from frontlines.engine.rules.scripted import Fired
from frontlines.engine.state import State
from frontlines.engine.world import World

Event = (
    WeatherChange
    | ScriptedEffect
    | AirEvent
    | Battle
    | CaptureEvent
    | MoraleEvent
    | ReinforcementReport
    | Victory
)
"""Every kind of event, for ``match`` statements mypy checks are exhaustive."""


@dataclass(frozen=True)
class TurnRecord:
    """Everything the phases of one turn report, for building events."""

    fired: Fired
    air: AirResult
    battles: BattleResult
    capture: CaptureResult
    morale: MoraleResult
    reinforcements: ReinforcementResult


def build_events(
    world: World, before: State, after: State, record: TurnRecord, run: int
) -> tuple[Event, ...]:
    """The events of game ``run`` in one turn, in the order the phases happened.

    This runs every turn in play, mostly for one game, so each phase reads each array of the
    run once and only where something happened."""
    turn = after.turn
    events: list[Event] = []
    events += weather_events(world, before, after, run)
    events += scripted_events(world, record.fired, run, turn)
    events += air_events(world, record.air, run, turn)
    events += battle_events(world, record.battles, record.capture, run, turn)
    events += capture_events(world, record.battles, record.capture, after, run, turn)
    events += morale_events(world, record.morale, after, run, turn)
    events += reinforcement_events(world, record.reinforcements, run, turn)
    events += victory_events(world, before, after, run, turn)
    return tuple(events)


__all__ = [
    "Battle",
    "Capture",
    "CivilianCasualties",
    "Event",
    "Factor",
    "Message",
    "MoraleCollapse",
    "MoraleShift",
    "ReinforcementReport",
    "Retreat",
    "ScriptedAlliance",
    "ScriptedControl",
    "ScriptedForces",
    "ScriptedMorale",
    "ScriptedPace",
    "ScriptedQuality",
    "ScriptedRoute",
    "ScriptedSorties",
    "StrikeFlown",
    "TurnRecord",
    "Victory",
    "WeatherChange",
    "build_events",
]
