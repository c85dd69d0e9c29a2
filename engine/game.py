"""A single game (B = 1) for front ends: pending orders, turns, undo, history, saves."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontlines import __version__
from frontlines.engine.events import Event
from frontlines.engine.fileio import write_atomic
from frontlines.engine.orders import (
    IllegalOrderError,
    Ledger,
    Order,
    compile_orders,
    legal_orders,
    order_from_data,
    order_to_data,
    validate,
)
from frontlines.engine.rules import RULES_VERSION
from frontlines.engine.scenario import Scenario, ScenarioError, apply_variant, load_scenario
from frontlines.engine.state import State, initial_state
from frontlines.engine.text import brief, escaped, shown
from frontlines.engine.turn import resolve_turn
from frontlines.engine.world import World, compile_world

SAVE_FORMAT = "frontlines-save"
SAVE_VERSION = 3
"""Version 2 added the checksum, version 3 the rules version; older versions are read
through :data:`MIGRATIONS`."""
ENGINE_VERSION = __version__


def seed_problem(seed: object) -> str | None:
    """What is wrong with ``seed`` as the seed of a game or a forecast, or ``None``: a seed is
    a whole number from 0 to 2**64 - 1.

    >>> seed_problem(7) is None
    True
    >>> seed_problem(-1)
    'a whole number from 0 to 2**64 - 1, not -1'
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**64:
        return f"a whole number from 0 to 2**64 - 1, not {seed!r}"
    return None


