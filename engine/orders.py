"""Orders: what a faction wants done this turn, legality in one place, and their array form.

Every order is a small frozen dataclass, and each kind owns everything about itself: its
checks (``check``, reached through :func:`validate`, which raises :class:`IllegalOrderError`
with a reason a player can read), its array form (``compile_into``, reached through
:func:`compile_orders`; ``read`` is the inverse), what it uses up this turn (``record``), the
orders of its kind a faction may give (``offers``, reached through :func:`legal_orders`) and
its words (``describe`` with ids, ``title`` with names). :data:`ORDER_KINDS` lists the kinds;
:data:`Order` is their union, for ``match`` statements that mypy checks are exhaustive.

A new kind is a class here, one entry in :data:`ORDER_KINDS` and in :data:`Order`, and the
phase that reads its arrays (``docs/architecture.md`` has the checklist).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, ClassVar, Self

import numpy as np

from frontlines.engine.arrays import BoolArray, FloatArray
from frontlines.engine.rules.common import friendly_here
from frontlines.engine.scenario.base import AirSupportId, FactionId, LocationId
from frontlines.engine.state import State
from frontlines.engine.text import counted, shown
from frontlines.engine.world import World


class IllegalOrderError(ValueError):
    """An order the rules do not allow, with the reason in words."""


SortKey = tuple[int, ...]
"""Where an order stands in a listing: :func:`legal_orders` and
:func:`read_orders` list the orders of all kinds by it."""


@dataclass(frozen=True, eq=False)
class OrderArrays:
    """Orders of B games as arrays.

    ``flow[b, f, d]`` is strength faction f sends along directed arc d (an attack when the
    arc ends at a hostile location, a move otherwise); ``strike[b, a, l]`` and
    ``support[b, a, l]`` are sorties of air-support entry a at location l. Every array has
    the batch axis first; the methods below work on all of them alike, so a new kind's array
    is one more field here and in :func:`no_orders`.
    """

    flow: FloatArray
    strike: FloatArray
    support: FloatArray

    def _each(self, change: Any) -> OrderArrays:
        return OrderArrays(**{f.name: change(getattr(self, f.name)) for f in fields(self)})

    def runs(self, start: int, stop: int) -> OrderArrays:
        """The orders of games ``start`` to ``stop - 1``."""
        return self._each(lambda a: a[start:stop])

    def repeated(self, count: int) -> OrderArrays:
        """Each game's orders ``count`` times over, one game after another."""
        return self._each(lambda a: np.repeat(a, count, axis=0))

    def tiled(self, count: int) -> OrderArrays:
        """The first game's orders for each of ``count`` games."""
        return self._each(lambda a: np.repeat(a[:1], count, axis=0))

    def plus(self, other: OrderArrays) -> OrderArrays:
        """Both sets of orders together."""
        return OrderArrays(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )


def no_orders(world: World, batch: int, **given: FloatArray) -> OrderArrays:
    """Orders that do nothing, or only what the ``given`` arrays hold (by field name): the
    one place OrderArrays are made, so that a new field needs no change elsewhere."""
    n_air = len(world.air_ids)
    shapes = {
        "flow": (batch, world.n_factions, world.n_arcs),
        "strike": (batch, n_air, world.n_locations),
        "support": (batch, n_air, world.n_locations),
    }
    if not given.keys() <= shapes.keys():
        raise TypeError(f"OrderArrays has no field {sorted(given.keys() - shapes.keys())[0]!r}")
    return OrderArrays(
        **{
            name: given[name] if name in given else np.zeros(shape)
            for name, shape in shapes.items()
        }
    )


@dataclass
class Ledger:
    """What the orders already given this turn have used up, kept up to date order by
    order, so that checking each new order costs the same however many came before.

    ``committed[(faction, origin)]`` is the strength sent from a place, ``sorties[entry]``
    the sorties an air-support entry flies, ``attackers[target]`` the factions attacking a
    place and where from. Sums are made in the order the orders came, as summing the list
    would."""

    orders: list[Order] = field(default_factory=list)
    committed: dict[tuple[str, str], float] = field(default_factory=dict)
    sorties: dict[str, int] = field(default_factory=dict)
    attackers: dict[str, set[tuple[str, str]]] = field(default_factory=dict)

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
        order.record(self)


