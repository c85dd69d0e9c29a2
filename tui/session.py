"""A player's game: the engine's Game, which faction the player commands, how hard the
computer plays, and where the game is saved. No Textual here, so it is tested on its own."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.ai import LEVELS, choose_orders
from engine.events import Event
from engine.fileio import write_atomic
from engine.game import Game, SaveError, read_save
from engine.orders import Order
from engine.scenario import Scenario

DEFAULT_DIFFICULTY = "normal"
AUTOSAVE_NAME = "autosave.json"


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
        game = Game.from_data(data, name=str(path))
        meta = data.get("player") if isinstance(data.get("player"), dict) else {}
        assert isinstance(meta, dict)
        playable = [f.id for f in game.scenario.factions if f.playable]
        player = meta.get("faction") if meta.get("faction") in playable else playable[0]
        difficulty = meta.get("difficulty")
        if difficulty not in LEVELS:
            difficulty = DEFAULT_DIFFICULTY
        return cls(game, str(player), str(difficulty), saves, game.turn)

    # -- the turn ----------------------------------------------------------------------------

    @property
    def computer(self) -> list[str]:
        """The factions the computer plays: everyone but the player."""
        return [f for f in self.game.world.faction_ids if f != self.player]

    def issue(self, order: Order) -> None:
        """Give an order; raises :class:`engine.IllegalOrderError` with the reason."""
        self.game.issue(order)

    def withdraw(self, order: Order) -> None:
        self.game.withdraw(order)

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
        """Back to the start of the last turn, its orders pending again."""
        self.game.undo()
        self.autosave()

    # -- saves -------------------------------------------------------------------------------

    def save_data(self) -> dict[str, Any]:
        data = self.game.to_data()
        data["player"] = {"faction": self.player, "difficulty": self.difficulty}
        return data

    def save(self, path: Path) -> None:
        """Save atomically (the previous file stays whole until the new one is complete)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(self.save_data(), indent=1) + "\n")
        self.saved_turn = self.game.turn

    @property
    def autosave_path(self) -> Path | None:
        if self.saves is None:
            return None
        return self.saves / f"{self.game.scenario.id}-{AUTOSAVE_NAME}"

    def autosave(self) -> Path | None:
        """Save to the autosave file after every turn; returns where, or ``None`` when
        autosave is off or the folder cannot be written (the game goes on)."""
        path = self.autosave_path
        if path is None:
            return None
        try:
            self.save(path)
        except (OSError, SaveError):
            return None
        return path

    @property
    def unsaved(self) -> bool:
        """Whether orders or turns would be lost by quitting now."""
        return bool(self.game.pending) or self.game.turn != self.saved_turn
