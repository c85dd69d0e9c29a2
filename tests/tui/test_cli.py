"""The command-line contract: validate, schema, new and play, with their exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from frontlines.engine.scenario import check_file
from frontlines.engine.scenario.loader import shipped_dir
from frontlines.engine.scenario.schema import SCHEMA_FILE
from frontlines.tui.cli import main

SHIPPED = sorted(str(p) for p in shipped_dir().glob("*.yaml"))


def test_validate_accepts_every_shipped_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", *SHIPPED]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.count(": ok (") == len(SHIPPED)


def test_validate_accepts_a_shipped_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "aleppo-2024"]) == 0
    assert "aleppo-2024: ok" in capsys.readouterr().out


def test_validate_reports_errors_with_positions_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (shipped_dir() / "aleppo-2024.yaml")
        .read_text()
        .replace("controller: opposition", "controller: oposition", 1)
    )
    assert main(["validate", str(bad), SHIPPED[0]]) == 1
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert lines[0].startswith(f"{bad}:")
    assert lines[0].endswith(
        "error: locations[0].controller: unknown faction 'oposition' (did you mean 'opposition'?)"
    )
    assert lines[-1] == "1 of 2 files invalid"
    assert "ok" in out


def test_validate_missing_file_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "no/such/file.yaml"]) == 1
    assert capsys.readouterr().err == "no/such/file.yaml: error: no such file\n"


def test_validate_without_paths_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as info:
        main(["validate"])
    assert info.value.code == 2


def test_unknown_command_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as info:
        main(["conquer"])
    assert info.value.code == 2


def test_schema_prints_the_committed_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["title"] == "Scenario"
    assert out == (shipped_dir() / SCHEMA_FILE).read_text()


def test_new_writes_a_starter_that_validates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "border-war"]) == 0
    target = tmp_path / "border-war.yaml"
    result = check_file(target)
    assert result.ok and result.diagnostics == ()
    assert result.scenario is not None and result.scenario.id == "border-war"
    first = target.read_text().splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    assert (tmp_path / first.split("=", 1)[1]).resolve() == (shipped_dir() / SCHEMA_FILE).resolve()
    assert [p.name for p in tmp_path.iterdir()] == ["border-war.yaml"]


def test_new_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("my work")
    assert main(["new", str(target)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert target.read_text() == "my work"


def test_new_refuses_a_name_that_is_not_an_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", str(tmp_path / "My Scenario")]) == 1
    assert "not a valid scenario id" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_play_shows_the_seed_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play"]) == 0
    out = capsys.readouterr().out
    assert "Aleppo, November 2024" in out
    assert "no-russian-air" in out


def test_play_shows_a_march_pace_only_where_a_faction_has_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["play", "two-rivers"]) == 0
    assert " pace " not in capsys.readouterr().out
    text = (shipped_dir() / "two-rivers.yaml").read_text()
    paced = tmp_path / "paced.yaml"
    paced.write_text(text.replace("    quality: 0.9\n", "    quality: 0.9\n    pace: 0.5\n", 1))
    assert main(["play", str(paced)]) == 0
    header = next(line for line in capsys.readouterr().out.splitlines() if "quality" in line)
    assert "pace" in header


def test_play_refuses_an_unknown_faction(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play", "aleppo-2024", "--faction", "oposition"]) == 2
    assert "did you mean 'opposition'" in capsys.readouterr().err


def test_installed_command_runs() -> None:
    exe = Path(sys.executable).parent / "frontlines"
    result = subprocess.run(
        [str(exe), "validate", SHIPPED[0]],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_validate_checks_every_scenario_in_a_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(shipped_dir())]) == 0
    assert capsys.readouterr().out.count(": ok (") == len(SHIPPED)


def test_validate_an_empty_folder_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"{tmp_path}: error: no .yaml files in this folder\n"


def test_validate_a_name_too_long_for_the_system_is_an_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    name = "a" * 300 + ".yaml"
    assert main(["validate", name]) == 1
    assert capsys.readouterr().err.startswith(f"{name}: error: cannot read file: ")


def test_validate_skips_folders_named_like_scenarios(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "odd.yaml").mkdir()
    (tmp_path / "good.yaml").write_text((shipped_dir() / "two-rivers.yaml").read_text())
    assert main(["validate", str(tmp_path)]) == 0
    assert capsys.readouterr().out.count(": ok (") == 1


def test_validate_counts_an_empty_folder_as_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(tmp_path), SHIPPED[0]]) == 1


@pytest.mark.parametrize("name", ["true", "null", "no"])
def test_new_quotes_ids_yaml_would_misread(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", name]) == 0
    result = check_file(tmp_path / f"{name}.yaml")
    assert result.ok and result.scenario is not None and result.scenario.id == name


def test_new_files_get_the_usual_permissions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    old = os.umask(0o022)
    try:
        assert main(["new", "perms"]) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "perms.yaml").stat().st_mode & 0o777 == 0o644


def test_new_refuses_an_id_longer_than_ids_may_be(tmp_path: Path) -> None:
    assert main(["new", str(tmp_path / ("a" * 49))]) == 1


def test_play_shows_author_text_literally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    text = (shipped_dir() / "two-rivers.yaml").read_text()
    first_name = next(line for line in text.splitlines() if line.strip().startswith("name:"))
    odd = tmp_path / "odd.yaml"
    odd.write_text(text.replace(first_name, first_name.split(":")[0] + ': "Harwick [/b] [b]"', 1))
    assert main(["play", str(odd)]) == 0
    assert "Harwick [/b] [b]" in capsys.readouterr().out


def test_a_broken_fact_sheet_beside_a_scenario_is_a_warning_reported_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "notes.yaml").write_text("sheet: notes\narticle: 3\n")
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text((shipped_dir() / "two-rivers.yaml").read_text())
    assert main(["validate", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")]) == 0
    out, err = capsys.readouterr()
    assert out.count(": ok (") == 2
    assert err.count("warning: fact sheet not read:") == len(err.splitlines()) > 0
    assert len(set(err.splitlines())) == len(err.splitlines())