@dataclass(frozen=True)
class GroundOrder:
    """What every ground order shares: ``amount`` strength of ``faction`` sent from ``origin``
    along a route to ``target``."""

    faction: FactionId
    origin: LocationId
    target: LocationId
    amount: float

    unit: ClassVar[str] = "strength"

    @property
    def place(self) -> LocationId:
        """The place the order is given at: where the forces start."""
        return self.origin

    @property
    def size(self) -> float:
        """How much the order sends."""
        return self.amount

    def resized(self, size: float) -> Self:
        """The same order with another amount."""
        return replace(self, amount=float(size))

    def compile_into(self, world: World, arrays: OrderArrays, run: int) -> None:
        """Add the order to game ``run`` of ``arrays``."""
        arc = world.arc_index(self.origin, self.target)
        assert arc is not None
        arrays.flow[run, world.faction_index(self.faction), arc] += self.amount

    def record(self, ledger: Ledger) -> None:
        """Count what the order uses up in ``ledger``."""
        key = (self.faction, self.origin)
        ledger.committed[key] = ledger.committed.get(key, 0) + self.amount

    def check(self, world: World, state: State, faction: int, target: int, pending: Ledger) -> None:
        """Raise :class:`IllegalOrderError` unless the order is legal (see :func:`validate`)."""
        origin = _index(world.lookup["locations"], self.origin, "location")
        amount = self.amount
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            raise IllegalOrderError(f"the amount must be a number, not {shown(amount)}")
        try:
            finite = math.isfinite(float(amount))
        except OverflowError:
            finite = False
        if not finite:
            raise IllegalOrderError(f"the amount must be a finite number, not {shown(amount)}")
        if self.amount <= 0:
            raise IllegalOrderError("the amount must be more than 0")
        arc = world.arc_index(self.origin, self.target)
        if arc is None:
            raise IllegalOrderError(f"no route joins {self.origin} and {self.target}")
        why = route_closed(world, state, faction, arc)
        if why is not None:
            raise IllegalOrderError(
                f"{self.faction} may not use the route from {self.origin} to {self.target}: " + why
            )
        present = float(state.forces[0, faction, origin])
        committed = pending.committed.get((self.faction, self.origin), 0)
        if self.amount > present - committed + 1e-9:
            raise IllegalOrderError(
                f"{self.faction} has {present:g} at {self.origin}"
                + (f", {committed:g} of it already committed" if committed else "")
                + f"; cannot send {self.amount:g}"
            )
        holder = int(state.controller[0, target])
        self.check_holder(world, faction, holder, bool(state.allied[0, faction, holder]))

    def check_holder(self, world: World, faction: int, holder: int, friendly: bool) -> None:
        """Raise :class:`IllegalOrderError` unless the target's holder suits the kind."""
        raise NotImplementedError

    @classmethod
    def _ground_offers(
        cls, world: World, state: State, f: int, to_friends: bool
    ) -> Iterator[tuple[SortKey, Order]]:
        """Orders sending all a faction has along every route that starts where it has
        forces and leads to a place held by its side (``to_friends``) or not."""
        forces = state.forces[0, f]
        for arc in range(world.n_arcs):
            origin, target = int(world.arc_src[arc]), int(world.arc_dst[arc])
            if forces[origin] <= 0:
                continue
            if route_closed(world, state, f, arc) is not None:
                continue
            if bool(state.allied[0, f, state.controller[0, target]]) != to_friends:
                continue
            order = cls(
                world.faction_ids[f],
                world.location_ids[origin],
                world.location_ids[target],
                float(forces[origin]),
            )
            yield (0, arc), order  # type: ignore[misc]

    @classmethod
    def _ground_read(
        cls, world: World, state: State, orders: OrderArrays, run: int, to_friends: bool
    ) -> Iterator[tuple[SortKey, Order]]:
        """The orders of the kind that ``orders`` holds for game ``run`` of ``state``."""
        friendly = friendly_here(state.allied[run : run + 1], state.controller[run : run + 1])[0]
        flow = orders.flow[run]
        for f, arc in zip(*np.nonzero(flow > 0), strict=True):
            origin, target = int(world.arc_src[arc]), int(world.arc_dst[arc])
            if bool(friendly[f, target]) != to_friends:
                continue
            order = cls(
                world.faction_ids[f],
                world.location_ids[origin],
                world.location_ids[target],
                float(flow[f, arc]),
            )
            yield (0, int(f), int(arc)), order  # type: ignore[misc]


