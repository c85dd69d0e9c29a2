"""Fuzzing save loading: whatever a save file holds, :func:`load_game` gives a game or a
:class:`SaveError`, never another exception, and quickly.

The seeds are the committed corpus (``corpus/saves``) and saves of games the computer plays.
The profile sets the number of examples per test (``ci`` 200, ``dev`` 60); a long run:
``HYPOTHESIS_PROFILE=soak .venv/bin/pytest tests/robustness/test_save_fuzz.py``.
"""

from __future__ import annotations

import functools
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from frontlines.engine import Game, SaveError, load_scenario
from frontlines.engine.ai import choose_orders
from frontlines.engine.saves import game_to_data, load_game, save_checksum, save_text
from frontlines.tui.session import Session

CORPUS = Path(__file__).parent / "corpus" / "saves"
LOAD_SECONDS = 5.0
"""Longer than any load should take (a real save loads in about 15 ms)."""
PLACEHOLDER = "\x00fuzz\x00"
"""A string no save holds, swapped for raw JSON text after the document is written."""


@functools.cache
def seed_saves() -> tuple[bytes, ...]:
    """The corpus files and saves of a few turns played by the computer."""
    saves = [path.read_bytes() for path in sorted(CORPUS.glob("*.json"))]
    for scenario_id, seed, turns in [("aleppo-2024", 21, 3), ("two-rivers", 8, 4)]:
        game = Game.new(load_scenario(scenario_id), seed=seed)
        everyone = list(game.world.faction_ids)
        for _ in range(turns):
            game.end_turn(choose_orders(game.world, game.state, everyone, "normal", seed))
        for order in choose_orders(game.world, game.state, everyone[:1], "hard", seed):
            game.issue(order)
        saves.append(save_text(game_to_data(game)).encode("utf-8"))
    return tuple(saves)


@pytest.fixture(scope="module")
def save_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "save.json"


def loads_or_refuses(path: Path, raw: bytes) -> None:
    """The property: a game (and a player's session) or a SaveError naming the file, in
    reasonable time."""
    path.write_bytes(raw)
    started = time.process_time()  # CPU time: a busy machine does not make it grow
    try:
        game = load_game(path)
        assert Session.load(path).game.digest() == game.digest()
    except SaveError as exc:
        message = str(exc)
        assert message.startswith(f"{path}: ")
        # What refused it, for --hypothesis-show-statistics: "turn N cannot be replayed" ...
        reason = re.split(r"[(:;]", message.removeprefix(f"{path}: "), maxsplit=1)[0]
        event(re.sub(r"\d+", "N", reason).strip())
    else:
        assert len(game.states) == len(game.orders) + 1
        event("loaded")
    assert time.process_time() - started < LOAD_SECONDS


# -- damage to the bytes ---------------------------------------------------------------------


JSON_CHARS = b'0123456789-+.eE "{}[],:tfnul\\\n'
"""Bytes that keep a save text, and one character in a number or name away from valid."""


@st.composite
def damaged_bytes(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(seed_saves())))
    kind = draw(st.sampled_from(["flip", "json-char", "truncate", "splice", "cut-and-flip"]))
    if kind in ("truncate", "cut-and-flip"):
        raw = raw[: draw(st.integers(0, len(raw) - 1))]
    if kind in ("flip", "cut-and-flip") and raw:
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(raw) - 1))
            raw[at] ^= draw(st.integers(1, 255))
    if kind == "json-char":  # still text, and often still JSON
        for _ in range(draw(st.integers(1, 4))):
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.sampled_from(JSON_CHARS))
    if kind == "splice":
        at = draw(st.integers(0, len(raw)))
        raw[at:at] = draw(st.binary(min_size=1, max_size=32))
    return bytes(raw)


@settings(deadline=None)
@given(raw=damaged_bytes())
def test_damaged_bytes_load_or_are_refused(save_file: Path, raw: bytes) -> None:
    loads_or_refuses(save_file, raw)


# -- edits to the JSON -----------------------------------------------------------------------

Path_ = tuple[str | int, ...]


