"""Hostile scenario files: one clear error each, within 2 s and 200 MB, and nothing ever runs.

Each measured case runs in a child process of its own, which measures the CPU time of the
``load_scenario`` call itself (not interpreter start-up; CPU time, so that a busy machine does
not fail the limit) and then runs ``frontlines validate`` on the same file. The
child is started by a small driver process that reads the child's peak memory with
``getrusage(RUSAGE_CHILDREN).ru_maxrss`` once it has exited: Linux counts in a child's peak the
memory of the process it was started from, so starting it straight from pytest would charge it
for pytest's own memory, whereas the driver is a bare interpreter of about 10 MB.

Run: ``CI=true .venv/bin/pytest tests/robustness/test_scenario_hostile.py -q -rP`` (``-rP``
shows each case's seconds and peak memory).
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from frontlines.engine.scenario import Scenario, ScenarioError, dump_scenario, load_scenario
from frontlines.engine.scenario.diagnostics import Mark, YamlInputError
from frontlines.engine.scenario.loader import load_scenario_text
from frontlines.engine.scenario.yamlio import DEFAULT_LOADER, LOADERS, MAX_BYTES, parse_document

TIME_LIMIT_S = 2.0
MEMORY_LIMIT_MB = 200
CORPUS = Path(__file__).parent / "corpus" / "scenarios"
SEED = (CORPUS / "minimal-valid.yaml").read_text(encoding="utf-8")
MARKER = "frontlines-pwned"
"""The file the hostile tags and texts would create in the working folder if they ever ran."""

_CHILD = """
import json, sys, time
from frontlines.engine.scenario import ScenarioError, load_scenario
from frontlines.tui.cli import main

path, report, cli = sys.argv[1], sys.argv[2], sys.argv[3] == "cli"
start = time.process_time()  # CPU time: a busy machine does not make it grow
try:
    load_scenario(path)
except ScenarioError as exc:
    lines = [d.render() for d in exc.diagnostics]
else:
    lines = []
seconds = time.process_time() - start
with open(report, "w", encoding="utf-8") as handle:
    json.dump({"seconds": seconds, "count": len(lines), "first": lines[:3]}, handle)