@dataclass(frozen=True)
class Attack(GroundOrder):
    """Send ``amount`` strength from ``origin`` against the enemy-held ``target`` next to it."""

    kind: ClassVar[str] = "attack"

    def describe(self) -> str:
        """The order with ids, as the engine's messages give it."""
        return f"Attack {self.target} from {self.origin} with {self.amount:g}"

    def title(self, world: World) -> str:
        """The order in a player's words, places by name, without the amount."""
        return f"Attack {_place(world, self.target)} from {_place(world, self.origin)}"

    def record(self, ledger: Ledger) -> None:
        """Count what the order uses up in ``ledger``, and its faction among the target's
        attackers."""
        super().record(ledger)
        ledger.attackers.setdefault(self.target, set()).add((self.faction, self.origin))

    def check_holder(self, world: World, faction: int, holder: int, friendly: bool) -> None:
        """Raise :class:`IllegalOrderError` if the target is held by the faction's side."""
        if friendly:
            raise IllegalOrderError(
                f"{self.target} is held by {world.faction_ids[holder]}, "
                + ("your own side" if holder == faction else "an ally")
                + ": move there instead"
            )

    @classmethod
    def offers(cls, world: World, state: State, f: int) -> Iterator[tuple[SortKey, Order]]:
        """Every attack faction ``f`` may make in game 0, each with all it has there."""
        return cls._ground_offers(world, state, f, to_friends=False)

    @classmethod
    def read(
        cls, world: World, state: State, orders: OrderArrays, run: int
    ) -> Iterator[tuple[SortKey, Order]]:
        """The attacks in game ``run`` of ``orders`` (flows into places held by enemies)."""
        return cls._ground_read(world, state, orders, run, to_friends=False)


@dataclass(frozen=True)
class Move(GroundOrder):
    """Move ``amount`` strength from ``origin`` to the friendly ``target`` next to it."""

    kind: ClassVar[str] = "move"

    def describe(self) -> str:
        """The order with ids, as the engine's messages give it."""
        return f"Move {self.amount:g} from {self.origin} to {self.target}"

    def title(self, world: World) -> str:
        """The order in a player's words, places by name, without the amount."""
        return f"Move from {_place(world, self.origin)} to {_place(world, self.target)}"

    def check_holder(self, world: World, faction: int, holder: int, friendly: bool) -> None:
        """Raise :class:`IllegalOrderError` if the target is held by an enemy."""
        if not friendly:
            raise IllegalOrderError(
                f"{self.target} is held by {world.faction_ids[holder]}, an enemy: attack it instead"
            )

    @classmethod
    def offers(cls, world: World, state: State, f: int) -> Iterator[tuple[SortKey, Order]]:
        """Every move faction ``f`` may make in game 0, each with all it has there."""
        return cls._ground_offers(world, state, f, to_friends=True)

    @classmethod
    def read(
        cls, world: World, state: State, orders: OrderArrays, run: int
    ) -> Iterator[tuple[SortKey, Order]]:
        """The moves in game ``run`` of ``orders`` (flows into places held by the side)."""
        return cls._ground_read(world, state, orders, run, to_friends=True)


