"""Re-pin everything that records what the rules give, after a change of the rules that is
meant to change it, and say what changed.

    python -m tests.repin        (make repin)

In order: the golden games (``tests/golden/expected.json``; refused while their states
changed but ``RULES_VERSION`` did not), the seed corpus of saves
(``tests/robustness/corpus/saves``), the scenario JSON Schema
(``scenarios/scenario.schema.json``), the terminal snapshots (``tests/tui/__snapshots__``) and
the README's picture (``docs/screenshot.svg``). Nothing is typed in by hand: each is written
by the code that checks it. Review the result with ``git diff`` before committing it, and say
in the commit which change of the rules it records.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _fingerprints(paths: list[Path]) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


def _changed(before: dict[Path, str], after: dict[Path, str]) -> list[str]:
    out = []
    for path in sorted(set(before) | set(after)):
        if before.get(path) == after.get(path):
            continue
        how = "new" if path not in before else "gone" if path not in after else "changed"
        out.append(f"{path.relative_to(ROOT)} ({how})")
    return out


def _step(title: str, paths: Callable[[], list[Path]], action: Callable[[], None]) -> list[str]:
    before = _fingerprints(paths())
    action()
    changed = _changed(before, _fingerprints(paths()))
    print(f"{title}: " + ("; ".join(changed) if changed else "unchanged"))
    return changed


def _golden() -> None:
    from tests.golden.runner import write

    if write() != 0:
        sys.exit(1)


def _corpus() -> None:
    from tests.robustness.test_saves import CORPUS, corpus_texts

    texts = corpus_texts()
    for old in CORPUS.glob("*.json"):
        if old.name not in texts:
            old.unlink()
    for name, text in texts.items():
        (CORPUS / name).write_text(text, encoding="utf-8")


def _schema() -> None:
    from frontlines.engine.scenario.schema import SCHEMA_FILE, schema_text

    (ROOT / "scenarios" / SCHEMA_FILE).write_text(schema_text(), encoding="utf-8")


def _run(*args: str) -> None:
    subprocess.run([sys.executable, *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    from tests.golden.runner import EXPECTED
    from tests.robustness.test_saves import CORPUS

    snapshots = ROOT / "tests" / "tui" / "__snapshots__"
    picture = ROOT / "docs" / "screenshot.svg"
    changed: list[str] = []
    changed += _step("golden games", lambda: [EXPECTED], _golden)
    changed += _step("save corpus", lambda: sorted(CORPUS.glob("*.json")), _corpus)
    changed += _step("schema", lambda: [ROOT / "scenarios" / "scenario.schema.json"], _schema)
    changed += _step(
        "snapshots",
        lambda: sorted(snapshots.rglob("*.svg")),
        lambda: _run(
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "tests/tui/test_snapshots.py",
            "--snapshot-update",
        ),
    )
    changed += _step(
        "README picture",
        lambda: [picture],
        lambda: _run("-m", "frontlines.tui.screenshot", str(picture)),
    )
    print(f"{len(changed)} file(s) re-pinned" + (": review them with git diff" if changed else ""))


if __name__ == "__main__":
    main()