sys.exit(main(["validate", path]) if cli else 0)
"""

_DRIVER = """
import json, resource, subprocess, sys
child = subprocess.run(
    [sys.executable, "-c", *sys.argv[1:]],
    capture_output=True, encoding="utf-8", errors="replace", timeout=600, check=False,
)
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": child.returncode, "stderr": child.stderr, "peak_kb": peak_kb}))
"""


@dataclass(frozen=True)
class Run:
    """What one child process saw: the loader's time, the child's peak memory, the CLI."""

    seconds: float
    peak_mb: float
    count: int
    first: list[str]
    cli_code: int
    cli_stderr: str


def measure(path: Path, *, cli: bool = True) -> Run:
    """Load ``path`` (given by name, from its folder) in a fresh child process, then run
    ``frontlines validate`` on it there unless ``cli`` is false."""
    report = path.with_name(path.name + ".report.json")
    driver = subprocess.run(
        [sys.executable, "-c", _DRIVER, _CHILD, path.name, str(report), "cli" if cli else "-"],
        cwd=path.parent,
        capture_output=True,
        encoding="utf-8",
        timeout=900,
        check=True,
    )
    outcome = json.loads(driver.stdout)
    assert report.is_file(), f"the child crashed:\n{outcome['stderr']}"
    seen = json.loads(report.read_text(encoding="utf-8"))
    return Run(
        seconds=seen["seconds"],
        peak_mb=outcome["peak_kb"] / 1024,
        count=seen["count"],
        first=seen["first"],
        cli_code=outcome["code"],
        cli_stderr=outcome["stderr"],
    )


def _matches(expected: str, line: str) -> bool:
    """``expected`` with each ``{n}`` standing for a number (loader-dependent columns)."""
    pattern = r"\d+".join(re.escape(part) for part in expected.split("{n}"))
    return re.fullmatch(pattern, line) is not None


# --- Generated hostile files --------------------------------------------------------------------


def _locations(count: int, *, full: bool) -> str:
    fields = ", name: Place, kind: town, lat: 1.0, lon: 2.0, terrain: flat, value: 1" * full
    return "".join(f"  - {{id: place-{i:05d}{fields}}}\n" for i in range(count))


def _header() -> str:
    return SEED.split("locations:")[0]


def _bomb(levels: int, width: int) -> str:
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def _png() -> bytes:
    return (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
        + bytes(random.Random(7).randrange(256) for _ in range(4096))
    )


HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "over-size-limit": (
        lambda: b"# padding\n" * (MAX_BYTES // 10) + b"x" * (MAX_BYTES % 10 + 1),
        "1:1: error: file is too large (2,097,153 bytes); scenario files are limited to "
        "2,097,152 bytes (2.0 MiB)",
    ),
    "billion-laughs": (
        lambda: _bomb(10, 10).encode(),
        "5:5: error: the document expands to more than 60,000 values (an alias bomb?)",
    ),
    "too-many-aliases": (
        lambda: ("a: &a x\nb: [" + ", ".join(["*a"] * 600) + "]\n").encode(),
        "2:{n}: error: too many aliases (more than 512); write the values out",
    ),
    "deep-flow-lists": (
        lambda: ("rules: " + "[" * 100_000 + "]" * 100_000 + "\n").encode(),
        "1:{n}: error: nesting is deeper than 48 levels",
    ),
    "deep-flow-mappings": (
        lambda: ("rules: " + "{a: " * 100_000 + "}" * 100_000 + "\n").encode(),
        "1:{n}: error: nesting is deeper than 48 levels",
    ),
    "deep-block-lists": (
        lambda: ("- " * 100_000 + "x\n").encode(),
        "1:97: error: nesting is deeper than 48 levels",
    ),
    "deep-block-mappings": (
        lambda: "".join(f"{' ' * i}k{i}:\n" for i in range(1_000)).encode(),
        "48:48: error: nesting is deeper than 48 levels",
    ),
    "50000-locations-full": (
        lambda: (_header() + "locations:\n" + _locations(50_000, full=True)).encode(),
        "1:1: error: file is too large ({n},{n},{n} bytes); scenario files are limited to "
        "2,097,152 bytes (2.0 MiB)",
    ),
    "50000-locations-short": (
        lambda: (_header() + "locations:\n" + _locations(50_000, full=False)).encode(),
        "{n}:{n}: error: the file holds more than 60,000 values",
    ),
    "50000-routes": (
        lambda: (
            SEED.split("routes:")[0]
            + "routes:\n"
            + "".join(f"  - {{from: ford, to: r{i}}}\n" for i in range(50_000))
        ).encode(),
        "{n}:{n}: error: the file holds more than 60,000 values",
    ),
    "random-bytes": (
        lambda: random.Random(2024).randbytes(64 * 1024),
        "1:1: error: invalid UTF-8 byte 0x{n}; scenario files must be UTF-8 text",
    ),
    "png-image": (_png, "1:1: error: invalid UTF-8 byte 0x89; scenario files must be UTF-8 text"),
    "nul-bytes": (
        lambda: bytes(1024 * 1024),
        "1:1: error: file contains a NUL byte: this is binary data, not YAML text",
    ),
    "nul-in-text": (
        lambda: SEED.encode().replace(b"name: Lowtown", b"name: Low\x00town"),
        "56:14: error: file contains a NUL byte: this is binary data, not YAML text",
    ),
    "latin-1-text": (
        lambda: SEED.replace("The Ford", "Le Gu\u00e9").encode("latin-1"),
        "47:16: error: invalid UTF-8 byte 0xe9; scenario files must be UTF-8 text",
    ),
    "encoded-surrogate": (
        lambda: SEED.encode().replace(b"Hightown\n", b"High\xed\xa0\x80town\n", 1),
        "36:15: error: invalid UTF-8 byte 0xed; scenario files must be UTF-8 text",
    ),
    "truncated-utf8": (
        lambda: SEED.encode()[:-1] + b"\xe2\x82",
        "{n}:{n}: error: invalid UTF-8 byte 0xe2; scenario files must be UTF-8 text",
    ),
    "utf16-with-bom": (
        lambda: SEED.encode("utf-16"),
        "1:1: error: invalid UTF-8 byte 0xff; scenario files must be UTF-8 text",
    ),
    "utf16-big-endian": (
        lambda: SEED.encode("utf-16-be"),
        "1:1: error: file contains a NUL byte: this is binary data, not YAML text",
    ),
    "lone-surrogate-escape": (
        lambda: SEED.replace("name: Lowtown", 'name: "Low\\ud800town"').encode(),
        {
            "libyaml": "56:17: error: invalid YAML: found invalid Unicode character escape code "
            "(while parsing a quoted scalar at line 56)",
            "python": "56:11: error: lone surrogate U+D800, written as an escape, is not allowed "
            "in a scenario file",
        }[DEFAULT_LOADER],
    ),
    "terminal-escape-sequence": (
        lambda: SEED.replace("name: Hightown", 'name: "\\e]0;pwned\\a\\e[2JHightown"').encode(),
        "36:11: error: control character U+001B, written as an escape, is not allowed in a "
        "scenario file",
    ),
    "2-mib-of-blank-lines": (
        lambda: b"\n" * MAX_BYTES,
        "1:1: error: the file is empty; a scenario is a mapping with schema, id, title, "
        "factions, locations, routes ...",
    ),
    "unclosed-quote-1-million-lines": (
        lambda: b'title: "' + b"x\n" * (MAX_BYTES // 2 - 8),
        "1:8: error: invalid YAML: the quoted text that starts here is never closed",
    ),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.mark.parametrize("label", list(HOSTILE))
def test_hostile_file_gives_one_clear_error_quickly(label: str, folder: Path) -> None:
    contents, expected = HOSTILE[label]
    path = folder / f"{label}.yaml"
    path.write_bytes(contents())
    run = measure(path)
    print(f"{label}: {run.seconds:.3f} s, {run.peak_mb:.1f} MB: {run.first[:1]}")

    assert run.count == 1, run.first
    assert _matches(f"{path.name}:{expected}", run.first[0]), run.first[0]
    assert run.cli_code == 1
    assert run.cli_stderr == run.first[0] + "\n"
    assert run.seconds < TIME_LIMIT_S, run.seconds
    assert run.peak_mb < MEMORY_LIMIT_MB, run.peak_mb


# --- Files the reader accepts, at the limits ----------------------------------------------------


def _largest_valid() -> bytes:
    """As many locations and routes as MAX_NODES lets through, and the most variants (20)."""
    count = 2_200
    text = SEED.split("locations:")[0] + "locations:\n"
    text += "".join(
        f"  - {{id: place-{i:05d}, name: Place {i}, kind: town, lat: {10 + i % 50 / 100:.2f}, "
        f"lon: {-150 + i // 50 / 100:.2f}, terrain: flat, value: 1, controller: north, "
        "garrison: {north: 1}}\n"
        for i in range(count)
    )
    text += "routes:\n" + "".join(
        f"  - {{from: place-{i:05d}, to: place-{(i + 1) % count:05d}}}\n" for i in range(count)
    )
    text += "victory:\n  - {faction: south, control: [place-00000]}\n"
    text += "variants:\n" + "".join(
        f"  - {{id: what-if-{i}, title: What if {i}, changes: {{max_turns: {i + 2}}}}}\n"
        for i in range(20)
    )
    return text.encode()


def _misspelt_fields() -> bytes:
    row = (
        "  - {{id: place-{0:05d}, nmae: x, lati: 1, lont: 2, kidn: town, terain: flat, vale: 1}}\n"
    )
    return (_header() + "locations:\n" + "".join(row.format(i) for i in range(3_900))).encode()


def _unknown_route_ends() -> bytes:
    count = 2_700
    text = (
        _header()
        + "locations:\n"
        + _locations(count, full=True).replace("}", ", controller: north}")
    )
    text += "routes:\n" + "".join(
        f"  - {{from: place-{i:05d}x, to: place-{i + 1:05d}}}\n" for i in range(100)
    )
    return text.encode()


BOUNDED: dict[str, tuple[Callable[[], bytes], str | None]] = {
    "largest-valid-file": (_largest_valid, None),
    "59000-wrong-list-items": (
        lambda: ("locations: [" + ", ".join(["no"] * 59_000) + "]\n").encode(),
        None,
    ),
    "29000-misspelt-sections": (
        lambda: "".join(f"tilte{i}: 1\n" for i in range(29_000)).encode(),
        None,
    ),
    "3900-locations-misspelt-fields": (_misspelt_fields, None),
    "100-unknown-route-ends-2700-places": (_unknown_route_ends, None),
}


@pytest.mark.parametrize(
    "label",
    [
        pytest.param(label, marks=pytest.mark.xfail(reason=why, strict=False) if why else ())
        for label, (_, why) in BOUNDED.items()
    ],
)
def test_files_at_the_limits_load_within_bounds(label: str, folder: Path) -> None:
    path = folder / f"{label}.yaml"
    path.write_bytes(BOUNDED[label][0]())
    run = measure(path, cli=False)
    print(f"{label}: {run.seconds:.3f} s, {run.peak_mb:.1f} MB, {run.count:,} problems")

    assert all(line.startswith(f"{path.name}:") for line in run.first)
    assert run.seconds < TIME_LIMIT_S, run.seconds
    assert run.peak_mb < MEMORY_LIMIT_MB, run.peak_mb


# --- Nothing in a file is ever run --------------------------------------------------------------

_RUN_IF_EVALUATED = [
    f"!!python/object/apply:os.system [touch {MARKER}]",
    f"!!python/object/apply:builtins.open [{MARKER}, w]",
    f"!!python/object/new:subprocess.Popen [[touch, {MARKER}]]",
    f"!!python/object/apply:os.system\n  args: [touch {MARKER}]",
    "!!python/name:os.system",
    "!!python/module:os",
    f"&anchor !!python/object/apply:os.system [touch {MARKER}]",
    f"[1, !!python/object/apply:os.system [touch {MARKER}]]",
    f"!<tag:yaml.org,2002:python/object/apply:os.system> [touch {MARKER}]",
    "!!binary aGVsbG8gd29ybGQ=",
    "!!set {a, b}",
    "!!timestamp 2030-05-01",
    "!!omap [{a: 1}]",
    "!!str text",
    "!!int 3",
    "!env HOME",
    "!include other.yaml",
    "! text",
]
TAGGED = [f"title: {value}\n" for value in _RUN_IF_EVALUATED] + [
    "? !!python/name:os.system\n: 1\n",
    "%TAG !py! tag:yaml.org,2002:python/object/apply:\n---\n"
    f"title: !py!os.system [touch {MARKER}]\n",
]


@pytest.mark.parametrize("loader", sorted(LOADERS))
@pytest.mark.parametrize("text", TAGGED)
def test_no_tag_is_ever_constructed(
    text: str, loader: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(YamlInputError) as info:
        parse_document(text, loader=loader)
    assert re.fullmatch(
        r"YAML tags such as '[^']+' are not allowed in scenario files; write plain values",
        info.value.message,
    )
    assert not (tmp_path / MARKER).exists()


def test_the_tag_probe_would_create_its_file_if_evaluated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control for the test above: an unsafe YAML loader does run the tag."""
    monkeypatch.chdir(tmp_path)
    opened = yaml.unsafe_load(f"title: !!python/object/apply:builtins.open [{MARKER}, w]\n")
    opened["title"].close()
    assert (tmp_path / MARKER).exists()


