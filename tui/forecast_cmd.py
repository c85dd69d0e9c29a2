"""``frontlines forecast``: AI-vs-AI Monte Carlo of a scenario, as a table or as JSON."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

from frontlines.engine.report import Difference, ForecastReport
from frontlines.engine.text import escaped, shown

EXIT_OK = 0
EXIT_ERROR = 1
DEFAULT_RUNS = 1000
BAR_WIDTH = 30


class ForecastUsageError(Exception):
    """Something the user asked for that cannot be forecast, in words. ``located`` messages
    already start with the file they are about (``PATH:LINE:COL: error: ...``)."""

    def __init__(self, message: str, *, located: bool = False) -> None:
        super().__init__(message)
        self.located = located


def cmd_forecast(
    scenario_ref: str,
    *,
    runs: int,
    turns: int | None,
    seed: int,
    variants: Sequence[str],
    from_save: str | None,
    as_json: bool,
) -> int:
    """Run the forecast and print it; 1 with one clear message on bad input."""
    try:
        request = _request(scenario_ref, runs, turns, seed, variants, from_save)
    except ForecastUsageError as exc:
        print(exc if exc.located else f"frontlines: error: {escaped(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    from frontlines.engine.forecast import forecast

    bar = _ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    started = time.perf_counter()
    report = forecast(request, bar.update if bar else None)
    elapsed = time.perf_counter() - started
    if bar:
        bar.close()
    if as_json:
        data = report.to_data()
        data["timing"] = {"seconds": round(elapsed, 3)}
        json.dump(data, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_table(report))
        played = report.runs * report.turns * (1 + len(report.variants))
        print(f"\n{played:,} run-turns in {elapsed:.1f} s")
    return EXIT_OK


def _request(
    scenario_ref: str,
    runs: int,
    turns: int | None,
    seed: int,
    variants: Sequence[str],
    from_save: str | None,
) -> Any:
    from frontlines.engine.forecast import MAX_RUNS, ForecastRequest
    from frontlines.engine.game import seed_problem
    from frontlines.engine.scenario import ScenarioError, load_scenario
    from frontlines.engine.scenario.diagnostics import suggest

    if not 1 <= runs <= MAX_RUNS:
        raise ForecastUsageError(f"--runs must be from 1 to {MAX_RUNS:,}, not {runs}")
    problem = seed_problem(seed)
    if problem:
        raise ForecastUsageError(f"--seed must be {problem}")
    try:
        scenario = load_scenario(scenario_ref)
    except ScenarioError as exc:
        raise ForecastUsageError(str(exc), located=True) from None
    start = None
    if from_save is not None:
        start = _from_save(from_save, scenario)
        if variants:
            raise ForecastUsageError(
                "--variant cannot be combined with --from: a saved game is already under way "
                "in one version of the scenario; forecast the variant from its start instead"
            )
    known = [v.id for v in scenario.variants]
    seen: set[str] = set()
    for name in variants:
        if name not in known:
            choices = ", ".join(known) if known else "(this scenario has none)"
            raise ForecastUsageError(
                f"{scenario.id} has no variant {shown(name)}{suggest(name, known)}; "
                f"its variants: {choices}"
            )
        if name in seen:
            raise ForecastUsageError(f"variant {shown(name)} is given twice")
        seen.add(name)
    played = start[0].scenario if start else scenario  # a save may be of a variant
    start_turn = start[1].turn if start else 0
    left = played.max_turns - start_turn
    if left <= 0:
        over = escaped(str(from_save))
        raise ForecastUsageError(f"{over}: the game is over; nothing to forecast")
    if turns is None:
        turns = left
    if not 1 <= turns <= left:
        raise ForecastUsageError(
            f"--turns must be from 1 to {left} (the turns left in {scenario.id}), not {turns}"
        )
    source = None if from_save is None else escaped(from_save)  # as printed: no raw bytes
    return ForecastRequest(scenario, runs, turns, seed, tuple(variants), start, source)


def _from_save(path: str, scenario: Any) -> Any:
    """The saved game's world and position, replayed with the SCENARIO given."""
    from pathlib import Path

    from frontlines.engine.saves import SaveError, check_save, game_from_data, read_save

    name = escaped(path)
    try:
        data = read_save(Path(path))
        header = check_save(data, name)["scenario"]
        if header["id"] != scenario.id:
            raise ForecastUsageError(
                f"{name} is a game of {shown(header['id'])}, not {scenario.id}; "
                f"run: frontlines forecast {shown(header['id'])} --from {name}"
            )
        game = game_from_data(data, scenario=scenario, name=name)
    except SaveError as exc:
        raise ForecastUsageError(" ".join(str(exc).split())) from None
    if game.over:
        raise ForecastUsageError(f"{name}: the game is over; nothing to forecast")
    return game.world, game.state


