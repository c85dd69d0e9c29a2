"""The map of a scenario: places at their coordinates, routes between them, who holds what.

:func:`layout_map` decides where everything goes for one size (it depends on the scenario
only, so positions stay put as the game goes on), :func:`render_map` paints one position of
the game as Rich text, and :class:`MapView` is the widget that shows it and lets a player
pick a place with the mouse or the arrow keys.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise, product
from typing import ClassVar

import numpy as np
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from frontlines.engine.arrays import FloatArray
from frontlines.engine.scenario.model import LocationKind, RouteKind
from frontlines.engine.state import State, initial_state
from frontlines.engine.view import observe
from frontlines.engine.world import World

Cell = tuple[int, int]

MARKERS = {
    LocationKind.CITY: "●",
    LocationKind.BASE: "■",
    LocationKind.TOWN: "▲",
    LocationKind.REGION: "◆",
}
"""The marker of each kind of place."""

CONTESTED_MARK = "!"
"""Shown beside a place where forces hostile to its holder stand (a fight or a siege)."""

BESIEGED_MARK = "×"  # noqa: RUF001
"""Shown beside a place whose holder's forces there are cut off from supply."""

BESIEGED_STYLE = Style(color="#ffffff", bgcolor="#6c3483", bold=True)

ROUTE_CHARS = {
    RouteKind.HIGHWAY: "━┃╱╲",  # noqa: RUF001
    RouteKind.ROAD: "─│╱╲",  # noqa: RUF001
    RouteKind.TRACK: "····",
    RouteKind.ROUGH: "˙˙˙˙",
    RouteKind.RAIL: "╪╫╱╲",  # noqa: RUF001
}
"""Horizontal, vertical, rising and falling strokes of each kind of route."""

CLOSED_CHARS = dict(zip("━┃─│╪╫", "╍╏╌╎╌╎", strict=True))
"""Dashed strokes for a route that is cut or closed to the player's side."""
CLOSED_STYLE = Style(color="red3", dim=True)

ROUTE_STYLES = {
    RouteKind.HIGHWAY: Style(color="grey70"),
    RouteKind.ROAD: Style(color="grey50"),
    RouteKind.TRACK: Style(color="grey42"),
    RouteKind.ROUGH: Style(color="grey35"),
    RouteKind.RAIL: Style(color="grey62"),
}

HEAT_SCALE = (
    (0.00, (0x45, 0x75, 0xB4)),
    (0.25, (0x91, 0xBF, 0xDB)),
    (0.50, (0xFE, 0xE0, 0x90)),
    (0.75, (0xFC, 0x8D, 0x59)),
    (1.00, (0xD7, 0x30, 0x27)),
)
"""Colours of the forecast shading: blue (0, the holder keeps it) through pale yellow (0.5)
to red (1, it changes hands), interpolated in between (ColorBrewer RdYlBu, reversed)."""

NO_FORECAST = Style(color="grey50")
MARK_STYLE = Style(color="#ffffff", bgcolor="#c0392b", bold=True)
MAX_STRETCH = 2.0
"""How far one axis may be stretched past true proportions to fill the space."""
NUDGE_RADIUS = 6
"""Cells searched near a place's own position before scanning the whole map for a free one."""
CELL_ASPECT = 2.0
"""A terminal cell is about twice as tall as it is wide."""


def heat_colour(probability: float) -> str:
    """The ``#rrggbb`` colour of a chance between 0 and 1 on :data:`HEAT_SCALE`."""
    p = min(max(probability, 0.0), 1.0)
    for (p0, c0), (p1, c1) in pairwise(HEAT_SCALE):
        if p <= p1:
            t = (p - p0) / (p1 - p0)
            rgb = (round(a + (b - a) * t) for a, b in zip(c0, c1, strict=True))
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#{:02x}{:02x}{:02x}".format(*HEAT_SCALE[-1][1])


@dataclass(frozen=True)
class Label:
    """A place's name as shown: ``text`` from column ``x`` of row ``y``."""

    x: int
    y: int
    text: str


