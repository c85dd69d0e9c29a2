"""The ``frontlines`` command: play, validate, schema, new, replay, forecast.

Errors in what a user typed or wrote print one clear message and exit non-zero; a traceback
means a bug in Frontlines.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from frontlines.engine.memory import keep_freed_memory
from frontlines.engine.scenario.base import ID_MAX_LENGTH, ID_PATTERN
from frontlines.engine.text import escaped, shown

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_CRASH = 3
"""``play`` stopped on an internal error (a bug): one line says where its traceback is."""
MAX_SHOWN = 200
"""Most diagnostics printed for one file; the first ones are the ones to fix first."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, shared with the tests."""
    parser = argparse.ArgumentParser(
        prog="frontlines",
        description="Frontlines: a turn-based conflict simulation for the terminal.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="play a scenario in the terminal")
    play.add_argument("scenario", nargs="?", help="a scenario file or the id of a shipped one")
    play.add_argument("--faction", metavar="ID", help="the faction you play")
    play.add_argument("--seed", type=int, default=0, metavar="N", help="the game's seed (0)")
    play.add_argument("--load", metavar="SAVE", help="resume a saved game")
    play.add_argument(
        "--difficulty",
        choices=["easy", "normal", "hard"],
        default="normal",
        help="how hard the computer plays (normal)",
    )

    validate = sub.add_parser("validate", help="check scenario files and report every problem")
    validate.add_argument(
        "paths", nargs="+", metavar="PATH", help="scenario files (or folders of them) to check"
    )
    validate.add_argument("-q", "--quiet", action="store_true", help="print only problems")

    sub.add_parser("schema", help="print the scenario JSON Schema")

    replay = sub.add_parser("replay", help="re-run a saved game from its seed and orders")
    replay.add_argument("save", metavar="SAVE", help="a saved game (.json)")
    replay.add_argument(
        "--verify", action="store_true", help="check every turn's digest; exit 1 on a mismatch"
    )

    forecast = sub.add_parser(
        "forecast",
        help="play many computer-vs-computer games and report what is likely to happen",
    )
    forecast.add_argument("scenario", metavar="SCENARIO", help="a scenario file or shipped id")
    forecast.add_argument("--runs", type=int, default=1000, metavar="N", help="games (1000)")
    forecast.add_argument(
        "--turns", type=int, metavar="T", help="turns to play (default: to the scenario's end)"
    )
    forecast.add_argument("--seed", type=int, default=0, metavar="S", help="seed of run 0 (0)")
    forecast.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME",
        help="also run this variant on the same seeds and compare (repeatable)",
    )
    forecast.add_argument(
        "--from", dest="from_save", metavar="SAVE", help="start from a saved game instead"
    )
    forecast.add_argument("--json", action="store_true", help="print JSON instead of tables")

    new = sub.add_parser("new", help="write a commented starter scenario")
    new.add_argument("name", metavar="NAME", help="scenario id, or a path ending in .yaml")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("forecast", "play"):
        keep_freed_memory()  # batched turns reuse their arrays' memory (engine/memory.py)
    try:
        if args.command == "validate":
            return cmd_validate(args.paths, quiet=args.quiet)
        if args.command == "schema":
            return cmd_schema()
        if args.command == "new":
            return cmd_new(args.name)
        if args.command == "replay":
            return cmd_replay(args.save, verify=args.verify)
        if args.command == "forecast":
            from frontlines.tui.forecast_cmd import cmd_forecast

            return cmd_forecast(
                args.scenario,
                runs=args.runs,
                turns=args.turns,
                seed=args.seed,
                variants=args.variant,
                from_save=args.from_save,
                as_json=args.json,
            )
        if args.command == "play":
            return cmd_play(
                args.scenario,
                faction=args.faction,
                seed=args.seed,
                load=args.load,
                difficulty=args.difficulty,
            )
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    parser.print_help()
    return EXIT_USAGE


