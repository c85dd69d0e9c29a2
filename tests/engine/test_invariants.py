"""The invariant checker and the turn audit, fed broken states and doctored reports: each
check must fire on what it exists to catch, and stay quiet on a real turn."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from frontlines.engine import Airstrike, Attack, CloseSupport, Game, load_scenario
from frontlines.engine import events as ev
from frontlines.engine.invariants import InvariantError, check_state, check_turn
from frontlines.engine.scenario import scenario_from_data
from frontlines.engine.state import DRAW, State
from frontlines.engine.world import World
from tests.engine.test_routes import riverland


@pytest.fixture(scope="module")
def turn() -> tuple[World, State, State, tuple[ev.Event, ...]]:
    """The first turn of a game of aleppo-2024 with a battle won, a retreat, strikes that
    harm civilians, morale moved by captures and by a scripted event."""
    game = Game.new(load_scenario("aleppo-2024"), seed=7)
    events = game.end_turn(
        [
            Attack("opposition", "western-aleppo", "aleppo", 9.0),
            Attack("opposition", "idlib", "saraqib", 3.0),
            CloseSupport("russia", "russian-air", "aleppo", 12),
            Airstrike("government", "syrian-air", "idlib", 8),
        ]
    )
    events += game.end_turn()  # the scripted reaction to the fall of Aleppo
    kinds = {type(e) for e in events}
    assert {ev.Battle, ev.Capture, ev.Retreat, ev.StrikeFlown, ev.CivilianCasualties} <= kinds
    assert {ev.MoraleShift, ev.MoraleCollapse} <= kinds
    return game.world, game.states[0], game.states[1], game.events[0]


def _first(events: tuple[ev.Event, ...], kind: type) -> ev.Event:
    return next(e for e in events if isinstance(e, kind))


def _swap(events: tuple[ev.Event, ...], old: ev.Event, new: ev.Event | None) -> tuple:
    return tuple(new if e is old else e for e in events if not (e is old and new is None))


def test_a_real_turn_passes(turn: tuple) -> None:  # type: ignore[type-arg]
    world, before, after, events = turn
    check_state(world, before)
    check_turn(world, before, after, [events])


BROKEN_STATES: dict[str, tuple[Callable[[State], State], str]] = {
    "negative force": (
        lambda s: s.evolve(forces=np.where(s.forces > 0, -1.0, s.forces)),
        "a force is negative",
    ),
    "nan force": (lambda s: s.evolve(forces=s.forces * np.nan), "a force is not finite"),
    "no controller": (lambda s: s.evolve(controller=s.controller * 0 - 1), "no valid controller"),
    "controller out of range": (
        lambda s: s.evolve(controller=s.controller * 0 + 99),
        "no valid controller",
    ),
    "morale above 1": (lambda s: s.evolve(morale=s.morale + 2), "morale left 0..1"),
    "morale below 0": (lambda s: s.evolve(morale=s.morale - 2), "morale left 0..1"),
    "negative sorties": (lambda s: s.evolve(sortie_rate=s.sortie_rate * 0 - 1), "negative sorties"),
    "no such weather": (
        lambda s: s.evolve(weather=s.weather - 1),
        "the weather is not one of the scenario's kinds",
    ),
    "one-sided alliance": (
        lambda s: s.evolve(allied=np.triu(np.ones_like(s.allied))),
        "alliances are not mutual",
    ),
    "winner still running": (
        lambda s: s.evolve(winner=s.winner * 0 + DRAW),
        "a finished game has no result, or a running one has a winner",
    ),
    "winner not a faction": (
        lambda s: s.evolve(winner=s.winner * 0 + 77, done=s.done | True),
        "a winner is not a faction",
    ),
    "running after the last turn": (lambda s: s.evolve(turn=99), "still running after the last"),
}


@pytest.mark.parametrize("label", list(BROKEN_STATES))
def test_a_broken_state_is_caught(label: str, turn: tuple) -> None:  # type: ignore[type-arg]
    world, _, after, _ = turn
    breaking, message = BROKEN_STATES[label]
    with pytest.raises(InvariantError, match=message):
        check_state(world, breaking(after))


def test_a_turn_that_does_not_advance_or_changes_a_finished_game_is_caught(turn: tuple) -> None:  # type: ignore[type-arg]
    world, before, after, events = turn
    with pytest.raises(InvariantError, match="did not advance by one"):
        check_turn(world, before, after.evolve(turn=5), [events])
    over = before.evolve(done=before.done | True, winner=before.winner * 0 + DRAW)
    with pytest.raises(InvariantError, match="a finished game changed"):
        check_turn(world, over, after.evolve(done=over.done, winner=over.winner), [()])
    with pytest.raises(InvariantError, match="a finished game changed its result"):
        check_turn(world, over, over.evolve(turn=1, winner=over.winner * 0), [()])
    with pytest.raises(InvariantError, match="a finished game reported events"):
        check_turn(world, over, over.evolve(turn=1), [events])


def _doctor_battle(events: tuple, **changes: object) -> tuple:  # type: ignore[type-arg]
    battle = _first(events, ev.Battle)
    return _swap(events, battle, replace(battle, **changes))  # type: ignore[arg-type]


def _forces(state: State, faction: int, place: int, delta: float) -> State:
    forces = state.forces.copy()
    forces[0, faction, place] += delta
    return state.evolve(forces=forces)


def _doctored(world: World, before: State, after: State, events: tuple) -> dict:  # type: ignore[type-arg]
    """Each doctored (before, after, events) with the words the audit must say about it."""
    gov, opp = world.faction_index("government"), world.faction_index("opposition")
    aleppo, hama = world.location_index("aleppo"), world.location_index("hama")
    battle = _first(events, ev.Battle)
    capture = _first(events, ev.Capture)
    retreat = _first(events, ev.Retreat)
    strike = _first(events, ev.StrikeFlown)
    harm = _first(events, ev.CivilianCasualties)
    shift = _first(events, ev.MoraleShift)
    collapse = _first(events, ev.MoraleCollapse)
    controller = after.controller.copy()
    controller[0, hama] = opp
    unsupplied = after.unsupplied.copy()
    unsupplied[0, opp, aleppo] = 5
    empty = after.unsupplied.copy()
    empty[0, gov, aleppo] = 1
    morale = after.morale.copy()
    morale[0, world.faction_index("iran")] -= 0.05
    return {
        "strength out of nowhere": (
            before,
            _forces(after, opp, aleppo, 0.5),
            events,
            "opposition went from",
        ),
        "a loss not reported": (
            before,
            after,
            _doctor_battle(events, attacker_losses_by=(0.0,) * len(battle.attacker_ids)),
            "but the events account",
        ),
        "a strike's losses not reported": (
            before,
            after,
            _swap(events, strike, replace(strike, destroyed_by=())),
            "but the events account",
        ),
        "a place taken without a capture": (
            before,
            after,
            _swap(events, capture, None),
            "changed hands without a capture",
        ),
        "a capture without a change of hands": (
            before,
            after.evolve(controller=before.controller),
            events,
            "names the wrong sides",
        ),
        "another place changing hands": (
            before,
            after.evolve(controller=controller),
            events,
            "hama changed hands without a capture",
        ),
        "a battle won against its own report": (
            before,
            after,
            _doctor_battle(events, capture_ratio=1e6),
            "says captured=True",
        ),
        "a capture by a faction without forces": (
            before,
            _forces(after, opp, aleppo, -float(after.forces[0, opp, aleppo])),
            events,
            "without forces there",
        ),
        "a capture not fought for": (
            before,
            after,
            _swap(events, capture, replace(capture, fought=False)),
            "the capture of aleppo and the battles disagree",
        ),
        "a hostile faction defending": (
            before,
            after,
            _doctor_battle(events, defender_ids=("opposition",) * len(battle.defender_ids)),
            "opposition, hostile to the holder, defended at aleppo",
        ),
        "a retreat to no neighbour": (
            before,
            after,
            _swap(events, retreat, replace(retreat, to_id="damascus")),
            "no neighbour",
        ),
        "a retreat into enemy hands": (
            before,
            after,
            _swap(events, retreat, replace(retreat, to_id="western-aleppo")),
            "into enemy western-aleppo",
        ),
        "a strike on its own side": (
            before,
            after,
            _swap(events, strike, replace(strike, destroyed_by=(("russia", strike.destroyed),))),
            "struck its own side's russia",
        ),
        "a strike from a lost base": (
            before.evolve(controller=np.where(np.arange(world.n_locations) >= 0, opp, 0)[None]),
            after,
            events,
            "flew from a base its side does not hold",
        ),
        "more sorties than the entry has": (
            before,
            after,
            _swap(events, strike, replace(strike, sorties=999)),
            "strike sorties of",
        ),
        "civilians harmed where no strike flew": (
            before,
            after,
            _swap(events, harm, replace(harm, location="damascus")),
            "where no strike flew",
        ),
        "a cut-off count that jumps": (
            before,
            after.evolve(unsupplied=unsupplied),
            events,
            "turns cut off, when its forces had been cut off for at most",
        ),
        "a cut-off count where nobody is": (
            before,
            _forces(after, gov, aleppo, -float(after.forces[0, gov, aleppo])).evolve(
                unsupplied=empty
            ),
            events,
            "a place without forces counts turns cut off",
        ),
        "morale moved unreported": (
            before,
            after.evolve(morale=morale),
            events,
            "iran's morale moved",
        ),
        "a morale shift that misstates the losses": (
            before,
            after,
            _swap(events, shift, replace(shift, lost_value=shift.lost_value + 1)),
            "morale shift does not match",
        ),
        "recovery on a turn of losses": (
            before,
            after,
            _swap(events, shift, replace(shift, recovered=0.01)),
            "morale shift does not match",
        ),
        "a collapse unreported": (
            before,
            after,
            _swap(events, collapse, None),
            "collapse is reported wrongly",
        ),
        "a collapse that morale does not explain": (
            before,
            after.evolve(collapsed=after.collapsed & False),
            events,
            "collapse does not follow its morale",
        ),
        "reinforcements into enemy hands": (
            before,
            after,
            (*events, ev.ReinforcementReport(1, "Iran", "aleppo", "Aleppo", 1.0, True, "iran")),
            "reinforcements for aleppo arrived=True",
        ),
        "an end without a victory": (
            before,
            after.evolve(done=after.done | True, winner=after.winner * 0 + DRAW),
            events,
            "without a victory event",
        ),
        "a weather the scenario lacks": (
            before,
            after.evolve(weather=after.weather + 1),
            events,
            "weather",
        ),
        "an alliance changed unreported": (
            before,
            after.evolve(allied=after.allied | True),
            events,
            "the alliances after the turn are not those its events made",
        ),
        "a retreat from a place not taken": (
            before,
            after,
            (*events, replace(retreat, location="hama")),
            "retreated from hama, which was not taken",
        ),
    }


@pytest.mark.parametrize(
    "label",
    [
        "strength out of nowhere",
        "a loss not reported",
        "a strike's losses not reported",
        "a place taken without a capture",
        "a capture without a change of hands",
        "another place changing hands",
        "a battle won against its own report",
        "a capture by a faction without forces",
        "a capture not fought for",
        "a hostile faction defending",
        "a retreat to no neighbour",
        "a retreat into enemy hands",
        "a strike on its own side",
        "a strike from a lost base",
        "more sorties than the entry has",
        "civilians harmed where no strike flew",
        "a cut-off count that jumps",
        "a cut-off count where nobody is",
        "morale moved unreported",
        "a morale shift that misstates the losses",
        "recovery on a turn of losses",
        "a collapse unreported",
        "a collapse that morale does not explain",
        "reinforcements into enemy hands",
        "an end without a victory",
        "a retreat from a place not taken",
        "an alliance changed unreported",
        "a weather the scenario lacks",
    ],
)
def test_a_doctored_turn_is_caught(label: str, turn: tuple) -> None:  # type: ignore[type-arg]
    world, before, after, events = turn
    doctored_before, doctored_after, doctored_events, words = _doctored(
        world, before, after, events
    )[label]
    with pytest.raises(InvariantError, match=words):
        check_turn(world, doctored_before, doctored_after, [doctored_events])


def test_allies_on_opposite_sides_of_a_mixed_alliance_pass() -> None:
    """The sides of a battle are the holder's allies and everyone else, so where an alliance
    is mixed (West leaves the pact, East joins it: East is allied with West and with North,
    who are not allied) North attacks West's camp and its ally East defends it. Found by
    Hypothesis on a four-faction map (test_every_turn_keeps_the_invariants)."""
    pact = [
        {
            "id": f"east-{i}",
            "when": {"turn": 1},
            "effects": [{"alliance": {"alliance": "pact", **change}}],
        }
        for i, change in enumerate([{"leave": "west"}, {"join": "east"}])
    ]
    data = riverland(events=pact)
    data["locations"][0]["garrison"] = {"west": 30, "north": 5, "east": 1}
    game = Game.new(scenario_from_data(data), seed=1)
    before = game.state
    events = game.end_turn([])
    (battle,) = [e for e in events if isinstance(e, ev.Battle) and e.location == "camp"]
    assert battle.attacker_ids == ("north",) and set(battle.defender_ids) == {"west", "east"}
    check_turn(game.world, before, game.state, [events])