MAX_SAVE_BYTES = 16 * 1024 * 1024
MAX_PENDING_ORDERS = 2000
"""Orders one side may give in a turn (more than any side needs)."""
MAX_ORDERS_PER_TURN = 10_000
"""Orders of every side together in one turn; a save with more is damaged."""
CHECKSUM_ALGORITHM = "sha256"
LOAD_ANOTHER = "load another save, such as an earlier autosave"
"""What to do about a damaged save, said at the end of its message."""


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
        problem = seed_problem(seed)
        if problem:
            raise ValueError(f"a seed is {problem}")
        played = apply_variant(scenario, variant) if variant else scenario
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
        if len(self.pending) >= MAX_PENDING_ORDERS:
            raise IllegalOrderError(f"no more than {MAX_PENDING_ORDERS} orders in a turn")
        validate(self.world, self.state, order, self.pending)
        self.pending.append(order)

    def withdraw(self, order: Order) -> list[Order]:
        """Take back a pending order, and with it any later order it made legal (close
        support for a withdrawn attack); returns those. Raises ``ValueError`` if ``order``
        is not pending."""
        self.pending.remove(order)
        kept = Ledger()
        dropped: list[Order] = []
        for other in self.pending:
            try:
                validate(self.world, self.state, other, kept)
            except IllegalOrderError:
                dropped.append(other)
            else:
                kept.add(other)
        self.pending = kept.orders
        return dropped

    def end_turn(self, others: Iterable[Order] = ()) -> tuple[Event, ...]:
        """Resolve the turn with the pending orders and ``others`` (the computer opponents'),
        which go through the same checks; returns what happened."""
        if self.over:
            raise IllegalOrderError("the game is over")
        accepted = Ledger.of(self.pending)
        for order in others:
            if len(accepted.orders) >= MAX_ORDERS_PER_TURN:
                raise IllegalOrderError(f"no more than {MAX_ORDERS_PER_TURN} orders in a turn")
            validate(self.world, self.state, order, accepted)
            accepted.add(order)
        state, events = resolve_turn(
            self.world, self.state, compile_orders(self.world, [accepted.orders]), [self.seed]
        )
        self.states.append(state)
        self.events.append(events[0])
        self.orders.append(tuple(accepted.orders))
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
        """The save as JSON data: the seed and every turn's orders, with digests to check.

        The checksum is added when the data is written (:func:`save_text`), so that callers
        may add to the data first."""
        return {
            "format": SAVE_FORMAT,
            "version": SAVE_VERSION,
            "engine": ENGINE_VERSION,
            "rules": RULES_VERSION,
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
        write_atomic(Path(path), save_text(self.to_data()))

    @classmethod
    def load(cls, path: str | Path, *, scenario: Scenario | None = None) -> Game:
        """Load a save and replay it, checking every turn's digest; raises :class:`SaveError`."""
        return cls.from_data(read_save(Path(path)), scenario=scenario, name=escaped(str(path)))

    @classmethod
    def from_data(
        cls, data: dict[str, Any], *, scenario: Scenario | None = None, name: str = "save"
    ) -> Game:
        """A game rebuilt from save data (of any version read) by replaying its orders.

        The checksum is not checked here but by :func:`read_save`, which reads the file."""
        replay = Replay.start(data, scenario=scenario, name=name)
        for number, _, saved in replay.turns():
            if replay.game.digest() != saved:
                raise replay.mismatch(number)
        return replay.finish()


@dataclass
class Replay:
    """A save being replayed turn by turn: loading a save, ``frontlines replay`` and
    forecasts from a save all go through it.

    :meth:`start` checks the header and the scenario and sets up the game at its start;
    :meth:`turns` plays the saved turns one by one; :meth:`finish` gives the pending orders
    back. Orders are checked as they were when given (incrementally: a turn of many orders
    costs no more per order than a turn of few)."""

    game: Game
    data: dict[str, Any]
    name: str

    @classmethod
    def start(
        cls, data: dict[str, Any], *, scenario: Scenario | None = None, name: str = "save"
    ) -> Replay:
        """Check save data and set its game up at the start; raises :class:`SaveError`."""
        data = migrate_save(data, name)
        header = check_save_header(data, name)
        saved_id = shown(header["id"])
        given = scenario is not None
        if scenario is not None and scenario.id != header["id"]:
            raise SaveError(
                f"{name}: this save is a game of scenario {saved_id}, not of "
                f"'{scenario.id}'; load it with scenario {saved_id}"
            )
        if scenario is None:
            reference = header["source"] or header["id"]
            try:
                scenario = load_scenario(reference)
            except ScenarioError as exc:
                first = exc.diagnostics[0].render() if exc.diagnostics else str(exc)
                more = len(exc.diagnostics) - 1
                raise SaveError(
                    f"{name}: the save is for scenario {saved_id}, which cannot be loaded: "
                    f"{brief(first)}" + (f" (and {more:,} more problems)" if more > 0 else "")
                ) from None
            if scenario.id != header["id"]:
                raise SaveError(
                    f"{name}: damaged save: it names scenario {saved_id}, but its scenario "
                    f"file {shown(reference)} holds scenario '{scenario.id}'; {LOAD_ANOTHER}"
                )
        try:
            game = Game.new(
                scenario, seed=data["seed"], variant=header["variant"], source=header["source"]
            )
        except (ValueError, KeyError) as exc:
            raise SaveError(f"{name}: damaged save: {brief(str(exc))}") from None
        if game.world.digest != header["digest"]:
            raise SaveError(_scenario_mismatch(name, header, game.world.digest, given=given))
        replay = cls(game, data, name)
        if data.get("start_digest") not in (None, game.states[0].digest()):
            raise replay.mismatch(0)
        return replay

    def turns(self) -> Iterator[tuple[int, tuple[Event, ...], str]]:
        """Play the saved turns; yields each turn's number, events and saved digest."""
        for number, turn in enumerate(self.data["turns"], start=1):
            try:
                events = self.game.end_turn(order_from_data(o) for o in turn["orders"])
            except (IllegalOrderError, ValueError, KeyError, TypeError, OverflowError) as exc:
                raise SaveError(
                    f"{self.name}: turn {number} cannot be replayed: {brief(str(exc))}"
                ) from None
            yield number, events, turn["digest"]

    def mismatch(self, number: int) -> SaveError:
        """Why turn ``number`` (0: the start) replays differently from when it was saved."""
        when = (
            "the starting position differs from when the game was saved"
            if number == 0
            else f"turn {number} replays differently from when it was saved"
        )
        saved = self.data.get("rules", RULES_VERSION)
        if saved != RULES_VERSION:
            return SaveError(
                f"{self.name}: {when}: this game was played under rules version "
                f"{shown(saved)}, and this Frontlines plays rules version {RULES_VERSION}; "
                f"load it with a Frontlines of rules version {shown(saved)}"
            )
        return SaveError(f"{self.name}: {when} (the save was edited or damaged); {LOAD_ANOTHER}")

    def finish(self) -> Game:
        """The replayed game with the save's pending orders given again."""
        for order in self.data.get("pending", []):
            try:
                self.game.issue(order_from_data(order))
            except (IllegalOrderError, ValueError, TypeError, OverflowError) as exc:
                raise SaveError(
                    f"{self.name}: a pending order is not valid: {brief(str(exc))}"
                ) from None
        return self.game


def _scenario_mismatch(name: str, header: dict[str, Any], digest: str, *, given: bool) -> str:
    """Why a save's scenario digest differs from the scenario's, and what to do."""
    saved_id, expected = shown(header["id"]), shown(header["digest"])
    if given:
        return (
            f"{name}: this save was played with a different version of scenario "
            f"{saved_id} than the one given (digest {digest}, the save expects "
            f"{expected}); load it with the scenario file it was played with"
        )
    return (
        f"{name}: scenario {saved_id} has changed since this game was saved "
        f"(digest {digest}, the save expects {expected}); load it with the scenario "
        "file it was played with"
    )


# -- the save file ----------------------------------------------------------------------------


def save_text(data: dict[str, Any]) -> str:
    """Save data as the text of a save file, with its checksum (replacing any it had)."""
    body = {key: value for key, value in data.items() if key != "checksum"}
    return json.dumps({**body, "checksum": save_checksum(body)}, indent=1) + "\n"


def save_checksum(data: dict[str, Any]) -> str:
    """The checksum of save data: SHA-256 of its canonical JSON, without the checksum field."""
    body = {key: value for key, value in data.items() if key != "checksum"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return f"{CHECKSUM_ALGORITHM}:{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"


def read_save(path: Path) -> dict[str, Any]:
    """Read a save file: JSON, checked against its checksum, migrated to the current version
    and without the checksum; raises :class:`SaveError` saying what is wrong and what to do."""
    name = escaped(str(path))
    if not str(path):
        raise SaveError("an empty name is not a save file")
    try:
        if not path.is_file():
            raise SaveError(
                f"{name}: not a save file" if path.exists() else f"{name}: no such file"
            )
        with path.open("rb") as handle:
            raw = handle.read(MAX_SAVE_BYTES + 1)
    except OSError as exc:
        raise SaveError(f"{name}: cannot read: {brief(exc.strerror or str(exc))}") from None
    if len(raw) > MAX_SAVE_BYTES:
        raise SaveError(f"{name}: too large for a save (over {MAX_SAVE_BYTES:,} bytes)")
    data = parse_save(raw, name)
    if check_save_version(data, name) >= 2:
        verify_checksum(data, name)
    return migrate_save({key: value for key, value in data.items() if key != "checksum"}, name)


def parse_save(raw: bytes, name: str) -> dict[str, Any]:
    """The JSON object in a save file's bytes; raises :class:`SaveError` for anything else."""
    if not raw.strip():
        raise SaveError(f"{name}: damaged save, the file is empty; {LOAD_ANOTHER}")
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        raise SaveError(_not_json(exc, name, len(raw))) from None
    if not isinstance(data, dict):
        raise SaveError(f"{name}: damaged save: expected a JSON object; {LOAD_ANOTHER}")
    return data


def _not_json(exc: ValueError | RecursionError, name: str, size: int) -> str:
    """What is wrong with save bytes that are not JSON, telling a file cut short (by an
    interrupted write or copy) from one damaged within."""
    cut = False
    if isinstance(exc, UnicodeDecodeError):
        cut = exc.reason == "unexpected end of data"
        problem = f"byte {exc.start + 1:,} is not UTF-8 text"
    elif isinstance(exc, json.JSONDecodeError):
        cut = _ends_too_soon(exc)
        problem = f"{exc.msg.removesuffix(' at')} at line {exc.lineno} column {exc.colno}"
    elif isinstance(exc, RecursionError):
        problem = "nested too deeply"
    else:  # a number longer than Python reads, NaN or Infinity
        problem = "a number with too many digits" if "digits" in str(exc) else str(exc)
    if cut:
        return (
            f"{name}: damaged save, cut short after {size:,} byte{'' if size == 1 else 's'} "
            f"(writing or copying it was interrupted); {LOAD_ANOTHER}"
        )
    return f"{name}: damaged save, not valid JSON ({problem}); {LOAD_ANOTHER}"


def _refuse_constant(constant: str) -> object:
    raise ValueError(f"{constant} is not a JSON number")


_PARTIAL_TOKEN = re.compile(r"[-+0-9.eE]+|u[0-9a-fA-F]{0,3}|t|tr|tru|f|fa|fal|fals|n|nu|nul")
"""What JSON text cut short can end in after the point where parsing failed: part of a
number, of a ``\\u`` escape, or of ``true``, ``false`` or ``null``."""


def _ends_too_soon(exc: json.JSONDecodeError) -> bool:
    """Whether JSON failed to parse only because the text stops before the document ends."""
    if exc.msg.startswith("Unterminated string"):
        return True  # a string runs to the end of the text
    rest = exc.doc[exc.pos :].strip()
    return not rest or bool(_PARTIAL_TOKEN.fullmatch(rest))


def check_save_version(data: dict[str, Any], name: str) -> int:
    """The version of save data this Frontlines reads; raises :class:`SaveError` for other
    files, damaged versions and newer versions."""
    if data.get("format") != SAVE_FORMAT:
        raise SaveError(f"{name}: not a Frontlines save")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SaveError(f"{name}: damaged save: {shown(version)} is not a save format version")
    if version > SAVE_VERSION:
        raise SaveError(
            f"{name}: save format version {version} is newer than this Frontlines reads "
            f"({SAVE_VERSION}); update Frontlines to load it"
        )
    return version


def verify_checksum(data: dict[str, Any], name: str) -> None:
    """Raise :class:`SaveError` unless the data carries its own checksum."""
    edited = f"{name}: this save was edited or damaged since it was saved"
    advice = f"{LOAD_ANOTHER}, or put back the file as it was saved"
    stated = data.get("checksum")
    if not isinstance(stated, str):
        raise SaveError(f"{edited} (it has no checksum); {advice}")
    try:
        actual = save_checksum(data)
    except (ValueError, RecursionError):
        actual = None
    if stated != actual:
        raise SaveError(f"{edited} (checksum mismatch); {advice}")


def _from_version_1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 is version 2 without the checksum, which :func:`read_save` drops anyway."""
    return {**data, "version": 2}


def _from_version_2(data: dict[str, Any]) -> dict[str, Any]:
    """Versions 1 and 2 were written under the first rules, before saves recorded them."""
    return {**data, "version": 3, "rules": 1}


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: _from_version_1,
    2: _from_version_2,
}
"""For each older save version, the function that turns its data into the next version's."""


def migrate_save(data: dict[str, Any], name: str = "save") -> dict[str, Any]:
    """Save data of any version this Frontlines reads, as the current version (the data given
    is left as it is); raises :class:`SaveError` for other files and newer versions."""
    version = check_save_version(data, name)
    while version < SAVE_VERSION:
        data = MIGRATIONS[version](data)
        version = data["version"]
    return data


def check_save_header(data: dict[str, Any], name: str) -> dict[str, Any]:
    """The checked header of save data; raises :class:`SaveError` naming what is wrong."""
    check_save_version(data, name)
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
        and isinstance(data.get("rules"), int)
        and not isinstance(data.get("rules"), bool)
    ):
        raise SaveError(f"{name}: damaged save: its header or turns are incomplete; {LOAD_ANOTHER}")
    return {
        "id": header["id"],
        "digest": header["digest"],
        "variant": header.get("variant"),
        "source": header.get("source"),
    }
