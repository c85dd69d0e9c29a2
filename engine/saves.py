"""The save file: what it holds (:class:`SaveFile`), writing and reading it with its
checksum, older versions, and :class:`Replay`, the one loop over saved turns that loading,
``frontlines replay`` and ``forecast --from`` share.

A save records the seed and every turn's orders by side; a game is rebuilt by replaying
them, and each turn's digest says whether it replayed as it was played.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, NotRequired, TypedDict, cast

from frontlines import __version__
from frontlines.engine.events import Event
from frontlines.engine.fileio import write_atomic
from frontlines.engine.game import MAX_ORDERS_PER_TURN, Game
from frontlines.engine.orders import (
    IllegalOrderError,
    Order,
    checking_order,
    order_from_data,
    order_to_data,
)
from frontlines.engine.rules import RULES_VERSION
from frontlines.engine.scenario import Scenario, ScenarioError, load_scenario
from frontlines.engine.text import brief, escaped, shown
from frontlines.engine.world import World

SAVE_FORMAT: Final = "frontlines-save"
SAVE_VERSION: Final = 4
"""Version 2 added the checksum, version 3 the rules version, version 4 lists each turn's
orders by side; older versions are read through :data:`MIGRATIONS`."""
ENGINE_VERSION: Final = __version__
MAX_SAVE_BYTES: Final = 16 * 1024 * 1024
CHECKSUM_ALGORITHM: Final = "sha256"
LOAD_ANOTHER: Final = "load another save, such as an earlier autosave"
"""What to do about a damaged save, said at the end of its message."""


class SaveError(Exception):
    """A save that cannot be used, with what is wrong and what to do."""


# -- what a save file holds -------------------------------------------------------------------


class SavedGroundOrder(TypedDict):
    """An attack or a move as a save gives it (:func:`frontlines.engine.orders.order_to_data`)."""

    kind: str  # "attack" or "move"
    faction: str
    origin: str
    target: str
    amount: float


class SavedAirOrder(TypedDict):
    """An airstrike or close support as a save gives it."""

    kind: str  # "airstrike" or "close_support"
    faction: str
    air_support: str
    target: str
    sorties: int


SavedOrder = SavedGroundOrder | SavedAirOrder


class ScenarioHeader(TypedDict):
    """Which scenario the game is of, and how it was loaded."""

    id: str
    digest: str
    """The digest of the scenario as played (its variant applied)."""
    variant: str | None
    source: str | None
    """A scenario file's path or a shipped scenario's id; loading reads the scenario from it."""


class SavedTurn(TypedDict):
    """One turn played: the orders resolved in it by side, and the State digest after it."""

    orders: dict[str, list[SavedOrder]]
    """Faction id -> its orders, in the order given. A written save lists only the sides that
    gave orders, in the scenario's faction order, each side's ground orders before its air
    orders; the order of the sides never changes a replay."""
    digest: str


class PlayerChoice(TypedDict):
    """What the terminal app adds: the side the player commands and the computer's level."""

    faction: str
    difficulty: str


class SaveFile(TypedDict):
    """A save as JSON, version 4: the seed and every turn's orders, with digests to check."""

    format: Literal["frontlines-save"]
    version: int
    engine: str
    """The Frontlines version that wrote it (recorded, not compared)."""
    rules: int
    """The rules version the game was played under."""
    scenario: ScenarioHeader
    seed: int
    start_digest: str | None
    """The digest of the starting State (always written; null skips the check)."""
    turns: list[SavedTurn]
    pending: list[SavedOrder]
    """Orders given for the next turn, in the order given (not by side: an order may rely
    on one given before it, and taking one back drops those that did)."""
    player: NotRequired[PlayerChoice]
    checksum: NotRequired[str]
    """Added by :func:`save_text`; :func:`read_save` checks it and leaves it out."""


# -- a game as a save -------------------------------------------------------------------------


