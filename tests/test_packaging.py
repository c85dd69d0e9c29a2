"""How Frontlines is installed: one ``frontlines`` package, from a wheel or editable.

The wheel carries the shipped scenarios, schema and fact sheets, and they load. Nothing on a
user's path breaks Frontlines (a ``scenarios.py``, a ``scenarios/`` or ``engine/`` folder in the
working directory, another distribution's top-level ``engine`` or ``tui``), and Frontlines
breaks nothing of theirs: it installs no top-level name but ``frontlines``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SHIPPED = sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))

CHECK = """
import sys
from pathlib import Path
import frontlines.engine, frontlines.scenarios, frontlines.seeds, frontlines.tui
from frontlines.engine.scenario import load_scenario, shipped_ids
from frontlines.engine.scenario.loader import shipped_dir
from frontlines.tui.cli import main
root = Path(sys.argv[1]).resolve()
for module in (frontlines.engine, frontlines.scenarios, frontlines.seeds, frontlines.tui):
    assert Path(module.__file__).resolve().is_relative_to(root), module.__file__
assert shipped_ids()[0] == "aleppo-2024", shipped_ids()
assert (shipped_dir() / "scenario.schema.json").is_file()
assert load_scenario("hama-2024").id == "hama-2024"
sys.exit(main(["validate", *shipped_ids()]))
"""

# Run as `python -c`, so the working directory comes first on the path: the harshest case.
CLI = "import sys; from frontlines.tui.cli import main; sys.exit(main(sys.argv[1:]))"

TRAP = "raise ImportError('this is the user\\'s own {name}, not Frontlines')\n"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Build from a copy of the tracked files, so a stale build/ folder or an untracked file in
    # the work tree cannot change what the wheel holds. The links under frontlines/ are copied
    # as links, as a clone has them.
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
        path = ROOT / name
        if path.is_symlink():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(os.readlink(path), source / name)
        elif path.is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, source / name)
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


@pytest.fixture(scope="module")
def site(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel unpacked, as pip would install it into site-packages."""
    folder = tmp_path_factory.mktemp("site")
    zipfile.ZipFile(wheel).extractall(folder)
    return folder


def test_wheel_contains_the_data_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for scenario in SHIPPED:
        assert f"frontlines/scenarios/{scenario}" in names
    assert "frontlines/scenarios/scenario.schema.json" in names
    assert "frontlines/seeds/aleppo-2024.yaml" in names
    assert "frontlines/engine/py.typed" in names
    assert "frontlines/engine/rules/combat.py" in names
    assert any(n.startswith("frontlines/tui/") and n.endswith(".tcss") for n in names)


def test_the_wheel_installs_one_top_level_name(wheel: Path) -> None:
    tops = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"frontlines"}
    (info,) = (t for t in tops if t.endswith(".dist-info"))
    entry = zipfile.ZipFile(wheel).read(f"{info}/entry_points.txt").decode()
    assert "frontlines = frontlines.tui.cli:main" in entry


def test_scenarios_load_from_the_installed_wheel(site: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK, str(site)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": ok (") == len(SHIPPED)


def hostile_folder(folder: Path) -> Path:
    """A working folder holding what a user might have: a ``scenarios.py``, a plain
    ``scenarios/`` folder of their own scenarios, an ``engine/`` and a ``tui/`` package, each of
    which fails if it is imported. Returns a folder with another distribution's top-level
    ``engine``, ``tui``, ``scenarios`` and ``seeds`` packages, for the path."""
    (folder / "scenarios.py").write_text(TRAP.format(name="scenarios.py"))
    (folder / "scenarios").mkdir()
    (folder / "scenarios" / "mine.yaml").write_text("id: not-a-frontlines-scenario\n")
    for package in ("engine", "tui"):
        (folder / package).mkdir()
        (folder / package / "__init__.py").write_text(TRAP.format(name=f"{package}/"))
    other = folder.parent / f"{folder.name}-other-distribution"
    for package in ("engine", "tui", "scenarios", "seeds"):
        (other / package).mkdir(parents=True)
        (other / package / "__init__.py").write_text(f"WHO = 'other {package}'\n")
    return other


def run_cli(python_path: list[Path], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, python_path))}
    env.pop("PYTHONSAFEPATH", None)
    return subprocess.run(
        [sys.executable, "-c", CLI, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("install", ["wheel", "editable"])
def test_nothing_on_the_users_path_breaks_frontlines(
    install: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    other = hostile_folder(work)
    # The editable install is the one this suite runs from (`make` installs the project with
    # `pip install -e`); the wheel is put first on the path, ahead of it.
    path = [other] if install == "editable" else [request.getfixturevalue("site"), other]
    shipped = [p.removesuffix(".yaml") for p in SHIPPED]
    for args in (["validate", *shipped], ["forecast", "aleppo-2024", "--runs", "20", "--json"]):
        result = run_cli(path, work, *args)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    validated = run_cli(path, work, "validate", *shipped).stdout
    assert validated.count(": ok (") == len(shipped)
    # A path the user gives still means their file.
    own = run_cli(path, work, "validate", "scenarios/mine.yaml")
    assert own.returncode != 0 and "Traceback" not in own.stderr
    assert all(
        line.startswith("scenarios/mine.yaml:1:1: error: ") for line in own.stderr.splitlines()
    )


@pytest.mark.parametrize("install", ["wheel", "editable"])
def test_frontlines_breaks_nothing_on_the_users_path(
    install: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    other = hostile_folder(work)
    path = [other] if install == "editable" else [request.getfixturevalue("site"), other]
    probe = (
        "import engine, tui, scenarios, seeds, frontlines.engine;"
        "print(engine.WHO, tui.WHO, scenarios.WHO, seeds.WHO, sep=',')"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, path))}
    result = subprocess.run(
        [sys.executable, "-P", "-c", probe],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "other engine,other tui,other scenarios,other seeds"


def test_the_editable_install_maps_only_frontlines(tmp_path: Path) -> None:
    probe = (
        "import importlib.util as u, frontlines;"
        "print(*[u.find_spec(n) is None for n in ('engine', 'tui', 'scenarios', 'seeds')])"
    )
    result = subprocess.run(
        [sys.executable, "-P", "-c", probe],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"] * 4
