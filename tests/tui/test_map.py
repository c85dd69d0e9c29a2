"""The map: where places, routes and labels go, how a position is painted, and picking a
place with the mouse and the arrow keys."""

from __future__ import annotations

import pytest
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult

import frontlines.engine
from frontlines.engine.scenario.model import RouteKind
from frontlines.engine.state import State
from frontlines.engine.world import World
from frontlines.tui.widgets.map import (
    BESIEGED_MARK,
    CLOSED_STYLE,
    CONTESTED_MARK,
    MARKERS,
    ROUTE_CHARS,
    ROUTE_STYLES,
    MapView,
    heat_colour,
    layout_map,
    render_map,
)

SCENARIOS = ["aleppo-2024", "two-rivers"]
SIZES = [(80, 20), (160, 45), (40, 12)]


def start(scenario: str) -> tuple[World, State]:
    world = frontlines.engine.compile_world(frontlines.engine.load_scenario(scenario))
    return world, frontlines.engine.initial_state(world)


def style_at(text: Text, width: int, x: int, y: int) -> Style:
    """The style of one cell of a rendered map (its lines are ``width`` cells long)."""
    offset = y * (width + 1) + x
    styles = [span.style for span in text.spans if span.start <= offset < span.end]
    return Style.combine(Style.parse(s) if isinstance(s, str) else s for s in styles)


def cell(text: Text, width: int, x: int, y: int) -> str:
    return text.plain[y * (width + 1) + x]


def with_opposition_at_aleppo(world: World, state: State) -> State:
    forces = state.forces.copy()
    forces[0, world.faction_index("opposition"), world.location_index("aleppo")] = 4.0
    return state.evolve(forces=forces)


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_map_fills_its_size_with_one_marker_per_place(
    scenario: str, width: int, height: int
) -> None:
    world, state = start(scenario)
    text = render_map(world, state, width, height)
    lines = text.plain.split("\n")
    assert len(lines) == height
    assert all(len(line) == width for line in lines)
    layout = layout_map(world, width, height)
    cells = list(layout.cells.values())
    assert len(cells) == world.n_locations
    assert len(set(cells)) == len(cells)
    for place, (x, y) in layout.cells.items():
        kind = world.scenario.location(place).kind
        assert cell(text, width, x, y) == MARKERS[kind]
        assert 1 <= x < width - 1 and 1 <= y < layout.map_rows - 1  # inside the margin


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize(("width", "height"), [(80, 20), (160, 45)])
def test_every_place_is_named(scenario: str, width: int, height: int) -> None:
    world, state = start(scenario)
    plain = render_map(world, state, width, height).plain
    for name in world.location_names:
        assert name[:4] in plain
    if width >= 160:
        assert all(name in plain for name in world.location_names)


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_labels_never_cover_markers_or_touch_each_other(
    scenario: str, width: int, height: int
) -> None:
    world, _ = start(scenario)
    layout = layout_map(world, width, height)
    markers = set(layout.cells.values())
    lettered: set[tuple[int, int]] = set()
    for label in layout.labels.values():
        spots = {(label.x + i, label.y) for i in range(len(label.text))}
        assert not spots & markers
        assert not spots & lettered
        assert (label.x - 1, label.y) not in lettered
        assert (label.x + len(label.text), label.y) not in lettered
        lettered |= spots


def test_north_is_up_and_east_is_right() -> None:
    world, _ = start("aleppo-2024")
    cells = layout_map(world, 100, 30).cells
    assert cells["damascus"][1] > cells["homs"][1] > cells["aleppo"][1]
    assert cells["latakia"][0] < cells["aleppo"][0] < cells["kuweires"][0]


def test_routes_are_drawn_between_places() -> None:
    world, state = start("aleppo-2024")
    layout = layout_map(world, 100, 30)
    top, bottom = layout.cells["homs"][1], layout.cells["damascus"][1]
    between = [(x, y) for x, y, _, _ in layout.routes if top < y < bottom]
    assert len(between) >= bottom - top - 1
    text = render_map(world, state, 100, 30)
    highway = ROUTE_CHARS[RouteKind.HIGHWAY]
    assert all(cell(text, 100, x, y) in highway for x, y in between)


