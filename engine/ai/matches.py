"""Matches between players, to measure how strong the computer opponents are.

A *side* is a faction and its allies at the start. In a match one side is played by a
computer level and the other factions by an opponent: another level, or ``"random"``, a
player who gives random legal orders. Every order of both goes through the same validation
as a player's (``Game.end_turn``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from frontlines.engine.ai import choose_orders, evaluate
from frontlines.engine.game import Game
from frontlines.engine.orders import (
    GroundOrder,
    Order,
    is_legal,
    legal_orders,
)
from frontlines.engine.scenario import Scenario
from frontlines.engine.state import Outcome

RANDOM = "random"


def side_of(scenario: Scenario, faction: str) -> list[str]:
    """The faction and its allies at the start."""
    allies = {faction}
    for alliance in scenario.alliances:
        if faction in alliance.members:
            allies.update(alliance.members)
    return [f.id for f in scenario.factions if f.id in allies]


def random_orders(game: Game, factions: Sequence[str], seed: int) -> list[Order]:
    """Random legal orders for ``factions``: each origin, air-support entry and target is
    picked at random among the legal ones, with a random share of what is available."""
    rng = np.random.default_rng([seed, game.turn, 0x52414E44])
    given: list[Order] = []
    for faction in factions:
        options = legal_orders(game.world, game.state, faction)
        rng.shuffle(options)
        for option in options:
            if rng.random() < 0.5:
                continue
            order: Order
            if isinstance(option, GroundOrder):
                order = option.resized(round(option.amount * float(rng.uniform(0.2, 1.0)), 3))
            else:
                order = option.resized(int(rng.integers(1, option.sorties + 1)))
            if is_legal(game.world, game.state, order, given):
                given.append(order)
    return given


@dataclass(frozen=True)
class MatchResult:
    """How a match ended for the side under test."""

    outcome: Outcome
    score: float  # engine.ai.evaluate for the side at the end (higher is better)
    value_gained: float  # share of the map's value held at the end minus at the start

    @property
    def won(self) -> bool:
        """Whether the side won."""
        return self.outcome is Outcome.WON

    @property
    def lost(self) -> bool:
        """Whether the side lost."""
        return self.outcome is Outcome.LOST

    @property
    def beat_opponent(self) -> bool:
        """Won, or nobody won and the side ended up holding more than it started with."""
        return self.won or (not self.lost and self.value_gained > 0)


def play_match(
    scenario: Scenario, faction: str, level: str, opponent: str, seed: int
) -> MatchResult:
    """``faction``'s side played by ``level``, everyone else by ``opponent`` (a level, or
    ``"random"``), from the start to the end of the game."""
    game = Game.new(scenario, seed=seed)
    ours = side_of(scenario, faction)
    theirs = [f for f in game.world.faction_ids if f not in ours]
    me = game.world.faction_index(faction)
    start_share = _value_share(game, me)
    while not game.over:
        orders = choose_orders(game.world, game.state, ours, level, seed)
        if opponent == RANDOM:
            others = random_orders(game, theirs, seed)
        else:
            others = choose_orders(game.world, game.state, theirs, opponent, seed)
        game.end_turn([*orders, *others])
    state = game.state
    return MatchResult(
        outcome=state.outcome(me),
        score=float(evaluate(game.world, state, me)[0]),
        value_gained=_value_share(game, me) - start_share,
    )


def _value_share(game: Game, faction: int) -> float:
    state = game.state
    holds = state.allied[0, faction, state.controller[0]]
    return float((holds * game.world.value).sum() / max(game.world.value.sum(), 1e-9))
