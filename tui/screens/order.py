"""The order dialog: pick what to do from the selected place, and how much of it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from frontlines.engine.orders import Airstrike, Attack, CloseSupport, GroundOrder, Move, Order
from frontlines.engine.state import State
from frontlines.engine.world import World
from frontlines.tui.screens.once import ClosesOnce


@dataclass(frozen=True)
class OrderKey:
    """How the game screen offers one kind of order: its key, the footer's word for it, and
    the dialog's title (``{place}`` is the selected place's name)."""

    key: str
    label: str
    dialog: str
    kind: type[Order]


ORDER_KEYS: dict[str, OrderKey] = {
    "attack": OrderKey("a", "Attack", "Attack from {place}", Attack),
    "move": OrderKey("m", "Move", "Move from {place}", Move),
    "airstrike": OrderKey("s", "Strike", "Airstrike on {place}", Airstrike),
    "support": OrderKey("c", "Support", "Close air support over {place}", CloseSupport),
}
"""Every kind of order the player can give, by the name of the game screen's action."""


def candidates(offered: Sequence[Order], kind: str, place: str) -> list[Order]:
    """The legal orders of one kind given at ``place``: those starting from it (ground) or
    flying over it (air)."""
    wanted = ORDER_KEYS[kind].kind
    return [order for order in offered if isinstance(order, wanted) and order.place == place]


def order_title(world: World, order: Order) -> str:
    """An order in the players' words, with places and aircraft by name (no amount)."""
    return order.title(world)


def amount_text(amount: float) -> str:
    """A strength as a player reads it: one decimal, rounded down so it is never more than
    is there."""
    return f"{math.floor(amount * 10 + 1e-9) / 10:g}"


def size_text(order: Order) -> str:
    """How much an order sends or flies, as a player reads it."""
    return amount_text(order.amount) if isinstance(order, GroundOrder) else str(order.sorties)


def order_line(world: World, order: Order) -> str:
    """:func:`order_title` with the amount: strength for ground orders, else sorties."""
    if isinstance(order, GroundOrder):
        return f"{order_title(world, order)} with {size_text(order)}"
    return f"{order_title(world, order)}: {size_text(order)} sorties"


def enemy_note(world: World, state: State, order: Order) -> str:
    """For an attack or an airstrike, the enemy strength at the target now."""
    if isinstance(order, Move):
        return ""
    me = world.faction_index(order.faction)
    target = world.location_index(order.target)
    hostile = ~state.allied[0, me]
    enemy = float(state.forces[0, hostile, target].sum())
    return f"; {amount_text(enemy)} enemy there"


def with_amount(order: Order, text: str) -> Order:
    """``order`` with the amount (or sorties) typed; raises ``ValueError`` if not a number."""
    return order.resized(float(text) if isinstance(order, GroundOrder) else int(text))


class OrderDialog(ClosesOnce[Order | None], ModalScreen[Order | None]):
    """Choose one of the offered orders and its amount; dismisses with the order or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, offered: Sequence[Order], world: World, state: State) -> None:
        super().__init__()
        self.title_text = title
        self.offered = list(offered)
        self.world = world
        self.state = state

    def compose(self) -> ComposeResult:
        with Vertical(id="order-dialog"):
            yield Label(self.title_text, id="order-title")
            yield OptionList(
                *(
                    Option(
                        f"{order_title(self.world, o)} (up to {self._default(i)}"
                        f"{enemy_note(self.world, self.state, o)})",
                        id=str(i),
                    )
                    for i, o in enumerate(self.offered)
                ),
                id="order-choices",
            )
            yield Label("Amount (strength, or sorties for aircraft):")
            yield Input(self._default(0), id="order-amount")
            yield Label("", id="order-error")
            with Horizontal(id="order-buttons"):
                yield Button("Give order", variant="primary", id="order-ok")
                yield Button("Cancel", id="order-cancel")

    def _default(self, index: int) -> str:
        if not self.offered:
            return ""
        return size_text(self.offered[index])

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.query_one("#order-amount", Input).value = self._default(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "order-ok":
            self._submit()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._submit()

    def _submit(self) -> None:
        choices = self.query_one("#order-choices", OptionList)
        index = choices.highlighted if choices.highlighted is not None else 0
        if not self.offered:
            self.dismiss(None)
            return
        typed = self.query_one("#order-amount", Input).value.strip()
        if typed == self._default(index):  # the offered amount, shown rounded: all of it
            self.dismiss(self.offered[index])
            return
        try:
            order = with_amount(self.offered[index], typed)
        except ValueError:
            ground = isinstance(self.offered[index], GroundOrder)
            wanted = "a number" if ground else "a whole number of sorties"
            self.query_one("#order-error", Label).update(f"The amount must be {wanted}.")
            return
        self.dismiss(order)

    def action_cancel(self) -> None:
        self.dismiss(None)