def _error(message: str) -> None:
    """One line on stderr: whatever a message quotes is escaped (file names included)."""
    print(f"frontlines: error: {escaped(message)}", file=sys.stderr)


def cmd_validate(paths: Sequence[str], *, quiet: bool = False) -> int:
    """Check every file; problems on stderr as PATH:LINE:COL: error: MESSAGE."""
    from frontlines.engine.scenario import ScenarioError, check_file, resolve

    names, invalid = _expand_folders(paths)
    shown: set[str] = set()  # a broken fact sheet is reported once, not once per scenario
    for name in names:
        try:
            path = resolve(name)
        except ScenarioError as exc:
            print(exc, file=sys.stderr)
            invalid += 1
            continue
        result = check_file(path, name=name)
        for diagnostic in result.diagnostics[:MAX_SHOWN]:
            line = diagnostic.render()
            if line not in shown:
                print(line, file=sys.stderr)
            if diagnostic.file != name:
                shown.add(line)
        if len(result.diagnostics) > MAX_SHOWN:
            hidden = len(result.diagnostics) - MAX_SHOWN
            print(f"{escaped(name)}: note: {hidden:,} more problems not shown", file=sys.stderr)
        if not result.ok or result.scenario is None:
            invalid += 1
        elif not quiet:
            s = result.scenario
            counts = ", ".join(
                _count(len(items), noun)
                for items, noun in (
                    (s.factions, "faction"),
                    (s.locations, "location"),
                    (s.routes, "route"),
                    (s.variants, "variant"),
                )
            )
            print(f"{escaped(name)}: ok ({s.id}: {counts})")
    if invalid and len(names) > 1:
        print(f"{invalid} of {len(names)} files invalid", file=sys.stderr)
    return EXIT_INVALID if invalid else EXIT_OK


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _expand_folders(paths: Sequence[str]) -> tuple[list[str], int]:
    """Paths as given, each folder replaced by the scenario files directly in it; and the
    number of folders that held none."""
    names: list[str] = []
    empty = 0
    for name in paths:
        folder = Path(name)
        try:
            found = (
                sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
                if name and folder.is_dir()  # ("" is no folder, though Path makes it ".")
                else None
            )
        except OSError:
            found = None  # reading it as a file reports the problem
        if found is None:
            names.append(name)
        elif not found:
            print(f"{escaped(name)}: error: no .yaml files in this folder", file=sys.stderr)
            empty += 1
        else:
            names += [str(p) for p in found]
    return names, empty


def cmd_schema() -> int:
    """Print the scenario JSON Schema."""
    from frontlines.engine.scenario.schema import schema_text

    sys.stdout.write(schema_text())
    return EXIT_OK