def game_to_data(game: Game) -> SaveFile:
    """The save of ``game`` as JSON data. The checksum is added when the data is written
    (:func:`save_text`), so that callers may add to the data first."""
    return {
        "format": SAVE_FORMAT,
        "version": SAVE_VERSION,
        "engine": ENGINE_VERSION,
        "rules": RULES_VERSION,
        "scenario": {
            "id": game.scenario.id,
            "digest": game.world.digest,
            "variant": game.variant,
            "source": game.source,
        },
        "seed": game.seed,
        "start_digest": game.states[0].digest(),
        "turns": [
            {"orders": _orders_by_side(game.world, orders), "digest": state.digest()}
            for orders, state in zip(game.orders, game.states[1:], strict=True)
        ],
        "pending": [_saved(order) for order in game.pending],
    }


def _orders_by_side(world: World, orders: Iterable[Order]) -> dict[str, list[SavedOrder]]:
    """A turn's orders as a save lists them: by side in the scenario's faction order, only
    the sides that gave orders, each side's in :func:`checking_order` (so that a game
    loaded and saved again is written the same)."""
    sides: dict[str, list[SavedOrder]] = {faction: [] for faction in world.faction_ids}
    for order in checking_order(orders):
        sides.setdefault(order.faction, []).append(_saved(order))
    return {faction: given for faction, given in sides.items() if given}


def _saved(order: Order) -> SavedOrder:
    return cast(SavedOrder, order_to_data(order))


def save_game(game: Game, path: str | Path) -> None:
    """Write the save atomically: the old file stays whole until the new one is complete."""
    write_atomic(Path(path), save_text(game_to_data(game)))


def load_game(path: str | Path, *, scenario: Scenario | None = None) -> Game:
    """Load a save and replay it, checking every turn's digest; raises :class:`SaveError`.

    Without ``scenario`` the save's own (its ``source``, else its id) is loaded."""
    return game_from_data(read_save(Path(path)), scenario=scenario, name=escaped(str(path)))


def game_from_data(
    data: Mapping[str, Any], *, scenario: Scenario | None = None, name: str = "save"
) -> Game:
    """A game rebuilt from save data (of any version read) by replaying its orders.

    The checksum is not checked here but by :func:`read_save`, which reads the file."""
    replay = Replay.start(data, scenario=scenario, name=name)
    for number, _, saved in replay.turns():
        if replay.game.digest() != saved:
            raise replay.mismatch(number)
    return replay.finish()


# -- replaying a save -------------------------------------------------------------------------


@dataclass
class Replay:
    """A save being replayed turn by turn: loading a save, ``frontlines replay`` and
    forecasts from a save all go through it.

    :meth:`start` checks the file and the scenario and sets up the game at its start;
    :meth:`turns` plays the saved turns one by one; :meth:`finish` gives the pending orders
    back. A turn's orders are checked as they were when given, as one set: every side's
    ground orders, then every side's air orders (:func:`checking_order`), incrementally (a
    turn of many orders costs no more per order than a turn of few)."""

    game: Game
    file: SaveFile
    name: str

    @classmethod
    def start(
        cls, data: Mapping[str, Any], *, scenario: Scenario | None = None, name: str = "save"
    ) -> Replay:
        """Check save data and set its game up at the start; raises :class:`SaveError`."""
        file = check_save(migrate_save(data, name), name)
        header = file["scenario"]
        saved_id = shown(header["id"])
        given = scenario is not None
        if scenario is not None and scenario.id != header["id"]:
            raise SaveError(
                f"{name}: this save is a game of scenario {saved_id}, not of "
                f"'{scenario.id}'; load it with scenario {saved_id}"
            )
        if scenario is None:
            scenario = _saved_scenario(header, name)
        try:
            game = Game.new(
                scenario, seed=file["seed"], variant=header["variant"], source=header["source"]
            )
        except (ValueError, KeyError) as exc:
            raise SaveError(f"{name}: damaged save: {brief(str(exc))}") from None
        if game.world.digest != header["digest"]:
            raise SaveError(_scenario_mismatch(name, header, game.world.digest, given=given))
        replay = cls(game, file, name)
        if file["start_digest"] not in (None, game.states[0].digest()):
            raise replay.mismatch(0)
        return replay

    def turns(self) -> Iterator[tuple[int, tuple[Event, ...], str]]:
        """Play the saved turns; yields each turn's number, events and saved digest."""
        factions = self.game.world.lookup["factions"]
        for number, turn in enumerate(self.file["turns"], start=1):
            try:
                unknown = [side for side in turn["orders"] if side not in factions]
                if unknown:
                    raise IllegalOrderError(f"unknown faction {shown(unknown[0])}")
                orders = [
                    order_from_data(cast(dict[str, Any], order))
                    for side in turn["orders"].values()
                    for order in side
                ]
                events = self.game.end_turn(checking_order(orders))
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
        saved = self.file["rules"]
        if saved != RULES_VERSION:
            return SaveError(
                f"{self.name}: {when}: this game was played under rules version "
                f"{shown(saved)}, and this Frontlines plays rules version {RULES_VERSION}; "
                f"load it with a Frontlines of rules version {shown(saved)}"
            )
        return SaveError(f"{self.name}: {when} (the save was edited or damaged); {LOAD_ANOTHER}")

    def finish(self) -> Game:
        """The replayed game with the save's pending orders given again."""
        for order in self.file["pending"]:
            try:
                self.game.issue(order_from_data(cast(dict[str, Any], order)))
            except (IllegalOrderError, ValueError, TypeError, OverflowError) as exc:
                raise SaveError(
                    f"{self.name}: a pending order is not valid: {brief(str(exc))}"
                ) from None
        return self.game


