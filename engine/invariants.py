"""The rules' invariants as one checker, shared by unit tests, property tests and the
stateful test: every reachable state must pass it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from frontlines.engine.audit import audit_turn
from frontlines.engine.events import Battle, Event
from frontlines.engine.state import DRAW, NO_WINNER, State
from frontlines.engine.world import World


class InvariantError(AssertionError):
    """A state or turn that the rules should never produce."""


def check_state(world: World, state: State) -> None:
    """Raise :class:`InvariantError` if ``state`` breaks an invariant of the rules."""
    problems: list[str] = []
    if not np.isfinite(state.forces).all():
        problems.append("a force is not finite")
    if (state.forces < 0).any():
        problems.append("a force is negative")
    if ((state.controller < 0) | (state.controller >= world.n_factions)).any():
        problems.append("a location has no valid controller")
    if ((state.morale < 0) | (state.morale > 1)).any():
        problems.append("morale left 0..1")
    if (state.sortie_rate < 0).any():
        problems.append("negative sorties")
    if ((state.weather < 0) | (state.weather >= world.weather.n_kinds)).any():
        problems.append("the weather is not one of the scenario's kinds")
    if not (state.allied == np.swapaxes(state.allied, 1, 2)).all():
        problems.append("alliances are not mutual")
    if state.turn >= world.scenario.max_turns and not state.done.all():
        problems.append(f"a game is still running after the last turn ({state.turn})")
    finished = state.winner != NO_WINNER
    if not (finished == state.done).all():
        problems.append("a finished game has no result, or a running one has a winner")
    if (
        (state.winner != NO_WINNER)
        & (state.winner != DRAW)
        & ((state.winner < 0) | (state.winner >= world.n_factions))
    ).any():
        problems.append("a winner is not a faction")
    if problems:
        raise InvariantError("; ".join(problems))


def check_turn(
    world: World, before: State, after: State, events: Sequence[Sequence[Event]] = ()
) -> None:
    """Invariants of one turn: the state checks, plus what a turn may change; with the events
    of each run, that they account for everything the turn changed
    (:mod:`frontlines.engine.audit`)."""
    check_state(world, after)
    problems: list[str] = []
    if after.turn != before.turn + 1:
        problems.append("the turn did not advance by one")
    for finished in np.flatnonzero(before.done).tolist():
        same = before.run(finished).evolve(turn=0).digest()
        if same != after.run(finished).evolve(turn=0).digest():
            problems.append("a finished game changed")
    if (before.done & (after.winner != before.winner)).any():
        problems.append("a finished game changed its result")
    for run, run_events in enumerate(events):
        for event in run_events:
            if not isinstance(event, Battle):
                continue
            if event.attacker_losses > event.attacker_strength + 1e-9:
                problems.append(f"attackers at {event.place} lost more than they had")
            if event.defender_losses > event.defender_strength + 1e-9:
                problems.append(f"defenders at {event.place} lost more than they had")
        problems += audit_turn(world, before.run(run), after.run(run), run_events)
    if problems:
        raise InvariantError("; ".join(problems))
