"""The Frontlines terminal app, and the factory the command line and the tests share."""

from __future__ import annotations

import os
import tempfile
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from textual.app import App, SystemCommand
from textual.await_complete import AwaitComplete
from textual.command import CommandListItem, CommandPalette, SimpleProvider
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import ThemeProvider
from textual.widget import AwaitMount
from textual.worker import WorkerFailed

from frontlines.engine.saves import SaveError
from frontlines.engine.scenario import Scenario, load_scenario, shipped_ids
from frontlines.engine.text import escaped
from frontlines.tui.screens.load import LoadScreen
from frontlines.tui.screens.main import MainScreen
from frontlines.tui.screens.once import GamePalette, done
from frontlines.tui.screens.picker import FactionPicker, ScenarioPicker
from frontlines.tui.session import DEFAULT_DIFFICULTY, Session, data_dir


@dataclass(frozen=True)
class Crash:
    """The error that stopped the app, in brief, and the file with its full traceback."""

    summary: str
    log: Path | None


def write_crash_log(error: BaseException, folder: Path | None) -> Path | None:
    """Write ``error``'s traceback to a new ``crash-*.log`` in ``folder`` (else the system's
    temporary folder); ``None`` if it cannot be written."""
    stamp = datetime.now()
    text = f"Frontlines stopped on an internal error, {stamp:%Y-%m-%d %H:%M:%S}.\n\n"
    text += "".join(traceback.format_exception(error))
    name = f"crash-{stamp:%Y%m%d-%H%M%S}-{os.getpid()}.log"
    path = (folder or Path(tempfile.gettempdir())) / name
    try:
        path.write_text(text, encoding="utf-8")
    except OSError:
        return None
    return path


def error_line(error: BaseException) -> str:
    """An error's type and message on one short line, escaped (it may quote anything)."""
    message = escaped(" ".join(str(error)[:1000].split()))
    line = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return line if len(line) <= 200 else line[:199] + "…"


