"""The command line in hostile hands: odd file names and hostile saves, with stdout and stderr
strictly UTF-8 (as under ``PYTHONIOENCODING=utf-8:strict``).

Every case must end with the expected exit code, no traceback, and output that a terminal
shows as it is: no control characters but line ends, no line longer than a screenful, and
never more than a short prefix of a value the user gave (a save may hold a 10 MB string).

The cases run in-process, with the streams replaced by strict UTF-8 ones and the arguments
decoded as Python decodes a command line (bytes that are not UTF-8 become surrogates); a few
run in a real child process too, with ``PYTHONIOENCODING=utf-8:strict``.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from frontlines.engine import Game, load_scenario
from frontlines.engine.saves import game_to_data, save_text
from frontlines.engine.scenario.loader import shipped_dir
from frontlines.tui.cli import main

HUGE = 10 * 1024 * 1024
"""The length of the strings hidden in hostile saves."""
MAX_LINE = 4_096 + 200
"""The longest line a case may print: a message quotes only short prefixes of user values, and
file names up to the longest path the system opens."""
MAX_OUTPUT = 64 * 1024
RAW_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Characters a terminal acts on (escapes, carriage returns, bidirectional overrides...)."""
ESCAPES = "\x1b[2J\x1b]0;owned\x07\r\nfake.yaml:1:1: error: forged"
"""Terminal escape codes and a line break, as an attacker would put them in a name."""


def _game(turns: int = 2) -> Game:
    game = Game.new(load_scenario("two-rivers"), seed=3)
    for _ in range(turns):
        game.end_turn()
    game.issue(game.legal_orders("uplands")[0])
    return game


def _edited(change: Callable[[dict], None]) -> str:  # type: ignore[type-arg]
    """The text of a two-rivers save changed by ``change``, with a checksum that matches, so
    that only the content refuses it."""
    data = game_to_data(_game())
    change(data)
    return save_text(data)


def _attack(data: dict, **fields: object) -> None:  # type: ignore[type-arg]
    order = {"kind": "attack", "faction": "uplands", "origin": "carrick", "target": "reed-flats"}
    order |= {"amount": 1.0} | fields
    data["turns"][0]["orders"] = {"uplands": [order]}


SAVES: dict[str, Callable[[], str]] = {
    "good": lambda: save_text(game_to_data(_game())),
    "huge-order-faction": lambda: _edited(lambda d: _attack(d, faction="x" * HUGE)),
    "huge-order-key": lambda: _edited(lambda d: _attack(d, **{"x" * HUGE: 1})),
    "huge-order-kind": lambda: _edited(lambda d: _attack(d, kind="k" * HUGE)),
    "huge-amount": lambda: _edited(lambda d: _attack(d, amount="9" * HUGE)),
    "huge-pending": lambda: _edited(lambda d: d.update(pending=[{"kind": "p" * HUGE}])),
    "huge-side": lambda: _edited(lambda d: d["turns"][0].update(orders={"s" * HUGE: []})),
    "huge-id": lambda: _edited(lambda d: d["scenario"].update(id="y" * HUGE)),
    "huge-id-no-source": lambda: _edited(
        lambda d: d["scenario"].update(id="y" * HUGE, source=None)
    ),
    "huge-source": lambda: _edited(lambda d: d["scenario"].update(source="z" * HUGE)),
    "huge-digest": lambda: _edited(lambda d: d["scenario"].update(digest="d" * HUGE)),
    "huge-version": lambda: _edited(lambda d: d.update(version="v" * HUGE)),
    "huge-turn-digest": lambda: _edited(lambda d: d["turns"][1].update(digest="t" * HUGE)),
    "escapes-in-id": lambda: _edited(lambda d: d["scenario"].update(id=ESCAPES)),
    "escapes-in-source": lambda: _edited(lambda d: d["scenario"].update(source=ESCAPES)),
    "escapes-in-order": lambda: _edited(lambda d: _attack(d, target=ESCAPES)),
    "escapes-in-digest": lambda: _edited(lambda d: d["turns"][0].update(digest=ESCAPES)),
    "wrong-id-good-source": lambda: _edited(lambda d: d["scenario"].update(id="hama-2024")),
}


