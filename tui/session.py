"""A player's game: the engine's Game, which faction the player commands, how hard the
computer plays, and where the game is saved. No Textual here, so it is tested on its own."""

from __future__ import annotations

import fcntl
import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from frontlines.engine.ai import LEVELS, choose_orders
from frontlines.engine.events import Event
from frontlines.engine.fileio import write_atomic
from frontlines.engine.game import Game
from frontlines.engine.orders import Order
from frontlines.engine.saves import (
    SaveError,
    SaveFile,
    game_from_data,
    game_to_data,
    read_save,
    save_text,
)
from frontlines.engine.scenario import Scenario

DEFAULT_DIFFICULTY = "normal"
AUTOSAVE_NAME = "autosave"
AUTOSAVES_KEPT = 5
"""Autosaves kept per game, newest first: ``<id>-autosave.json`` (after the last turn),
then ``<id>-autosave.1.json`` (a turn earlier) to ``<id>-autosave.4.json``."""
AUTOSAVE_SLOTS = 9
"""Games of one scenario that may run at once, each autosaving under names of its own: the
first as ``<id>-autosave.json``, a second at the same time as ``<id>-autosave-2.json``..."""


def data_dir() -> Path:
    """Where games are saved: ``$FRONTLINES_DATA``, else the user's data directory."""
    configured = os.environ.get("FRONTLINES_DATA")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "frontlines"