@pytest.mark.parametrize("scenario", [*SCENARIOS, "hama-2024"])
def test_tiny_and_odd_sizes_never_raise(scenario: str) -> None:
    world, state = start(scenario)
    for width in range(0, 45, 3):
        for height in range(0, 14):
            text = render_map(world, state, width, height, selected="x", shading={}, player="y")
            lines = text.plain.split("\n") if width and height else []
            assert all(len(line) == width for line in lines)
    assert render_map(world, state, -3, 5).plain == ""


def test_the_selected_place_is_shown_in_reverse() -> None:
    world, state = start("aleppo-2024")
    width, height = 100, 30
    layout = layout_map(world, width, height)
    text = render_map(world, state, width, height, selected="aleppo")
    label = layout.labels["aleppo"]
    assert all(style_at(text, width, label.x + i, label.y).reverse for i in range(len(label.text)))
    assert style_at(text, width, *layout.cells["aleppo"]).reverse
    homs = layout.labels["homs"]
    assert not style_at(text, width, homs.x, homs.y).reverse


def test_places_take_their_holders_colours_or_the_forecast_heat() -> None:
    world, state = start("aleppo-2024")
    width, height = 100, 30
    layout = layout_map(world, width, height)
    plain = render_map(world, state, width, height)
    aleppo, idlib = layout.cells["aleppo"], layout.cells["idlib"]
    government = world.scenario.faction("government").colour
    opposition = world.scenario.faction("opposition").colour
    assert style_at(plain, width, *aleppo).color == Style(color=government).color
    assert style_at(plain, width, *idlib).color == Style(color=opposition).color

    shaded = render_map(world, state, width, height, shading={"aleppo": 0.9, "idlib": 0.0})
    assert style_at(shaded, width, *aleppo).color == Style(color=heat_colour(0.9)).color
    assert style_at(shaded, width, *idlib).color == Style(color=heat_colour(0.0)).color
    assert style_at(shaded, width, *aleppo).color != style_at(plain, width, *aleppo).color
    assert "chance of changing hands" in shaded.plain
    assert "Syrian government forces" in plain.plain


def test_the_heat_scale_runs_from_blue_to_red() -> None:
    assert heat_colour(0.0) == "#4575b4"
    assert heat_colour(0.5) == "#fee090"
    assert heat_colour(1.0) == "#d73027"
    assert heat_colour(-1.0) == heat_colour(0.0) and heat_colour(7.0) == heat_colour(1.0)


def test_a_contested_place_is_marked() -> None:
    world, state = start("aleppo-2024")
    width, height = 100, 30
    layout = layout_map(world, width, height)
    map_area = "\n".join(
        render_map(world, state, width, height).plain.split("\n")[: layout.map_rows]
    )
    assert CONTESTED_MARK not in map_area

    fought = with_opposition_at_aleppo(world, state)
    text = render_map(world, fought, width, height)
    x, y = layout.cells["aleppo"]
    assert CONTESTED_MARK in {cell(text, width, x + 1, y), cell(text, width, x - 1, y)}
    rows = text.plain.split("\n")[: layout.map_rows]
    assert sum(row.count(CONTESTED_MARK) for row in rows) == 1


def test_the_player_is_named_in_the_legend() -> None:
    world, state = start("aleppo-2024")
    assert "(you)" in render_map(world, state, 160, 45, player="opposition").plain
    assert "(you)" not in render_map(world, state, 160, 45).plain


class MapApp(App[None]):
    def __init__(self, world: World, state: State) -> None:
        super().__init__()
        self.world, self.state = world, state
        self.picked: list[str] = []

    def compose(self) -> ComposeResult:
        yield MapView(self.world, self.state, player="opposition", id="map")

    def on_map_view_place_selected(self, message: MapView.PlaceSelected) -> None:
        self.picked.append(message.place_id)


