"""The order dialog: pick what to do from the selected place, and how much of it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from frontlines.engine.orders import Airstrike, Attack, CloseSupport, Move, Order
from frontlines.engine.state import State
from frontlines.engine.world import World
from frontlines.tui.screens.once import ClosesOnce

KINDS: dict[str, tuple[type, ...]] = {
    "attack": (Attack,),
    "move": (Move,),
    "airstrike": (Airstrike,),
    "support": (CloseSupport,),
}


def candidates(offered: Sequence[Order], kind: str, place: str) -> list[Order]:
    """The legal orders of one kind that start from ``place`` (ground) or hit it (air)."""
    wanted = KINDS[kind]
    found: list[Order] = []
    for order in offered:
        if not isinstance(order, wanted):
            continue
        at = order.origin if isinstance(order, Attack | Move) else order.target
        if at == place:
            found.append(order)
    return found


def order_title(world: World, order: Order) -> str:
    """An order in the players' words, with places and aircraft by name (no amount)."""
    place = world.location_names
    if isinstance(order, Attack):
        origin, target = world.location_index(order.origin), world.location_index(order.target)
        return f"Attack {place[target]} from {place[origin]}"
    if isinstance(order, Move):
        origin, target = world.location_index(order.origin), world.location_index(order.target)
        return f"Move from {place[origin]} to {place[target]}"
    air = world.scenario.air_support[world.air_ids.index(order.air_support)].name
    target_name = place[world.location_index(order.target)]
    if isinstance(order, Airstrike):
        return f"Airstrike on {target_name} by {air}"
    return f"Close support over {target_name} by {air}"


def amount_text(amount: float) -> str:
    """A strength as a player reads it: one decimal, rounded down so it is never more than
    is there."""
    return f"{math.floor(amount * 10 + 1e-9) / 10:g}"


def order_line(world: World, order: Order) -> str:
    """:func:`order_title` with the amount: strength for ground orders, else sorties."""
    if isinstance(order, Attack | Move):
        return f"{order_title(world, order)} with {amount_text(order.amount)}"
    return f"{order_title(world, order)}: {order.sorties} sorties"


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
    if isinstance(order, Attack | Move):
        return replace(order, amount=float(text))
    return replace(order, sorties=int(text))


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
        order = self.offered[index]
        amount = order.amount if isinstance(order, Attack | Move) else order.sorties
        return amount_text(amount) if isinstance(order, Attack | Move) else str(amount)

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
            wanted = (
                "a number"
                if isinstance(self.offered[index], Attack | Move)
                else ("a whole number of sorties")
            )
            self.query_one("#order-error", Label).update(f"The amount must be {wanted}.")
            return
        self.dismiss(order)

    def action_cancel(self) -> None:
        self.dismiss(None)