@dataclass(frozen=True)
class AirOrder:
    """What every air order shares: ``sorties`` of the air-support entry ``air_support``,
    flown by ``faction`` at ``target``."""

    faction: FactionId
    air_support: AirSupportId
    target: LocationId
    sorties: int

    unit: ClassVar[str] = "sorties"
    rank: ClassVar[int]  # where the kind's orders stand among air orders of one entry and place
    array: ClassVar[str]  # the field of OrderArrays that holds the kind's sorties

    @property
    def place(self) -> LocationId:
        """The place the order is given at: where the aircraft fly."""
        return self.target

    @property
    def size(self) -> int:
        """How many sorties the order flies."""
        return self.sorties

    def resized(self, size: float) -> Self:
        """The same order with another number of sorties."""
        return replace(self, sorties=int(size))

    def aircraft(self, world: World) -> str:
        """The name of the air-support entry."""
        return world.scenario.air_support[world.air_index(self.air_support)].name

    def compile_into(self, world: World, arrays: OrderArrays, run: int) -> None:
        """Add the order to game ``run`` of ``arrays``."""
        target: FloatArray = getattr(arrays, self.array)
        target[run, world.air_index(self.air_support), world.location_index(self.target)] += (
            self.sorties
        )

    def record(self, ledger: Ledger) -> None:
        """Count what the order uses up in ``ledger``."""
        ledger.sorties[self.air_support] = ledger.sorties.get(self.air_support, 0) + self.sorties

    def check(self, world: World, state: State, faction: int, target: int, pending: Ledger) -> None:
        """Raise :class:`IllegalOrderError` unless the order is legal (see :func:`validate`)."""
        entry = _index(world.lookup["air"], self.air_support, "air-support entry")
        if int(world.air_provider[entry]) != faction:
            raise IllegalOrderError(
                f"{self.air_support} is flown by {world.faction_ids[world.air_provider[entry]]}, "
                f"not {self.faction}"
            )
        if not isinstance(self.sorties, int) or isinstance(self.sorties, bool) or self.sorties <= 0:
            raise IllegalOrderError(
                f"sorties must be a whole number above 0, not {shown(self.sorties)}"
            )
        left = int(available_sorties(world, state)[0, entry]) - pending.sorties.get(
            self.air_support, 0
        )
        if self.sorties > left:
            raise IllegalOrderError(
                f"{self.air_support} has {max(left, 0)} sorties left this turn"
                + ("" if left > 0 else " (none fly while an enemy holds its base)")
            )
        if not bool(world.air_in_range[entry, target]):
            raise IllegalOrderError(f"{self.target} is out of range of {self.air_support}")
        beneficiary = int(world.air_beneficiary[entry])
        enemies = ~state.allied[0, beneficiary] & (state.forces[0, :, target] > 0)
        self.check_target(world, state, beneficiary, target, bool(enemies.any()), pending)

    def check_target(
        self,
        world: World,
        state: State,
        beneficiary: int,
        target: int,
        enemies: bool,
        pending: Ledger,
    ) -> None:
        """Raise :class:`IllegalOrderError` unless the target suits the kind (``enemies``:
        whether enemies of the beneficiary's side stand there)."""
        raise NotImplementedError

    @classmethod
    def offers(cls, world: World, state: State, f: int) -> Iterator[tuple[SortKey, Order]]:
        """Every order of the kind faction ``f`` may give in game 0, each with all the
        sorties its entry has: at every place in range where enemies of the beneficiary are."""
        sorties = available_sorties(world, state)[0]
        for entry in np.flatnonzero((world.air_provider == f) & (sorties > 0)):
            beneficiary = int(world.air_beneficiary[entry])
            present = cls.targets(world, state)  # F x L
            for target_index in np.flatnonzero(world.air_in_range[entry]):
                target = int(target_index)
                if (~state.allied[0, beneficiary] & present[:, target]).any():
                    order = cls(
                        world.faction_ids[f],
                        world.air_ids[entry],
                        world.location_ids[target],
                        int(sorties[entry]),
                    )
                    yield (1, int(entry), target, cls.rank), order  # type: ignore[misc]

    @classmethod
    def targets(cls, world: World, state: State) -> BoolArray:
        """``F x L``: where each faction has forces the kind's offers count (game 0)."""
        present: BoolArray = state.forces[0] > 0
        return present

    @classmethod
    def read(
        cls, world: World, state: State, orders: OrderArrays, run: int
    ) -> Iterator[tuple[SortKey, Order]]:
        """The orders of the kind in game ``run`` of ``orders``."""
        sorties = getattr(orders, cls.array)[run]
        for entry, place in zip(*np.nonzero(sorties > 0), strict=True):
            order = cls(
                world.faction_ids[world.air_provider[entry]],
                world.air_ids[entry],
                world.location_ids[place],
                int(sorties[entry, place]),
            )
            yield (1 + cls.rank, int(entry), int(place)), order  # type: ignore[misc]


