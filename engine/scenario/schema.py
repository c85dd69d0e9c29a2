"""The scenario JSON Schema, in the draft-07 dialect editors read best."""

from __future__ import annotations

import json
from typing import Any

from frontlines.engine.scenario.model import Scenario

SCHEMA_FILE = "scenario.schema.json"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (draft-07), generated from the models."""
    schema = Scenario.model_json_schema(by_alias=True, mode="validation")
    schema = _to_draft_07(schema)
    return {
        "$schema": DRAFT_07,
        **{k: v for k, v in schema.items() if k != "$schema"},
    }


def schema_text() -> str:
    """The schema as the text written to ``scenarios/scenario.schema.json``."""
    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"


def _to_draft_07(node: Any) -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$defs":
                out["definitions"] = _to_draft_07(value)
            elif key == "$ref" and isinstance(value, str):
                out[key] = value.replace("#/$defs/", "#/definitions/")
            else:
                out[key] = _to_draft_07(value)
        return out
    if isinstance(node, list):
        return [_to_draft_07(item) for item in node]
    return node
