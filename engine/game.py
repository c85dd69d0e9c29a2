"""A single game (B = 1) for front ends: pending orders, turns, undo, history, saves."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.events import Event
from engine.fileio import write_atomic
from engine.orders import (
    IllegalOrderError,
    Order,
    compile_orders,
    legal_orders,
    order_from_data,
    order_to_data,
    validate,
)
from engine.scenario import Scenario, ScenarioError, load_scenario
from engine.state import State, initial_state
from engine.turn import resolve_turn
from engine.world import World, compile_world

SAVE_FORMAT = "frontlines-save"
SAVE_VERSION = 1
ENGINE_VERSION = "0.1.0"
MAX_SAVE_BYTES = 16 * 1024 * 1024
MAX_ORDERS_PER_TURN = 2000
"""More orders than any side can give in a turn; a save with more is damaged."""


class SaveError(Exception):
    """A save that cannot be used, with what is wrong and what to do."""


@dataclass
class Game:
    """One game: the current state, its history, and the orders pending for this turn.

    Every state in ``states`` is immutable; undo drops the last one. ``orders[t]`` are the
    orders resolved in turn t + 1 and ``events[t]`` what happened then.
    """

    world: World
    seed: int
    variant: str | None = None
    source: str | None = None
    states: list[State] = field(default_factory=list)
    events: list[tuple[Event, ...]] = field(default_factory=list)
    orders: list[tuple[Order, ...]] = field(default_factory=list)
    pending: list[Order] = field(default_factory=list)

    @classmethod
    def new(
        cls, scenario: Scenario, *, seed: int, variant: str | None = None, source: str | None = None
    ) -> Game:
        """A game at the scenario's start (with a variant applied, if named).

        ``seed`` is any whole number from 0 to 2**64 - 1; raises ``ValueError`` otherwise."""
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**64:
            raise ValueError(f"a seed is a whole number from 0 to 2**64 - 1, not {seed!r}")
        played = scenario.with_variant(variant) if variant else scenario
        world = compile_world(played)
        return cls(world, int(seed), variant, source or scenario.id, [initial_state(world)])

    @property
    def scenario(self) -> Scenario:
        return self.world.scenario

    @property
    def state(self) -> State:
        return self.states[-1]

    @property
    def turn(self) -> int:
        return self.state.turn

    @property
    def over(self) -> bool:
        return bool(self.state.done[0])

    def legal_orders(self, faction_id: str) -> list[Order]:
        """Orders the faction may give now, each with everything it has available."""
        return legal_orders(self.world, self.state, faction_id)

    def issue(self, order: Order) -> None:
        """Add an order for this turn; raises :class:`IllegalOrderError` and changes nothing
        if the rules do not allow it."""
        if len(self.pending) >= MAX_ORDERS_PER_TURN:
            raise IllegalOrderError(f"no more than {MAX_ORDERS_PER_TURN} orders in a turn")
        validate(self.world, self.state, order, self.pending)
        self.pending.append(order)

    def withdraw(self, order: Order) -> None:
        """Take back a pending order; raises ``ValueError`` if it is not pending."""
        self.pending.remove(order)

    def end_turn(self, others: Iterable[Order] = ()) -> tuple[Event, ...]:
        """Resolve the turn with the pending orders and ``others`` (the computer opponents'),
        which go through the same checks; returns what happened."""
        if self.over:
            raise IllegalOrderError("the game is over")
        accepted = list(self.pending)
        for order in others:
            validate(self.world, self.state, order, accepted)
            accepted.append(order)
        state, events = resolve_turn(
            self.world, self.state, compile_orders(self.world, [accepted]), [self.seed]
        )
        self.states.append(state)
        self.events.append(events[0])
        self.orders.append(tuple(accepted))
        self.pending = []
        return events[0]

    def undo(self) -> None:
        """Go back to the start of the last turn played; raises ``ValueError`` at the start."""
        if len(self.states) == 1:
            raise ValueError("nothing to undo: no turn has been played")
        self.states.pop()
        self.events.pop()
        self.pending = list(self.orders.pop())

    def digest(self) -> str:
        """A fingerprint of the current state."""
        return self.state.digest()

    # -- saves ------------------------------------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        """The save as JSON data: the seed and every turn's orders, with digests to check."""
        return {
            "format": SAVE_FORMAT,
            "version": SAVE_VERSION,
            "engine": ENGINE_VERSION,
            "scenario": {
                "id": self.scenario.id,
                "digest": self.world.digest,
                "variant": self.variant,
                "source": self.source,
            },
            "seed": self.seed,
            "start_digest": self.states[0].digest(),
            "turns": [
                {"orders": [order_to_data(o) for o in orders], "digest": state.digest()}
                for orders, state in zip(self.orders, self.states[1:], strict=True)
            ],
            "pending": [order_to_data(o) for o in self.pending],
        }

    def save(self, path: str | Path) -> None:
        """Write the save atomically: the old file stays whole until the new one is complete."""
        write_atomic(Path(path), json.dumps(self.to_data(), indent=1) + "\n")

    @classmethod
    def load(cls, path: str | Path, *, scenario: Scenario | None = None) -> Game:
        """Load a save and replay it, checking every turn's digest; raises :class:`SaveError`."""
        return cls.from_data(read_save(Path(path)), scenario=scenario, name=str(path))

    @classmethod
    def from_data(
        cls, data: dict[str, Any], *, scenario: Scenario | None = None, name: str = "save"
    ) -> Game:
        """A game rebuilt from save data by replaying its orders."""
        header = check_save_header(data, name)
        if scenario is None:
            try:
                scenario = load_scenario(header["source"] or header["id"])
            except ScenarioError as exc:
                raise SaveError(
                    f"{name}: the save is for scenario '{header['id']}', which cannot be loaded:\n"
                    f"{exc}"
                ) from None
        try:
            game = cls.new(
                scenario, seed=data["seed"], variant=header["variant"], source=header["source"]
            )
        except (ValueError, KeyError) as exc:
            raise SaveError(f"{name}: damaged save: {exc}") from None
        if game.world.digest != header["digest"]:
            raise SaveError(
                f"{name}: scenario '{header['id']}' has changed since this game was saved "
                f"(digest {game.world.digest}, the save expects {header['digest']}); load it "
                "with the scenario file it was played with"
            )
        if data.get("start_digest") not in (None, game.states[0].digest()):
            raise SaveError(
                f"{name}: the starting position differs from when the game was saved "
                "(the rules have changed since)"
            )
        for number, turn in enumerate(data["turns"], start=1):
            try:
                game.end_turn(order_from_data(o) for o in turn["orders"])
            except (IllegalOrderError, ValueError, KeyError, TypeError, OverflowError) as exc:
                raise SaveError(f"{name}: turn {number} cannot be replayed: {exc}") from None
            if game.digest() != turn["digest"]:
                raise SaveError(
                    f"{name}: turn {number} replays differently from when it was saved "
                    "(the save was edited, or the rules have changed)"
                )
        for order in data.get("pending", []):
            try:
                game.issue(order_from_data(order))
            except (IllegalOrderError, ValueError, TypeError, OverflowError) as exc:
                raise SaveError(f"{name}: a pending order is not valid: {exc}") from None
        return game


def read_save(path: Path) -> dict[str, Any]:
    """Read save JSON, refusing anything too large or not JSON; raises :class:`SaveError`."""
    try:
        if not path.is_file():
            raise SaveError(
                f"{path}: not a save file" if path.exists() else f"{path}: no such file"
            )
        with path.open("rb") as handle:
            raw = handle.read(MAX_SAVE_BYTES + 1)
        if len(raw) > MAX_SAVE_BYTES:
            raise SaveError(f"{path}: too large for a save (over {MAX_SAVE_BYTES:,} bytes)")
        data = json.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise SaveError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SaveError(f"{path}: damaged save, not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise SaveError(f"{path}: damaged save: expected a JSON object")
    return data


def check_save_header(data: dict[str, Any], name: str) -> dict[str, Any]:
    """The checked header of save data; raises :class:`SaveError` naming what is wrong."""
    if data.get("format") != SAVE_FORMAT:
        raise SaveError(f"{name}: not a Frontlines save")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SaveError(f"{name}: damaged save: {version!r} is not a save format version")
    if version > SAVE_VERSION:
        raise SaveError(
            f"{name}: save format version {version} is newer than this Frontlines reads "
            f"({SAVE_VERSION}); update Frontlines"
        )
    header = data.get("scenario")

    def text_or_none(value: object) -> bool:
        return value is None or isinstance(value, str)

    turns = data.get("turns")
    if not (
        isinstance(header, dict)
        and isinstance(header.get("id"), str)
        and isinstance(header.get("digest"), str)
        and text_or_none(header.get("variant"))
        and text_or_none(header.get("source"))
        and isinstance(data.get("seed"), int)
        and isinstance(turns, list)
        and all(
            isinstance(t, dict)
            and isinstance(t.get("orders"), list)
            and len(t["orders"]) <= MAX_ORDERS_PER_TURN
            and isinstance(t.get("digest"), str)
            for t in turns
        )
        and isinstance(data.get("pending", []), list)
        and text_or_none(data.get("start_digest"))
    ):
        raise SaveError(f"{name}: damaged save: its header or turns are incomplete")
    return {
        "id": header["id"],
        "digest": header["digest"],
        "variant": header.get("variant"),
        "source": header.get("source"),
    }
