"""Fuzzing the scenario loader with mutations of real scenario files.

Every shipped scenario and every file of the seed corpus (``corpus/scenarios/``) is mutated the
ways files really break, and worse: bytes flipped, YAML punctuation inserted, the file cut
short, lines duplicated, dropped or swapped, values replaced by values of other types. Whatever
comes out, ``load_scenario`` returns a Scenario or raises ScenarioError, never anything else,
and every diagnostic is one ``PATH:LINE:COL: error: MESSAGE`` (or ``PATH: error: MESSAGE``)
line.

The number of examples comes from the Hypothesis profile (tests/conftest.py): 200 with CI set,
60 otherwise, 5,000 with HYPOTHESIS_PROFILE=soak, as in
``HYPOTHESIS_PROFILE=soak .venv/bin/pytest tests/robustness/test_scenario_fuzz.py``.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from frontlines.engine.scenario import Scenario, ScenarioError, load_scenario
from frontlines.engine.scenario.diagnostics import YamlInputError
from frontlines.engine.scenario.loader import shipped_dir
from frontlines.engine.scenario.yamlio import LOADERS, decode, parse_document

CORPUS = Path(__file__).parent / "corpus" / "scenarios"
SEEDS = {
    path.name: path.read_bytes()
    for path in [*sorted(shipped_dir().glob("*.yaml")), *sorted(CORPUS.glob("*.yaml"))]
}
VALID = [
    *sorted(p.name for p in shipped_dir().glob("*.yaml")),
    "minimal-valid.yaml",
    "anchors-and-aliases.yaml",
    "code-like-text.yaml",
]

PUNCTUATION = [
    b":",
    b": ",
    b"-",
    b"- ",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b"&a ",
    b"*a",
    b"!tag ",
    b"!!python/object/apply:os.system ",
    b"\t",
    b"\n",
    b"  ",
    b"'",
    b'"',
    b"#",
    b"|",
    b">",
    b"? ",
    b"<<: ",
    b"---\n",
    b"...\n",
    b"%YAML 1.1\n",
    b"\\",
    b"\\e",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\xff",
]
OTHER_VALUES = [
    b"null",
    b"~",
    b"''",
    b"[]",
    b"{}",
    b"-1",
    b"0",
    b"1e400",
    b".nan",
    b"-.inf",
    b"true",
    b"no",
    b"0x10",
    b"0755",
    b"1:30",
    b"2024-13-45",
    b"[1, 2]",
    b"{a: 1}",
    b"[[[[]]]]",
    b"&a x",
    b"*a",
    b"!!str x",
    b'"\\e[2J"',
    b'"a\\nb"',
    b"|\n  a\n  b",
    b">-",
    b"9" * 40,
    b"x" * 5000,
    b"? x",
]
_VALUE = re.compile(rb"(?<=: )[^\s#][^\n#]*")


@st.composite
def _mutation(draw: st.DrawFn, raw: bytes) -> bytes:
    kind = draw(st.sampled_from(["flip", "insert", "truncate", "lines", "value"]))
    at = draw(st.integers(0, len(raw)))
    if kind == "flip" and raw:
        at = min(at, len(raw) - 1)
        return raw[:at] + bytes([raw[at] ^ draw(st.integers(1, 255))]) + raw[at + 1 :]
    if kind == "insert":
        return raw[:at] + draw(st.sampled_from(PUNCTUATION)) + raw[at:]
    if kind == "truncate":
        return raw[:at]
    if kind == "lines":
        lines = raw.splitlines(keepends=True)
        if not lines:
            return raw
        i, j = (draw(st.integers(0, len(lines) - 1)) for _ in range(2))
        action = draw(st.sampled_from(["duplicate", "delete", "swap"]))
        if action == "duplicate":
            lines.insert(j, lines[i])
        elif action == "delete":
            del lines[i]
        else:
            lines[i], lines[j] = lines[j], lines[i]
        return b"".join(lines)
    values = list(_VALUE.finditer(raw))
    if not values:
        return raw
    found = values[draw(st.integers(0, len(values) - 1))]
    return raw[: found.start()] + draw(st.sampled_from(OTHER_VALUES)) + raw[found.end() :]


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    """A shipped or corpus scenario file with one to three mutations.

    Half the time the file is one that loads, so that mutations also reach the checks that
    run after the YAML is read; most corpus files are refused as soon as they are read.
    """
    name = draw(st.one_of(st.sampled_from(VALID), st.sampled_from(sorted(SEEDS))))
    raw = SEEDS[name]
    for _ in range(draw(st.integers(1, 3))):
        raw = draw(_mutation(raw))
    return raw


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
"""What no text of a loaded scenario may hold: a terminal would obey it, or it breaks lines."""


def _strings(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [*data, *(s for value in data.values() for s in _strings(value))]
    if isinstance(data, list):
        return [s for item in data for s in _strings(item)]
    return []


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "fuzz.yaml"


def check_outcome(path: Path) -> Scenario | None:
    """Load ``path``: a Scenario, or None after checking every diagnostic of the refusal."""
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        assert exc.errors, "a refusal names at least one error"
        line = re.compile(rf"{re.escape(str(path))}(?::\d+:\d+)?: (?:error|warning): [^\n]+")
        for diagnostic in exc.diagnostics:
            assert line.fullmatch(diagnostic.render()), diagnostic.render()
        return None


@settings(deadline=None)
@given(raw=mutated_files())
@example(raw=SEEDS["minimal-valid.yaml"].replace(b"controller: south", b'controller: "s\\nb"'))
@example(raw=SEEDS["minimal-valid.yaml"].replace(b"name: Lowtown", b'name: "\\e[2J"'))
@example(raw=SEEDS["two-rivers.yaml"][:4000])
def test_mutated_scenarios_load_or_fail_cleanly(raw: bytes, target: Path) -> None:
    target.write_bytes(raw)
    scenario = check_outcome(target)
    if scenario is not None:
        assert isinstance(scenario, Scenario)
        texts = _strings(scenario.model_dump(mode="json"))
        assert not [t for t in texts if _CONTROL.search(t)], "control characters got through"
    try:
        text = decode(raw)
    except YamlInputError:
        return
    for loader in LOADERS:  # the pure-Python fallback must be as well behaved as libyaml
        with contextlib.suppress(YamlInputError):
            parse_document(text, loader=loader)


FRONTLINES = Path(sys.executable).with_name("frontlines")
INVALID = [
    "python-apply-tag.yaml",
    "small-alias-bomb.yaml",
    "deep-flow.yaml",
    "utf16-bom.yaml",
    "png-header.yaml",
    "escaped-control.yaml",
    "escaped-newline-id.yaml",
]


@pytest.mark.parametrize("name", INVALID)
def test_the_command_line_reports_corpus_files_without_a_traceback(name: str) -> None:
    result = subprocess.run(
        [str(FRONTLINES), "validate", name],
        cwd=CORPUS,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines
    assert all(re.fullmatch(rf"{re.escape(name)}:\d+:\d+: error: .+", line) for line in lines)
