"""The installed ``frontlines play`` in a real terminal (tmux): it starts, plays a turn,
autosaves and quits cleanly. Skipped where tmux is not installed."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
FRONTLINES = Path(sys.executable).with_name("frontlines")

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def wait_for(check: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_play_starts_ends_a_turn_and_quits_in_a_real_terminal(tmp_path: Path) -> None:
    assert FRONTLINES.exists(), "frontlines is not installed next to this Python"
    socket = f"frontlines-smoke-{uuid.uuid4().hex[:8]}"
    exit_file = tmp_path / "exit-status"
    command = (
        f"FRONTLINES_DATA={shlex.quote(str(tmp_path))} {shlex.quote(str(FRONTLINES))} play "
        "aleppo-2024 --faction opposition --seed 1 --difficulty easy; "
        f"echo $? > {shlex.quote(str(exit_file))}"
    )

    def tmux(*args: str) -> str:
        done = subprocess.run(
            [str(TMUX), "-L", socket, *args], capture_output=True, text=True, check=False
        )
        return done.stdout

    def screen() -> str:
        return tmux("capture-pane", "-p", "-t", "smoke")

    tmux("new-session", "-d", "-s", "smoke", "-x", "100", "-y", "30", command)
    try:
        wait_for(lambda: "End turn" in screen(), "the game screen")
        assert "turn 1 of 14" in screen()
        tmux("send-keys", "-t", "smoke", "e")
        wait_for(lambda: "turn 2 of 14" in screen(), "the end of the first turn")
        assert (tmp_path / "aleppo-2024-autosave.json").is_file()
        tmux("send-keys", "-t", "smoke", "q")
        wait_for(exit_file.exists, "the game to quit", timeout=20)
    finally:
        tmux("kill-server")
    wait_for(lambda: exit_file.read_text().strip() != "", "the exit status", timeout=5)
    assert exit_file.read_text().strip() == "0"  # a crash would end with 1 and a traceback
