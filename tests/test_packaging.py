"""The built wheel carries the shipped scenarios, schema and fact sheets, and they load."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]

CHECK = """
import sys
from pathlib import Path
import engine, scenarios, seeds
from engine.scenario import load_scenario, shipped_ids
from engine.scenario.loader import shipped_dir
from tui.cli import main
root = Path(sys.argv[1]).resolve()
for module in (engine, scenarios, seeds):
    assert Path(module.__file__).resolve().is_relative_to(root), module.__file__
assert shipped_ids()[0] == "aleppo-2024", shipped_ids()
assert (shipped_dir() / "scenario.schema.json").is_file()
assert load_scenario("hama-2024").id == "hama-2024"
sys.exit(main(["validate", *shipped_ids()]))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Build from a copy of the tracked files, so a stale build/ folder or an untracked file in
    # the work tree cannot change what the wheel holds.
    source = tmp_path_factory.mktemp("source")
    tracked = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("frontlines-*.whl")
    return built


def test_wheel_contains_the_data_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for scenario in (ROOT / "scenarios").glob("*.yaml"):
        assert f"scenarios/{scenario.name}" in names
    assert "scenarios/scenario.schema.json" in names
    assert "seeds/aleppo-2024.yaml" in names
    assert "engine/py.typed" in names
    assert not any(name.startswith("tests/") for name in names)


def test_scenarios_load_from_the_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    result = subprocess.run(
        [sys.executable, "-c", CHECK, str(site)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": ok (") == len(list((ROOT / "scenarios").glob("*.yaml")))
