"""The single-game API: turns, undo, history, saves and their refusals, replay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from frontlines.engine import Attack, CloseSupport, Game, Move, SaveError, load_scenario
from frontlines.engine.events import Battle, Message
from frontlines.engine.orders import is_legal
from frontlines.engine.saves import game_to_data, load_game, save_game, save_text
from frontlines.tui.cli import main


def played(turns: int = 3) -> Game:
    game = Game.new(load_scenario("aleppo-2024"), seed=5)
    game.issue(Attack("opposition", "western-aleppo", "aleppo", 10.0))
    game.issue(CloseSupport("russia", "russian-air", "aleppo", 12))
    game.end_turn()
    for _ in range(turns - 1):
        # Keep pressing on Saraqib while the government holds it; reinforce Idlib after.
        push = Attack("opposition", "idlib", "saraqib", 1.0)
        game.end_turn([push if is_legal(game.world, game.state, push) else HOLD])
    return game


HOLD = Move("opposition", "rural-idlib", "idlib", 1.0)


def test_a_turn_reports_what_happened_in_sentences() -> None:
    game = Game.new(load_scenario("aleppo-2024"), seed=5)
    game.issue(Attack("opposition", "western-aleppo", "aleppo", 10.0))
    events = game.end_turn()
    assert isinstance(events[0], Message)
    (battle,) = [e for e in events if isinstance(e, Battle)]
    assert battle.place == "Aleppo" and battle.attacker_strength == 10.0
    assert [f.name for f in battle.factors] == [
        "quality",
        "morale",
        "supply",
        "terrain",
        "posture",
        "surprise",
        "crossing",
        "air support",
        "luck",
        "chance",
    ]
    assert battle.describe().startswith("Battle for Aleppo: HTS-led opposition coalition (10.0)")
    assert game.turn == 1 and game.pending == []


def test_undo_returns_to_the_start_of_the_turn_with_its_orders_pending() -> None:
    game = played(2)
    digest, orders = game.states[1].digest(), game.orders[1]
    game.undo()
    assert game.turn == 1 and game.digest() == digest
    assert tuple(game.pending) == orders
    game.undo()
    with pytest.raises(ValueError, match="nothing to undo"):
        game.undo()


def test_a_saved_game_loads_to_the_same_state(tmp_path: Path) -> None:
    game = played()
    game.issue(HOLD)
    path = tmp_path / "game.json"
    save_game(game, path)
    loaded = load_game(path)
    assert loaded.digest() == game.digest()
    assert loaded.pending == game.pending
    assert [s.digest() for s in loaded.states] == [s.digest() for s in game.states]
    assert [p.name for p in tmp_path.iterdir()] == ["game.json"]


def _save(tmp_path: Path, change: object = None) -> Path:
    """A save edited by ``change``, with its checksum made to match so the deeper checks run."""
    data = game_to_data(played())
    if callable(change):
        change(data)
    path = tmp_path / "game.json"
    path.write_text(save_text(data))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d.update(version=99),
            "save format version 99 is newer than this Frontlines reads",
        ),
        (lambda d: d.update(format="other"), "not a Frontlines save"),
        (lambda d: d["scenario"].update(digest="0" * 16), "has changed since this game was saved"),
        (lambda d: d["turns"][1].update(digest="0" * 16), "turn 2 replays differently"),
        (
            lambda d: d["turns"][0]["orders"]["opposition"][0].update(amount=500.0),
            "turn 1 cannot be replayed",
        ),
        (lambda d: d.pop("turns"), "its header or turns are incomplete"),
        (
            lambda d: d["scenario"].update(id="atlantis", source="atlantis"),
            "which cannot be loaded",
        ),
    ],
)
def test_bad_saves_are_refused_with_the_reason(
    tmp_path: Path, change: object, message: str
) -> None:
    with pytest.raises(SaveError, match=message):
        load_game(_save(tmp_path, change))


@pytest.mark.parametrize("content", ["", "{", "[]", "\x00\xff"])
def test_damaged_files_are_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content.encode("latin-1"))
    with pytest.raises(SaveError, match=r"damaged save|not a Frontlines save"):
        load_game(path)


def test_replay_verify_passes_for_a_true_save_and_fails_for_an_edited_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _save(tmp_path)
    assert main(["replay", str(path), "--verify"]) == 0
    assert "verified: all 3 turns match" in capsys.readouterr().out
    data = json.loads(path.read_text())
    data["turns"][2]["digest"] = "0" * 16
    path.write_text(save_text(data))
    assert main(["replay", str(path), "--verify"]) == 1
    assert "turn 3 does not match the save" in capsys.readouterr().err
    assert main(["replay", str(tmp_path / "missing.json")]) == 1


@pytest.mark.parametrize("seed", [-1, 2**64, 1.5, True])
def test_seeds_outside_64_bits_are_refused(seed: object) -> None:
    with pytest.raises(ValueError, match="a seed is a whole number"):
        Game.new(load_scenario("two-rivers"), seed=seed)  # type: ignore[arg-type]


def test_replay_of_a_save_with_pending_orders_verifies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    game = played(2)
    game.issue(HOLD)
    path = tmp_path / "pending.json"
    save_game(game, path)
    assert main(["replay", str(path), "--verify"]) == 0


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["turns"][0].pop("digest"),
        lambda d: d.update(pending=5),
        lambda d: d["scenario"].update(variant=["x"]),
        lambda d: d["turns"][0]["orders"]["opposition"][0].update(amount=10**400),
        lambda d: d["turns"][0]["orders"]["opposition"][0].update(amount=True),
        lambda d: d.update(version=0),
    ],
)
def test_hand_edited_saves_never_crash_load_or_replay(
    tmp_path: Path, change: object, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _save(tmp_path, change)
    with pytest.raises(SaveError):
        load_game(path)
    assert main(["replay", str(path)]) == 1
    assert "Traceback" not in capsys.readouterr().err
