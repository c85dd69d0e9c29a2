"""The game screen: the map, the factions, the selected place, the pending orders and the
news of the last turn."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from frontlines.engine.events import Event
from frontlines.engine.orders import IllegalOrderError, Order
from frontlines.engine.saves import SaveError
from frontlines.engine.view import observe
from frontlines.tui.commands import Command, GameCommands, all_commands, place_commands
from frontlines.tui.screens.battles import BattlesScreen
from frontlines.tui.screens.forecast import ForecastScreen
from frontlines.tui.screens.gameover import GameOverScreen
from frontlines.tui.screens.help import HelpScreen
from frontlines.tui.screens.load import LoadScreen
from frontlines.tui.screens.order import (
    ORDER_KEYS,
    OrderDialog,
    candidates,
    order_line,
    order_title,
)
from frontlines.tui.screens.picker import goal_text
from frontlines.tui.screens.prompt import ConfirmScreen, SaveNameScreen
from frontlines.tui.session import Session
from frontlines.tui.widgets.factions import FactionsPanel
from frontlines.tui.widgets.map import MapView
from frontlines.tui.widgets.news import NewsLog
from frontlines.tui.widgets.place import PlaceDetails


class MainScreen(Screen[None]):
    """Play the game: select places, give orders, end turns."""

    COMMANDS: ClassVar = {GameCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        # The footer shows these in this order and cuts the last ones on a small terminal.
        Binding("e", "end_turn", "End turn"),
        *(Binding(k.key, f"order('{name}')", k.label) for name, k in ORDER_KEYS.items()),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit_game", "Quit"),
        Binding("f", "forecast", "Forecast"),
        Binding("b", "battles", "Battles"),
        Binding("ctrl+s", "save", "Save"),
        Binding("w", "withdraw", "Withdraw", show=False),
        Binding("u", "undo", "Undo", show=False),
        Binding("tab", "next_place(1)", "Next place", show=False, priority=True),
        Binding("shift+tab", "next_place(-1)", "Previous place", show=False, priority=True),
        Binding("slash", "find_place", "Find place", show=False),
        Binding("n", "news", "News", show=False),
        Binding("escape", "back_to_map", "Map", show=False),
        Binding("ctrl+o", "load", "Load", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.selected: str | None = None
        self.busy = False

    # -- layout -----------------------------------------------------------------------------

    def palette_commands(self) -> list[Command]:
        """Every order, place and action the command palette offers now."""
        return all_commands(self)

    def compose(self) -> ComposeResult:
        game = self.session.game
        yield Header()
        with Horizontal(id="body"):
            yield MapView(game.world, game.state, player=self.session.player, id="map")
            with Vertical(id="side"):
                yield FactionsPanel(id="factions")
                yield PlaceDetails(id="place")
                yield Static(id="orders")
        yield NewsLog(id="news")
        yield Footer()

    def on_mount(self) -> None:
        game = self.session.game
        self.title = game.scenario.title
        self.query_one(MapView).focus()
        self.show_news()
        self.refresh_all()
        if game.over:
            self.call_after_refresh(self.app.push_screen, GameOverScreen(self.session))

    def show_news(self) -> None:
        """The log from the game's events: the briefing, then every turn played."""
        game = self.session.game
        news = self.query_one(NewsLog)
        news.clear()
        news.say(game.scenario.description)
        you = game.world.faction_names[game.world.faction_index(self.session.player)]
        goals = [
            goal_text(game.scenario, goal)
            for goal in game.scenario.victory
            if goal.faction == self.session.player
        ]
        news.say(f"You command {you}." + "".join(f" To win: {g}" for g in goals), style="bold")
        news.say(
            "Select a place, give orders (a, m, s, c), then end the turn (e). ? for help, "
            "ctrl+p for every order by name."
        )
        for turn, events in enumerate(game.events, start=1):
            news.report(turn, events)

    # -- showing the game --------------------------------------------------------------------

    def refresh_all(self) -> None:
        """Render every panel from the engine's state (widgets keep no game state)."""
        session, game = self.session, self.session.game
        world, state = game.world, game.state
        day = game.scenario.first_day(state.turn + 1)
        weather = observe(world, state).weather
        self.sub_title = (
            f"turn {state.turn + 1} of {game.scenario.max_turns}, {day:%d %B %Y}"
            + (f", weather: {weather.lower()}" if weather else "")
            if not game.over
            else "the game is over"
        )
        view = self.query_one(MapView)
        view.state = state
        self.query_one(FactionsPanel).show(world, state, session.player)
        self.query_one(PlaceDetails).show(world, state, self.selected, game.events)
        pending = Text("Orders this turn", style="bold")
        for order in game.pending:
            pending.append(f"\n  {order_line(world, order)}")
        if not game.pending:
            pending.append("\n  none yet", style="dim")
        self.query_one("#orders", Static).update(pending)

    def on_map_view_place_selected(self, message: MapView.PlaceSelected) -> None:
        self.selected = message.place_id
        self.refresh_all()

    def on_news_log_battle_chosen(self, message: NewsLog.BattleChosen) -> None:
        self.app.push_screen(BattlesScreen(self.session.game.events, message.battle))

    def select_place(self, place: str) -> None:
        self.query_one(MapView).select(place)
        self.query_one(MapView).focus()

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No key works before the panels are composed (a key typed as a loaded game
        replaces this screen): the actions look for them."""
        return self.is_mounted

    def action_next_place(self, step: int) -> None:
        ids = list(self.session.game.world.location_ids)
        index = ids.index(self.selected) if self.selected in ids else -step
        self.query_one(MapView).select(ids[(index + step) % len(ids)])

    def action_order(self, kind: str) -> None:
        if self.busy or self.session.game.over:
            return
        if self.selected is None:
            self.notify("Select a place first.", severity="warning")
            return
        game = self.session.game
        offered = candidates(game.legal_orders(self.session.player), kind, self.selected)
        place = game.world.location_names[game.world.location_index(self.selected)]
        if not offered:
            self.notify(f"No {kind} order is possible at {place} now.", severity="warning")
            return
        self.app.push_screen(
            OrderDialog(
                ORDER_KEYS[kind].dialog.format(place=place), offered, game.world, game.state
            ),
            self.give,
        )

    def open_order(self, order: Order) -> None:
        """The order dialog for one order (from the command palette), its place selected."""
        if self.busy or self.session.game.over:
            return
        world = self.session.game.world
        self.select_place(order.place)
        self.app.push_screen(
            OrderDialog(order_title(world, order), [order], world, self.session.game.state),
            self.give,
        )

    def action_find_place(self) -> None:
        self.app.search_commands(
            [(c.title.removeprefix("Select "), c.run, c.help) for c in place_commands(self)],
            placeholder="Type a place's name…",
        )

    def action_news(self) -> None:
        self.query_one(NewsLog).focus()

    def action_back_to_map(self) -> None:
        self.query_one(MapView).focus()

    def give(self, order: Order | None) -> None:
        """Issue an order from a dialog; the engine's reason if it is refused."""
        if order is None:
            return
        try:
            self.session.issue(order)
        except IllegalOrderError as exc:
            self.notify(f"Refused: {exc}", severity="error")
            return
        self.refresh_all()

    def action_withdraw(self) -> None:
        if self.busy:
            self.notify("The turn is being played.", severity="warning")
            return
        if self.session.game.pending:
            world = self.session.game.world
            also = self.session.withdraw(self.session.game.pending[-1])
            if also:
                lines = "; ".join(order_line(world, o) for o in also)
                self.notify(f"Also withdrawn, as they depended on it: {lines}")
            self.refresh_all()

    def action_end_turn(self) -> None:
        if self.busy or self.session.game.over:
            return
        self.busy = True
        self.sub_title = "the computer is giving its orders…"
        self.query_one(MapView).loading = True
        self.play_turn()

    @work(thread=True, exit_on_error=False, exclusive=True)
    def play_turn(self) -> None:
        try:
            events = self.session.end_turn()
        except Exception as exc:  # a bug must not kill the game: show it and carry on
            self.app.call_from_thread(self.turn_failed, exc)
            return
        self.app.call_from_thread(self.turn_done, events)

    def turn_done(self, events: tuple[Event, ...]) -> None:
        self.busy = False
        self.query_one(MapView).loading = False
        self.query_one(NewsLog).report(self.session.game.turn, events)
        self.refresh_all()
        if self.session.last_autosave_error:
            self.notify(
                f"{self.session.last_autosave_error}. Save with ctrl+s elsewhere to keep "
                "this game.",
                severity="warning",
                timeout=10,
            )
        if self.session.game.over:
            self.app.push_screen(GameOverScreen(self.session))

    def turn_failed(self, exc: Exception) -> None:
        self.busy = False
        self.query_one(MapView).loading = False
        message = f"The turn could not be played: {exc}"
        self.notify(message, severity="error", timeout=10)
        self.query_one(NewsLog).say(f"⚠ {message}. The game is as it was; try again or save.")
        self.refresh_all()

    def action_undo(self) -> None:
        if self.busy:
            return
        try:
            self.session.undo()
        except ValueError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.show_news()
        self.query_one(NewsLog).say("— Last turn undone —", style="bold")
        self.refresh_all()

    def action_save(self) -> None:
        if self.busy:
            self.notify("The turn is being played; save when it is done.", severity="warning")
            return
        suggestion = f"{self.session.game.scenario.id}-turn-{self.session.game.turn}"
        self.app.push_screen(SaveNameScreen(suggestion), self.save_as)

    def save_as(self, name: str | None) -> None:
        if name is None:
            return
        if self.session.saves is None:
            self.notify("Saving is off: no folder could be written.", severity="error")
            return
        path = self.session.saves / f"{name}.json"
        if path.exists() and path != self.session.saved_path:

            def answer(yes: bool | None) -> None:
                if yes:
                    self.write_save(path)

            self.app.push_screen(ConfirmScreen(f"Replace the save {path.name}?"), answer)
            return
        self.write_save(path)

    def write_save(self, path: Path) -> None:
        try:
            self.session.save(path)
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            self.notify(f"Could not save: {reason}", severity="error")
            return
        self.notify(f"Saved to {path}")

    def action_load(self) -> None:
        if self.busy:
            return
        if not self.session.unsaved:
            self.app.push_screen(LoadScreen(self.session.saves), self.load)
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(LoadScreen(self.session.saves), self.load)

        self.app.push_screen(
            ConfirmScreen("Load another game? Orders given this turn are not saved."), answer
        )

    def load(self, path: Path | None) -> None:
        if path is None:
            return
        try:
            session = Session.load(path, saves=self.session.saves)
        except SaveError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        self.session.close()  # its autosave names are free for the next game
        self.app.session = session  # type: ignore[attr-defined]
        self.app.switch_screen(MainScreen(session))

    def action_forecast(self) -> None:
        if not self.busy and not self.session.game.over:
            self.app.push_screen(ForecastScreen(self.session))

    def action_battles(self) -> None:
        self.app.push_screen(BattlesScreen(self.session.game.events))

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_quit_game(self) -> None:
        if not self.session.unsaved and not self.busy:
            self.app.exit()
            return
        question = (
            "Quit while the turn is being played? It will not be saved."
            if self.busy
            else "Quit? Orders given this turn are not saved."
        )

        def answer(yes: bool | None) -> None:
            if yes:
                self.app.exit()

        self.app.push_screen(ConfirmScreen(question), answer)
