"""Phase 5: capture and retreat. A place changes hands when the attackers' surviving power
beats the defence by the capture ratio (or nobody defends it); the defeated garrison falls
back to a neighbouring friendly place, losing some on the way, or is destroyed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.rules.combat import BattleResult
from engine.rules.common import hostile_here
from engine.state import State
from engine.world import BoolArray, FloatArray, IntArray, World


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
    hostile = hostile_here(state)
    attackers = state.forces * hostile
    defenders = state.forces * ~hostile
    a_left = battles.attacker_power * (1.0 - battles.attacker_loss)
    d_left = battles.defender_power * (1.0 - battles.defender_loss)
    unopposed = (attackers.sum(axis=1) > 0) & (defenders.sum(axis=1) <= 0)
    won = battles.battle & (a_left > c.capture_ratio * d_left)
    captured = (won | unopposed) & ~state.done[:, np.newaxis]

    old = state.controller
    strongest = attackers.argmax(axis=1)  # B x L
    controller = np.where(captured, strongest, old)

    # Fall back to the neighbour held by the old holder's side with most of its forces.
    batch = np.arange(state.batch)[:, np.newaxis, np.newaxis]
    nbr = world.neighbours[np.newaxis]  # 1 x L x K
    valid = nbr >= 0
    nbr_safe = np.where(valid, nbr, 0)
    holder_of_nbr = controller[batch, nbr_safe]  # B x L x K
    friendly = state.allied[batch, old[:, :, np.newaxis], holder_of_nbr] & valid
    side = state.allied[np.arange(state.batch)[:, np.newaxis], old]  # B x L x F: holder's side
    at_neighbours = state.forces[:, :, world.neighbours.clip(min=0)]  # B x F x L x K
    own_there = np.einsum("blf,bflk->blk", side.astype(np.float64), at_neighbours)
    score = np.where(friendly, 1.0 + own_there, 0.0)
    best = score.argmax(axis=2)  # B x L
    has_refuge = np.take_along_axis(score, best[:, :, np.newaxis], axis=2)[:, :, 0] > 0
    retreat_to = np.where(
        captured & has_refuge,
        np.take_along_axis(np.broadcast_to(nbr_safe, score.shape), best[:, :, np.newaxis], axis=2)[
            :, :, 0
        ],
        -1,
    )

    leaving = defenders * captured[:, np.newaxis, :]
    survivors = leaving * (1.0 - c.retreat_loss) * (retreat_to >= 0)[:, np.newaxis, :]
    destroyed = leaving - survivors
    forces = state.forces - leaving
    n_f, n_l = world.n_factions, world.n_locations
    dest = np.where(retreat_to >= 0, retreat_to, 0)
    offsets = (
        np.arange(state.batch)[:, np.newaxis, np.newaxis] * n_f
        + np.arange(n_f)[np.newaxis, :, np.newaxis]
    ) * n_l + dest[:, np.newaxis, :]
    arriving = np.bincount(
        offsets.ravel(), weights=survivors.ravel(), minlength=state.batch * n_f * n_l
    ).reshape(state.batch, n_f, n_l)
    forces = np.maximum(forces, 0.0) + arriving
    result = CaptureResult(captured, old, retreat_to, survivors, destroyed)
    return state.evolve(forces=forces, controller=controller), result
