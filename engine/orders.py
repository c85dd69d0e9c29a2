"""Orders: what a faction wants done this turn, legality in one place, and their array form.

Every order is a small frozen dataclass. :func:`validate` raises :class:`IllegalOrderError` with
a reason a player can read; :func:`is_legal` and :func:`legal_orders` are built on it. Orders
compile to :class:`OrderArrays`, the batched form the rules read.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from frontlines.engine.arrays import FloatArray
from frontlines.engine.state import State
from frontlines.engine.text import counted, shown
from frontlines.engine.world import World


class IllegalOrderError(ValueError):
    """An order the rules do not allow, with the reason in words."""


@dataclass(frozen=True)
class Attack:
    """Send ``amount`` strength from ``origin`` against the enemy-held ``target`` next to it."""

    faction: str
    origin: str
    target: str
    amount: float

    def describe(self) -> str:
        return f"Attack {self.target} from {self.origin} with {self.amount:g}"


@dataclass(frozen=True)
class Move:
    """Move ``amount`` strength from ``origin`` to the friendly ``target`` next to it."""

    faction: str
    origin: str
    target: str
    amount: float

    def describe(self) -> str:
        return f"Move {self.amount:g} from {self.origin} to {self.target}"


@dataclass(frozen=True)
class Airstrike:
    """Fly ``sorties`` of an air-support entry against enemy forces at ``target``."""

    faction: str
    air_support: str
    target: str
    sorties: int

    def describe(self) -> str:
        return (
            f"Airstrike on {self.target}: {counted(self.sorties, 'sortie')} of {self.air_support}"
        )


@dataclass(frozen=True)
class CloseSupport:
    """Fly ``sorties`` in close support of the beneficiary's side in the battle at ``target``."""

    faction: str
    air_support: str
    target: str
    sorties: int

    def describe(self) -> str:
        sorties = counted(self.sorties, "sortie")
        return f"Close support at {self.target}: {sorties} of {self.air_support}"


Order = Attack | Move | Airstrike | CloseSupport
ORDER_TYPES: dict[str, type[Order]] = {
    "attack": Attack,
    "move": Move,
    "airstrike": Airstrike,
    "close_support": CloseSupport,
}


def order_to_data(order: Order) -> dict[str, Any]:
    """An order as plain JSON data (for saves)."""
    kind = next(k for k, cls in ORDER_TYPES.items() if isinstance(order, cls))
    return {"kind": kind, **asdict(order)}


def order_from_data(data: dict[str, Any]) -> Order:
    """The inverse of :func:`order_to_data`; raises ``ValueError`` on malformed data."""
    try:
        cls = ORDER_TYPES[data["kind"]]
        fields = {k: v for k, v in data.items() if k != "kind"}
        order = cls(**fields)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not an order: {shown(data)}") from exc
    return order


@dataclass(frozen=True, eq=False)
class OrderArrays:
    """Orders of B games as arrays.

    ``flow[b, f, d]`` is strength faction f sends along directed arc d (an attack when the
    arc ends at a hostile location, a move otherwise); ``strike[b, a, l]`` and
    ``support[b, a, l]`` are sorties of air-support entry a at location l.
    """

    flow: FloatArray
    strike: FloatArray
    support: FloatArray


def no_orders(world: World, batch: int) -> OrderArrays:
    """Orders that do nothing."""
    n_air = len(world.air_ids)
    return OrderArrays(
        flow=np.zeros((batch, world.n_factions, world.n_arcs)),
        strike=np.zeros((batch, n_air, world.n_locations)),
        support=np.zeros((batch, n_air, world.n_locations)),
    )


def compile_orders(world: World, orders_per_run: Sequence[Iterable[Order]]) -> OrderArrays:
    """The array form of each run's list of (already validated) orders."""
    arrays = no_orders(world, len(orders_per_run))
    flow, strike, support = arrays.flow, arrays.strike, arrays.support
    for b, orders in enumerate(orders_per_run):
        for order in orders:
            if isinstance(order, Attack | Move):
                arc = world.arc_index(order.origin, order.target)
                assert arc is not None
                flow[b, world.faction_index(order.faction), arc] += order.amount
            else:
                target = strike if isinstance(order, Airstrike) else support
                target[
                    b, world.air_index(order.air_support), world.location_index(order.target)
                ] += order.sorties
    return arrays