TAG_FILES = sorted(p.name for p in CORPUS.glob("*tag*.yaml"))


@pytest.mark.parametrize("name", TAG_FILES)
def test_tagged_corpus_files_are_refused_without_running(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as info:
        load_scenario(CORPUS / name)
    (only,) = info.value.diagnostics
    assert "YAML tags such as '" in only.message and only.mark is not None
    assert not (tmp_path / MARKER).exists()


CODE_LIKE = [
    f"__import__('os').system('touch {MARKER}')",
    "{{7*7}}",
    "${HOME}",
    f"$(touch {MARKER})",
    f"`touch {MARKER}`",
    "%(name)s %s %n {0.__class__.__init__.__globals__}",
    "#{7*7} ${{7*7}} <%= 7*7 %>",
    "[bold red]x[/] [@click=app.quit]quit[/]",
    "<script>alert(1)</script>",
    "'; DROP TABLE scenarios; --",
    f"!!python/object/apply:os.system [touch {MARKER}]",
    "*alias &anchor <<: ~",
]


@pytest.mark.parametrize("text", CODE_LIKE)
def test_text_that_looks_like_code_stays_plain_text(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    quoted = json.dumps(text)  # a JSON string is a YAML double-quoted scalar
    source = (
        SEED.replace("title: Seed Valley", f"title: {quoted}")
        .replace("name: Hightown", f"name: {quoted}")
        .replace("    description: Take The Ford and Hightown.", f"    description: {quoted}")
        .replace(
            "      - message: The Ford falls", f"      - message: {quoted}\n      - message: x"
        )
    )
    path = tmp_path / "code.yaml"
    path.write_text(source, encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.title == scenario.locations[0].name == scenario.victory[0].description == text
    assert scenario.events[0].effects[0].message == text
    assert load_scenario_text(dump_scenario(scenario)) == scenario
    assert not (tmp_path / MARKER).exists()


def test_the_code_like_corpus_file_loads_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    scenario = load_scenario(CORPUS / "code-like-text.yaml")
    assert isinstance(scenario, Scenario)
    assert scenario.title.startswith("{{7*7}} ${HOME} $(touch")
    assert scenario.locations[0].name == f"__import__('os').system('touch {MARKER}')"
    assert not (tmp_path / MARKER).exists()


LOADS = {"minimal-valid.yaml", "anchors-and-aliases.yaml", "code-like-text.yaml"}


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.yaml")))
def test_each_corpus_file_loads_or_gets_one_located_error(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    if name in LOADS:
        assert isinstance(load_scenario(CORPUS / name), Scenario)
        return
    with pytest.raises(ScenarioError) as info:
        load_scenario(CORPUS / name)
    (only,) = info.value.diagnostics
    assert re.fullmatch(rf"{re.escape(str(CORPUS / name))}:\d+:\d+: error: [^\n]+", only.render())
    assert not (tmp_path / MARKER).exists()


# --- Escapes, line breaks and YAML 1.1 leftovers -----------------------------------------------

REFUSED_ESCAPES = {
    "\\e": "control character U+001B",
    "\\0": "control character U+0000",
    "\\a": "control character U+0007",
    "\\b": "control character U+0008",
    "\\r": "control character U+000D",
    "\\x7f": "control character U+007F",
    "\\x9b": "control character U+009B",
    "\\N": "control character U+0085",
    "\\L": "line separator U+2028",
    "\\u2029": "line separator U+2029",
    "\\ud800": "lone surrogate U+D800",
}


@pytest.mark.parametrize("loader", sorted(LOADERS))
@pytest.mark.parametrize("escape", list(REFUSED_ESCAPES))
@pytest.mark.parametrize("where", ["value", "key"])
def test_escapes_cannot_write_control_characters(escape: str, where: str, loader: str) -> None:
    text = f'name: "a{escape}b"\n' if where == "value" else f'"a{escape}b": 1\n'
    with pytest.raises(YamlInputError) as info:
        parse_document(text, loader=loader)
    if escape == "\\ud800" and loader == "libyaml":  # libyaml refuses it while reading
        assert "invalid Unicode character escape" in info.value.message
        return
    assert info.value.message == (
        f"{REFUSED_ESCAPES[escape]}, written as an escape, is not allowed in a scenario file"
    )
    assert info.value.mark == (Mark(1, 7) if where == "value" else Mark(1, 1))


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_escapes_for_printable_text_still_work(loader: str) -> None:
    text = 'name: "tab\\there\\nnew line \\u00e9 \\U0001F600 \\x41 \\_ \\" \\\\ \\uFFFD"\n'
    assert parse_document(text, loader=loader).data == {
        "name": 'tab\there\nnew line \u00e9 \U0001f600 A \u00a0 " \\ \ufffd'
    }


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    controller: south\n",
            '    controller: "sou\\nth"\n',
            "locations[2].controller: 'sou\\nth' is not a valid id",
        ),
        ("    name: Lowtown\n", '    name: Lowtown\n    "x\\ny": 1\n', "unknown field 'x\\ny'"),
        ("    name: Lowtown\n", '    "a\\nb": 1\n    "a\\nb": 2\n', "duplicate key 'a\\nb'"),
    ],
)
def test_each_diagnostic_stays_on_one_line(old: str, new: str, expected: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(SEED.replace(old, new, 1), name="lines.yaml")
    rendered = str(info.value).split("\n")
    assert len(rendered) == len(info.value.diagnostics)
    assert any(expected in line for line in rendered), rendered
    assert all(re.match(r"lines\.yaml:\d+:\d+: (error|warning): ", line) for line in rendered)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("quality: 1.0", "quality: .inf", "15:14: error: factions[0].quality: must be a finite"),
        ("lat: 10.10", "lat: -.inf", "38:10: error: locations[0].lat: must be a finite number"),
        ("max_turns: 6", "max_turns: .nan", "9:12: error: max_turns: expected a whole number"),
        ("name: Hightown", "name: 0x10", "36:11: error: locations[0].name: expected text"),
        ("start_date: 2030-05-01", "start_date: 2030-5-1", "7:13: error: start_date: expected"),
    ],
)
def test_yaml_1_1_numbers_and_dates_are_refused_where_they_mislead(
    old: str, new: str, expected: str
) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(SEED.replace(old, new, 1), name="y.yaml")
    (only,) = info.value.errors
    assert only.render().startswith(f"y.yaml:{expected}"), only.render()


@pytest.mark.parametrize("value", ["on", "NO", "1:30"])
def test_yaml_1_1_booleans_and_times_in_text_fields_stay_text(value: str) -> None:
    scenario = load_scenario_text(SEED.replace("name: Hightown", f"name: {value}", 1))
    assert scenario.locations[0].name == value


def test_hex_numbers_read_as_yaml_1_2_says() -> None:
    scenario = load_scenario_text(SEED.replace("sorties_per_turn: 2", "sorties_per_turn: 0x10"))
    assert scenario.air_support[0].sorties_per_day == 16