def _saved_scenario(header: ScenarioHeader, name: str) -> Scenario:
    """The scenario a save names, loaded from its source (else its id)."""
    saved_id = shown(header["id"])
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
    return scenario


def _scenario_mismatch(name: str, header: ScenarioHeader, digest: str, *, given: bool) -> str:
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


# -- the text of a save file ------------------------------------------------------------------


def save_text(data: Mapping[str, object]) -> str:
    """Save data as the text of a save file, with its checksum (replacing any it had)."""
    body = {key: value for key, value in data.items() if key != "checksum"}
    return json.dumps({**body, "checksum": save_checksum(body)}, indent=1) + "\n"


def save_checksum(data: Mapping[str, object]) -> str:
    """The checksum of save data: SHA-256 of its canonical JSON, without the checksum field."""
    body = {key: value for key, value in data.items() if key != "checksum"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return f"{CHECKSUM_ALGORITHM}:{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"


def read_save(path: Path) -> dict[str, Any]:
    """Read a save file: JSON, checked against its checksum, migrated to the current version
    and without the checksum; raises :class:`SaveError` saying what is wrong and what to do.

    The fields are checked when the save is replayed (:func:`check_save`)."""
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


def check_save_version(data: Mapping[str, Any], name: str) -> int:
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


def verify_checksum(data: Mapping[str, Any], name: str) -> None:
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


# -- older versions ---------------------------------------------------------------------------


def _from_version_1(data: Mapping[str, Any]) -> dict[str, Any]:
    """Version 1 is version 2 without the checksum, which :func:`read_save` drops anyway."""
    return {**data, "version": 2}


def _from_version_2(data: Mapping[str, Any]) -> dict[str, Any]:
    """Versions 1 and 2 were written under the first rules, before saves recorded them."""
    return {**data, "version": 3, "rules": 1}


def _from_version_3(data: Mapping[str, Any]) -> dict[str, Any]:
    """Version 3 gave a turn's orders as one list; version 4 groups them by each order's
    ``faction``, each side's in the order given, the sides in the order they first gave one
    (a replay checks a turn's orders as one set, so that order does not matter). A turn
    whose orders are not a list of orders naming their faction is left for
    :func:`check_save` to refuse."""
    migrated = {**data, "version": 4}
    if isinstance(data.get("turns"), list):
        migrated["turns"] = [_turn_by_side(turn) for turn in data["turns"]]
    return migrated


def _turn_by_side(turn: object) -> object:
    if not isinstance(turn, dict):
        return turn
    orders = turn.get("orders")
    if not isinstance(orders, list) or not all(
        isinstance(order, dict) and isinstance(order.get("faction"), str) for order in orders
    ):
        return turn
    sides: dict[str, list[dict[str, Any]]] = {}
    for order in orders:
        sides.setdefault(order["faction"], []).append(order)
    return {**turn, "orders": sides}


MIGRATIONS: dict[int, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    1: _from_version_1,
    2: _from_version_2,
    3: _from_version_3,
}
"""For each older save version, the function that turns its data into the next version's."""


def migrate_save(data: Mapping[str, Any], name: str = "save") -> dict[str, Any]:
    """Save data of any version this Frontlines reads, as the current version (the data given
    is left as it is); raises :class:`SaveError` for other files and newer versions."""
    version = check_save_version(data, name)
    migrated = dict(data)
    while version < SAVE_VERSION:
        migrated = MIGRATIONS[version](migrated)
        version = migrated["version"]
    return migrated


# -- checking a save --------------------------------------------------------------------------


def check_save(data: Mapping[str, Any], name: str) -> SaveFile:
    """Save data of the current version (:func:`migrate_save`) checked field by field as a
    :class:`SaveFile`; raises :class:`SaveError` naming what is wrong.

    The orders themselves are checked as they are replayed; ``player`` is left out (the
    terminal app reads it, falling back to its defaults)."""
    version = check_save_version(data, name)
    header, turns, pending = data.get("scenario"), data.get("turns"), data.get("pending", [])
    if not (
        version == SAVE_VERSION
        and isinstance(header, dict)
        and isinstance(header.get("id"), str)
        and isinstance(header.get("digest"), str)
        and _text_or_none(header.get("variant"))
        and _text_or_none(header.get("source"))
        and isinstance(data.get("engine"), str)
        and isinstance(data.get("seed"), int)
        and _whole(data.get("rules"))
        and _text_or_none(data.get("start_digest"))
        and isinstance(turns, list)
        and all(_turn_shape(turn) for turn in turns)
        and isinstance(pending, list)
    ):
        raise SaveError(f"{name}: damaged save: its header or turns are incomplete; {LOAD_ANOTHER}")
    for number, turn in enumerate(turns, start=1):
        for side, orders in turn["orders"].items():
            for order in orders:
                if isinstance(order, dict) and order.get("faction", _NO_FACTION) != side:
                    raise SaveError(f"{name}: damaged save: {_misplaced(number, side, order)}")
    return {
        "format": SAVE_FORMAT,
        "version": version,
        "engine": data["engine"],
        "rules": data["rules"],
        "scenario": {
            "id": header["id"],
            "digest": header["digest"],
            "variant": header.get("variant"),
            "source": header.get("source"),
        },
        "seed": data["seed"],
        "start_digest": data.get("start_digest"),
        "turns": turns,
        "pending": pending,
    }


_NO_FACTION = object()


def _misplaced(number: int, side: str, order: dict[str, Any]) -> str:
    """Where an order listed under another side than its own is, in words."""
    faction = order.get("faction", _NO_FACTION)
    whose = (
        "an order with no faction" if faction is _NO_FACTION else f"an order of {shown(faction)}"
    )
    return f"turn {number} lists {whose} under side {shown(side)}; {LOAD_ANOTHER}"


def _text_or_none(value: object) -> bool:
    return value is None or isinstance(value, str)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _turn_shape(turn: object) -> bool:
    """Whether ``turn`` is a saved turn: orders by side (each a list, at most
    ``MAX_ORDERS_PER_TURN`` in all) and a digest."""
    if not isinstance(turn, dict) or not isinstance(turn.get("digest"), str):
        return False
    sides = turn.get("orders")
    if not isinstance(sides, dict) or not all(isinstance(s, list) for s in sides.values()):
        return False
    return sum(len(orders) for orders in sides.values()) <= MAX_ORDERS_PER_TURN
