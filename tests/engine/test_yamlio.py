"""The hardened YAML reader: YAML 1.2 scalars, positions, and refusal of hostile input."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from frontlines.engine.scenario.diagnostics import Mark, YamlInputError
from frontlines.engine.scenario.yamlio import (
    LOADERS,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    decode,
    dump_yaml,
    parse_document,
    read_text,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no", "no"),
        ("on", "on"),
        ("yes", "yes"),
        ("off", "off"),
        ("1:30", "1:30"),
        ("0755", "0755"),
        ("2024-11-27", "2024-11-27"),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("12", 12),
        ("-3", -3),
        ("0o17", 15),
        ("0x1f", 31),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("'12'", "12"),
        ('"true"', "true"),
    ],
)
def test_plain_scalars_follow_yaml_1_2(text: str, expected: object) -> None:
    assert parse_document(f"value: {text}\n").data == {"value": expected}


def test_special_floats_are_read_so_the_models_can_refuse_them() -> None:
    data = parse_document("a: .inf\nb: -.inf\nc: .nan\n").data
    assert data["a"] == math.inf and data["b"] == -math.inf and math.isnan(data["c"])


def test_every_value_and_key_has_its_position() -> None:
    doc = parse_document("top:\n  - id: a\n    value: 3\n")
    assert doc.values[("top", 0, "value")] == Mark(3, 12)
    assert doc.keys[("top", 0, "value")] == Mark(3, 5)
    assert doc.locate(("top", 0, "missing", 2)) == Mark(2, 5)


def _error(text: str) -> YamlInputError:
    with pytest.raises(YamlInputError) as info:
        parse_document(text)
    return info.value


def test_tags_are_refused_before_anything_is_constructed() -> None:
    err = _error("a: !!python/object/apply:os.system ['echo hi']\n")
    assert err.mark == Mark(1, 4)
    assert "tags" in err.message and "python/object/apply" in err.message


def test_duplicate_keys_point_at_the_second_key() -> None:
    err = _error("a: 1\nb: 2\na: 3\n")
    assert err.mark == Mark(3, 1)
    assert err.message == "duplicate key 'a' (first given at line 1)"


def test_deep_nesting_is_refused_without_recursion_errors() -> None:
    err = _error("[" * 10_000 + "]" * 10_000)
    assert f"deeper than {MAX_DEPTH}" in err.message


def test_alias_bombs_are_refused() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    err = _error("\n".join(lines) + "\n")
    assert "alias bomb" in err.message


def test_recursive_aliases_are_refused() -> None:
    assert "own anchor" in _error("a: &x [*x]\n").message


def test_merge_keys_are_refused() -> None:
    assert "merge keys" in _error("base: &b {x: 1}\nother:\n  <<: *b\n").message


def test_syntax_errors_carry_the_problem_position() -> None:
    err = _error("a: [1, 2\nb: 3\n")
    assert err.mark == Mark(1, 4)
    assert err.message == "invalid YAML: the list opened here with '[' is never closed with ']'"


def test_invalid_utf8_is_located() -> None:
    with pytest.raises(YamlInputError) as info:
        decode(b"name: ok\ntitle: caf\xe9\n")
    assert info.value.mark == Mark(2, 11)
    assert "invalid UTF-8 byte 0xe9" in info.value.message


def test_binary_data_is_refused() -> None:
    with pytest.raises(YamlInputError) as info:
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert "binary" in info.value.message or "UTF-8" in info.value.message


def test_oversized_files_are_refused_without_reading_them(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(YamlInputError) as info:
        read_text(big)
    assert "too large" in info.value.message


@pytest.mark.parametrize("text", ["no", "on", "0o17", "1:30", "0755", "true", "null", "1e3", "~"])
def test_dumped_strings_read_back_as_strings(text: str) -> None:
    assert parse_document(dump_yaml({"v": text})).data == {"v": text}


CORPUS = Path(__file__).parents[1] / "scenario_errors" / "corpus"
SHIPPED = Path(__file__).parents[2] / "scenarios"


@pytest.mark.skipif(len(LOADERS) < 2, reason="PyYAML was built without libyaml")
@pytest.mark.parametrize(
    "path", sorted([*CORPUS.glob("*.yaml"), *SHIPPED.glob("*.yaml")]), ids=lambda p: p.name
)
def test_both_loaders_read_files_identically(path: Path) -> None:
    try:
        text = decode(path.read_bytes())
    except YamlInputError:
        return
    outcomes = []
    for name in LOADERS:
        try:
            outcomes.append(parse_document(text, loader=name))
        except YamlInputError as exc:
            outcomes.append((exc.mark, exc.message))  # type: ignore[arg-type]
    assert outcomes[0] == outcomes[1]


def test_too_many_values_are_refused_while_reading() -> None:
    err = _error("v: [" + ", ".join(["1"] * (MAX_NODES + 10)) + "]\n")
    assert err.message == f"the file holds more than {MAX_NODES:,} values"


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_tabs_used_for_indentation_are_named(loader: str) -> None:
    with pytest.raises(YamlInputError) as info:
        parse_document("factions:\n\t- id: a\n", loader=loader)
    assert info.value.message == "invalid YAML: a tab is used for indentation; YAML needs spaces"
    assert info.value.mark == Mark(2, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: " + "9" * 5000, "number with more than 30 digits; is it a typo?"),
        ("a: 0x" + "f" * 40, "number with more than 30 digits; is it a typo?"),
        ("a: 1e400", "number 1e400 is too large"),
        ('a: "x\u2028y"', "line separator U+2028 is not allowed in a scenario file"),
        ("a: x\x85y", "control character U+0085 is not allowed in a scenario file"),
    ],
)
def test_numbers_and_characters_that_would_mislead_are_refused(text: str, message: str) -> None:
    assert _error(text).message == message


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(YamlInputError, match="not a regular file"):
        read_text(fifo)
    with pytest.raises(YamlInputError, match="is a directory"):
        read_text(tmp_path)
