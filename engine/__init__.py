"""Frontlines engine: scenarios, rules and everything below the user interface."""

from engine.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["Scenario", "ScenarioError", "load_scenario"]
__version__ = "0.1.0"
