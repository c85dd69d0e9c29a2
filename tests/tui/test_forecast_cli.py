"""``frontlines forecast``: JSON and tables, saves, and one clear line for every mistake."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from frontlines.engine import Game, load_scenario
from frontlines.engine.ai import choose_orders
from frontlines.engine.forecast import ForecastRequest, forecast
from frontlines.engine.report import ForecastReport
from frontlines.engine.saves import save_game
from frontlines.engine.scenario.loader import shipped_dir
from frontlines.tui.cli import main

EXE = Path(sys.executable).parent / "frontlines"


def forecast_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["forecast", *args])
    out, err = capsys.readouterr()
    return code, out, err


def without_timing(text: str) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(text)
    assert report.pop("timing")["seconds"] >= 0
    return report


def assert_one_error_line(code: int, out: str, err: str, *fragments: str) -> None:
    assert code == 1
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    # Problems with a file name the file, like `frontlines validate` does.
    assert re.match(r"(frontlines|[^:]+(:\d+:\d+)?): error: ", lines[0]), lines[0]
    assert lines[0].count("error:") == 1, lines[0]
    for fragment in fragments:
        assert fragment in lines[0]


def saved_game(path: Path, scenario_id: str = "aleppo-2024", turns: int = 2) -> Game:
    game = Game.new(load_scenario(scenario_id), seed=3)
    for _ in range(turns):
        if game.over:
            break
        game.end_turn(choose_orders(game.world, game.state, game.world.faction_ids, "easy", 3))
    save_game(game, path)
    return game


def test_json_has_the_whole_report_and_is_repeatable(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = forecast_cli(capsys, "aleppo-2024", "--runs", "40", "--json")
    assert code == 0 and err == ""
    report = without_timing(out)
    assert report["scenario"] == "aleppo-2024"
    assert (report["runs"], report["turns"], report["seed"]) == (40, 14, 0)
    assert report["variants"] == {}
    assert set(report["base"]) == {"victory", "locations"}
    assert "aleppo" in report["base"]["locations"]
    code, again, _ = forecast_cli(capsys, "aleppo-2024", "--runs", "40", "--json")
    assert code == 0
    assert without_timing(again) == report
    assert json.loads(out).keys() == json.loads(again).keys()


@pytest.mark.parametrize("from_save", [False, True], ids=["from-the-start", "from-a-save"])
def test_the_json_is_the_reports_data_and_nothing_else(
    from_save: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = load_scenario("aleppo-2024")
    path = tmp_path / "game.json"
    if from_save:
        game = saved_game(path)
        args = ["--from", str(path)]
        request = ForecastRequest(
            scenario, 12, 5, 3, start=(game.world, game.state), source=str(path)
        )
    else:
        args = ["--variant", "no-russian-air", "--variant", "prepared-defence"]
        request = ForecastRequest(scenario, 12, 5, 3, ("no-russian-air", "prepared-defence"))
    code, out, _ = forecast_cli(
        capsys, "aleppo-2024", *args, "--runs", "12", "--turns", "5", "--seed", "3", "--json"
    )
    assert code == 0
    report = forecast(request)
    data = report.to_data()
    data["timing"] = json.loads(out)["timing"]
    assert out == json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    assert ForecastReport.from_data(json.loads(out)) == report


def test_json_options_reach_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = forecast_cli(
        capsys,
        "aleppo-2024",
        "--runs",
        "12",
        "--turns",
        "4",
        "--seed",
        "7",
        "--variant",
        "no-russian-air",
        "--variant",
        "prepared-defence",
        "--json",
    )
    assert code == 0
    report = without_timing(out)
    assert (report["runs"], report["turns"], report["seed"]) == (12, 4, 7)
    assert list(report["variants"]) == ["no-russian-air", "prepared-defence"]
    assert len(report["days"]) == 4
    fallen = report["base"]["locations"]["aleppo"]["fallen_by_turn"]
    assert len(fallen) == 5


def test_the_table_names_the_scenario_and_the_variant(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = forecast_cli(
        capsys, "aleppo-2024", "--runs", "20", "--variant", "no-russian-air"
    )
    assert code == 0 and err == ""
    assert "Aleppo, November 2024 (aleppo-2024): 20 runs of 14 turns" in out
    assert "no-russian-air: No Russian air support" in out
    assert "%" in out
    assert "Places that change hands" in out
    assert max(len(line) for line in out.splitlines()) <= 100


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["nope-2024"], ["nope-2024", "did you mean 'aleppo-2024'"]),
        (
            ["aleppo-2024", "--variant", "no-russian-ai"],
            ["no variant 'no-russian-ai'", "did you mean 'no-russian-air'"],
        ),
        (
            ["aleppo-2024", "--variant", "no-russian-air", "--variant", "no-russian-air"],
            ["'no-russian-air' is given twice"],
        ),
        (["aleppo-2024", "--runs", "0"], ["--runs", "not 0"]),
        (["aleppo-2024", "--runs", "-5"], ["--runs", "not -5"]),
        (["aleppo-2024", "--turns", "99"], ["--turns must be from 1 to 14", "not 99"]),
        (["aleppo-2024", "--turns", "0"], ["--turns", "not 0"]),
        (["aleppo-2024", "--seed", "-1"], ["--seed", "not -1"]),
        (["aleppo-2024", "--seed", str(2**64)], ["--seed"]),
    ],
    ids=[
        "unknown-scenario",
        "unknown-variant",
        "variant-twice",
        "no-runs",
        "negative-runs",
        "too-many-turns",
        "no-turns",
        "negative-seed",
        "seed-too-large",
    ],
)
def test_a_mistake_is_one_line_and_exit_1(
    args: list[str], fragments: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert_one_error_line(*forecast_cli(capsys, *args), *fragments)


def test_a_missing_save_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.json"
    result = forecast_cli(capsys, "aleppo-2024", "--from", str(missing))
    assert_one_error_line(*result, str(missing), "no such file")


def test_a_damaged_save_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    damaged = tmp_path / "damaged.json"
    damaged.write_bytes(b"\x00{not json at all\xff")
    result = forecast_cli(capsys, "aleppo-2024", "--from", str(damaged))
    assert_one_error_line(*result, str(damaged), "damaged save")


def test_a_save_of_another_scenario_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rivers.json"
    saved_game(path, "two-rivers", turns=1)
    result = forecast_cli(capsys, "aleppo-2024", "--from", str(path))
    assert_one_error_line(*result, "is a game of 'two-rivers', not aleppo-2024")


def test_a_save_cannot_be_combined_with_a_variant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "game.json"
    saved_game(path)
    result = forecast_cli(capsys, "aleppo-2024", "--from", str(path), "--variant", "no-russian-air")
    assert_one_error_line(*result, "--variant cannot be combined with --from")


def test_a_finished_game_has_nothing_to_forecast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "over.json"
    game = saved_game(path, "two-rivers", turns=load_scenario("two-rivers").max_turns)
    assert game.over
    result = forecast_cli(capsys, "two-rivers", "--from", str(path))
    assert_one_error_line(*result, "the game is over")


def test_a_forecast_from_a_save_plays_the_turns_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "game.json"
    game = saved_game(path)
    code, out, err = forecast_cli(
        capsys, "aleppo-2024", "--from", str(path), "--runs", "30", "--json"
    )
    assert code == 0 and err == ""
    report = without_timing(out)
    assert report["start_turn"] == game.turn == 2
    assert report["turns"] == game.scenario.max_turns - game.turn
    assert report["source"] == str(path)
    for place, info in report["base"]["locations"].items():
        holder = game.world.faction_ids[
            int(game.state.controller[0, game.world.location_index(place)])
        ]
        assert info["by_turn"][0] == {holder: 1.0}

    code, out, _ = forecast_cli(capsys, "aleppo-2024", "--from", str(path), "--runs", "30")
    assert code == 0
    assert f"from turn 2 of {path}" in out
    assert "12 turns" in out


def test_the_installed_command_gives_the_same_forecast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "game.json"
    saved_game(path)
    args = ["forecast", "aleppo-2024", "--from", str(path), "--runs", "30", "--json"]
    result = subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert main(args) == 0
    assert without_timing(result.stdout) == without_timing(capsys.readouterr().out)


def test_the_installed_command_shows_no_traceback_for_a_damaged_save(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.json"
    damaged.write_text('{"format": "frontlines-save", "version": 1, "scenario": 3}')
    result = subprocess.run(
        [str(EXE), "forecast", "aleppo-2024", "--from", str(damaged)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert_one_error_line(result.returncode, result.stdout, result.stderr, "damaged save")


def scenario_with_variants(folder: Path) -> Path:
    """aleppo-2024 as a file of its own, with variants that shorten and lengthen the war."""
    data = yaml.safe_load((shipped_dir() / "aleppo-2024.yaml").read_text(encoding="utf-8"))
    data["variants"] += [
        {"id": "short-war", "title": "A shorter war", "changes": {"max_turns": 6}},
        {"id": "long-war", "title": "A longer war", "changes": {"max_turns": 20}},
    ]
    path = folder / "war.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("variant", "played", "left"), [("short-war", 2, 4), ("long-war", 15, 5)])
def test_a_save_of_a_variant_plays_the_turns_left_in_that_variant(
    variant: str, played: int, left: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario_file = scenario_with_variants(tmp_path)
    game = Game.new(
        load_scenario(scenario_file), seed=1, variant=variant, source=str(scenario_file)
    )
    for _ in range(played):
        game.end_turn()  # quiet turns: the game cannot end before its last turn
    assert not game.over
    save = tmp_path / "game.json"
    save_game(game, save)
    code, out, err = forecast_cli(
        capsys, str(scenario_file), "--from", str(save), "--runs", "5", "--json"
    )
    assert (code, err) == (0, "")
    assert without_timing(out)["turns"] == left


def test_a_save_is_read_with_the_scenario_file_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario_file = scenario_with_variants(tmp_path)
    game = Game.new(load_scenario(scenario_file), seed=1, source=str(scenario_file))
    game.end_turn()
    save = tmp_path / "game.json"
    save_game(game, save)
    moved = scenario_file.rename(tmp_path / "moved.yaml")
    code, out, err = forecast_cli(capsys, str(moved), "--from", str(save), "--runs", "5", "--json")
    assert (code, err) == (0, "")
    assert without_timing(out)["start_turn"] == 1
