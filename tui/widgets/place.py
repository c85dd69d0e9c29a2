"""The selected place: who holds it, who stands there, its terrain and supply, and the
battles fought there lately."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from frontlines.engine.events import Battle, Event
from frontlines.engine.rules.supply import supplied
from frontlines.engine.state import State
from frontlines.engine.world import World


def place_details(
    world: World, state: State, place: str, history: Sequence[Sequence[Event]] = ()
) -> Group:
    """What a player needs to know about ``place`` in game 0 of ``state``."""
    index = world.location_index(place)
    spec = world.scenario.locations[index]
    holder = int(state.controller[0, index])
    lines = [
        Text.assemble(
            (spec.name, "bold"),
            f"  {spec.kind.value}, {spec.terrain.value}",
            f", {spec.population:,} people" if spec.population else "",
        ),
        Text.assemble(
            "held by ",
            (world.faction_names[holder], world.scenario.factions[holder].colour),
            f"; value {spec.value:g}",
            "; supply source" if spec.supply_source else "",
        ),
    ]
    in_supply = supplied(world, state)[0]
    for f in range(world.n_factions):
        strength = float(state.forces[0, f, index])
        if strength <= 0:
            continue
        hostile = not bool(state.allied[0, f, holder])
        lines.append(
            Text.assemble(
                f"  {strength:5.1f} ",
                (world.faction_names[f], world.scenario.factions[f].colour),
                " (attacking)" if hostile else "",
                "" if in_supply[f, index] else " - cut off from supply",
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
