"""Frontlines engine: scenarios, rules and everything below the user interface.

The public API (scripts and tests outside the project rely on these names)::

    scenario = load_scenario("aleppo-2024")
    game = Game.new(scenario, seed=7)
    game.issue(Attack("opposition", "western-aleppo", "aleppo", 10.0))
    events = game.end_turn()
    save_game(game, "game.json")
    game = load_game("game.json")
"""

from frontlines import __version__
from frontlines.engine.game import Game
from frontlines.engine.orders import Airstrike, Attack, CloseSupport, IllegalOrderError, Move, Order
from frontlines.engine.saves import SaveError, load_game, save_game
from frontlines.engine.scenario import Scenario, ScenarioError, load_scenario
from frontlines.engine.state import State, initial_state
from frontlines.engine.turn import resolve_turn
from frontlines.engine.world import World, compile_world

__all__ = [
    "Airstrike",
    "Attack",
    "CloseSupport",
    "Game",
    "IllegalOrderError",
    "Move",
    "Order",
    "SaveError",
    "Scenario",
    "ScenarioError",
    "State",
    "World",
    "__version__",
    "compile_world",
    "initial_state",
    "load_game",
    "load_scenario",
    "resolve_turn",
    "save_game",
]
