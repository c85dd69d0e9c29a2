"""Computer opponents.

A policy maps a batched State to batched orders for some factions, vectorised like the
rules: :func:`heuristic_orders` (the ``easy`` level) plays every run of a batch at once, which
is what forecasts use; :func:`lookahead_orders` (``normal`` and ``hard``) scores candidate
order sets with batched rollouts of the heuristic. :func:`choose_orders` gives one game's
orders as order objects that have passed the same validation as a player's::

    orders = choose_orders(game.world, game.state, ["government", "russia"], "normal", game.seed)
    game.end_turn(orders)
"""

from __future__ import annotations

from collections.abc import Sequence

from frontlines.engine.ai.heuristic import ParamArrays, Params, heuristic_orders
from frontlines.engine.ai.lookahead import LEVELS, Level, evaluate, lookahead_orders
from frontlines.engine.orders import (
    IllegalOrderError,
    Ledger,
    Order,
    compile_orders,
    read_orders,
    validate,
)
from frontlines.engine.state import State
from frontlines.engine.world import World

__all__ = [
    "LEVELS",
    "Level",
    "ParamArrays",
    "Params",
    "choose_orders",
    "evaluate",
    "heuristic_orders",
    "lookahead_orders",
]


def choose_orders(
    world: World,
    state: State,
    factions: Sequence[str],
    level: str,
    seed: int,
    pending: Sequence[Order] = (),
) -> list[Order]:
    """The orders the computer gives for ``factions`` in game 0 of ``state``.

    ``pending`` are orders already given this turn (an allied player's, say); the computer
    coordinates with them. Every returned order has passed :func:`frontlines.engine.orders.validate`
    after ``pending``; raises ``ValueError`` for an unknown level or faction.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
    indices = []
    for faction in factions:
        if faction not in world.lookup["factions"]:
            raise ValueError(f"unknown faction {faction!r}")
        indices.append(world.lookup["factions"][faction])
    if bool(state.done[0]) or not indices:
        return []
    given = compile_orders(world, [pending]) if pending else None
    arrays = lookahead_orders(world, state.run(0), indices, LEVELS[level], seed, given)
    accepted = Ledger.of(pending)
    chosen: list[Order] = []
    for order in read_orders(world, state, arrays, 0):
        try:
            validate(world, state, order, accepted)
        except IllegalOrderError:
            continue  # never expected; a test checks that the policy gives legal orders
        accepted.add(order)
        chosen.append(order)
    return chosen