@dataclass(frozen=True)
class Airstrike(AirOrder):
    """Fly ``sorties`` of an air-support entry against enemy forces at ``target``."""

    kind: ClassVar[str] = "airstrike"
    rank: ClassVar[int] = 0
    array: ClassVar[str] = "strike"

    def describe(self) -> str:
        """The order with ids, as the engine's messages give it."""
        return (
            f"Airstrike on {self.target}: {counted(self.sorties, 'sortie')} of {self.air_support}"
        )

    def title(self, world: World) -> str:
        """The order in a player's words, names for ids, without the sorties."""
        return f"Airstrike on {_place(world, self.target)} by {self.aircraft(world)}"

    def check_target(
        self,
        world: World,
        state: State,
        beneficiary: int,
        target: int,
        enemies: bool,
        pending: Ledger,
    ) -> None:
        """Raise :class:`IllegalOrderError` unless enemies of the beneficiary's side stand at
        the target or are due there from the road this turn (a strike catches them on the
        way in)."""
        if enemies or np.count_nonzero(
            ~state.allied[0, beneficiary] & due_at(world, state, target)
        ):
            return
        raise IllegalOrderError(
            f"no enemy of {world.faction_ids[beneficiary]} is at {self.target} or on the road "
            "in: only allies would be hit"
        )

    @classmethod
    def targets(cls, world: World, state: State) -> BoolArray:
        """``F x L``: where each faction has forces, or a column due this turn (game 0)."""
        present: BoolArray = state.forces[0] > 0
        if world.roads.n_slots and np.count_nonzero(state.transit[0]):
            roads = world.roads
            heads = roads.slot_start[roads.slots > 0]
            due = np.zeros(present.shape, dtype=bool)
            on_road = state.transit[0][:, heads] > 0  # F x H
            faction, head = np.nonzero(on_road)
            due[faction, world.arc_dst[roads.slot_arc[heads[head]]]] = True
            present = present | due
        return present


@dataclass(frozen=True)
class CloseSupport(AirOrder):
    """Fly ``sorties`` in close support of the beneficiary's side in the battle at ``target``."""

    kind: ClassVar[str] = "close_support"
    rank: ClassVar[int] = 1
    array: ClassVar[str] = "support"

    def describe(self) -> str:
        """The order with ids, as the engine's messages give it."""
        sorties = counted(self.sorties, "sortie")
        return f"Close support at {self.target}: {sorties} of {self.air_support}"

    def title(self, world: World) -> str:
        """The order in a player's words, names for ids, without the sorties."""
        return f"Close support over {_place(world, self.target)} by {self.aircraft(world)}"

    def check_target(
        self,
        world: World,
        state: State,
        beneficiary: int,
        target: int,
        enemies: bool,
        pending: Ledger,
    ) -> None:
        """Raise :class:`IllegalOrderError` unless a battle involving the beneficiary's side
        may be fought at the target this turn."""
        if not (enemies or _threatened(world, state, beneficiary, target, self.target, pending)):
            raise IllegalOrderError(
                f"no battle is possible for {world.faction_ids[beneficiary]} at {self.target}: "
                "no enemy is there or can reach it this turn, and no attack on it arrives "
                "this turn"
            )


Order = Attack | Move | Airstrike | CloseSupport
"""Every kind of order, for ``match`` statements mypy checks are exhaustive."""

ORDER_KINDS: dict[str, type[Order]] = {
    kind.kind: kind for kind in (Attack, Move, Airstrike, CloseSupport)
}
"""Each kind of order by the name saves give it, in the order listings give them."""


def _place(world: World, place_id: str) -> str:
    return world.location_names[world.location_index(place_id)]


def order_to_data(order: Order) -> dict[str, Any]:
    """An order as plain JSON data (for saves)."""
    return {"kind": order.kind, **asdict(order)}


def order_from_data(data: dict[str, Any]) -> Order:
    """The inverse of :func:`order_to_data`; raises ``ValueError`` on malformed data."""
    try:
        cls = ORDER_KINDS[data["kind"]]
        values = {k: v for k, v in data.items() if k != "kind"}
        order = cls(**values)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not an order: {shown(data)}") from exc
    return order


def checking_order(orders: Iterable[Order]) -> list[Order]:
    """``orders`` with the ground orders first and the air orders after, each in the order
    given: the order to check a turn's orders in as one set, whoever gave them.

    A ground order's check reads only its own side's earlier ground orders, and an air
    order's only its own entry's earlier sorties and the attacks ordered (close support may
    rely on any side's). So orders accepted one by one in any order are all accepted again
    in this one, and they compile to the same arrays."""
    return sorted(orders, key=lambda order: isinstance(order, AirOrder))


def compile_orders(world: World, orders_per_run: Sequence[Iterable[Order]]) -> OrderArrays:
    """The array form of each run's list of (already validated) orders."""
    arrays = no_orders(world, len(orders_per_run))
    for b, orders in enumerate(orders_per_run):
        for order in orders:
            order.compile_into(world, arrays, b)
    return arrays


def read_orders(world: World, state: State, orders: OrderArrays, run: int = 0) -> list[Order]:
    """Game ``run``'s orders as objects, the inverse of :func:`compile_orders`: ground
    orders first (air support may depend on the attacks they make), then strikes and close
    support."""
    found = [item for kind in ORDER_KINDS.values() for item in kind.read(world, state, orders, run)]
    found.sort(key=lambda item: item[0])
    return [order for _, order in found]


