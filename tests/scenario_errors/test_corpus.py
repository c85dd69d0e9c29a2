"""The bad-scenario corpus: every broken file gets its exact diagnostics, fast and bounded.

Each ``corpus/NAME.yaml`` has a ``NAME.expected`` with exactly what ``frontlines validate``
prints for it. Hostile inputs too large or deep to commit are generated here.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tui.cli import main

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p.name for p in CORPUS.glob("*.yaml"))
TIME_LIMIT_S = 2.0
MEMORY_LIMIT_MB = 200


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30
    assert all((CORPUS / name).with_suffix(".expected").is_file() for name in CASES)


@pytest.mark.parametrize("name", CASES)
def test_each_bad_file_gives_its_exact_diagnostics(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(CORPUS)
    assert main(["validate", name]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (CORPUS / name).with_suffix(".expected").read_text(encoding="utf-8")
    assert all(line.startswith(f"{name}:") for line in err.splitlines())


# Runs the command's main() and records the child's own peak memory (VmHWM belongs to the
# process image after exec, unlike ru_maxrss, which also counts the pytest process it forked
# from).
_MEASURED_MAIN = """
import sys
from tui.cli import main
try:
    code = main(sys.argv[2:])
finally:
    with open('/proc/self/status') as status:
        peak = next(line.split()[1] for line in status if line.startswith('VmHWM'))
    with open(sys.argv[1], 'w') as report:
        report.write(peak)
sys.exit(code)
"""


def run_validate(path: Path) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run ``frontlines validate`` in a child process: its result, seconds and peak MB."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "peak"
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", _MEASURED_MAIN, str(report), "validate", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            timeout=60,
        )
        seconds = time.perf_counter() - start
        peak_mb = int(report.read_text()) / 1024
    return result, seconds, peak_mb


def generated_cases(tmp: Path) -> list[Path]:
    """Hostile files that are generated rather than committed."""
    huge = tmp / "huge.yaml"
    with huge.open("wb") as handle:
        line = b"  - {from: a, to: b}\n"
        handle.write(b"schema: 1\nroutes:\n")
        handle.write(line * (50 * 1024 * 1024 // len(line)))
    deep_flow = tmp / "deep-flow.yaml"
    deep_flow.write_text("schema: " + "[" * 10_000 + "]" * 10_000 + "\n")
    deep_block = tmp / "deep-block.yaml"
    deep_block.write_text("".join(" " * i + "- \n" for i in range(0, 20_000, 2)))
    many_keys = tmp / "many-values.yaml"
    many_keys.write_text("schema: 1\nnotes: [" + ", ".join(["1"] * 400_000) + "]\n")
    return [huge, deep_flow, deep_block, many_keys]


def test_generated_hostile_files_give_one_clear_error(tmp_path: Path) -> None:
    for path in generated_cases(tmp_path):
        result, seconds, peak_mb = run_validate(path)
        assert result.returncode == 1, (path.name, result.stderr)
        lines = result.stderr.splitlines()
        assert len(lines) == 1, (path.name, lines)
        assert lines[0].startswith(f"{path.name}:1:") or lines[0].startswith(f"{path.name}:")
        assert "Traceback" not in result.stderr
        assert seconds < TIME_LIMIT_S * 2, (path.name, seconds)
        assert peak_mb < MEMORY_LIMIT_MB, (path.name, peak_mb)


@pytest.mark.parametrize("name", CASES)
def test_each_bad_file_exits_1_quickly_without_a_traceback(name: str) -> None:
    result, seconds, peak_mb = run_validate(CORPUS / name)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr == (CORPUS / name).with_suffix(".expected").read_text(encoding="utf-8")
    assert seconds < TIME_LIMIT_S, seconds
    assert peak_mb < MEMORY_LIMIT_MB, peak_mb