@dataclass(frozen=True)
class MapLayout:
    """Where everything goes on a map of one size; the game's position does not change it.

    ``cells`` holds the marker of each place that fits (on a tiny map some may not);
    ``routes`` the strokes of the routes, in drawing order; the legend takes the last
    ``legend_rows`` rows, below ``map_rows`` rows of map.
    """

    width: int
    height: int
    map_rows: int
    legend_rows: int
    cells: dict[str, Cell]
    labels: dict[str, Label]
    routes: tuple[tuple[int, int, str, RouteKind], ...]
    route_of: tuple[int, ...] = ()  # the route (index in the file) of each stroke

    def place_at(self, x: int, y: int) -> str | None:
        """The place whose marker, label or mark cell (right of the marker) covers a cell."""
        hits = [p for p, cell in self.cells.items() if cell == (x, y)]
        hits += [p for p, t in self.labels.items() if t.y == y and t.x <= x < t.x + len(t.text)]
        hits += [p for p, (px, py) in self.cells.items() if (px + 1, py) == (x, y)]
        return hits[0] if hits else None

    def nearest(self, x: int, y: int) -> str | None:
        """The place nearest a cell of the map (counting rows as twice as tall as columns)."""
        if not 0 <= y < self.map_rows:
            return None
        hit = self.place_at(x, y)
        if hit is not None or not self.cells:
            return hit
        return min(self.cells, key=lambda p: _far(self.cells[p], (x, y)))


def _legend_rows(height: int) -> int:
    return 0 if height < 8 else 1 if height < 12 else 2


def _project(world: World) -> tuple[FloatArray, FloatArray]:
    """East and north positions of the places, in degrees of latitude."""
    lat = np.array([loc.lat for loc in world.scenario.locations], dtype=np.float64)
    lon = np.array([loc.lon for loc in world.scenario.locations], dtype=np.float64)
    east = lon * math.cos(math.radians(float(lat.mean()))) if len(lat) else lon
    return east, lat


def _priority(world: World) -> list[int]:
    """Places in the order they claim cells: the most valuable first."""
    values = [loc.value for loc in world.scenario.locations]
    return sorted(range(len(values)), key=lambda j: (-values[j], j))


def _far(a: Cell, b: Cell) -> float:
    """How far apart two cells look, squared (a row being twice as tall as a column is wide)."""
    return (a[0] - b[0]) ** 2 + (CELL_ASPECT * (a[1] - b[1])) ** 2


NEAR = sorted(
    ((dx, dy) for dx in range(-NUDGE_RADIUS, NUDGE_RADIUS + 1) for dy in range(-3, 4)),
    key=lambda d: (_far(d, (0, 0)), d[1], d[0]),
)


def _place_markers(
    world: World, wanted: list[Cell], box: tuple[int, int, int, int]
) -> dict[str, Cell]:
    """Give every place a cell of its own, as near its true position as it can be, preferring
    (when it is no more than a little further) one with no marker right beside it."""
    x0, y0, x1, y1 = box
    taken: set[Cell] = set()
    cells: dict[str, Cell] = {}
    for j in _priority(world):
        want = wanted[j]
        free = [(want[0] + dx, want[1] + dy) for dx, dy in NEAR]
        free = [c for c in free if x0 <= c[0] <= x1 and y0 <= c[1] <= y1 and c not in taken]
        if not free:  # crowded: the nearest free cell anywhere
            rest = [c for c in product(range(x0, x1 + 1), range(y0, y1 + 1)) if c not in taken]
            if not rest:
                break
            free = [min(rest, key=lambda c: (_far(c, want), c[1], c[0]))]
        limit = _far(free[0], want) + 4
        roomy = [
            c
            for c in free
            if _far(c, want) <= limit and not {(c[0] - 1, c[1]), (c[0] + 1, c[1])} & taken
        ]
        cell = (roomy or free)[0]
        taken.add(cell)
        cells[world.location_ids[j]] = cell
    return cells


