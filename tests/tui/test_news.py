"""The news log: a line for each event worth telling, none for a quiet day's recovery."""

from __future__ import annotations

from textual.app import App, ComposeResult

from frontlines.engine.events import MoraleShift, ScriptedAlliance, ScriptedForces
from frontlines.tui.widgets.news import NewsLog


class LogApp(App[None]):
    def compose(self) -> ComposeResult:
        yield NewsLog(id="news")


async def test_morale_recovering_on_a_quiet_day_is_not_news() -> None:
    events = [
        MoraleShift(1, "quiet", "Quiet", 0.6, 0.65, 0.0, 0.0, 0.05),
        MoraleShift(1, "beaten", "Beaten", 0.6, 0.4, 20.0, 0.0, 0.0),
        MoraleShift(1, "winning", "Winning", 0.6, 0.7, 0.0, 15.0, 0.0),
        ScriptedForces(1, "surge", "gov", "Government", "hama", "Hama", 4.0),
        ScriptedAlliance(1, "pact", "axis", "The Axis", "iran", "Iran", True),
    ]
    app = LogApp()
    async with app.run_test():
        news = app.query_one(NewsLog)
        news.report(1, events)
        assert news.lines == [
            "— Turn 1 —",
            "Beaten: morale falls from 0.60 to 0.40 (places worth 20 lost).",
            "Winning: morale rises from 0.60 to 0.70 (places worth 15 taken).",
            "Forces of Government at Hama gain 4.0 strength.",
            "Iran joins The Axis.",
        ]
