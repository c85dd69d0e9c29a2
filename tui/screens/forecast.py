"""The forecast view: from the current position, each place's chance of changing hands in the
next few turns, played out by the computer in a worker while a bar shows progress."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Static

from frontlines.engine.forecast import ForecastRequest, forecast
from frontlines.engine.report import ForecastReport
from frontlines.tui.screens.once import ClosesOnce
from frontlines.tui.session import Session
from frontlines.tui.widgets.map import MapView

RUNS = 500
HORIZON = 5


def chances_table(report: ForecastReport, names: dict[str, str]) -> Table:
    """Places by their chance of changing hands, most likely first."""
    table = Table(expand=True, box=None, header_style="bold", pad_edge=False)
    table.add_column("place", no_wrap=True, overflow="ellipsis")
    table.add_column("held by", no_wrap=True, overflow="ellipsis")
    table.add_column("falls", justify="right", no_wrap=True)
    for place in sorted(report.base.locations, key=lambda place: -place.changes_hands):
        table.add_row(names[place.id], place.holder_at_start, f"{100 * place.changes_hands:.0f}%")
    return table


class ForecastScreen(ClosesOnce[None], Screen[None]):
    """What the next turns are likely to bring, if both sides play as the computer does."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f,q", "close", "Back to the game"),
    ]

    def __init__(self, session: Session, *, runs: int = RUNS, turns: int = HORIZON) -> None:
        super().__init__()
        self.session = session
        game = session.game
        self.turns = max(1, min(turns, game.scenario.max_turns - game.turn))
        self.runs = runs
        self.report: ForecastReport | None = None

    def compose(self) -> ComposeResult:
        game = self.session.game
        yield Header()
        with Horizontal(id="body"):
            yield MapView(game.world, game.state, player=self.session.player, id="map")
            with Vertical(id="side"):
                yield Static(
                    f"Chance that each place changes hands in the next {self.turns} turns "
                    f"({self.runs} games, every side played by the computer):",
                    id="forecast-heading",
                )
                yield ProgressBar(
                    total=self.runs * self.turns, show_eta=False, id="forecast-progress"
                )
                yield Static(id="forecast-table")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Forecast"
        self.run_forecast()

    @work(thread=True, exit_on_error=False, exclusive=True)
    def run_forecast(self) -> None:
        game = self.session.game
        request = ForecastRequest(
            game.scenario,
            self.runs,
            self.turns,
            game.seed,
            start=(game.world, game.state),
        )

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self.query_one(ProgressBar).update, progress=done)

        try:
            report = forecast(request, progress)
        except Exception as exc:  # shown, never a dead app
            self.app.call_from_thread(self.notify, f"Forecast failed: {exc}", severity="error")
            return
        self.app.call_from_thread(self.show, report)

    def show(self, report: ForecastReport) -> None:
        self.report = report
        world = self.session.game.world
        names = dict(zip(world.location_ids, world.location_names, strict=True))
        shading = {place.id: place.changes_hands for place in report.base.locations}
        self.query_one(MapView).shading = shading
        self.query_one("#forecast-table", Static).update(chances_table(report, names))

    def action_close(self) -> None:
        self.dismiss(None)
