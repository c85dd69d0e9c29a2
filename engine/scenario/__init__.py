"""The scenario format: hardened YAML in, validated immutable models out."""

from frontlines.engine.scenario.build import scenario_from_data
from frontlines.engine.scenario.diagnostics import Diagnostic, Mark, ScenarioError, Severity
from frontlines.engine.scenario.loader import (
    CheckResult,
    check_bytes,
    check_file,
    check_text,
    dump_scenario,
    load_scenario,
    load_scenario_text,
    resolve,
    shipped_ids,
)
from frontlines.engine.scenario.model import Scenario
from frontlines.engine.scenario.variants import UnknownVariantError, apply_variant

__all__ = [
    "CheckResult",
    "Diagnostic",
    "Mark",
    "Scenario",
    "ScenarioError",
    "Severity",
    "UnknownVariantError",
    "apply_variant",
    "check_bytes",
    "check_file",
    "check_text",
    "dump_scenario",
    "load_scenario",
    "load_scenario_text",
    "resolve",
    "scenario_from_data",
    "shipped_ids",
]
