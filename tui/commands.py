"""The command palette of the game screen (ctrl+p): every legal order by name ("Attack Hama
from Aleppo"), every place to select by typing its name, and the game's actions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from frontlines.tui.screens.order import order_title, size_text

if TYPE_CHECKING:
    from frontlines.tui.screens.main import MainScreen


@dataclass(frozen=True)
class Command:
    title: str
    help: str
    run: Callable[[], object]


@runtime_checkable
class HasCommands(Protocol):
    """A screen that offers commands to the palette (the game screen)."""

    def palette_commands(self) -> list[Command]: ...


def order_commands(screen: MainScreen) -> Iterator[Command]:
    """One command per legal order of the player; each opens the order dialog on it."""
    session = screen.session
    if screen.busy or session.game.over:
        return
    world = session.game.world
    for order in session.game.legal_orders(session.player):
        amount = f"up to {size_text(order)} {order.unit}"
        yield Command(
            order_title(world, order),
            f"{amount}; choose how much",
            partial(screen.open_order, order),
        )


def place_commands(screen: MainScreen) -> Iterator[Command]:
    """Select any place by name."""
    world = screen.session.game.world
    for place, name in zip(world.location_ids, world.location_names, strict=True):
        yield Command(f"Select {name}", "show it on the map", partial(screen.select_place, place))


def action_commands(screen: MainScreen) -> Iterator[Command]:
    """The game's actions, as on the keys."""
    yield Command(
        "End turn",
        "the computer gives its orders and the day is played (e)",
        screen.action_end_turn,
    )
    yield Command("Forecast", "each place's chance of changing hands (f)", screen.action_forecast)
    yield Command("Battles", "every battle so far with its factors (b)", screen.action_battles)
    yield Command("Undo last turn", "back to the start of the last turn (u)", screen.action_undo)
    yield Command("Save game", "save under a name (ctrl+s)", screen.action_save)
    yield Command("Load game", "resume a saved game (ctrl+o)", screen.action_load)
    yield Command("Help", "every key (?)", screen.action_help)


def all_commands(screen: MainScreen) -> list[Command]:
    return [*order_commands(screen), *place_commands(screen), *action_commands(screen)]


class GameCommands(Provider):
    """Orders, places and actions for the palette, built when it opens."""

    async def startup(self) -> None:
        screen = self.screen
        self.commands = screen.palette_commands() if isinstance(screen, HasCommands) else []

    async def discover(self) -> Hits:
        for command in self.commands:
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands:
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.run, help=command.help)
