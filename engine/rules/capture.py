"""Phase 5: capture and retreat. A place changes hands when the attackers' surviving power
beats the defence by the capture ratio (or nobody defends it); the defeated garrison falls
back to a neighbouring friendly place, losing some on the way, or is destroyed. It never
retreats along a route closed to the old holder (or cut)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from frontlines.engine.arrays import BoolArray, FloatArray, IntArray
from frontlines.engine.rules.combat import BattleResult
from frontlines.engine.rules.common import barred_arcs, weighted_count, where_set
from frontlines.engine.state import State
from frontlines.engine.world import World


@dataclass(frozen=True)
class CaptureResult:
    """Where places changed hands (``B x L``) and what the defenders did."""

    captured: BoolArray
    old_controller: IntArray
    retreat_to: IntArray  # -1 where the defenders had nowhere to go
    retreated: FloatArray  # B x F x L strength that fell back from each captured place
    destroyed: FloatArray  # B x F x L strength lost in the retreat or trapped


def resolve_capture(
    world: World, state: State, battles: BattleResult
) -> tuple[State, CaptureResult]:
    """Hand over captured places and move (or destroy) their defenders."""
    c = world.rules.combat
    a_left = battles.attacker_power * (1.0 - battles.attacker_loss)
    d_left = battles.defender_power * (1.0 - battles.defender_loss)
    unopposed = (battles.attacker_left > 0) & (battles.defender_left <= 0)
    won = battles.battle & (a_left > c.capture_ratio * d_left)
    captured = won | unopposed
    if np.count_nonzero(state.done):
        captured &= ~state.done[:, np.newaxis]

    # Captures are few, so only the captured places are looked at: the strongest attacker
    # takes each, and its defenders leave it.
    old = state.controller
    runs, places = where_set(captured)
    retreat_to = np.empty(captured.shape, dtype=np.int64)
    retreat_to.fill(-1)  # (cheaper than ``np.full``)
    survivors = np.zeros(state.forces.shape)
    destroyed = np.zeros(state.forces.shape)
    if runs.size == 0:
        # Nothing changes hands (and forces, never negative here, need no clipping).
        return state, CaptureResult(captured, old, retreat_to, survivors, destroyed)
    controller = old.copy()
    forces = state.forces.copy()
    # Combat changes neither who holds a place nor alliances: its sides still stand.
    attacking = battles.hostile[runs, :, places]
    present = state.forces[runs, :, places]  # n x F
    controller[runs, places] = (present * attacking).argmax(axis=1)
    leaving = present * ~attacking
    # The defeated fall back to the neighbour held by the old holder's side where that
    # side is strongest.
    nbr = world.neighbours[places]  # n x K
    valid = nbr >= 0
    nbr_safe = np.maximum(nbr, 0)  # padding (-1) read as place 0, and masked out below
    holder = old[runs, places]  # n
    friendly = (
        state.allied[
            runs[:, np.newaxis],
            holder[:, np.newaxis],
            controller[runs[:, np.newaxis], nbr_safe],
        ]
        & valid
    )
    barred = barred_arcs(state)
    if barred is not None:
        friendly &= ~barred[
            runs[:, np.newaxis], holder[:, np.newaxis], world.graph.out_arcs[places]
        ]
    side = state.allied[runs, holder].astype(np.float64)  # n x F
    n_f, n_l = world.n_factions, world.n_locations
    # state.forces[runs[:, np.newaxis], :, nbr_safe], as one gather from the flat array.
    cell = (runs * (n_f * n_l))[:, np.newaxis] + nbr_safe  # n x K: faction 0 there
    there = np.take(state.forces.reshape(-1), cell[:, :, np.newaxis] + np.arange(0, n_f * n_l, n_l))
    # ordered_matmul(there, side[:, :, np.newaxis])[:, :, 0]: the same products, added
    # faction by faction in the same order (without its slicing of both operands).
    terms = there * side[:, np.newaxis, :]
    strength = terms[:, :, 0]
    for f in range(1, terms.shape[2]):
        strength = strength + terms[:, :, f]
    # The strongest friendly neighbour, the first on ties; -1 ranks the others below any.
    best = np.where(friendly, strength, -1.0).argmax(axis=1)
    refuge = np.logical_or.reduce(friendly, axis=1)
    dest = nbr_safe[np.arange(runs.size), best]
    retreat_to[runs, places] = np.where(refuge, dest, -1)
    moving = leaving * (1.0 - c.retreat_loss) * refuge[:, np.newaxis]
    survivors[runs, :, places] = moving
    destroyed[runs, :, places] = leaving - moving
    forces[runs, :, places] = present - leaving
    # A retreat takes time along its route like any journey: over a long one the survivors
    # are on the road, and arrive as attackers if the refuge falls meanwhile.
    # The survivors carry the turns they have been cut off with them.
    counts = state.unsupplied[runs, :, places]  # n x F
    carries = bool(np.count_nonzero(state.unsupplied))
    changes: dict[str, FloatArray | IntArray] = {"controller": controller}
    road = world.graph.out_arcs[places, best]
    roads = world.roads
    if world.weather.declared:
        legs = roads.weather_legs[state.weather[runs], road]
    else:
        legs = roads.free_legs[road]
    legs = np.repeat(legs[:, np.newaxis], n_f, axis=1)  # n x F: each faction at its pace
    march = state.pace[runs]  # n x F
    brisk = march != 1.0
    if roads.n_slots and np.count_nonzero(brisk):
        arc = np.repeat(road[:, np.newaxis], n_f, axis=1)[brisk]
        kept = 1.0
        if world.weather.declared:
            kept = roads.weather_pace[state.weather[runs], road][:, np.newaxis].repeat(n_f, 1)
            kept = kept[brisk]
        legs[brisk] = roads.free(arc, kept, march[brisk])
    on_road = refuge[:, np.newaxis] & (legs > 1)  # n x F
    staying = refuge[:, np.newaxis]  # n x F: who reaches the refuge this turn
    if np.count_nonzero(on_road):
        n_t = state.transit.shape[2]
        slot = roads.slot_start[road][:, np.newaxis] + legs - 2  # n x F
        into = (runs * (n_f * n_t))[:, np.newaxis] + np.arange(0, n_f * n_t, n_t) + slot
        # Each captured place retreats along an arc of its own, so no slot is written twice.
        into = into[on_road]
        transit = state.transit.copy()
        transit.reshape(-1)[into] += moving[on_road]
        changes["transit"] = transit
        if carries:
            carried = state.transit_unsupplied.copy()
            carried.reshape(-1)[into] += (moving * counts)[on_road]
            changes["transit_unsupplied"] = carried
        staying = staying & ~on_road
    # Each faction's survivors arrive at the refuge (nothing arrives at place 0 where there
    # is none), captured place by captured place and faction by faction.
    arrive = (runs * (n_f * n_l) + dest * refuge)[:, np.newaxis] + np.arange(0, n_f * n_l, n_l)
    arriving = moving * staying
    if carries:
        mass = forces * state.unsupplied
        np.add.at(mass.reshape(-1), arrive.ravel(), (arriving * counts).ravel())
    if runs.size == 1:  # one place: each faction arrives at a cell of its own
        forces.reshape(-1)[arrive.ravel()] += arriving.ravel()
    else:
        np.add.at(forces.reshape(-1), arrive.ravel(), arriving.ravel())
    forces = np.maximum(forces, 0.0)
    changes["forces"] = forces
    if carries:
        changes["unsupplied"] = weighted_count(mass, forces, state.unsupplied)
    result = CaptureResult(captured, old, retreat_to, survivors, destroyed)
    return state.evolve(**changes), result