def available_sorties(world: World, state: State) -> np.ndarray:
    """Sorties each air-support entry can fly this turn, ``B x A``: none while its base is
    held by a faction that is not the provider's ally."""
    if not world.air_ids:
        return np.zeros((state.batch, 0), dtype=np.int64)
    b = np.arange(state.batch)[:, np.newaxis]
    base = np.maximum(world.air_base, 0)
    holder = state.controller[:, base]
    base_ok = state.allied[b, world.air_provider[np.newaxis, :], holder] | (world.air_base < 0)
    return np.where(base_ok & ~state.done[:, np.newaxis], state.sortie_rate, 0)


@dataclass
class Ledger:
    """What the orders already given this turn have used up, kept up to date order by
    order, so that checking each new order costs the same however many came before.

    ``committed[(faction, origin)]`` is the strength sent from a place, ``sorties[entry]``
    the sorties an air-support entry flies, ``attackers[target]`` the factions attacking a
    place. Sums are made in the order the orders came, as summing the list would."""

    orders: list[Order] = field(default_factory=list)
    committed: dict[tuple[str, str], float] = field(default_factory=dict)
    sorties: dict[str, int] = field(default_factory=dict)
    attackers: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, orders: Iterable[Order]) -> Ledger:
        """The ledger of orders already checked, in the order given."""
        ledger = cls()
        for order in orders:
            ledger.add(order)
        return ledger

    def add(self, order: Order) -> None:
        """Count an order that has passed :func:`validate`."""
        self.orders.append(order)
        if isinstance(order, Attack | Move):
            key = (order.faction, order.origin)
            self.committed[key] = self.committed.get(key, 0) + order.amount
            if isinstance(order, Attack):
                self.attackers.setdefault(order.target, set()).add(order.faction)
        else:
            self.sorties[order.air_support] = self.sorties.get(order.air_support, 0) + order.sorties


def validate(
    world: World, state: State, order: Order, pending: Sequence[Order] | Ledger = ()
) -> None:
    """Raise :class:`IllegalOrderError` unless ``order`` is legal in game 0 of ``state``,
    given the orders already ``pending`` this turn (a list, or their :class:`Ledger` when
    many orders are checked one after another)."""
    if bool(state.done[0]):
        raise IllegalOrderError("the game is over")
    faction = _index(world.lookup["factions"], order.faction, "faction")
    target = _index(world.lookup["locations"], order.target, "location")
    ledger = pending if isinstance(pending, Ledger) else Ledger.of(pending)
    if isinstance(order, Attack | Move):
        _validate_ground(world, state, order, faction, target, ledger)
    else:
        _validate_air(world, state, order, faction, target, ledger)


def _validate_ground(
    world: World,
    state: State,
    order: Attack | Move,
    faction: int,
    target: int,
    pending: Ledger,
) -> None:
    origin = _index(world.lookup["locations"], order.origin, "location")
    amount = order.amount
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        raise IllegalOrderError(f"the amount must be a number, not {shown(amount)}")
    try:
        finite = math.isfinite(float(amount))
    except OverflowError:
        finite = False
    if not finite:
        raise IllegalOrderError(f"the amount must be a finite number, not {shown(amount)}")
    if order.amount <= 0:
        raise IllegalOrderError("the amount must be more than 0")
    if world.arc_index(order.origin, order.target) is None:
        raise IllegalOrderError(f"no route joins {order.origin} and {order.target}")
    present = float(state.forces[0, faction, origin])
    committed = pending.committed.get((order.faction, order.origin), 0)
    if order.amount > present - committed + 1e-9:
        raise IllegalOrderError(
            f"{order.faction} has {present:g} at {order.origin}"
            + (f", {committed:g} of it already committed" if committed else "")
            + f"; cannot send {order.amount:g}"
        )
    holder = int(state.controller[0, target])
    friendly = bool(state.allied[0, faction, holder])
    if isinstance(order, Attack) and friendly:
        raise IllegalOrderError(
            f"{order.target} is held by {world.faction_ids[holder]}, "
            + ("your own side" if holder == faction else "an ally")
            + ": move there instead"
        )
    if isinstance(order, Move) and not friendly:
        raise IllegalOrderError(
            f"{order.target} is held by {world.faction_ids[holder]}, an enemy: attack it instead"
        )