def _line(a: Cell, b: Cell) -> list[Cell]:
    """The cells from ``a`` to ``b``, both included (Bresenham)."""
    (x, y), (x1, y1) = a, b
    dx, dy = abs(x1 - x), -abs(y1 - y)
    sx, sy = (1 if x1 > x else -1), (1 if y1 > y else -1)
    err = dx + dy
    cells = [a]
    while (x, y) != (x1, y1):
        e2 = 2 * err
        if e2 >= dy:
            err += dy
            x += sx
        if e2 <= dx:
            err += dx
            y += sy
        cells.append((x, y))
    return cells


def _strokes(a: Cell, b: Cell, chars: str) -> list[tuple[int, int, str]]:
    """The strokes of a route from ``a`` to ``b``, the end cells left out.

    A line near the diagonal (as it looks on screen, cells being twice as tall as wide) is
    drawn with diagonal strokes; a flatter or steeper one with straight strokes and a diagonal
    one where it steps to the next row or column.
    """
    dx, dy = b[0] - a[0], (b[1] - a[1]) * CELL_ASPECT
    angle = math.degrees(math.atan2(abs(dy), abs(dx)))
    diagonal = chars[3] if (dx > 0) == (dy > 0) else chars[2]
    path = _line(a, b)
    strokes = []
    for (x, y), (nx, ny) in pairwise(path[1:]):
        if angle < 22.5:
            char = diagonal if ny != y else chars[0]
        elif angle > 67.5:
            char = diagonal if nx != x else chars[1]
        else:
            char = diagonal
        strokes.append((x, y, char))
    return strokes