@dataclass
class Session:
    """One game as the player sees it."""

    game: Game
    player: str
    difficulty: str = DEFAULT_DIFFICULTY
    saves: Path | None = None
    saved_turn: int = 0
    last_autosave_error: str | None = None
    """Why the last autosave failed, for the player to see; ``None`` once one succeeds."""
    saved_path: Path | None = None
    """The file this game was last written to or loaded from."""
    slot: tuple[str, IO[str]] | None = None
    """The autosave names this game has claimed, and the open lock file that claims them."""

    @classmethod
    def new(
        cls,
        scenario: Scenario,
        player: str,
        *,
        seed: int,
        difficulty: str = DEFAULT_DIFFICULTY,
        saves: Path | None = None,
    ) -> Session:
        """A new game; raises ``ValueError`` for an unknown faction, level or bad seed."""
        if player not in {f.id for f in scenario.factions if f.playable}:
            raise ValueError(f"'{player}' is not a playable faction of {scenario.id}")
        if difficulty not in LEVELS:
            raise ValueError(f"unknown difficulty {difficulty!r}; choose {', '.join(LEVELS)}")
        return cls(Game.new(scenario, seed=seed), player, difficulty, saves)

    @classmethod
    def load(cls, path: Path, *, saves: Path | None = None) -> Session:
        """Resume a saved game; raises :class:`SaveError`."""
        data = read_save(path)
        game = game_from_data(data, name=str(path))
        meta = data.get("player") if isinstance(data.get("player"), dict) else {}
        assert isinstance(meta, dict)
        playable = [f.id for f in game.scenario.factions if f.playable]
        player = meta.get("faction") if meta.get("faction") in playable else playable[0]
        difficulty = meta.get("difficulty")
        if not isinstance(difficulty, str) or difficulty not in LEVELS:
            difficulty = DEFAULT_DIFFICULTY
        session = cls(game, str(player), str(difficulty), saves, game.turn)
        session.saved_path = path
        return session

    # -- the turn ----------------------------------------------------------------------------

    @property
    def computer(self) -> list[str]:
        """The factions the computer plays: everyone but the player."""
        return [f for f in self.game.world.faction_ids if f != self.player]

    def issue(self, order: Order) -> None:
        """Give an order; raises :class:`frontlines.engine.IllegalOrderError` with the reason."""
        self.game.issue(order)

    def withdraw(self, order: Order) -> list[Order]:
        """Take back an order; returns the orders that depended on it, withdrawn too."""
        return self.game.withdraw(order)

    def computer_orders(self) -> list[Order]:
        """The computer's orders this turn. Allies of the player see the player's orders and
        join in; enemies decide without them."""
        game, world = self.game, self.game.world
        me = world.faction_index(self.player)
        allied = game.state.allied[0, me]
        friends = [f for f in self.computer if allied[world.faction_index(f)]]
        foes = [f for f in self.computer if not allied[world.faction_index(f)]]
        pending = list(game.pending)
        orders = choose_orders(world, game.state, friends, self.difficulty, game.seed, pending)
        orders += choose_orders(world, game.state, foes, self.difficulty, game.seed)
        return orders

    def end_turn(self) -> tuple[Event, ...]:
        """Let the computer give its orders, play the turn and autosave."""
        events = self.game.end_turn(self.computer_orders())
        self.autosave()
        return events

    def undo(self) -> None:
        """Back to the start of the last turn, the player's orders of it pending again (the
        computer gives its own afresh)."""
        self.game.undo()
        self.game.pending = [o for o in self.game.pending if o.faction == self.player]
        self.autosave()

    # -- saves -------------------------------------------------------------------------------

    def save_data(self) -> SaveFile:
        data = game_to_data(self.game)
        data["player"] = {"faction": self.player, "difficulty": self.difficulty}
        return data

    def save(self, path: Path) -> None:
        """Save atomically (the previous file stays whole until the new one is complete)."""
        self._write(path)

    def _write(self, path: Path, *, before_replace: Callable[[], None] | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, save_text(self.save_data()), before_replace=before_replace)
        self.saved_turn = self.game.turn
        self.saved_path = path

    @property
    def autosave_path(self) -> Path | None:
        """The newest autosave; the older ones are :attr:`autosave_paths`."""
        paths = self.autosave_paths
        return paths[0] if paths else None

    @property
    def autosave_paths(self) -> list[Path]:
        """Where the kept autosaves go, newest first; empty when autosave is off.

        The first time, the game claims the first autosave names no other running game of
        its scenario holds (a lock on a hidden file beside them, which the system drops when
        the game ends), so that two games of one scenario never overwrite each other."""
        if self.saves is None:
            return []
        stem = self._autosave_stem(self.saves)
        older = [self.saves / f"{stem}.{n}.json" for n in range(1, AUTOSAVES_KEPT)]
        return [self.saves / f"{stem}.json", *older]

    def _autosave_stem(self, folder: Path) -> str:
        if self.slot is not None:
            return self.slot[0]
        base = f"{self.game.scenario.id}-{AUTOSAVE_NAME}"
        stems = [base, *(f"{base}-{n}" for n in range(2, AUTOSAVE_SLOTS + 1))]
        for stem in stems:
            try:
                lock = (folder / f".{stem}.lock").open("a")
            except OSError:
                return base  # the folder cannot be written: autosaving will say so
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                lock.close()  # another game of this scenario autosaves under these names
                continue
            self.slot = (stem, lock)
            return stem
        return base  # every slot taken: share the first, as before slots existed

    def close(self) -> None:
        """Give up this game's autosave names (they are given up anyway when it ends)."""
        if self.slot is not None:
            self.slot[1].close()
            self.slot = None

    def autosave(self) -> Path | None:
        """Save to the autosave file after every turn, keeping the previous ones; returns
        where, or ``None`` when autosave is off or the folder cannot be written (the game goes
        on, and :attr:`last_autosave_error` says why)."""
        paths = self.autosave_paths
        if not paths:
            return None
        try:
            self._write(paths[0], before_replace=lambda: rotate(paths))
        except (OSError, SaveError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.last_autosave_error = f"Could not autosave to {paths[0]} ({reason})"
            return None
        self.last_autosave_error = None
        return paths[0]

    @property
    def unsaved(self) -> bool:
        """Whether orders or turns would be lost by quitting now."""
        return bool(self.game.pending) or self.game.turn != self.saved_turn


def rotate(paths: list[Path]) -> None:
    """Move each file one name along ``paths`` (newest first), the last one dropping out,
    so the first name is free for the new file.

    Each move is an atomic rename, oldest first: a crash between two leaves every complete
    file under some name (the newest, at worst, only under the second name)."""
    for newer, older in reversed(list(itertools.pairwise(paths))):
        try:
            os.replace(newer, older)
        except FileNotFoundError:
            continue
