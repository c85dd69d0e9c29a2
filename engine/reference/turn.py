"""One whole turn, plainly: the nine phases in the engine's order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from frontlines.engine.orders import Order, OrderArrays
from frontlines.engine.reference.air import AirOutcome, air
from frontlines.engine.reference.capture import CaptureOutcome, capture
from frontlines.engine.reference.combat import CombatOutcome, combat
from frontlines.engine.reference.morale import MoraleOutcome, morale
from frontlines.engine.reference.movement import MovementOutcome, movement
from frontlines.engine.reference.orders import plain_orders
from frontlines.engine.reference.reinforcement import ReinforcementOutcome, reinforcements
from frontlines.engine.reference.scripted import ScriptedOutcome, scripted_events
from frontlines.engine.reference.supply import SupplyOutcome, supply
from frontlines.engine.reference.victory import VictoryOutcome, victory
from frontlines.engine.reference.weather import weather
from frontlines.engine.state import State
from frontlines.engine.world import World


@dataclass(frozen=True)
class TurnTrace:
    """What each phase of one reference turn did."""

    scripted: ScriptedOutcome
    air: AirOutcome
    movement: MovementOutcome
    combat: CombatOutcome
    capture: CaptureOutcome
    supply: SupplyOutcome
    morale: MoraleOutcome
    reinforcements: ReinforcementOutcome
    victory: VictoryOutcome

    @property
    def close_calls(self) -> tuple[str, ...]:
        """Every decision of the turn whose two sides were a close call (see
        :func:`~frontlines.engine.reference.common.close_call`)."""
        return self.capture.close_calls + self.morale.close_calls + self.victory.close_calls


def reference_turn(
    world: World, state: State, orders: OrderArrays | Sequence[Order], seed: int
) -> tuple[State, TurnTrace]:
    """Play one turn of one game (B = 1) with the given orders (a list of orders, or arrays
    of which game 0 is read, validated or not) and the game's seed."""
    plain = plain_orders(world, orders)
    s = weather(world, state, seed)
    s, scripted = scripted_events(world, s, seed)
    s, flown = air(world, s, plain, seed)
    s, moved = movement(world, s, plain)
    s, battles = combat(world, s, flown.support_power, moved.attacked, seed, moved.crossed)
    s, captured = capture(world, s, battles)
    s, supplied = supply(world, s)
    s, shifted = morale(world, s, captured.old_controller)
    s, arrived = reinforcements(world, s)
    s, decided = victory(world, s.evolve(turn=state.turn + 1))
    trace = TurnTrace(
        scripted, flown, moved, battles, captured, supplied, shifted, arrived, decided
    )
    return s, trace
