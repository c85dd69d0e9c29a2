"""The views a side sees say what the arrays hold, computed here by the plain rules of
``engine/reference`` rather than the fast paths the views use."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.engine import Game, compile_world, initial_state, load_scenario
from frontlines.engine import strategies as fst
from frontlines.engine.reference.common import ally, holder
from frontlines.engine.reference.orders import available_sorties
from frontlines.engine.reference.supply import supplied
from frontlines.engine.reference.victory import condition_holds
from frontlines.engine.state import DRAW, NO_WINNER, Outcome
from frontlines.engine.view import GameView, observe


def _check(game: Game, view: GameView) -> None:
    world, state = game.world, game.state
    assert view.turn == state.turn and view.over == bool(state.done[0])
    winner = int(state.winner[0])
    assert view.draw == (winner == DRAW)
    assert view.winner == (None if winner in (NO_WINNER, DRAW) else world.faction_ids[winner])
    for f in range(world.n_factions):
        outcome = state.outcome(f)
        assert (outcome is Outcome.PLAYING) == (not view.over)
        assert (outcome is Outcome.DRAWN) == view.draw
        if view.winner is not None:
            on_side = ally(state, f, world.faction_index(view.winner))
            assert outcome is (Outcome.WON if on_side else Outcome.LOST)
    ok = supplied(world, state)
    sorties = available_sorties(world, state)
    for j, place in enumerate(view.places):
        h = holder(state, j)
        assert place.id == world.location_ids[j] and place.holder == world.faction_ids[h]
        present = [f for f in range(world.n_factions) if state.forces[0, f, j] > 0]
        assert [p.faction for p in place.forces] == [world.faction_ids[f] for f in present]
        for p, f in zip(place.forces, present, strict=True):
            assert p.strength == float(state.forces[0, f, j])
            assert p.hostile == (not ally(state, f, h))
            assert p.in_supply == bool(ok[f, j])
        assert place.contested == any(not ally(state, f, h) for f in present)
        assert place.besieged == (h in present and not ok[h, j])
    for f, standing in enumerate(view.factions):
        assert standing.id == world.faction_ids[f]
        on_road = float(state.transit[0, f].sum())
        assert standing.on_the_road == pytest.approx(on_road)
        assert standing.strength == pytest.approx(float(state.forces[0, f].sum()) + on_road)
        supplied_strength = sum(
            float(state.forces[0, f, j]) for j in range(world.n_locations) if ok[f, j]
        )
        assert standing.in_supply == pytest.approx(supplied_strength)
        assert standing.in_supply <= standing.strength * (1 + 1e-12)
        held = [j for j in range(world.n_locations) if holder(state, j) == f]
        assert standing.places_held == len(held)
        assert standing.value_held == pytest.approx(sum(float(world.value[j]) for j in held))
        flown = [s for a, s in enumerate(sorties) if int(world.air_provider[a]) == f]
        assert standing.sorties == sum(flown)
        assert standing.collapsed == bool(state.collapsed[0, f])
    assert len(view.victory) == len(world.scenario.victory)
    for progress, condition in zip(view.victory, world.scenario.victory, strict=True):
        assert progress.faction == condition.faction
        assert set(progress.places_needed) == set(condition.control)
        assert set(progress.places_held) <= set(progress.places_needed)
        assert 0 <= progress.turns_left <= world.max_turns
        assert progress.hold_turns == condition.hold_turns
        assert 0 <= progress.turns_held <= state.turn
        if progress.met and progress.hold_turns > 1:
            assert progress.turns_held >= progress.hold_turns
            assert condition_holds(world, state, condition)
            assert set(progress.places_held) == set(progress.places_needed)
            assert progress.points_needed is None or progress.points_held >= progress.points_needed
    # Each journey is a side's (or, for an onlooker, anyone's) strength on the road, arriving
    # after this turn, along a route that exists; together they are all the side's transit.
    seen = list(view.journeys)
    for journey in seen:
        assert journey.arrives > state.turn and journey.strength > 0
        assert world.arc_index(journey.origin, journey.destination) is not None
    for f, faction in enumerate(world.faction_ids):
        mine = sum(j.strength for j in seen if j.faction == faction)
        if mine:
            assert mine == pytest.approx(float(state.transit[0, f].sum()))


@settings(max_examples=40, deadline=None)
@given(game=fst.played_games(max_turns=4), data=st.data())
def test_a_view_says_what_the_arrays_hold(game: Game, data: st.DataObject) -> None:
    side = data.draw(st.sampled_from([None, *game.world.faction_ids]))
    _check(game, observe(game.world, game.state, side=side))


@pytest.mark.parametrize("scenario_id", ["aleppo-2024", "hama-2024", "two-rivers"])
def test_views_of_shipped_games_over_several_turns(scenario_id: str) -> None:
    game = Game.new(load_scenario(scenario_id), seed=3)
    for _ in range(6):
        _check(game, observe(game.world, game.state))
        if game.over:
            break
        game.end_turn()


def test_one_run_of_a_batch_is_seen_alone() -> None:
    world = compile_world(load_scenario("aleppo-2024"))
    batch = initial_state(world, batch=4)
    assert observe(world, batch, run=3) == observe(world, batch.run(3))


def test_victory_progress_counts_down_and_shows_what_is_held() -> None:
    world = compile_world(load_scenario("aleppo-2024"))
    view = observe(world, initial_state(world))
    government = next(v for v in view.victory if v.faction == "government")
    assert government.at_end and not government.met
    assert government.places_held == government.places_needed
    assert government.turns_left == world.max_turns


def test_an_unknown_side_is_refused() -> None:
    world = compile_world(load_scenario("aleppo-2024"))
    with pytest.raises(KeyError):
        observe(world, initial_state(world), side="nobody")
