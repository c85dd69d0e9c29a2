"""The rules written plainly: one turn of one game, phase by phase, with Python loops.

This package is a second implementation of ``docs/rules.md``, slow and obvious where
``engine/rules/`` is vectorised over a batch of games and full of fast paths (sparse work
where battles, strikes and captures happen, sets of places held in integers, sums that
skip zeros). It is both documentation of the rules and the oracle that the property tests
(``tests/properties/test_reference.py``) hold the engine to: given the same State (with
B = 1), the same orders and the same seed, every phase here and in the engine must agree.

How to read it:

- :func:`refusal` and :func:`legal_orders` say which orders the rules allow.
- One module per phase, in the order of ``engine/turn.py``: :func:`weather` (the start of
  phase 1), :func:`scripted_events`,
  :func:`air`, :func:`movement`, :func:`combat`, :func:`capture`, :func:`supply`,
  :func:`morale`, :func:`reinforcements`, :func:`victory`; :func:`reference_turn` plays
  them all. Each takes and returns an engine :class:`~frontlines.engine.state.State` of one game,
  with a plain record of what the phase did.
- Loops run over factions, places, routes and air-support entries; numpy arrays only hold
  the numbers. Nothing is skipped because it looks like zero work.
- Chance is the engine's: the draws come from :func:`frontlines.engine.rules.noise.uniform`, the
  plain dense version, at the slots ``docs/rules.md`` lists, so a battle here gets the same luck
  as in the engine.
- Floating point: sums here are added in the order the rules list their terms, which is not
  always the engine's order, so results agree to about 1e-15, not always bit for bit. Where
  the engine's result depends on an order of adding (numpy's sum over a row of sorties
  requested) this code uses the same sum. A decision whose two sides are closer than
  :data:`~frontlines.engine.reference.common.CLOSE` is reported in the phase's ``close_calls``:
  there the engine may rightly decide the other way, and a test should skip the input.
"""

from frontlines.engine.reference.air import AirOutcome, air, flown_sorties
from frontlines.engine.reference.capture import CaptureOutcome, capture
from frontlines.engine.reference.combat import CombatOutcome, combat, support_for_sides
from frontlines.engine.reference.common import CLOSE, close_call
from frontlines.engine.reference.legality import REASONS, legal_orders, refusal
from frontlines.engine.reference.morale import MoraleOutcome, morale
from frontlines.engine.reference.movement import MovementOutcome, movement
from frontlines.engine.reference.orders import PlainOrders, available_sorties, plain_orders
from frontlines.engine.reference.reinforcement import ReinforcementOutcome, reinforcements
from frontlines.engine.reference.scripted import ScriptedOutcome, scripted_events, trigger_holds
from frontlines.engine.reference.supply import SupplyOutcome, supplied, supply
from frontlines.engine.reference.turn import TurnTrace, reference_turn
from frontlines.engine.reference.victory import VictoryOutcome, condition_holds, victory
from frontlines.engine.reference.weather import weather

__all__ = [
    "CLOSE",
    "REASONS",
    "AirOutcome",
    "CaptureOutcome",
    "CombatOutcome",
    "MoraleOutcome",
    "MovementOutcome",
    "PlainOrders",
    "ReinforcementOutcome",
    "ScriptedOutcome",
    "SupplyOutcome",
    "TurnTrace",
    "VictoryOutcome",
    "air",
    "available_sorties",
    "capture",
    "close_call",
    "combat",
    "condition_holds",
    "flown_sorties",
    "legal_orders",
    "morale",
    "movement",
    "plain_orders",
    "reference_turn",
    "refusal",
    "reinforcements",
    "scripted_events",
    "supplied",
    "supply",
    "support_for_sides",
    "trigger_holds",
    "victory",
    "weather",
]