def available_sorties(world: World, state: State) -> np.ndarray:
    """Sorties each air-support entry can fly this turn, ``B x A``: its rate a day times the
    days of a turn, and none while its base is held by a faction that is not the provider's
    ally. In declared weather, only the weather's share of each day's fly (rounded down)."""
    if not world.air_ids:
        return np.zeros((state.batch, 0), dtype=np.int64)
    b = np.arange(state.batch)[:, np.newaxis]
    base = np.maximum(world.air_base, 0)
    holder = state.controller[:, base]
    base_ok = state.allied[b, world.air_provider[np.newaxis, :], holder] | (world.air_base < 0)
    rate = state.sortie_rate
    if world.weather.declared:  # the share of a day's sorties, rounded down, every day
        share = world.weather.sorties[state.weather][:, np.newaxis]
        rate = np.floor(rate * share).astype(np.int64)
    rate = rate * world.turn_length_days
    return np.where(base_ok & ~state.done[:, np.newaxis], rate, 0)


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
    order.check(world, state, faction, target, ledger)


def route_closed(world: World, state: State, faction: int, arc: int) -> str | None:
    """Why ``faction`` may not use ``arc`` in game 0 ("it is cut", "it is closed to ..."),
    or ``None`` if it may."""
    route = arc % world.n_routes
    closed = state.closed[0, :, route]
    if not closed.any():
        return None
    if closed.all():
        return "it is cut"
    barring = [g for g in range(world.n_factions) if closed[g] and state.allied[0, faction, g]]
    if not barring:
        return None
    if barring == [faction]:
        return f"it is closed to {world.faction_ids[faction]}"
    names = ", ".join(world.faction_ids[g] for g in barring)
    return f"it is closed to {names} and their allies"


def _threatened(
    world: World, state: State, side: int, target: int, name: str, pending: Ledger
) -> bool:
    """Whether a battle involving ``side`` may be fought at ``target`` this turn: forces that
    can arrive there this turn are hostile to whoever holds it. Those are forces next to it
    along a route crossed in one turn at the free pace, forces on the road that arrive there
    this turn, and this turn's attacks along such routes."""
    holds = bool(state.allied[0, side, state.controller[0, target]])
    friends = state.allied[0, side]
    roads = world.roads
    into = world.graph.in_arcs[target][world.graph.out_valid[target]]  # arcs ending there
    quick = into[roads.free_legs[into] == 1]
    arriving = due_at(world, state, target)
    if holds:
        next_door = (state.forces[0][:, world.arc_src[quick]] > 0).any(axis=1)
        if np.count_nonzero(~friends & (next_door | arriving)):
            return True
    elif np.count_nonzero(friends & arriving):
        return True
    arcs, places = world.lookup["arcs"], world.lookup["locations"]
    for faction, origin in sorted(pending.attackers.get(name, ())):
        arc = arcs.get((places.get(origin), target))
        ours = bool(friends[world.lookup["factions"][faction]])
        if arc is not None and ours and int(roads.free_legs[arc]) == 1:
            return True
    return False


def due_at(world: World, state: State, target: int) -> BoolArray:
    """``F``: which factions have forces on the road that arrive at ``target`` in this turn's
    movement phase (in game 0)."""
    roads = world.roads
    into = world.graph.in_arcs[target][world.graph.out_valid[target]]  # arcs ending there
    heads = roads.slot_start[into[roads.slots[into] > 0]]  # what arrives next movement phase
    arriving: BoolArray = state.transit[0][:, heads].sum(axis=1) > 0
    return arriving


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


def legal_orders(world: World, state: State, faction_id: FactionId) -> list[Order]:
    """Every order the faction may give in game 0, each with all it has available: ground
    orders route by route, then air orders entry by entry and place by place.

    >>> from frontlines.engine import compile_world, initial_state, load_scenario
    >>> world = compile_world(load_scenario("aleppo-2024"))
    >>> legal_orders(world, initial_state(world), "opposition")[0].describe()
    'Move 6 from idlib to western-aleppo'
    """
    if bool(state.done[0]):
        return []
    f = world.faction_index(faction_id)
    found = [item for kind in ORDER_KINDS.values() for item in kind.offers(world, state, f)]
    found.sort(key=lambda item: item[0])
    return [order for _, order in found]