@dataclass(frozen=True)
class Case:
    """A command line (``{save}`` names the file of save ``save``) and its exit code."""

    args: tuple[str | bytes, ...]
    code: int
    save: str | None = None
    one_line: bool = True  # whether it fails with exactly one line on stderr


CASES: dict[str, Case] = {
    "validate empty name": Case(("validate", ""), 1),
    "validate empty name among good": Case(("validate", "two-rivers", ""), 1, one_line=False),
    "validate non-UTF-8 name, missing": Case(("validate", b"no-\xff-such.yaml"), 1),
    "validate non-UTF-8 name, valid file": Case(("validate", b"ok-\xff.yaml"), 0),
    "validate non-UTF-8 name, invalid file": Case(
        ("validate", b"bad-\xfe.yaml"), 1, one_line=False
    ),
    "validate escapes in the name": Case(("validate", f"bad{ESCAPES}.yaml"), 1, one_line=False),
    "validate escapes in a missing name": Case(("validate", f"no{ESCAPES}"), 1),
    "validate a name too long": Case(("validate", "n" * 5000 + ".yaml"), 1),
    "validate a very long id": Case(("validate", "i" * 100_000), 1),
    "replay empty name": Case(("replay", ""), 1),
    "replay non-UTF-8 name": Case(("replay", b"save-\xff.json"), 0, save="good"),
    "replay non-UTF-8 name, missing": Case(("replay", b"missing-\xff.json"), 1),
    "replay escapes in the name": Case(("replay", f"s{ESCAPES}.json"), 1),
    "replay --verify, the good save": Case(("replay", "--verify", "{save}"), 0, save="good"),
    "forecast empty scenario": Case(("forecast", ""), 1),
    "forecast --from empty name": Case(("forecast", "two-rivers", "--from", ""), 1),
    "forecast --from non-UTF-8 name": Case(
        ("forecast", "two-rivers", "--from", b"x-\xff.json", "--runs", "2"), 0, save="good"
    ),
    "forecast an escaped variant": Case(("forecast", "two-rivers", "--variant", ESCAPES), 1),
    "new empty name": Case(("new", ""), 1),
    "new escapes in the name": Case(("new", ESCAPES), 1),
    "new non-UTF-8 name": Case(("new", b"\xff"), 1),
    "play empty scenario": Case(("play", ""), 1),
    "play an escaped faction": Case(("play", "two-rivers", "--faction", ESCAPES), 2),
    "play --load empty name": Case(("play", "--load", ""), 2),
}
SHOWN_NOT_REFUSED = {
    # replay without --verify shows a turn that differs, and gives no pending orders
    "replay": {"huge-pending", "huge-turn-digest", "escapes-in-digest"},
    # a forecast from a save replays it with the scenario given, not the one it names
    "forecast": {"huge-source", "escapes-in-source"},
}
for _name in SAVES:
    if _name == "good":
        continue
    CASES[f"replay {_name}"] = Case(
        ("replay", "{save}"), 0 if _name in SHOWN_NOT_REFUSED["replay"] else 1, save=_name
    )
    CASES[f"replay --verify {_name}"] = Case(("replay", "--verify", "{save}"), 1, save=_name)
    CASES[f"forecast --from {_name}"] = Case(
        ("forecast", "two-rivers", "--from", "{save}", "--runs", "2"),
        0 if _name in SHOWN_NOT_REFUSED["forecast"] else 1,
        save=_name,
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder with the files the cases name."""
    here = tmp_path_factory.mktemp("hostile")
    text = (shipped_dir() / "two-rivers.yaml").read_bytes()
    (here / os.fsdecode(b"ok-\xff.yaml")).write_bytes(text)
    (here / os.fsdecode(b"bad-\xfe.yaml")).write_bytes(text.replace(b"max_turns:", b"max_tuns:"))
    (here / f"bad{ESCAPES}.yaml").write_bytes(text.replace(b"max_turns:", b"max_tuns:"))
    for name, build in SAVES.items():
        (here / f"{name}.json").write_text(build(), encoding="utf-8")
    good = (here / "good.json").read_bytes()
    (here / os.fsdecode(b"save-\xff.json")).write_bytes(good)
    (here / os.fsdecode(b"x-\xff.json")).write_bytes(good)
    (here / f"s{ESCAPES}.json").write_bytes(b"\x00\x01 not json")
    return here


def _argv(case: Case) -> list[str]:
    """The arguments as ``sys.argv`` would hold them."""
    out = []
    for arg in case.args:
        text = os.fsdecode(arg) if isinstance(arg, bytes) else arg
        out.append(text.replace("{save}", f"{case.save}.json"))
    return out


def _strict_stream() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)


def _read(stream: io.TextIOWrapper) -> str:
    raw = stream.buffer.getvalue()  # type: ignore[attr-defined]
    return str(raw.decode("utf-8", errors="strict"))


def check_output(case: Case, code: int, out: str, err: str) -> None:
    """What every case must show: its code, no traceback, and safe, bounded lines."""
    assert code == case.code, err[:2000]
    assert "Traceback" not in err and "Traceback" not in out
    for text in (out, err):
        assert len(text) <= MAX_OUTPUT
        assert RAW_CONTROL.search(text) is None, RAW_CONTROL.search(text)
        assert all(len(line) <= MAX_LINE for line in text.splitlines())
    if case.code != 0 and case.one_line:
        assert len(err.splitlines()) == 1, err


@pytest.mark.parametrize("label", list(CASES))
def test_a_hostile_command_line_gets_one_clean_answer(
    label: str, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[label]
    monkeypatch.chdir(folder)
    monkeypatch.setenv("FRONTLINES_DATA", str(folder / "data"))
    out, err = _strict_stream(), _strict_stream()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    try:
        code = main(_argv(case))
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    monkeypatch.undo()
    check_output(case, code, _read(out), _read(err))


def test_replay_verify_refuses_a_save_whose_scenario_id_its_source_does_not_hold(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(folder)
    assert main(["replay", "--verify", "wrong-id-good-source.json"]) == 1
    out, err = capsys.readouterr()
    assert "verified" not in out
    assert err == (
        "frontlines: error: wrong-id-good-source.json: damaged save: it names scenario "
        "'hama-2024', but its scenario file 'two-rivers' holds scenario 'two-rivers'; load "
        "another save, such as an earlier autosave\n"
    )


def test_a_huge_value_in_a_save_is_quoted_by_a_short_prefix(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(folder)
    for name, quoted in [
        ("huge-order-faction", "lists an order of 'xxxxxxxxxx"),
        ("huge-side", "cannot be replayed: unknown faction 'ssssssssss"),
    ]:
        assert main(["replay", f"{name}.json"]) == 1
        err = capsys.readouterr().err
        assert quoted in err
        assert f"... ({HUGE - 60:,} more characters)" in err
        assert len(err) < 500


def test_validate_of_an_empty_name_does_not_check_the_working_folder(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(folder)  # which holds a valid and two invalid scenarios
    assert main(["validate", ""]) == 1
    assert capsys.readouterr().err == (
        "'': error: an empty name is neither a file nor a shipped scenario\n"
    )


REAL_CASES = [
    "validate non-UTF-8 name, valid file",
    "validate non-UTF-8 name, invalid file",
    "validate escapes in the name",
    "replay non-UTF-8 name",
    "replay huge-id",
    "forecast --from non-UTF-8 name",
]


@pytest.mark.parametrize("label", REAL_CASES)
def test_a_real_child_with_strict_utf8_output(label: str, folder: Path) -> None:
    case = CASES[label]
    args = [
        arg.replace(b"{save}", f"{case.save}.json".encode())
        if isinstance(arg, bytes)
        else arg.replace("{save}", f"{case.save}.json")
        for arg in case.args
    ]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "FRONTLINES_DATA": str(folder)}
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from frontlines.tui.cli import main; sys.exit(main())",
            *args,
        ],
        cwd=folder,
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    out, err = child.stdout.decode("utf-8"), child.stderr.decode("utf-8")
    check_output(case, child.returncode, out, err)


def test_every_save_case_is_a_valid_save_file_apart_from_its_content(folder: Path) -> None:
    """The hostile saves pass the checksum, so that what they hold is what is refused."""
    for name in SAVES:
        data = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        assert data["checksum"] == save_text(data).rsplit('"checksum": ', 1)[1].split('"')[1]