async def test_a_click_and_the_arrow_keys_select_places() -> None:
    world, state = start("aleppo-2024")
    app = MapApp(world, state)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(MapView)
        layout = layout_map(world, view.size.width, view.size.height)
        x, y = layout.cells["aleppo"]
        assert view.place_at(x, y) == "aleppo"
        await pilot.click(MapView, offset=(x, y))
        await pilot.pause()
        assert view.selected == "aleppo"
        assert app.picked == ["aleppo"]

        await pilot.press("down")
        await pilot.pause()
        below = view.selected
        assert below is not None and below != "aleppo"
        assert layout.cells[below][1] > y
        await pilot.press("right")
        await pilot.pause()
        right = view.selected
        assert right is not None and layout.cells[right][0] > layout.cells[below][0]
        assert app.picked == ["aleppo", below, right]

        view.select("damascus")
        await pilot.pause()
        assert app.picked[-1] == "damascus"
        await pilot.press("down")  # nothing further south: the selection stays
        await pilot.pause()
        assert view.selected == "damascus"
        with pytest.raises(KeyError):
            view.select("atlantis")

        view.state = with_opposition_at_aleppo(world, state)
        await pilot.pause()
        assert view.shading is None


def test_a_place_cut_off_from_supply_is_marked() -> None:
    world, state = start("aleppo-2024")
    width, height = 100, 30
    layout = layout_map(world, width, height)
    rows = render_map(world, state, width, height).plain.split("\n")[: layout.map_rows]
    assert not any(BESIEGED_MARK in row for row in rows)

    # The opposition holds Aleppo (the government's forces there gone): the air base
    # behind it is cut off.
    aleppo, base = world.location_index("aleppo"), world.location_index("kuweires")
    controller = state.controller.copy()
    controller[0, aleppo] = world.faction_index("opposition")
    forces = state.forces.copy()
    forces[0, :, aleppo] = 0.0
    forces[0, world.faction_index("government"), base] = 2.0
    cut = state.evolve(controller=controller, forces=forces)
    text = render_map(world, cut, width, height)
    x, y = layout.cells["kuweires"]
    assert BESIEGED_MARK in {cell(text, width, x + 1, y), cell(text, width, x - 1, y)}
    rows = text.plain.split("\n")[: layout.map_rows]
    assert sum(row.count(BESIEGED_MARK) for row in rows) == 1


def test_a_cut_route_is_drawn_dashed_and_dim_and_a_closure_only_for_the_side_it_bars() -> None:
    world, state = start("two-rivers")
    width, height = 160, 45
    layout = layout_map(world, width, height)
    route = 0  # harwick - millford, a highway
    cells = [
        (x, y) for (x, y, _, _), e in zip(layout.routes, layout.route_of, strict=True) if e == route
    ]
    assert cells
    open_map = render_map(world, state, width, height)
    road = ROUTE_STYLES[RouteKind.HIGHWAY].color
    cells = [(x, y) for x, y in cells if style_at(open_map, width, x, y).color == road]
    assert cells  # (strokes no label covers)
    closed = state.closed.copy()
    closed[0, :, route] = True
    cut_map = render_map(world, state.evolve(closed=closed), width, height)
    lines, open_lines = cut_map.plain.split("\n"), open_map.plain.split("\n")
    for x, y in cells:
        assert style_at(cut_map, width, x, y).color == CLOSED_STYLE.color
        assert style_at(open_map, width, x, y).color != CLOSED_STYLE.color
        if open_lines[y][x] in "━┃─│":
            assert lines[y][x] in "╍╏╌╎"  # dashed (diagonals keep their stroke)
    # Closed to one faction only: dashed for that side's player, plain for the others.
    one = state.closed.copy()
    one[0, world.faction_index("lowlands"), route] = True
    barred = state.evolve(closed=one)
    x, y = cells[0]
    mine = render_map(world, barred, width, height, player="lowlands")
    theirs = render_map(world, barred, width, height, player="uplands")
    assert style_at(mine, width, x, y).color == CLOSED_STYLE.color
    assert style_at(theirs, width, x, y).color != CLOSED_STYLE.color
