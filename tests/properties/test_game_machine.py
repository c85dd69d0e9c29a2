"""A state machine that plays random legal games through the public API; its one invariant
is the same checker the unit tests use."""

from __future__ import annotations

import contextlib

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from frontlines.engine import Game, IllegalOrderError, load_scenario
from frontlines.engine import strategies as fst
from frontlines.engine.invariants import check_state


class RandomGames(RuleBasedStateMachine):
    game: Game

    @initialize(
        scenario=st.sampled_from(["aleppo-2024", "hama-2024", "two-rivers"]),
        seed=st.integers(0, 2**32 - 1),
    )
    def start(self, scenario: str, seed: int) -> None:
        self.game = Game.new(load_scenario(scenario), seed=seed)

    @precondition(lambda self: not self.game.over)
    @rule(data=st.data())
    def give_orders(self, data: st.DataObject) -> None:
        for order in data.draw(fst.turn_orders(self.game)):
            # Legal alone, but it may over-commit with orders already pending: then refused.
            with contextlib.suppress(IllegalOrderError):
                self.game.issue(order)

    @precondition(lambda self: bool(self.game.pending))
    @rule(data=st.data())
    def withdraw(self, data: st.DataObject) -> None:
        self.game.withdraw(data.draw(st.sampled_from(self.game.pending)))

    @precondition(lambda self: not self.game.over)
    @rule()
    def end_turn(self) -> None:
        self.game.end_turn()

    @precondition(lambda self: self.game.turn > 0)
    @rule()
    def undo_and_replay(self) -> None:
        digest = self.game.digest()
        self.game.undo()
        self.game.end_turn()
        assert self.game.digest() == digest

    @invariant()
    def rules_hold(self) -> None:
        check_state(self.game.world, self.game.state)


RandomGames.TestCase.settings = settings(max_examples=30, stateful_step_count=25, deadline=None)
TestRandomGames = RandomGames.TestCase