class _ProgressBar:
    """A one-line bar on the terminal, redrawn as turns are played."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = -1

    def update(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // max(total, 1)
        percent = 100 * done // max(total, 1)
        if percent == self.shown:
            return
        self.shown = percent
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        self.stream.write(f"\rforecasting [{bar}] {percent:3d}%")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\r" + " " * (BAR_WIDTH + 24) + "\r")
        self.stream.flush()


# -- the table ---------------------------------------------------------------------------------


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def _pts(d: Difference) -> str:
    lo, hi = d.ci95 or (float("nan"), float("nan"))
    mark = " *" if d.excludes_zero else ""
    return f"{100 * d.difference:+.1f} pts ({100 * lo:+.1f} to {100 * hi:+.1f}){mark}"


def render_table(report: ForecastReport) -> str:
    """The report as text tables for a terminal (at most 100 columns)."""
    lines: list[str] = []
    start = report.start_turn
    origin = f"from turn {start} of {report.source}" if start else "from the start"
    lines.append(
        f"{report.title} ({report.scenario}): {report.runs:,} runs of "
        f"{report.turns} turns {origin}, seed {report.seed}"
    )
    lines.append(
        f"Every faction played by the computer ({report.opponents}); last day {report.days[-1]}."
    )
    factions = [faction for faction, _ in report.factions]
    variants = report.variants
    names = ["base", *(v.id for v in variants)]

    lines.append("")
    lines.append("Chance of victory")
    header = f"  {'':<30}" + "".join(f"{n[:16]:>17}" for n in names)
    lines.append(header)
    rows = [*factions, "draw", "undecided"]
    labels = {"draw": "draw", "undecided": f"no end within {report.turns} turns"}
    for row in rows:
        chances = [s.victory.chance(row) for s in (report.base, *(v.summary for v in variants))]
        if row != "draw" and not any(chances):
            continue
        label = dict(report.factions).get(row, labels.get(row, row))
        lines.append(f"  {label[:30]:<30}" + "".join(f"{_pct(p):>17}" for p in chances))

    lines.append("")
    lines.append(
        "Places that change hands (held at the end by a side hostile to the holder at the start)"
    )
    lines.append(f"  {'place':<22}{'held by':<14}" + "".join(f"{n[:16]:>17}" for n in names))
    for info in report.base.locations:
        cells = [_pct(info.changes_hands)] + [
            _pct(v.summary.location(info.id).changes_hands) for v in variants
        ]
        lines.append(
            f"  {info.id[:22]:<22}{info.holder_at_start[:13]:<14}"
            + "".join(f"{c:>17}" for c in cells)
        )

    for variant in variants:
        compared = variant.compared_to_base
        lines.append("")
        lines.append(
            f"{variant.id}: {variant.title} - difference to the base, same seeds, 95% interval"
        )
        differences = dict(compared.victory)
        for faction in factions:
            d = differences[faction]
            if d.difference or report.base.victory.chance(faction):
                lines.append(f"  victory {report.faction_name(faction)[:30]:<30}  {_pts(d)}")
        moved = sorted(compared.changes_hands, key=lambda item: -abs(item[1].difference))
        for place, d in moved[:8]:
            if d.difference:
                lines.append(f"  {place[:22]:<22} changes hands  {_pts(d)}")
        lines.append("  (* the interval excludes zero)")
    return "\n".join(lines) + "\n"
