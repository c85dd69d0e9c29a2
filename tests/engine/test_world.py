"""The World holds the whole scenario compiled once: what the rules, the events, the views
and the computer opponents read instead of the scenario's models."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from frontlines.engine import strategies as fst
from frontlines.engine.scenario import Scenario, load_scenario, shipped_ids
from frontlines.engine.scenario.checks import great_circle_km
from frontlines.engine.scenario.model import CHANCE_SLOTS, Trigger
from frontlines.engine.script import (
    ChangeAlliance,
    ChangeControl,
    ChangeForces,
    ChangeMorale,
    ChangePace,
    ChangeQuality,
    ChangeSorties,
    Condition,
    PostMessage,
)
from frontlines.engine.world import World, compile_world


def _same_condition(world: World, trigger: Trigger, condition: Condition) -> None:
    start = trigger.turn if trigger.turn is not None else trigger.from_turn
    assert condition.first == start
    if trigger.for_turns is not None:
        assert start is not None and condition.last == start + trigger.for_turns - 1
    else:
        assert condition.last == trigger.turn
    assert (condition.chance is None) == (trigger.chance is None)
    if condition.chance is not None:
        assert condition.chance.p == trigger.chance
    if trigger.strength is None:
        assert condition.strength is None
    else:
        t = trigger.strength
        assert condition.strength is not None
        assert world.faction_ids[condition.strength.faction] == t.faction
        assert world.location_ids[condition.strength.place] == t.location
        assert condition.strength.above == (t.above is not None)
        assert condition.strength.level == (t.above if t.above is not None else t.below)
    if trigger.controlled is None:
        assert condition.held is None
    else:
        assert condition.held is not None
        assert world.location_ids[condition.held.place] == trigger.controlled.location
        assert world.faction_ids[condition.held.by] == trigger.controlled.by
        assert condition.held.or_allies == trigger.controlled.or_allies
    if trigger.morale_below is None:
        assert condition.morale_below is None
    else:
        assert condition.morale_below is not None
        assert world.faction_ids[condition.morale_below.faction] == trigger.morale_below.faction
        assert condition.morale_below.below == trigger.morale_below.below
    for subs, compiled in (
        (trigger.all or [], condition.every),
        (trigger.any or [], condition.either),
    ):
        assert len(subs) == len(compiled)
        for sub, part in zip(subs, compiled, strict=True):
            _same_condition(world, sub, part)


def _chance_slots(condition: Condition) -> list[int]:
    own = [] if condition.chance is None else [condition.chance.slot]
    return own + [s for sub in (*condition.every, *condition.either) for s in _chance_slots(sub)]


def _check_world(scenario: Scenario) -> None:
    world = compile_world(scenario)
    # Scripted events: the same events, conditions and effects, with indices for ids.
    assert [e.id for e in world.script] == [e.id for e in scenario.events]
    for e, (event, compiled) in enumerate(zip(scenario.events, world.script, strict=True)):
        assert (compiled.once, compiled.enabled) == (event.once, event.enabled)
        _same_condition(world, event.when, compiled.condition)
        # Each chance part draws from a slot of its own, among the event's slots.
        slots = _chance_slots(compiled.condition)
        assert len(set(slots)) == len(slots)
        assert all(e * CHANCE_SLOTS <= s < (e + 1) * CHANCE_SLOTS for s in slots)
        assert len(compiled.effects) == len(event.effects)
        for effect, done in zip(event.effects, compiled.effects, strict=True):
            match done:
                case PostMessage(text=text):
                    assert text == effect.message
                case ChangeSorties(air=a):
                    assert effect.sorties is not None
                    assert world.air_ids[a] == effect.sorties.air_support
                    assert (done.set, done.change) == (
                        effect.sorties.set,
                        effect.sorties.change or 0,
                    )
                case ChangeForces(faction=f, place=loc):
                    assert effect.forces is not None
                    assert world.faction_ids[f] == effect.forces.faction
                    assert world.location_ids[loc] == effect.forces.location
                    assert done.change == effect.forces.change
                case ChangeMorale(faction=f):
                    assert effect.morale is not None
                    assert world.faction_ids[f] == effect.morale.faction
                    assert done.change == effect.morale.change
                case ChangeAlliance(faction=f):
                    change = effect.alliance
                    assert change is not None
                    assert world.faction_ids[f] == (change.join or change.leave)
                    assert done.join == (change.join is not None)
                    members = next(a for a in scenario.alliances if a.id == change.alliance)
                    others = [m for m in members.members if m != world.faction_ids[f]]
                    assert [world.faction_ids[m] for m in done.others] == others
                case ChangeControl(place=loc, faction=f):
                    assert effect.control is not None
                    assert world.location_ids[loc] == effect.control.location
                    assert world.faction_ids[f] == effect.control.faction
                case ChangeQuality(faction=f, quality=q):
                    assert effect.faction_rules is not None
                    assert world.faction_ids[f] == effect.faction_rules.faction
                    assert q == effect.faction_rules.quality
                case ChangePace(faction=f, pace=m):
                    assert effect.faction_rules is not None
                    assert world.faction_ids[f] == effect.faction_rules.faction
                    assert m == effect.faction_rules.pace
    assert world.pace.tolist() == [f.pace for f in scenario.factions]
    # The graph: every route's length and kind, and the arcs leaving each place.
    coords = {loc.id: (loc.lat, loc.lon) for loc in scenario.locations}
    for e, route in enumerate(scenario.routes):
        straight = great_circle_km(*coords[route.from_], *coords[route.to])
        assert world.graph.length_km[e] == (route.length_km or straight)
        assert world.graph.kind[e] == route.kind.value
    for place in range(world.n_locations):
        slots = world.graph.out_arcs[place][world.graph.out_valid[place]]
        assert (world.arc_src[slots] == place).all()
        assert sorted(world.arc_dst[slots].tolist()) == sorted(
            n for n in world.neighbours[place].tolist() if n >= 0
        )
        back = world.graph.in_arcs[place][world.graph.out_valid[place]]
        assert (world.arc_dst[back] == place).all()
        assert (world.arc_src[back] == world.arc_dst[slots]).all()
    if world.graph.adjacency is not None:
        joined = world.graph.adjacency[world.arc_src, world.arc_dst]
        assert (joined == 1).all() and world.graph.adjacency.sum() == world.n_arcs
    # The sides at the start: factions on one side are exactly the allies.
    same_side = world.sides0.of[:, np.newaxis] == world.sides0.of[np.newaxis, :]
    assert (same_side == world.allied0).all()
    assert (world.sides0.rows[world.sides0.of] == world.allied0).all()
    # What the views show of places and factions.
    assert world.location_kinds == tuple(loc.kind.value for loc in scenario.locations)
    assert world.location_terrains == tuple(loc.terrain.value for loc in scenario.locations)
    assert world.faction_colours == tuple(f.colour for f in scenario.factions)
    assert world.air_names == tuple(a.name for a in scenario.air_support)
    needed = {place for c in scenario.victory for place in c.control}
    assert {world.location_ids[j] for j in np.flatnonzero(world.objectives.needed)} == needed


@pytest.mark.parametrize("scenario_id", shipped_ids())
def test_a_shipped_scenario_compiles_whole(scenario_id: str) -> None:
    _check_world(load_scenario(scenario_id))


@settings(max_examples=50)
@given(fst.scenarios())
def test_any_scenario_compiles_whole(scenario: Scenario) -> None:
    _check_world(scenario)


def test_the_world_arrays_cannot_be_changed() -> None:
    world = compile_world(load_scenario("aleppo-2024"))
    for array in (world.graph.length_km, world.graph.out_arcs, world.sides0.rows):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0