def paths_in(value: Any, prefix: Path_ = ()) -> list[Path_]:
    """Every place in a JSON document, parents before children."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths_in(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths_in(child, (*prefix, index))
    return found


def parent_of(document: Any, path: Path_) -> Any:
    for step in path[:-1]:
        document = document[step]
    return document


WRONG_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([-1, 0, 2**63, 2**64, 10**30, -(10**30), 10**300]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e308, -0.0, 5e-324]),
    st.sampled_from(["NaN", "Infinity", "", "0", "aleppo", "two-rivers", "../missing.yaml"]),
    st.text(max_size=12),
    st.lists(st.integers(0, 3), max_size=3),
    st.dictionaries(st.sampled_from(["kind", "amount", "id", "x"]), st.integers(), max_size=3),
)
"""Values of the wrong type or size for any place in a save."""

RAW_JSON = st.sampled_from(
    [
        "NaN",
        "-Infinity",
        "1e999",
        "9" * 5000,
        "[" * 50_000 + "]" * 50_000,
        '{"a":' * 3000 + "1" + "}" * 3000,
        "[" * 900 + "0" + "]" * 900,
        '"' + "x" * 100_000 + '"',
        "[" + ",".join(["0"] * 20_000) + "]",
    ]
)
"""JSON text no Python value writes: huge numbers, NaN, deep nesting, long values."""


def write_document(document: Any, raw: str | None, *, checksum: bool) -> bytes:
    """The document as save text, ``raw`` put where the placeholder is, the checksum made to
    match what a reader parses when ``checksum`` is set (and kept stale otherwise)."""
    if isinstance(document, dict) and checksum:
        document = {**document, "checksum": PLACEHOLDER + "sum"}
    text = json.dumps(document, indent=1)
    if raw is not None:
        text = text.replace(json.dumps(PLACEHOLDER), raw, 1)
    if isinstance(document, dict) and checksum:
        try:
            parsed = json.loads(text)
            parsed.pop("checksum")
            stated = save_checksum(parsed)
        except (ValueError, RecursionError):
            stated = "sha256:unreadable"
        text = text.replace(json.dumps(PLACEHOLDER + "sum"), json.dumps(stated), 1)
    return text.encode("utf-8")


@st.composite
def edited_documents(draw: st.DrawFn) -> bytes:
    document = json.loads(draw(st.sampled_from(seed_saves())))
    raw = None
    for _ in range(draw(st.integers(1, 3))):
        places = paths_in(document)
        if not places:
            break
        place = draw(st.sampled_from(places))
        parent = parent_of(document, place)
        kind = draw(st.sampled_from(["replace", "raw", "drop"]))
        if kind == "drop":
            del parent[place[-1]]
        elif kind == "raw" and raw is None:
            raw = draw(RAW_JSON)
            parent[place[-1]] = PLACEHOLDER
        else:
            parent[place[-1]] = draw(WRONG_VALUES)
    return write_document(document, raw, checksum=draw(st.booleans()))


@settings(deadline=None)
@given(raw=edited_documents())
def test_edited_values_load_or_are_refused(save_file: Path, raw: bytes) -> None:
    loads_or_refuses(save_file, raw)


# -- edits to the orders, with a checksum that matches: the replay must catch them -------------


@st.composite
def edited_orders(draw: st.DrawFn) -> bytes:
    document = json.loads(draw(st.sampled_from(seed_saves())))
    turns = document["turns"]
    lists = [  # a version 3 seed lists a turn's orders in one list, a version 4 seed by side
        side
        for turn in turns
        for side in (
            turn["orders"].values() if isinstance(turn["orders"], dict) else [turn["orders"]]
        )
    ] + [document["pending"]]
    orders = [order for order_list in lists for order in order_list]
    names = sorted(
        {v for order in orders for k, v in order.items() if k not in ("kind", "amount", "sorties")}
    )
    for _ in range(draw(st.integers(1, 3))):
        edit = draw(st.sampled_from(["field", "amount", "move", "drop", "copy", "swap-turns"]))
        order_list = draw(st.sampled_from(lists))
        if not order_list and edit != "swap-turns":
            continue
        if edit == "swap-turns" and len(turns) >= 2:
            i, j = draw(st.permutations(range(len(turns))))[:2]
            turns[i]["orders"], turns[j]["orders"] = turns[j]["orders"], turns[i]["orders"]
            continue
        if edit == "swap-turns":
            continue
        order = draw(st.sampled_from(order_list))
        if edit == "field":
            key = draw(st.sampled_from(sorted(order)))
            order[key] = draw(st.sampled_from([*names, "move", "attack", "airstrike"]))
        elif edit == "amount":
            key = "amount" if "amount" in order else "sorties"
            value = order.get(key, 1)
            scale = draw(st.sampled_from([0, -1, 0.5, 1.0000001, 2, 1000]))
            order[key] = value * scale if isinstance(value, int | float) else scale
        elif edit == "move":
            order_list.remove(order)
            draw(st.sampled_from(lists)).append(order)
        elif edit == "drop":
            order_list.remove(order)
        else:
            order_list.extend([order] * draw(st.integers(1, 3)))
    return write_document(document, None, checksum=True)


@settings(deadline=None)
@given(raw=edited_orders())
def test_edited_orders_load_or_are_refused(save_file: Path, raw: bytes) -> None:
    loads_or_refuses(save_file, raw)


def test_every_seed_loads(save_file: Path) -> None:
    for raw in seed_saves():
        save_file.write_bytes(raw)
        assert load_game(save_file).turn >= 0
