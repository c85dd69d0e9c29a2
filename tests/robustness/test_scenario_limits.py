"""What bounds the work a scenario file can cause, and what each bound keeps the same.

A report holds at most MAX_DIAGNOSTICS lines per file, the last of which counts the problems
not shown; "did you mean" hints share one budget per file and still find what
``difflib.get_close_matches`` finds; a variant is validated by what it changes. The files that
took tens of seconds before these bounds are measured in a child process, like those of
test_scenario_hostile.py: ``CI=true .venv/bin/pytest tests/robustness/test_scenario_limits.py``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.measure import run_validate, start_up_seconds
from frontlines.engine.scenario import (
    ScenarioError,
    apply_variant,
    check_file,
    check_text,
    load_scenario_text,
    scenario_from_data,
)
from frontlines.engine.scenario.diagnostics import (
    MAX_DIAGNOSTICS,
    Candidates,
    Severity,
    SuggestionBudget,
    suggest,
)
from frontlines.engine.scenario.loader import shipped_dir, shipped_ids
from frontlines.engine.scenario.variants import merge_changes

SEED = (Path(__file__).parent / "corpus" / "scenarios" / "minimal-valid.yaml").read_text(
    encoding="utf-8"
)
HEAD = SEED.split("variants:")[0]
TIME_LIMIT_S = 2.0
"""CPU seconds a hostile file may cost beyond the start-up (`start_up_seconds`)."""
MEMORY_LIMIT_MB = 200
SUMMARY = re.compile(
    r"(?P<file>\S+): (?P<severity>error|warning): \.\.\. and (?P<n>[\d,]+) more "
    r"problems? not shown"
)


def _misspelt_sections(count: int) -> str:
    return SEED + "".join(f"tilte{i}: 1\n" for i in range(count))


def _late_reinforcements(count: int) -> str:
    """``count`` warnings (reinforcements after the last turn), before the variants."""
    late = "".join(
        f"  - {{faction: south, location: lowtown, turn: 7, strength: {i + 1}}}\n"
        for i in range(count)
    )
    return HEAD.replace("reinforcements:\n", "reinforcements:\n" + late) + "variants: []\n"


# --- At most MAX_DIAGNOSTICS lines per file ---------------------------------------------------


@pytest.mark.parametrize("count", [1, MAX_DIAGNOSTICS - 1, MAX_DIAGNOSTICS])
def test_up_to_the_limit_every_problem_is_shown(count: int) -> None:
    result = check_text(_misspelt_sections(count), name="s.yaml")
    assert len(result.diagnostics) == count
    assert all(
        d.render() == f"s.yaml:{111 + i}:1: error: tilte{i}: unknown field 'tilte{i}' "
        "(did you mean 'title'?)"
        for i, d in enumerate(result.diagnostics)
    )


@pytest.mark.parametrize(
    ("count", "more"), [(201, "2 more problems"), (5_000, "4,801 more problems")]
)
def test_past_the_limit_the_first_problems_in_file_order_and_a_count_of_the_rest(
    count: int, more: str
) -> None:
    result = check_text(_misspelt_sections(count), name="s.yaml")
    lines = [d.render() for d in result.diagnostics]
    assert len(lines) == MAX_DIAGNOSTICS
    assert lines[0] == "s.yaml:111:1: error: tilte0: unknown field 'tilte0' (did you mean 'title'?)"
    assert lines[-2].startswith("s.yaml:309:1: error: tilte198: unknown field 'tilte198'")
    assert lines[-1] == f"s.yaml: error: ... and {more} not shown"
    assert not result.ok


def test_the_count_comes_last_even_after_problems_without_a_position() -> None:
    text = SEED.replace("schema: 1\n", "") + "".join(f"tilte{i}: 1\n" for i in range(300))
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, name="s.yaml")
    lines = str(info.value).split("\n")
    assert lines[0] == "s.yaml:2:1: error: missing required field 'schema'"
    assert lines[-1] == "s.yaml: error: ... and 102 more problems not shown"


def test_an_error_past_the_limit_still_makes_the_file_invalid() -> None:
    text = _late_reinforcements(250).replace(
        "variants: []\n",
        "variants:\n  - {id: v, title: V, changes: {locations: {nowhere: {value: 1}}}}\n",
    )
    result = check_text(text, name="w.yaml")
    shown, summary = result.diagnostics[:-1], result.diagnostics[-1]
    assert all(d.severity is Severity.WARNING for d in shown)
    assert summary.render() == "w.yaml: error: ... and 52 more problems not shown"
    assert not result.ok
    with pytest.raises(ScenarioError):
        load_scenario_text(text)


def test_only_warnings_past_the_limit_leave_the_file_valid() -> None:
    result = check_text(_late_reinforcements(250), name="w.yaml")
    assert result.ok and result.scenario is not None
    assert len(result.diagnostics) == MAX_DIAGNOSTICS
    assert result.diagnostics[0].render() == (
        "w.yaml:84:47: warning: reinforcements[0].turn: arrives on turn 7, after the last turn (6)"
    )
    assert result.diagnostics[-1].render() == "w.yaml: warning: ... and 51 more problems not shown"


def test_a_broken_fact_sheet_is_capped_and_each_line_stays_one_line(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    keys = "".join(f'"bad\\nkey{i}": 1\n' for i in range(300))
    (seeds / "notes.yaml").write_text(
        f"sheet: notes\ntitle: Notes\nsource: mine\narticle: []\n{keys}", encoding="utf-8"
    )
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SEED, encoding="utf-8")
    result = check_file(scenario)
    sheet = [d for d in result.diagnostics if d.file == str(seeds / "notes.yaml")]
    assert len(sheet) == MAX_DIAGNOSTICS
    assert all(d.severity is Severity.WARNING and "\n" not in d.render() for d in sheet)
    assert sheet[0].message == "fact sheet not read: bad\\nkey0: unknown field 'bad\\nkey0'"
    assert sheet[-1].message == "... and 101 more problems not shown"
    assert result.ok


# --- "Did you mean": what difflib finds, within a budget ----------------------------------------


def _difflib_hint(word: str, choices: list[str]) -> str:
    """The hint as it was before it had a budget: get_close_matches, then a match in case."""
    options = sorted(set(choices))
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        lowered = {o.lower(): o for o in options}
        close = [lowered[word.lower()]] if word.lower() in lowered else []
    return f" (did you mean '{close[0]}'?)" if close else ""


NAMES = st.text(alphabet="abcdeAB-_01\u00e9", max_size=12)


@given(word=NAMES, choices=st.lists(NAMES, max_size=25))
def test_hints_are_those_difflib_finds(word: str, choices: list[str]) -> None:
    assert suggest(word, choices) == _difflib_hint(word, choices)
    assert suggest(word, Candidates(choices), SuggestionBudget()) == _difflib_hint(word, choices)


@given(words=st.lists(NAMES, max_size=10), choices=st.lists(NAMES, max_size=25))
def test_prepared_candidates_give_each_word_its_own_hint(
    words: list[str], choices: list[str]
) -> None:
    candidates = Candidates(choices)
    assert [suggest(w, candidates) for w in words] == [_difflib_hint(w, choices) for w in words]


def test_a_search_the_budget_cannot_pay_for_finds_nothing() -> None:
    ids = Candidates(f"place-{i:05d}" for i in range(2_700))
    assert suggest("place-00042x", ids, SuggestionBudget(left=2_699)) == ""  # 2,700 names
    assert suggest("place-00042x", ids, SuggestionBudget(left=3_000)) == ""  # and difflib
    budget = SuggestionBudget(left=5_000)
    assert suggest("place-00042x", ids, budget) == " (did you mean 'place-00042'?)"
    assert 0 <= budget.left <= 5_000 - 2_700


def test_one_budget_gives_a_large_map_some_exact_hints_and_then_none() -> None:
    ids = [f"place-{i:05d}" for i in range(2_700)]
    candidates, budget = Candidates(ids), SuggestionBudget()
    hints = [suggest(f"place-{i:05d}x", candidates, budget) for i in range(100)]
    given_ = [h for h in hints if h]
    assert 20 <= len(given_) < 100
    assert hints[: len(given_)] == [f" (did you mean 'place-{i:05d}'?)" for i in range(len(given_))]
    assert not any(hints[len(given_) :])


# --- Variants: validated by what they change ----------------------------------------------------


@pytest.mark.parametrize("scenario_id", shipped_ids())
def test_a_variant_applied_equals_the_scenario_rebuilt_from_plain_data(scenario_id: str) -> None:
    scenario = load_scenario_text((shipped_dir() / f"{scenario_id}.yaml").read_text())
    plain = scenario.model_dump(mode="json", by_alias=True) | {"variants": []}
    for variant in scenario.variants:
        merged, _, problems = merge_changes(plain, variant.changes)
        assert not problems
        assert apply_variant(scenario, variant.id) == scenario_from_data(merged)


def test_a_broken_variant_of_a_large_scenario_is_reported_where_it_breaks() -> None:
    text = (
        HEAD
        + "variants:\n"
        + "".join(
            f"  - {{id: v{i}, title: V, changes: {{max_turns: {i + 2}}}}}\n" for i in range(19)
        )
    )
    text += "  - {id: broken, title: B, changes: {locations: {ford: {lat: 100}}}}\n"
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, name="v.yaml")
    assert str(info.value) == (
        "v.yaml:125:62: error: variants[19].changes.locations.ford.lat: must be at most 90.0 "
        "(got 100)"
    )


def _locations(count: int) -> str:
    return "".join(
        f"  - {{id: place-{i:05d}, name: Place {i}, kind: town, lat: {10 + i % 50 / 100:.2f}, "
        f"lon: {-150 + i // 50 / 100:.2f}, terrain: flat, value: 1, controller: north, "
        "garrison: {north: 1}}\n"
        for i in range(count)
    )


def _map(count: int) -> str:
    routes = "".join(
        f"  - {{from: place-{i:05d}, to: place-{(i + 1) % count:05d}}}\n" for i in range(count)
    )
    return (
        SEED.split("locations:")[0]
        + "locations:\n"
        + _locations(count)
        + "routes:\n"
        + routes
        + "victory:\n  - {faction: south, control: [place-00000]}\n"
    )


def _variant_with_bad_fields() -> str:
    patches = "".join(
        f"        place-{i:05d}: {{lat: x, lon: x, value: x, kind: 5, terrian: flat}}\n"
        for i in range(1_500)
    )
    return (
        _map(1_500)
        + f"variants:\n  - id: bad\n    title: Bad\n    changes:\n      locations:\n{patches}"
    )


def _variants_with_unknown_ids() -> str:
    def variant(j: int) -> str:
        ids = "".join(
            f"        plaec-{i:05d}: {{value: 2}}\n" for i in range(j * 200, j * 200 + 200)
        )
        return f"  - id: v{j}\n    title: V\n    changes:\n      locations:\n{ids}"

    return _map(1_000) + "variants:\n" + "".join(variant(j) for j in range(20))


def _variants_with_unknown_controllers() -> str:
    def variant(j: int) -> str:
        ids = "".join(
            f"        place-{i:05d}: {{controller: nrth{i}}}\n" for i in range(j * 40, j * 40 + 150)
        )
        return f"  - id: v{j}\n    title: V\n    changes:\n      locations:\n{ids}"

    return _map(1_000) + "variants:\n" + "".join(variant(j) for j in range(20))


SLOW_BEFORE: dict[str, tuple[Callable[[], str], int]] = {
    # name: (contents, problems); the seconds are what the loader took before these bounds
    "variant-7500-bad-fields": (_variant_with_bad_fields, 7_502),  # 5.7 s
    "20-variants-4000-unknown-ids": (_variants_with_unknown_ids, 4_002),  # 80 s
    "20-variants-3000-unknown-controllers": (_variants_with_unknown_controllers, 3_002),  # 22 s
}


@pytest.mark.parametrize("label", list(SLOW_BEFORE))
def test_hostile_variants_are_reported_within_bounds(label: str, tmp_path: Path) -> None:
    contents, problems = SLOW_BEFORE[label]
    path = tmp_path / f"{label}.yaml"
    path.write_text(contents(), encoding="utf-8")
    result, seconds, peak_mb = run_validate(path)
    start_up = start_up_seconds()
    print(f"{label}: {seconds:.3f} CPU s ({start_up:.3f} of them start-up), {peak_mb:.1f} MB")

    lines = result.stderr.splitlines()
    assert result.returncode == 1
    assert len(lines) == MAX_DIAGNOSTICS
    assert all(re.match(rf"{path.name}:\d+:\d+: (error|warning): ", line) for line in lines[:-1])
    summary = SUMMARY.fullmatch(lines[-1])
    assert summary is not None, lines[-1]
    assert int(summary["n"].replace(",", "")) == problems - (MAX_DIAGNOSTICS - 1)
    assert seconds - start_up_seconds() < TIME_LIMIT_S, seconds
    assert peak_mb < MEMORY_LIMIT_MB, peak_mb
