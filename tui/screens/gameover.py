"""The end of a game: the outcome, how the map changed hands turn by turn, the cost, and
where the game is saved."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from frontlines.engine.events import CivilianCasualties, Victory
from frontlines.tui.screens.once import ClosesOnce
from frontlines.tui.session import Session
from frontlines.tui.widgets.chart import territory_chart, value_shares


def outcome_line(session: Session) -> Text:
    """Who won, from the player's side of it."""
    game, world = session.game, session.game.world
    victory = (
        next((e for e in game.events[-1] if isinstance(e, Victory)), None) if game.events else None
    )
    day = game.scenario.last_day(game.turn)
    when = f"after turn {game.turn} ({day:%d %B %Y})"
    if victory is None or victory.winner is None:
        return Text(f"The game ends {when} with no side meeting its victory conditions: a draw.")
    me = world.faction_index(session.player)
    allied = bool(game.state.allied[0, me, world.faction_index(victory.winner)])
    verdict = "Your side wins." if allied else "Your side loses."
    return Text.assemble((f"Victory for {victory.name} {when}. ", "bold"), (verdict, "bold"))


def standings(session: Session) -> Table:
    """Each faction at the start and at the end: strength, places held, share of the value."""
    game, world = session.game, session.game.world
    first, last = game.states[0], game.state
    shares = value_shares(world, [first, last])
    table = Table(header_style="bold", box=None, pad_edge=False, padding=(0, 2, 0, 0))
    for column in ("faction", "strength", "places held", "share of value"):
        table.add_column(column, justify="left" if column == "faction" else "right")
    for f, spec in enumerate(game.scenario.factions):
        name = Text(spec.name, style=spec.colour)
        if spec.id == session.player:
            name.append(" (you)")
        table.add_row(
            name,
            f"{first.forces[0, f].sum():.1f} → {last.forces[0, f].sum():.1f}",
            f"{int((first.controller[0] == f).sum())} → {int((last.controller[0] == f).sum())}",
            f"{100 * shares[0, f]:.0f}% → {100 * shares[1, f]:.0f}%",
        )
    return table


def civilian_toll(session: Session) -> Text:
    """The civilian casualties monitors reported over the game, stated plainly."""
    reports = [e for turn in session.game.events for e in turn if isinstance(e, CivilianCasualties)]
    if not reports:
        return Text("No civilian casualties from airstrikes were reported in this game.")
    killed = sum(e.killed for e in reports)
    injured = sum(e.injured for e in reports)
    return Text(
        f"Airstrikes in this game killed {killed} civilians and injured {injured}, as "
        f"monitors reported them in {len(reports)} reports."
    )


class GameOverScreen(ClosesOnce[None], ModalScreen[None]):
    """Shown when the game ends; escape goes back to look at the map, q quits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "Back to the map"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        session = self.session
        saved = None if session.last_autosave_error else session.saved_path
        where = [
            Text.assemble(
                ("Saved: ", "bold"),
                str(saved) if saved else "not saved; ctrl+s on the map saves it",
            )
        ]
        if saved is not None:
            where.append(Text.assemble(("Replay: ", "bold"), f"frontlines replay {saved}"))
        with VerticalScroll(id="game-over"):
            yield Static(Text("Game over", style="bold"), classes="heading")
            yield Static(outcome_line(session))
            yield Static(
                Text("Share of the map's value held, turn by turn", style="bold"), classes="heading"
            )
            yield Static(id="territory")
            yield Static(standings(session), classes="heading")
            yield Static(civilian_toll(session), classes="heading")
            yield Static(Group(*where), classes="heading")
            yield Static(Text("escape: back to the map   q: quit", style="dim"), classes="heading")

    def on_resize(self) -> None:
        self.draw_chart()

    def on_mount(self) -> None:
        self.draw_chart()

    def draw_chart(self) -> None:
        chart = self.query_one("#territory", Static)
        game = self.session.game
        width = max(chart.content_size.width, 20)
        height = 10 if self.app.size.height >= 34 else 6
        chart.update(territory_chart(game.world, game.states, height=height, width=width))

    def action_close(self) -> None:
        self.dismiss(None)
