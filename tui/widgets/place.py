"""The selected place: who holds it, who stands there, its terrain and supply, and the
battles fought there lately."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from frontlines.engine.events import Battle, Event
from frontlines.engine.state import State
from frontlines.engine.view import observe
from frontlines.engine.world import World


def place_details(
    world: World, state: State, place: str, history: Sequence[Sequence[Event]] = ()
) -> Group:
    """What a player needs to know about ``place`` in game 0 of ``state``."""
    game = observe(world, state)
    view = game.place(place)
    colours = {f.id: f.colour for f in world.scenario.factions}
    lines = [
        Text.assemble(
            (view.name, "bold"),
            f"  {view.kind}, {view.terrain}",
            f", {view.population:,} people" if view.population else "",
        ),
        Text.assemble(
            "held by ",
            (world.faction_names[world.faction_index(view.holder)], colours[view.holder]),
            f"; value {view.value:g}",
            "; supply source" if view.supply_source else "",
        ),
    ]
    for presence in view.forces:
        lines.append(
            Text.assemble(
                f"  {presence.strength:5.1f} ",
                (presence.name, colours[presence.faction]),
                " (attacking)" if presence.hostile else "",
                "" if presence.in_supply else " - cut off from supply",
                f" - {presence.beyond_range:.1f} days beyond supply range"
                if presence.in_supply and presence.beyond_range > 0
                else "",
            )
        )
    for journey in game.journeys:
        if place not in (journey.origin, journey.destination):
            continue
        other = journey.destination if journey.origin == place else journey.origin
        towards = "bound for" if journey.origin == place else "coming from"
        day = date.fromisoformat(journey.arrives_on)
        lines.append(
            Text.assemble(
                f"  {journey.strength:5.1f} ",
                (journey.name, colours[journey.faction]),
                f" on the road, {towards} {world.location_names[world.location_index(other)]},"
                f" arriving {day.day} {day:%B %Y} (turn {journey.arrives})",
            )
        )
    battles = [
        (turn, e)
        for turn, events in enumerate(history, start=1)
        for e in events
        if isinstance(e, Battle) and e.location == place
    ][-3:]
    if battles:
        lines.append(Text("Recent battles", style="bold"))
        for turn, battle in battles:
            lines.append(Text(f"  turn {turn}: {battle.describe()}"))
    return Group(*lines)


class PlaceDetails(Static):
    """Details of the selected place."""

    def show(
        self, world: World, state: State, place: str | None, history: Sequence[Sequence[Event]]
    ) -> None:
        if place is None:
            self.update(Text("Select a place on the map (arrows, tab, or a click).", style="dim"))
        else:
            self.update(place_details(world, state, place, history))