class FrontlinesApp(App[None]):
    """Play a scenario against the computer."""

    CSS_PATH = "frontlines.tcss"
    TITLE = "Frontlines"
    # Every screen gets a class for the terminal's size, which the stylesheet lays out by.
    # (Textual declares these as instance attributes, so mypy refuses a ClassVar here.)
    HORIZONTAL_BREAKPOINTS = [(0, "-tiny"), (70, "-narrow"), (110, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]  # noqa: RUF012

    def __init__(
        self,
        *,
        session: Session | None = None,
        scenario: Scenario | None = None,
        seed: int = 0,
        difficulty: str = DEFAULT_DIFFICULTY,
        saves: Path | None = None,
        warning: str | None = None,
    ) -> None:
        super().__init__()
        self.notices: list[str] = []
        self.chose_scenario = False
        self.warning = warning
        self.session = session
        self.scenario = scenario
        self.seed = seed
        self.difficulty = difficulty
        self.saves = saves
        self.crash: Crash | None = None

    def on_mount(self) -> None:
        if self.warning:
            self.notify(self.warning, title="Saves", severity="warning", timeout=15)
        if self.session is not None:
            self.push_screen(MainScreen(self.session))
        elif self.scenario is not None:
            self.chose_scenario = False
            self.pick_faction(self.scenario)
        else:
            self.pick_scenario()

    def pick_scenario(self) -> None:
        self.chose_scenario = True
        scenarios = [load_scenario(s) for s in shipped_ids()]
        self.push_screen(ScenarioPicker(scenarios), self.pick_faction)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Show a notice as plain text (errors and paths may hold brackets, which are not
        markup) and keep it in :attr:`notices`."""
        self.notices.append(message)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's palette commands, with quitting through the game's question and the
        screenshot saved in the saves folder."""
        for command in super().get_system_commands(screen):
            if command.title == "Quit":
                yield SystemCommand(
                    "Quit", "Quit (asks first if orders would be lost)", self.action_quit
                )
            elif command.title == "Screenshot":
                yield SystemCommand(
                    "Screenshot", "Save an SVG picture of the screen", self.action_picture
                )
            else:
                yield command

    def pop_screen(self) -> AwaitComplete:
        """Close the top screen, unless it is the game's (only ever replaced, by loading)."""
        if isinstance(self.screen, MainScreen):
            self.log.warning("refused to pop the game screen")
            return done()
        return super().pop_screen()

    def action_command_palette(self) -> None:
        """Open the command palette (ctrl+p), one at a time."""
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(GamePalette(id="--command-palette"))

    def search_commands(
        self, commands: Sequence[CommandListItem], placeholder: str = "Search for commands…"
    ) -> AwaitMount:
        """A palette of ``commands`` (the ``/`` place finder)."""
        provider = SimpleProvider(self.screen, list(commands))
        # As in Textual's own search_commands: a provider instance, which its types omit.
        palette = GamePalette(providers=[provider], placeholder=placeholder)  # type: ignore[list-item]
        return self.push_screen(palette)

    def search_themes(self) -> None:
        """A palette of the themes (the palette's "Theme" command)."""
        self.push_screen(GamePalette(providers=[ThemeProvider], placeholder="Search for themes…"))

    def _handle_exception(self, error: Exception) -> None:
        """Keep the first error that stops the app, with its traceback in a crash log."""
        if self.crash is None:
            cause = error.error if isinstance(error, WorkerFailed) else error
            self.crash = Crash(error_line(cause), write_crash_log(cause, self.saves))
        super()._handle_exception(error)

    def _print_error_renderables(self) -> None:
        """Textual's traceback on the terminal, unless it is in the crash log (the command
        line then says where, in one line)."""
        if self.crash is not None and self.crash.log is not None:
            self._exit_renderables.clear()
        super()._print_error_renderables()

    async def action_quit(self) -> None:
        """Quit; in a game, ask first if orders given this turn would be lost, whatever
        dialog is open over it."""
        games = [s for s in self.screen_stack if isinstance(s, MainScreen)]
        if games:
            games[-1].action_quit_game()
        else:
            self.exit()

    def action_picture(self) -> None:
        folder = (self.saves or Path.cwd()) / "screenshots"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            saved = self.save_screenshot(path=str(folder))
        except OSError as exc:
            self.notify(f"Could not save the picture: {exc.strerror or exc}", severity="error")
            return
        self.notify(f"Picture saved to {saved}")

    def action_load_game(self) -> None:
        self.push_screen(LoadScreen(self.saves), self.resume)

    def resume(self, path: Path | None) -> None:
        if path is None:
            return
        try:
            session = Session.load(path, saves=self.saves)
        except SaveError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        self.start(session)

    def pick_faction(self, scenario: Scenario | None) -> None:
        if scenario is None:
            return
        self.scenario = scenario

        def chosen(choice: tuple[str, str] | None) -> None:
            if not choice or not choice[0]:  # back: to the scenarios, or out
                if self.chose_scenario:
                    self.pick_scenario()
                else:
                    self.exit()
                return
            faction, level = choice
            self.start(
                Session.new(scenario, faction, seed=self.seed, difficulty=level, saves=self.saves)
            )

        self.push_screen(FactionPicker(scenario, self.difficulty), chosen)

    def start(self, session: Session) -> None:
        if self.session is not None and self.session is not session:
            self.session.close()  # its autosave names are free for the next game
        self.session = session
        self.push_screen(MainScreen(session))


def writable_saves(folder: Path) -> tuple[Path | None, str | None]:
    """``folder`` if games can be saved there, else a folder in the system's temporary
    directory; with a warning for the player when it is not ``folder`` (``None`` and a
    warning when nothing can be written: the game is then played without saves)."""
    fallback = Path(tempfile.gettempdir()) / f"frontlines-{os.getuid()}"
    problem = ""
    for candidate in (folder, fallback):
        try:
            candidate.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=candidate, prefix=".probe-"):
                pass
        except OSError as exc:
            problem = problem or f"{exc.strerror or exc}"
            continue
        if candidate == folder:
            return folder, None
        return candidate, f"Cannot save games in {folder} ({problem}); saving in {candidate}."
    return None, f"Cannot save games in {folder} ({problem}): this game will not be saved."


def make_app(
    scenario: Scenario | str | None = None,
    *,
    faction: str | None = None,
    seed: int = 0,
    difficulty: str = DEFAULT_DIFFICULTY,
    load: Path | None = None,
    saves: Path | None = None,
) -> FrontlinesApp:
    """The app for a command line: a saved game, a new game of a scenario as a faction, a
    scenario to pick a faction in, or the scenario picker. ``scenario`` is a loaded scenario or
    what :func:`~frontlines.engine.scenario.load_scenario` takes. Raises ``ScenarioError``,
    ``SaveError`` or ``ValueError`` for bad input, before anything is drawn."""
    folder, warning = writable_saves(saves if saves is not None else data_dir())
    if load is not None:
        resumed = Session.load(load, saves=folder)
        return FrontlinesApp(session=resumed, saves=folder, warning=warning)
    if scenario is None and faction is None:
        return FrontlinesApp(seed=seed, difficulty=difficulty, saves=folder, warning=warning)
    chosen = (
        scenario if isinstance(scenario, Scenario) else load_scenario(scenario or shipped_ids()[0])
    )
    if faction is None:
        return FrontlinesApp(
            scenario=chosen, seed=seed, difficulty=difficulty, saves=folder, warning=warning
        )
    session = Session.new(chosen, faction, seed=seed, difficulty=difficulty, saves=folder)
    return FrontlinesApp(session=session, saves=folder, warning=warning)
