"""A single game (B = 1) for front ends: pending orders, turns, undo, history.

Saving and loading a game is :mod:`frontlines.engine.saves`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from frontlines.engine.events import Event
from frontlines.engine.orders import (
    IllegalOrderError,
    Ledger,
    Order,
    compile_orders,
    legal_orders,
    validate,
)
from frontlines.engine.scenario import Scenario, apply_variant
from frontlines.engine.state import State, initial_state
from frontlines.engine.turn import resolve_turn
from frontlines.engine.world import World, compile_world


def seed_problem(seed: object) -> str | None:
    """What is wrong with ``seed`` as the seed of a game or a forecast, or ``None``: a seed is
    a whole number from 0 to 2**64 - 1.

    >>> seed_problem(7) is None
    True
    >>> seed_problem(-1)
    'a whole number from 0 to 2**64 - 1, not -1'
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**64:
        return f"a whole number from 0 to 2**64 - 1, not {seed!r}"
    return None


MAX_PENDING_ORDERS = 2000
"""Orders one side may give in a turn (more than any side needs)."""
MAX_ORDERS_PER_TURN = 10_000
"""Orders of every side together in one turn; a save with more is damaged."""


@dataclass
class Game:
    """One game: the current state, its history, and the orders pending for this turn.

    Every state in ``states`` is immutable; undo drops the last one. ``orders[t]`` are the
    orders resolved in turn t + 1, in the order they were accepted (a save lists them by
    side), and ``events[t]`` what happened then.
    """

    world: World
    seed: int
    variant: str | None = None
    source: str | None = None
    states: list[State] = field(default_factory=list)
    events: list[tuple[Event, ...]] = field(default_factory=list)
    orders: list[tuple[Order, ...]] = field(default_factory=list)
    pending: list[Order] = field(default_factory=list)

    @classmethod
    def new(
        cls, scenario: Scenario, *, seed: int, variant: str | None = None, source: str | None = None
    ) -> Game:
        """A game at the scenario's start (with a variant applied, if named).

        ``seed`` is any whole number from 0 to 2**64 - 1; raises ``ValueError`` otherwise."""
        problem = seed_problem(seed)
        if problem:
            raise ValueError(f"a seed is {problem}")
        played = apply_variant(scenario, variant) if variant else scenario
        world = compile_world(played)
        return cls(world, int(seed), variant, source or scenario.id, [initial_state(world)])

    @property
    def scenario(self) -> Scenario:
        """The scenario being played (with its variant applied, if any)."""
        return self.world.scenario

    @property
    def state(self) -> State:
        """The current state: the last in ``states``."""
        return self.states[-1]

    @property
    def turn(self) -> int:
        """The number of turns played so far (0 at the start)."""
        return self.state.turn

    @property
    def over(self) -> bool:
        """Whether the game has ended."""
        return bool(self.state.done[0])

    def legal_orders(self, faction_id: str) -> list[Order]:
        """Orders the faction may give now, each with everything it has available."""
        return legal_orders(self.world, self.state, faction_id)

    def issue(self, order: Order) -> None:
        """Add an order for this turn; raises :class:`IllegalOrderError` and changes nothing
        if the rules do not allow it."""
        if len(self.pending) >= MAX_PENDING_ORDERS:
            raise IllegalOrderError(f"no more than {MAX_PENDING_ORDERS} orders in a turn")
        validate(self.world, self.state, order, self.pending)
        self.pending.append(order)

    def withdraw(self, order: Order) -> list[Order]:
        """Take back a pending order, and with it any later order it made legal (close
        support for a withdrawn attack); returns those. Raises ``ValueError`` if ``order``
        is not pending."""
        self.pending.remove(order)
        kept = Ledger()
        dropped: list[Order] = []
        for other in self.pending:
            try:
                validate(self.world, self.state, other, kept)
            except IllegalOrderError:
                dropped.append(other)
            else:
                kept.add(other)
        self.pending = kept.orders
        return dropped

    def end_turn(self, others: Iterable[Order] = ()) -> tuple[Event, ...]:
        """Resolve the turn with the pending orders and ``others`` (the computer opponents'),
        which go through the same checks; returns what happened."""
        if self.over:
            raise IllegalOrderError("the game is over")
        accepted = Ledger.of(self.pending)
        for order in others:
            if len(accepted.orders) >= MAX_ORDERS_PER_TURN:
                raise IllegalOrderError(f"no more than {MAX_ORDERS_PER_TURN} orders in a turn")
            validate(self.world, self.state, order, accepted)
            accepted.add(order)
        state, events = resolve_turn(
            self.world, self.state, compile_orders(self.world, [accepted.orders]), [self.seed]
        )
        self.states.append(state)
        self.events.append(events[0])
        self.orders.append(tuple(accepted.orders))
        self.pending = []
        return events[0]

    def undo(self) -> None:
        """Go back to the start of the last turn played; raises ``ValueError`` at the start."""
        if len(self.states) == 1:
            raise ValueError("nothing to undo: no turn has been played")
        self.states.pop()
        self.events.pop()
        self.pending = list(self.orders.pop())

    def digest(self) -> str:
        """A fingerprint of the current state."""
        return self.state.digest()