def _place_labels(world: World, cells: dict[str, Cell], width: int, rows: int) -> dict[str, Label]:
    """Put each name beside its marker: right, else left, else above, else below; truncated
    (with an ellipsis) to the room there is, never over a marker or touching another label."""
    reserved = {(x + d, y) for x, y in cells.values() for d in (-1, 0, 1)}
    lettered: set[Cell] = set()
    longest = max(10, width // 4)

    def usable(x: int, y: int) -> bool:
        return (
            0 <= x < width and 0 <= y < rows and (x, y) not in reserved and (x, y) not in lettered
        )

    def room(x: int, y: int, step: int, want: int) -> int:
        """Letters that fit from (x, y) going ``step`` (+1 right, -1 left)."""
        if (x - step, y) in lettered:
            return 0
        n = 0
        while n < want and usable(x + step * n, y):
            n += 1
        if (x + step * n, y) in lettered:
            n -= 1
        return max(n, 0)

    labels: dict[str, Label] = {}
    for j in _priority(world):
        place = world.location_ids[j]
        if place not in cells:
            continue
        x, y = cells[place]
        name = world.location_names[j]
        want = min(len(name), longest)
        options = [(x + 2, y, 1), (x - 2, y, -1), (x, y - 1, 1), (x, y + 1, 1)]
        fits = [(room(sx, sy, step, want), k) for k, (sx, sy, step) in enumerate(options)]
        full = [k for n, k in fits if n == want]
        if full:
            n, k = want, full[0]
        else:
            n, k = max(fits, key=lambda f: (f[0], -f[1]))
        if n < min(want, 4):
            continue
        text = name if n >= len(name) else name[: n - 1].rstrip() + "…"
        sx, sy, step = options[k]
        start = sx if step == 1 else sx - len(text) + 1
        labels[place] = Label(start, sy, text)
        lettered.update((start + i, sy) for i in range(len(text)))
    return labels


@lru_cache(maxsize=32)
def layout_map(world: World, width: int, height: int) -> MapLayout:
    """Where markers, labels and routes go on a ``width`` x ``height`` map of ``world``.

    Longitude runs left to right and latitude bottom to top, in true proportions (a cell
    being about twice as tall as wide) except that each axis may stretch up to
    :data:`MAX_STRETCH` times to use the space, inside a margin of one cell.
    """
    width, height = max(width, 0), max(height, 0)
    legend = _legend_rows(height)
    rows = height - legend
    margin = 1 if width >= 8 and rows >= 5 else 0
    x0, y0, x1, y1 = margin, margin, width - 1 - margin, rows - 1 - margin
    if x1 < x0 or y1 < y0 or world.n_locations == 0:
        return MapLayout(width, height, max(rows, 0), legend, {}, {}, ())

    east, north = _project(world)
    span_x, span_y = float(np.ptp(east)), float(np.ptp(north))
    room_x, room_y = x1 - x0, y1 - y0
    fits = [room_x / span_x] if span_x else []
    fits += [CELL_ASPECT * room_y / span_y] if span_y else []
    true_scale = min(fits, default=0.0)  # columns per degree, in true proportions
    kx = min(room_x / span_x, true_scale * MAX_STRETCH) if span_x else 0.0
    ky = min(room_y / span_y, true_scale / CELL_ASPECT * MAX_STRETCH) if span_y else 0.0
    left = x0 + (room_x - span_x * kx) / 2
    top = y0 + (room_y - span_y * ky) / 2
    wanted = [
        (round(left + (e - east.min()) * kx), round(top + (north.max() - n) * ky))
        for e, n in zip(east, north, strict=True)
    ]
    cells = _place_markers(world, wanted, (x0, y0, x1, y1))

    strokes: list[tuple[int, int, str, RouteKind]] = []
    route_of: list[int] = []
    for e, route in enumerate(world.scenario.routes):
        a = cells.get(world.location_ids[int(world.src[e])])
        b = cells.get(world.location_ids[int(world.dst[e])])
        if a is None or b is None:
            continue
        chars = ROUTE_CHARS.get(route.kind, "····")
        drawn = _strokes(a, b, chars)
        strokes.extend((x, y, char, route.kind) for x, y, char in drawn)
        route_of.extend([e] * len(drawn))
    labels = _place_labels(world, cells, width, rows)
    gaps = {  # the cell between a marker and its label stays blank
        (x + 1, y) if labels[p].x > x else (x - 1, y)
        for p, (x, y) in cells.items()
        if p in labels and labels[p].y == y
    }
    kept = [i for i, s in enumerate(strokes) if (s[0], s[1]) not in gaps]
    return MapLayout(
        width,
        height,
        rows,
        legend,
        cells,
        labels,
        tuple(strokes[i] for i in kept),
        tuple(route_of[i] for i in kept),
    )


Segment = tuple[str, Style]


def _pack(items: Sequence[list[Segment]], width: int, lines: int) -> list[list[Segment]] | None:
    """Items laid out left to right over at most ``lines`` lines, or ``None`` if they don't fit."""
    packed: list[list[Segment]] = [[]]
    used = 0
    for item in items:
        size = sum(len(text) for text, _ in item)
        gap = 2 if used else 0
        if used + gap + size > width:
            if len(packed) == lines or size > width:
                return None
            packed.append([])
            used, gap = 0, 0
        if gap:
            packed[-1].append(("  ", Style()))
        packed[-1].extend(item)
        used += gap + size
    return packed


def _legend(
    world: World, width: int, lines: int, shading: bool, player: str | None
) -> list[list[Segment]]:
    """The legend: faction colours (or the forecast scale), then the map key if room is left."""
    if lines <= 0 or width <= 0:
        return []
    if shading:
        bar = [("█", Style(color=heat_colour(i / 9))) for i in range(10)]
        heads = [
            [("chance of changing hands: 0% ", Style()), *bar, (" 100%", Style())],
            [("0% ", Style()), *bar, (" 100%", Style())],
        ]
        first = next((h for h in heads if sum(len(t) for t, _ in h) <= width), [])
        top: list[list[Segment]] = [first]
    else:
        factions = world.scenario.factions
        top = []
        for names in (True, False):
            items = [
                [
                    ("● ", Style(color=f.colour)),
                    (
                        (f.name if names else f.id) + (" (you)" if f.id == player else ""),
                        Style(color=f.colour, bold=f.id == player),
                    ),
                ]
                for f in factions
            ]
            top = _pack(items, width, lines) or []
            if top:
                break
        if not top:  # too narrow even for ids: as many as fit on one line
            items = [[("●", Style(color=f.colour)), (f.id, Style())] for f in factions]
            while items and _pack(items, width, 1) is None:
                items.pop()
            top = _pack(items, width, 1) or []
    if len(top) >= lines:
        return top[:lines]
    kinds = {loc.kind for loc in world.scenario.locations}
    routes = {r.kind for r in world.scenario.routes}
    key = [[(f"{MARKERS[k]} {k.value}", Style())] for k in LocationKind if k in kinds]
    key.append([(CONTESTED_MARK, MARK_STYLE), (" contested", Style())])
    key.append([(BESIEGED_MARK, BESIEGED_STYLE), (" cut off", Style())])
    key += [
        [(ROUTE_CHARS[k][0], ROUTE_STYLES[k]), (f" {k.value}", Style())]
        for k in RouteKind
        if k in routes
    ]
    while key and _pack(key, width, lines - len(top)) is None:
        key.pop()
    return top + (_pack(key, width, lines - len(top)) or [])


def render_map(
    world: World,
    state: State,
    width: int,
    height: int,
    *,
    selected: str | None = None,
    shading: dict[str, float] | None = None,
    player: str | None = None,
) -> Text:
    """Game 0 of ``state`` as a ``width`` x ``height`` map.

    Each marker and label takes its holder's colour, or with ``shading`` (place id -> chance
    of changing hands, 0 to 1) its colour on :data:`HEAT_SCALE` (grey where no chance is
    given). A place where forces hostile to its holder stand gets :data:`CONTESTED_MARK`;
    ``selected`` is shown in reverse video; places ``player`` holds have bold labels. The
    legend below shows the factions (the scale, with ``shading``), then the key if room is left.
    """
    layout = layout_map(world, width, height)
    width, height = layout.width, layout.height
    if width == 0 or height == 0:
        return Text("", no_wrap=True, overflow="crop", end="")
    chars = [[" "] * width for _ in range(height)]
    styles: list[list[Style | None]] = [[None] * width for _ in range(height)]
    side = player if player in world.lookup["factions"] else None
    view = observe(world, state, side=side)
    barred = {
        world.lookup["arcs"][(world.location_index(r.origin), world.location_index(r.target))]
        for r in view.closed_routes
        if r.barred
    }
    for (x, y, char, kind), e in zip(layout.routes, layout.route_of, strict=True):
        if e in barred:  # cut, or closed to the player's side: dashed and dim red
            chars[y][x], styles[y][x] = CLOSED_CHARS.get(char, char), CLOSED_STYLE
        else:
            chars[y][x], styles[y][x] = char, ROUTE_STYLES.get(kind, NO_FORECAST)

    seen = view.places
    markers = set(layout.cells.values())
    player_index = world.lookup["factions"].get(player) if player is not None else None
    for place, (x, y) in layout.cells.items():
        j = world.location_index(place)
        holder = world.faction_index(seen[j].holder)
        if shading is None:
            colour = Style(color=world.scenario.factions[holder].colour)
        elif place in shading and math.isfinite(shading[place]):
            colour = Style(color=heat_colour(shading[place]))
        else:
            colour = NO_FORECAST
        chosen = Style(reverse=True) if place == selected else Style()
        label = layout.labels.get(place)
        if label is not None:
            bold = Style(bold=holder == player_index)
            for i, letter in enumerate(label.text):
                chars[label.y][label.x + i] = letter
                styles[label.y][label.x + i] = colour + bold + chosen
        chars[y][x] = MARKERS.get(world.scenario.locations[j].kind, "●")
        styles[y][x] = colour + Style(bold=True) + chosen
        marks = [(CONTESTED_MARK, MARK_STYLE)] if seen[j].contested else []
        marks += [(BESIEGED_MARK, BESIEGED_STYLE)] if seen[j].besieged else []
        sides = [mx for mx in (x + 1, x - 1) if 0 <= mx < width and (mx, y) not in markers]
        for (mark, style), mx in zip(marks, sides, strict=False):
            chars[y][mx], styles[y][mx] = mark, style + chosen

    legend = _legend(world, width, layout.legend_rows, shading is not None, player)
    for row, line in zip(range(layout.map_rows, height), legend, strict=False):
        x = 0
        for text, style in line:
            for letter in text[: max(width - x, 0)]:
                chars[row][x], styles[row][x] = letter, style
                x += 1

    out = Text(no_wrap=True, overflow="crop", end="")
    for y in range(height):
        if y:
            out.append("\n")
        start = 0
        for x in range(1, width + 1):
            if x == width or styles[y][x] != styles[y][start]:
                out.append("".join(chars[y][start:x]), styles[y][start])
                start = x
    return out


class MapView(Widget):
    """The map of the game: select a place by clicking it or with the arrow keys."""

    DEFAULT_CSS = "MapView { width: 1fr; height: 1fr; }"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move('up')", "North", show=False),
        Binding("down", "move('down')", "South", show=False),
        Binding("left", "move('left')", "West", show=False),
        Binding("right", "move('right')", "East", show=False),
    ]

    can_focus = True

    class PlaceSelected(Message):
        """A place was selected on the map (by a click, a key or :meth:`MapView.select`)."""

        def __init__(self, place_id: str, map_view: MapView | None = None) -> None:
            super().__init__()
            self.place_id = place_id
            self.map_view = map_view

        @property
        def control(self) -> MapView | None:
            return self.map_view

    state: reactive[State | None] = reactive(None)
    """The position shown (game 0 of it); the scenario's start if ``None``."""
    selected: reactive[str | None] = reactive(None)
    """The selected place's id; changing it posts :class:`PlaceSelected`."""
    shading: reactive[dict[str, float] | None] = reactive(None)
    """Place id -> chance of changing hands; colours the map by :data:`HEAT_SCALE`."""

    def __init__(
        self,
        world: World,
        state: State | None,
        *,
        player: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.world = world
        self.player = player
        self.set_reactive(MapView.state, state)

    def _shown_state(self) -> State:
        return self.state if self.state is not None else initial_state(self.world)

    def _layout(self) -> MapLayout:
        return layout_map(self.world, self.size.width, self.size.height)

    def render(self) -> RenderResult:
        return render_map(
            self.world,
            self._shown_state(),
            self.size.width,
            self.size.height,
            selected=self.selected,
            shading=self.shading,
            player=self.player,
        )

    def watch_selected(self, place_id: str | None) -> None:
        if place_id is not None:
            self.post_message(self.PlaceSelected(place_id, self))

    def select(self, place_id: str | None) -> None:
        """Select a place (``None`` clears the selection); raises ``KeyError`` for an unknown id."""
        if place_id is not None:
            self.world.location_index(place_id)
        self.selected = place_id

    def place_at(self, x: int, y: int) -> str | None:
        """The place drawn at a cell of the map (its marker, mark or label), if any."""
        return self._layout().place_at(x, y)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        place = self._layout().nearest(offset.x, offset.y)
        if place is not None:
            self.selected = place

    def _positions(self) -> dict[str, tuple[float, float]]:
        """Each place's position as seen, x right and y down, in column widths."""
        cells = self._layout().cells
        if len(cells) == self.world.n_locations:
            return {p: (float(x), CELL_ASPECT * y) for p, (x, y) in cells.items()}
        east, north = _project(self.world)
        return {
            p: (float(e), -float(n))
            for p, e, n in zip(self.world.location_ids, east, north, strict=True)
        }

    def action_move(self, direction: str) -> None:
        """Select the nearest place in a direction (``up``, ``down``, ``left`` or ``right``)."""
        positions = self._positions()
        if not positions:
            return
        if self.selected not in positions:
            cx = sum(x for x, _ in positions.values()) / len(positions)
            cy = sum(y for _, y in positions.values()) / len(positions)
            self.selected = min(
                positions, key=lambda p: math.hypot(positions[p][0] - cx, positions[p][1] - cy)
            )
            return
        ux, uy = {"up": (0, -1), "down": (0, 1), "left": (-1, 0), "right": (1, 0)}[direction]
        x0, y0 = positions[self.selected]
        scored: list[tuple[bool, float, str]] = []
        for place, (x, y) in positions.items():
            along = (x - x0) * ux + (y - y0) * uy
            across = abs((x - x0) * uy - (y - y0) * ux)
            if place != self.selected and along > 0:
                scored.append((across > along, math.hypot(along, across) + across, place))
        if scored:
            self.selected = min(scored)[2]
