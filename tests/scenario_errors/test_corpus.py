"""The bad-scenario corpus: every broken file gets its exact diagnostics, fast and bounded.

Each ``corpus/NAME.yaml`` has a ``NAME.expected`` with exactly what ``frontlines validate``
prints for it. Hostile inputs too large or deep to commit are generated here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.measure import hostile_inputs, run_validate, start_up_seconds
from frontlines.engine.scenario.yamlio import DEFAULT_LOADER
from frontlines.tui.cli import main

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p.name for p in CORPUS.glob("*.yaml"))
TIME_LIMIT_S = 2.0
"""CPU seconds a file may cost beyond the start-up (`start_up_seconds`)."""
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


GENERATED = {
    "50 MB file": "huge.yaml:1:1: error: file is too large (52,428,800 bytes); scenario files "
    "are limited to 2,097,152 bytes (2.0 MiB)",
    "10,000-deep flow nesting": "deep-flow.yaml:1:{col}: error: nesting is deeper than 48 levels",
    "10,000-deep block nesting": "deep-block.yaml:1:97: error: nesting is deeper than 48 levels",
    "400,000 values in 1.2 MB": "many-values.yaml:1:180000: error: the file holds more than "
    "60,000 values",
    "alias bomb (10^10 values)": "alias-bomb.yaml:5:5: error: the document expands to more "
    "than 60,000 values (an alias bomb?)",
}
# libyaml's scanner reads a run of '[' before the depth limit stops composition; the pure-Python
# parser stops at the limit itself.
_DEEP_FLOW_COLUMN = {"libyaml": 1008, "python": 56}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return hostile_inputs(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("label", sorted(GENERATED))
def test_generated_hostile_files_give_one_clear_error(
    label: str, generated: dict[str, Path]
) -> None:
    result, seconds, peak_mb = run_validate(generated[label])
    expected = GENERATED[label].format(col=_DEEP_FLOW_COLUMN[DEFAULT_LOADER])
    assert result.returncode == 1
    assert result.stderr == expected + "\n"
    assert seconds - start_up_seconds() < TIME_LIMIT_S, seconds
    assert peak_mb < MEMORY_LIMIT_MB, peak_mb


@pytest.mark.parametrize("name", CASES)
def test_each_bad_file_exits_1_quickly_without_a_traceback(name: str) -> None:
    result, seconds, peak_mb = run_validate(CORPUS / name)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr == (CORPUS / name).with_suffix(".expected").read_text(encoding="utf-8")
    assert seconds - start_up_seconds() < TIME_LIMIT_S, seconds
    assert peak_mb < MEMORY_LIMIT_MB, peak_mb
