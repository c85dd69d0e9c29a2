"""The base of every scenario model, and the named value types scenarios are written in."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    model_serializer,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from frontlines.engine.scenario.diagnostics import describe_value

SCHEMA_VERSION = 1
"""The scenario format version this engine reads (``schema: 1``)."""
ID_PATTERN = r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$"
FACT_ID_PATTERN = r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*/[FC][0-9]{2,3}$"
COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"
EXTENSION_PREFIX = "x-"
_EXTENSIONS_KEY = "x-"

ID_MAX_LENGTH = 48
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)]
FactionId = Id
LocationId = Id
AllianceId = Id
AirSupportId = Id
EventId = Id
VariantId = Id
FactId = Annotated[str, StringConstraints(pattern=FACT_ID_PATTERN)]
"""A fact in ``seeds/``: ``aleppo-2024/F03`` (from the article) or ``aleppo-2024/C02`` (context)."""
Colour = Annotated[str, StringConstraints(pattern=COLOUR_PATTERN)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Text = Annotated[str, StringConstraints(max_length=4000)]


def iso_date(value: Any) -> Any:
    """Dates are written YYYY-MM-DD; numbers and date-times are not dates."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        raise PydanticCustomError(
            "date_format",
            "expected a date as YYYY-MM-DD, got {got}",
            {"got": describe_value(value)},
        )
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise PydanticCustomError(
            "date_real",
            "'{value}' is not a real date ({error})",
            {"value": value, "error": str(exc)},
        ) from None


IsoDate = Annotated[date, BeforeValidator(iso_date), Field(strict=False)]
"""A date written YYYY-MM-DD."""


def _allow_extension_keys(schema: dict[str, Any], model: type[BaseModel]) -> None:
    schema["patternProperties"] = {"^x-": {"description": "an extension, kept and ignored"}}
    _allow_old_names(schema, model)


@cache
def same_field_names() -> dict[str, tuple[str, ...]]:
    """Every name a field of a scenario model is read under (its new name and its old ones,
    from ``validation_alias``), for each of those names: ``sorties_per_turn`` and
    ``sorties_per_day`` name the same field."""
    out: dict[str, tuple[str, ...]] = {}
    todo: list[type[BaseModel]] = [Spec]
    while todo:
        model = todo.pop()
        todo.extend(model.__subclasses__())
        for info in model.model_fields.values():
            alias = info.validation_alias
            if isinstance(alias, AliasChoices):
                names = tuple(choice for choice in alias.choices if isinstance(choice, str))
                out.update((name, names) for name in names)
    return out


def _allow_old_names(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Let the schema accept a field's old names (the later choices of its
    ``validation_alias``), marked deprecated, so that old files still validate in editors."""
    properties = schema.get("properties", {})
    for name, info in model.model_fields.items():
        alias = info.validation_alias
        if not isinstance(alias, AliasChoices) or name not in properties:
            continue
        old = [choice for choice in alias.choices[1:] if isinstance(choice, str)]
        for choice in old:
            properties[choice] = {
                **properties[name],
                "description": f"The old name of {name}, still read.",
                "deprecated": True,
            }
        required = schema.get("required", [])
        if name in required:
            required.remove(name)
            if not required:
                del schema["required"]
            schema.setdefault("allOf", []).append(
                {"anyOf": [{"required": [choice]} for choice in (name, *old)]}
            )


class Spec(BaseModel):
    """A part of a scenario: strict, frozen, closed to unknown keys except ``x-`` extensions.

    Extension keys (``x-anything``) are kept in :attr:`extensions` and written back out when
    the model is dumped, so tools can carry their own data through a scenario.
    """

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        validate_default=False,
        json_schema_extra=_allow_extension_keys,
    )

    extensions: SkipJsonSchema[dict[str, Any]] = Field(
        default_factory=dict, alias=_EXTENSIONS_KEY, exclude=True, repr=False
    )

    @model_validator(mode="before")
    @classmethod
    def _collect_extensions(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        found = {
            k: v for k, v in data.items() if isinstance(k, str) and k.startswith(EXTENSION_PREFIX)
        }
        if not found:
            return data
        kept = {k: v for k, v in data.items() if k not in found}
        kept[_EXTENSIONS_KEY] = found
        return kept

    @model_serializer(mode="wrap")
    def _emit_extensions(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        out: dict[str, Any] = handler(self)
        out.update(self.extensions)
        return out


class Sourced(Spec):
    """An entity that can cite facts and carry a free-text note."""

    sources: list[FactId] = Field(
        default_factory=list,
        description="Fact ids from seeds/ that this entity rests on, e.g. aleppo-2024/F03.",
    )
    notes: Text = Field(default="", description="Free text for authors; not shown in play.")
