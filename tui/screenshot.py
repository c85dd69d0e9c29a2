"""Save the README's picture of the game: the seed scenario as the opposition, seed 7, after
an attack on Aleppo and one turn, drawn by the app itself as an SVG.

    python -m tui.screenshot docs/screenshot.svg [--size 120x40]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from frontlines.tui.app import make_app
from frontlines.tui.widgets.map import MapView


async def take(path: Path, size: tuple[int, int]) -> None:
    with tempfile.TemporaryDirectory() as saves:
        app = make_app(
            "aleppo-2024", faction="opposition", seed=7, difficulty="easy", saves=Path(saves)
        )
        async with app.run_test(size=size) as pilot:
            app.screen.query_one(MapView).select("western-aleppo")
            await pilot.press("a", "enter")
            await pilot.press("e")
            await app.workers.wait_for_complete()
            await pilot.pause()
            app.screen.query_one(MapView).select("aleppo")
            await pilot.pause()
            app.save_screenshot(filename=path.name, path=str(path.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="where to write the SVG")
    parser.add_argument("--size", default="120x40", help="terminal size, COLUMNSxROWS")
    args = parser.parse_args()
    columns, rows = (int(n) for n in args.size.split("x"))
    asyncio.run(take(args.path, (columns, rows)))
    print(args.path)


if __name__ == "__main__":
    main()