def _validate_air(
    world: World,
    state: State,
    order: Airstrike | CloseSupport,
    faction: int,
    target: int,
    pending: Ledger,
) -> None:
    entry = _index(world.lookup["air"], order.air_support, "air-support entry")
    if int(world.air_provider[entry]) != faction:
        raise IllegalOrderError(
            f"{order.air_support} is flown by {world.faction_ids[world.air_provider[entry]]}, "
            f"not {order.faction}"
        )
    if not isinstance(order.sorties, int) or isinstance(order.sorties, bool) or order.sorties <= 0:
        raise IllegalOrderError(
            f"sorties must be a whole number above 0, not {shown(order.sorties)}"
        )
    left = int(available_sorties(world, state)[0, entry]) - pending.sorties.get(
        order.air_support, 0
    )
    if order.sorties > left:
        raise IllegalOrderError(
            f"{order.air_support} has {max(left, 0)} sorties left this turn"
            + ("" if left > 0 else " (none fly while an enemy holds its base)")
        )
    if not bool(world.air_in_range[entry, target]):
        raise IllegalOrderError(f"{order.target} is out of range of {order.air_support}")
    beneficiary = int(world.air_beneficiary[entry])
    enemies = ~state.allied[0, beneficiary] & (state.forces[0, :, target] > 0)
    if isinstance(order, Airstrike) and not enemies.any():
        raise IllegalOrderError(
            f"no enemy of {world.faction_ids[beneficiary]} is at {order.target}: "
            "only allies would be hit"
        )
    if isinstance(order, CloseSupport) and not (
        enemies.any() or _threatened(world, state, beneficiary, target, order.target, pending)
    ):
        raise IllegalOrderError(
            f"no battle is possible for {world.faction_ids[beneficiary]} at {order.target}: "
            "no enemy is there or next to it, and no attack on it is ordered"
        )


def _threatened(
    world: World, state: State, side: int, target: int, name: str, pending: Ledger
) -> bool:
    """Whether a battle involving ``side`` may be fought at ``target`` this turn."""
    holds = bool(state.allied[0, side, state.controller[0, target]])
    neighbours = world.neighbours[target][world.neighbours[target] >= 0]
    enemy_next_door = ~state.allied[0, side][:, np.newaxis] & (state.forces[0][:, neighbours] > 0)
    if holds and enemy_next_door.any():
        return True
    return any(
        bool(state.allied[0, side, world.lookup["factions"][faction]])
        for faction in sorted(pending.attackers.get(name, ()))
    )


def _index(ids: dict[Any, int], key: object, what: str) -> int:
    if not isinstance(key, str) or key not in ids:
        raise IllegalOrderError(f"unknown {what} {shown(key)}")
    return ids[key]


def is_legal(
    world: World, state: State, order: Order, pending: Sequence[Order] | Ledger = ()
) -> bool:
    """Whether :func:`validate` accepts the order."""
    try:
        validate(world, state, order, pending)
    except IllegalOrderError:
        return False
    return True


def legal_orders(world: World, state: State, faction_id: str) -> list[Order]:
    """Every order the faction may give in game 0, each with all it has available."""
    if bool(state.done[0]):
        return []
    f = world.faction_index(faction_id)
    orders: list[Order] = []
    forces = state.forces[0, f]
    for arc in range(world.n_arcs):
        origin, target = int(world.arc_src[arc]), int(world.arc_dst[arc])
        if forces[origin] <= 0:
            continue
        friendly = bool(state.allied[0, f, state.controller[0, target]])
        kind = Move if friendly else Attack
        orders.append(
            kind(
                faction_id,
                world.location_ids[origin],
                world.location_ids[target],
                float(forces[origin]),
            )
        )
    sorties = available_sorties(world, state)[0]
    for entry in np.flatnonzero((world.air_provider == f) & (sorties > 0)):
        beneficiary = int(world.air_beneficiary[entry])
        for target_index in np.flatnonzero(world.air_in_range[entry]):
            target = int(target_index)
            here = state.forces[0, :, target] > 0
            air_id, place, count = (
                world.air_ids[entry],
                world.location_ids[target],
                int(sorties[entry]),
            )
            if (~state.allied[0, beneficiary] & here).any():
                orders.append(Airstrike(faction_id, air_id, place, count))
                orders.append(CloseSupport(faction_id, air_id, place, count))
    return orders
