"""Phase 5, plainly: places change hands, and their defenders fall back or are destroyed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from frontlines.engine.arrays import BoolArray, FloatArray, IntArray
from frontlines.engine.reference.combat import CombatOutcome
from frontlines.engine.reference.common import ally, barred, close_call, merged_count, one_game
from frontlines.engine.reference.movement import free_legs
from frontlines.engine.state import State
from frontlines.engine.world import World


@dataclass(frozen=True)
class CaptureOutcome:
    """Where places changed hands (``L``), who held them before, where their defenders fell
    back (-1: nowhere), and the strength that fell back and that was lost (``F x L``)."""

    captured: BoolArray
    old_controller: IntArray
    retreat_to: IntArray
    retreated: FloatArray
    destroyed: FloatArray
    close_calls: tuple[str, ...]


def capture(world: World, state: State, battles: CombatOutcome) -> tuple[State, CaptureOutcome]:
    """Hand over each place the attackers won (surviving power above ``capture_ratio``
    times the defence's) or entered undefended; the strongest attacker there takes it."""
    one_game(state)
    c = world.rules.combat
    n_f, n_l = world.n_factions, world.n_locations
    x = state.forces[0]
    old = state.controller[0].copy()
    captured = np.zeros(n_l, dtype=bool)
    close: list[str] = []
    for p in range(n_l):
        if bool(state.done[0]):
            break
        unopposed = battles.attacker_left[p] > 0 and battles.defender_left[p] <= 0
        won = False
        if battles.battle[p]:
            a_left = float(battles.attacker_power[p]) * (1.0 - float(battles.attacker_loss[p]))
            d_left = float(battles.defender_power[p]) * (1.0 - float(battles.defender_loss[p]))
            won = a_left > c.capture_ratio * d_left
            if close_call(a_left, c.capture_ratio * d_left):
                close.append(
                    f"capture of place {p}: {a_left!r} against {c.capture_ratio * d_left!r}"
                )
        captured[p] = won or unopposed

    # The strongest attacking faction takes each captured place (the first listed on ties).
    controller = old.copy()
    for p in range(n_l):
        if captured[p]:
            attackers = [f for f in range(n_f) if battles.hostile[f, p]]
            controller[p] = max(attackers, key=lambda f: (float(x[f, p]), -f))

    # The defenders fall back to the neighbour held (after this phase) by an ally of the old
    # holder, along a route open to it, where the old holder's side is strongest (before any
    # retreat), the first on ties; they lose ``retreat_loss`` on the way, or everything if
    # there is none.
    forces = x.copy()
    retreat_to = np.full(n_l, -1, dtype=np.int64)
    retreated, destroyed = np.zeros((n_f, n_l)), np.zeros((n_f, n_l))
    arrivals: list[tuple[int, int, int, float]] = []
    for p in range(n_l):
        if not captured[p]:
            continue
        was = int(old[p])
        best, best_score = -1, -1.0
        scores: list[float] = []
        for n in _neighbours(world, p):
            if not ally(state, was, int(controller[n])):
                continue
            if barred(state, was, world.lookup["arcs"][(p, n)]):
                continue  # the route there is closed to the old holder
            score = 0.0
            for f in range(n_f):
                if ally(state, was, f):
                    score += float(x[f, n])
            scores.append(score)
            if score > best_score:
                best, best_score = n, score
        for score in scores:
            if close_call(score, best_score):
                close.append(f"refuge from place {p}: {score!r} against {best_score!r}")
        retreat_to[p] = best
        for f in range(n_f):
            if battles.hostile[f, p]:
                continue
            leaving = float(x[f, p])
            moving = leaving * (1.0 - c.retreat_loss) * (1.0 if best >= 0 else 0.0)
            retreated[f, p] = moving
            destroyed[f, p] = leaving - moving
            forces[f, p] = 0.0
            if best >= 0:
                arrivals.append((f, best, p, moving))
    # Over a route longer than a turn's reach the survivors are on the road.
    # They carry the turns they have been cut off with them.
    count = state.unsupplied[0]
    transit, carried = state.transit[0].copy(), state.transit_unsupplied[0].copy()
    mass = forces * count
    for f, n, p, moving in arrivals:
        arc = world.lookup["arcs"][(p, n)]
        legs = free_legs(world, state, f, arc)
        if legs > 1:
            transit[f, int(world.roads.slot_start[arc]) + legs - 2] += moving
            carried[f, int(world.roads.slot_start[arc]) + legs - 2] += moving * int(count[f, p])
        else:
            forces[f, n] += moving
            mass[f, n] += moving * int(count[f, p])
    forces = np.maximum(forces, 0.0)
    counts = count.copy()
    for f in range(n_f):
        for p in range(n_l):
            counts[f, p] = merged_count(float(mass[f, p]), float(forces[f, p]), int(count[f, p]))
    outcome = CaptureOutcome(captured, old, retreat_to, retreated, destroyed, tuple(close))
    evolved = state.evolve(
        forces=forces[np.newaxis],
        controller=controller[np.newaxis],
        transit=transit[np.newaxis],
        transit_unsupplied=carried[np.newaxis],
        unsupplied=counts[np.newaxis],
    )
    return evolved, outcome


def _neighbours(world: World, place: int) -> list[int]:
    """The places a route joins to ``place``, in the order they are listed."""
    found = {int(world.arc_dst[arc]) for arc in range(world.n_arcs) if world.arc_src[arc] == place}
    return sorted(found)
