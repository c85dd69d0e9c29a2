"""The examples in the engine's docstrings run, and say what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

from tests.test_structure import modules

WITH_EXAMPLES = sorted(
    name
    for name, path in modules().items()
    if name.startswith("frontlines.engine") and ">>>" in path.read_text(encoding="utf-8")
)


def test_the_public_api_has_examples() -> None:
    for name in ("frontlines.engine.view", "frontlines.engine.game", "frontlines.engine.state"):
        assert name in WITH_EXAMPLES


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_the_examples_in_a_module_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