def cmd_new(name: str) -> int:
    """Write a starter scenario named NAME (or at the path NAME.yaml)."""
    from frontlines.engine.fileio import write_atomic
    from frontlines.engine.scenario.loader import shipped_dir
    from frontlines.engine.scenario.schema import SCHEMA_FILE
    from frontlines.engine.scenario.template import starter_scenario

    target = Path(name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    scenario_id = target.stem
    if not re.fullmatch(ID_PATTERN, scenario_id) or len(scenario_id) > ID_MAX_LENGTH:
        _error(
            f"{shown(scenario_id)} is not a valid scenario id: use lower-case letters, digits, '-' "
            f"and '_', starting with a letter, at most {ID_MAX_LENGTH} characters "
            "(for example: border-war)"
        )
        return EXIT_INVALID
    try:
        exists, folder_ok = target.exists(), target.parent.is_dir()
    except OSError as exc:
        _error(f"cannot write {target}: {exc.strerror or exc}")
        return EXIT_INVALID
    if exists:
        _error(f"{target} already exists; choose another name or remove it first")
        return EXIT_INVALID
    if not folder_ok:
        _error(f"folder {target.parent} does not exist")
        return EXIT_INVALID
    title = scenario_id.replace("-", " ").replace("_", " ").title()
    text = starter_scenario(scenario_id, title, target, shipped_dir() / SCHEMA_FILE)
    try:
        write_atomic(target, text, overwrite=False)
    except FileExistsError:
        _error(f"{target} already exists; choose another name or remove it first")
        return EXIT_INVALID
    except OSError as exc:
        _error(f"cannot write {target}: {exc.strerror or exc}")
        return EXIT_INVALID
    print(f"wrote {target}; check it with: frontlines validate {target}")  # (a valid id)
    return EXIT_OK


def cmd_replay(save: str, *, verify: bool = False) -> int:
    """Replay a saved game turn by turn; with ``verify``, fail unless every digest matches."""
    from frontlines.engine.saves import Replay, SaveError, read_save

    name = escaped(save)
    try:
        replay = Replay.start(read_save(Path(save)), name=name)
        scenario = replay.game.scenario
        print(f"{name}: {scenario.title} ({scenario.id}), seed {replay.game.seed}")
        for number, events, saved in replay.turns():
            digest = replay.game.digest()
            match = digest == saved
            print(
                f"turn {number}: {len(events)} events, digest {digest}"
                + ("" if match else f" (saved {shown(saved)})")
            )
            for event in events:
                print(f"  {event.describe()}")
            if verify and not match:
                _error(f"{name}: turn {number} does not match the save")
                return EXIT_INVALID
        if verify:
            replay.finish()
            print(f"verified: all {len(replay.file['turns'])} turns match")
    except SaveError as exc:
        _error(str(exc))
        return EXIT_INVALID
    return EXIT_OK


def cmd_play(
    scenario_ref: str | None,
    *,
    faction: str | None = None,
    seed: int = 0,
    load: str | None = None,
    difficulty: str = "normal",
) -> int:
    """Play in the terminal. When output is not a terminal (a pipe, a script), print the
    scenario's starting situation instead. A bug that stops the game gives ``EXIT_CRASH``
    and one line naming the crash log; the autosave of the last turn is kept."""
    from frontlines.engine.game import seed_problem
    from frontlines.engine.saves import SaveError
    from frontlines.engine.scenario import ScenarioError, load_scenario, shipped_ids

    problem = seed_problem(seed)
    if problem:
        _error(f"--seed must be {problem}")
        return EXIT_USAGE
    scenario = None
    if load is None:
        reference = shipped_ids()[0] if scenario_ref is None else scenario_ref  # ('' is no id)
        try:
            scenario = load_scenario(reference)
        except ScenarioError as exc:
            print(exc, file=sys.stderr)
            return EXIT_INVALID
        playable = [f.id for f in scenario.factions if f.playable]
        if faction is not None and faction not in playable:
            from frontlines.engine.scenario.diagnostics import suggest

            _error(
                f"{shown(faction)} is not a playable faction of {scenario.id}"
                f"{suggest(faction, playable)}; choose one of: {', '.join(playable)}"
            )
            return EXIT_USAGE
    if not (sys.stdout.isatty() and sys.stdin.isatty()):
        if scenario is None:
            _error("--load needs a terminal to play in")
            return EXIT_USAGE
        from frontlines.tui.summary import print_summary

        print_summary(scenario, faction=faction)
        return EXIT_OK
    from frontlines.tui.app import make_app

    try:
        app = make_app(
            scenario if scenario is not None else scenario_ref,
            faction=faction,
            seed=seed,
            difficulty=difficulty,
            load=Path(load) if load else None,
        )
    except SaveError as exc:
        _error(" ".join(str(exc).split()))
        return EXIT_INVALID
    except (ScenarioError, ValueError) as exc:
        _error(str(exc))
        return EXIT_INVALID
    app.run()
    if app.crash is not None:
        where = (
            f"the full traceback is in {app.crash.log}"
            if app.crash.log is not None
            else "its traceback is above"
        )
        _error(f"the game stopped on an internal error ({app.crash.summary}); {where}")
        return EXIT_CRASH
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
