"""Choosing a game: the scenario, then the faction and how hard the computer plays."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from frontlines.engine.ai import LEVELS
from frontlines.engine.scenario import Scenario, ScenarioError
from frontlines.engine.scenario.facts import FactSheet, load_sheets, shipped_seeds_dir
from frontlines.engine.scenario.model import VictoryCondition
from frontlines.tui.screens.once import ClosesOnce


def scenario_card(scenario: Scenario) -> Text:
    """Title, dates, description, factions and sources of a scenario."""
    days = scenario.max_turns * scenario.turn_length_days
    text = Text.assemble(
        (scenario.title, "bold"),
        f"\nfrom {scenario.start_date:%d %B %Y}, {scenario.max_turns} turns ({days} days)\n\n",
        scenario.description,
        "\n\nFactions:\n",
    )
    for faction in scenario.factions:
        text.append(f"  {faction.name}", style=faction.colour)
        text.append("" if faction.playable else " (computer only)", style="dim")
        text.append("\n")
    if scenario.victory:
        text.append("\nTo win:\n")
        names = {f.id: f.name for f in scenario.factions}
        for goal in scenario.victory:
            text.append(f"  {names.get(goal.faction, goal.faction)}: ", style="bold")
            text.append(f"{goal_text(scenario, goal)}\n")
    if scenario.sources:
        text.append("\nSources\n", style="bold")
        sheets = {sheet.sheet: sheet for sheet in _shipped_sheets()}
        shown: set[str] = set()
        for source in scenario.sources:
            name = source.split("/", 1)[0]
            sheet = sheets.get(name)
            if sheet is None:
                text.append(f"  {source}\n", style="dim")
                continue
            if name not in shown:
                shown.add(name)
                text.append(f"  {sheet.title}: {sheet.source}\n", style="dim")
            try:
                fact = sheet.fact(source)
            except KeyError:
                continue
            text.append(f"    {fact.text}\n", style="dim")
    return text


def goal_text(scenario: Scenario, goal: VictoryCondition) -> str:
    """A victory condition in words: the author's, or built from what it asks."""
    if goal.description:
        return goal.description
    names = {loc.id: loc.name for loc in scenario.locations}
    parts = []
    if goal.control:
        parts.append("hold " + ", ".join(names.get(p, p) for p in goal.control))
    if goal.points is not None:
        parts.append(f"hold places worth {goal.points:g} points")
    when = (
        f" by turn {goal.by_turn}"
        if goal.by_turn is not None
        else " when the last turn ends"
        if goal.at_end
        else ""
    )
    text = " and ".join(parts) + when + " (allies count)."
    return text[0].upper() + text[1:]


def _shipped_sheets() -> tuple[FactSheet, ...]:
    try:
        return load_sheets(shipped_seeds_dir())
    except ScenarioError:
        return ()


class ScenarioPicker(ClosesOnce[Scenario], Screen[Scenario]):
    """Pick one of the shipped scenarios; dismisses with it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "app.load_game", "Load a saved game"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, scenarios: list[Scenario]) -> None:
        super().__init__()
        self.scenarios = scenarios

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="picker"):
            yield OptionList(
                *(Option(s.title, id=s.id) for s in self.scenarios), id="scenario-list"
            )
            yield Static(id="scenario-card")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Frontlines: choose a scenario"
        self.query_one(OptionList).highlighted = 0
        self.query_one(OptionList).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.query_one("#scenario-card", Static).update(
            scenario_card(self.scenarios[event.option_index])
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.scenarios[event.option_index])


class FactionPicker(ClosesOnce[tuple[str, str]], Screen[tuple[str, str]]):
    """Pick a faction, then a difficulty; dismisses with (faction id, level)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back")]

    def __init__(self, scenario: Scenario, level: str = "normal") -> None:
        super().__init__()
        self.scenario = scenario
        self.level = level if level in LEVELS else "normal"
        self.faction: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="picker"):
            with Vertical():
                yield Static("Play as:", classes="heading")
                yield OptionList(
                    *(
                        Option(Text(f.name, style=f.colour), id=f.id)
                        for f in self.scenario.factions
                        if f.playable
                    ),
                    id="faction-list",
                )
                yield Static("Computer opponents:", classes="heading")
                yield OptionList(*(Option(level, id=level) for level in LEVELS), id="level-list")
            yield Static(scenario_card(self.scenario), id="scenario-card")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.scenario.title
        levels = self.query_one("#level-list", OptionList)
        levels.highlighted = list(LEVELS).index(self.level)
        self.query_one("#faction-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "faction-list":
            self.faction = event.option.id
            self.query_one("#level-list", OptionList).focus()
        elif self.faction is not None and event.option.id is not None:
            self.dismiss((self.faction, event.option.id))

    def action_back(self) -> None:
        self.dismiss(("", ""))
