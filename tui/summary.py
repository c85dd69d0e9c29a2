"""A printed summary of a scenario: the situation at the start, for the command line."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from frontlines.engine.scenario import Scenario


def print_summary(
    scenario: Scenario, *, faction: str | None = None, console: Console | None = None
) -> None:
    """Print the scenario's title, dates, factions, places and what-if variants."""
    # Scenario text is the author's, not Rich markup: "[b]" in a name stays "[b]".
    out = console or Console(markup=False, highlight=False)
    last_day = scenario.last_day(scenario.max_turns)
    out.print(Text(scenario.title, style="bold"))
    out.print(
        f"{scenario.start_date:%d %B %Y} to {last_day:%d %B %Y}, {scenario.max_turns} turns of "
        f"{scenario.turn_length_days} day{'s' if scenario.turn_length_days > 1 else ''}"
    )
    if scenario.description:
        out.print(scenario.description, style="dim")
    colours = {f.id: f.colour for f in scenario.factions}

    factions = Table(title="Factions", title_justify="left")
    paced = any(f.pace != 1.0 for f in scenario.factions)  # a column only where it tells
    columns = ("faction", "strength", "quality", *(("pace",) if paced else ()), "morale")
    columns += ("places", "value", "air sorties/turn")
    for column in columns:
        factions.add_column(column, justify="left" if column == "faction" else "right")
    for f in scenario.factions:
        strength = sum(loc.garrison.get(f.id, 0.0) for loc in scenario.locations)
        held = [loc for loc in scenario.locations if loc.controller == f.id]
        per_day = sum(a.sorties_per_day for a in scenario.air_support if a.beneficiary == f.id)
        flown_for = per_day * scenario.turn_length_days
        name = Text("> " if f.id == faction else "  ", style="bold")
        name.append(f.name, style=f"bold {f.colour}")
        factions.add_row(
            name,
            f"{strength:g}",
            f"{f.quality:g}",
            *((f"{f.pace:g}",) if paced else ()),
            f"{f.morale:.2f}",
            str(len(held)),
            f"{sum(loc.value for loc in held):g}",
            str(flown_for) if flown_for else "-",
        )
    out.print(factions)
    out.print("Strength is in points of roughly a battalion each.", style="dim")

    places = Table(title="Places", title_justify="left")
    for column in ("place", "kind", "held by", "garrison", "population"):
        places.add_column(column, justify="right" if column == "population" else "left")
    for loc in scenario.locations:
        garrison = ", ".join(f"{fid} {amount:g}" for fid, amount in loc.garrison.items() if amount)
        places.add_row(
            loc.name,
            loc.kind.value,
            Text(loc.controller, style=colours.get(loc.controller, "")),
            garrison or "-",
            f"{loc.population:,}" if loc.population else "-",
        )
    out.print(places)

    if scenario.variants:
        out.print(Text("What-if variants", style="bold"))
        for v in scenario.variants:
            out.print(f"  {v.id}: {v.title}")
    out.print(
        "This is the starting situation: run the same command in a terminal to play, or "
        f"see what is likely with: frontlines forecast {scenario.id}",
        style="dim",
    )
