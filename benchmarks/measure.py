"""Running ``frontlines validate`` in a child process and measuring it, for tests and benchmarks.

Also builds the hostile inputs that are too large to commit.
"""

from __future__ import annotations

import functools
import subprocess
import sys
import tempfile
from pathlib import Path

from frontlines.engine.scenario.loader import shipped_dir

# Runs the command's main() and records the child's own CPU time (from its start, so its
# start-up counts) and peak memory. VmHWM belongs to the process image after exec, unlike
# ru_maxrss, which also counts the process it forked from. CPU time, unlike the time on the
# clock, does not grow when other programs keep the machine busy.
_MEASURED_MAIN = """
import os, sys
from frontlines.tui.cli import main
try:
    code = main(sys.argv[2:])
finally:
    with open('/proc/self/status') as status:
        peak = next(line.split()[1] for line in status if line.startswith('VmHWM'))
    times = os.times()
    with open(sys.argv[1], 'w') as report:
        report.write(f"{peak} {times.user + times.system}")
sys.exit(code)
"""


def run_validate(path: Path) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run ``frontlines validate NAME`` in the file's folder: the result, the CPU seconds the
    process used (start-up included) and its peak MB."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "peak"
        result = subprocess.run(
            [sys.executable, "-c", _MEASURED_MAIN, str(report), "validate", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        peak_kb, cpu_seconds = report.read_text().split()
    return result, float(cpu_seconds), int(peak_kb) / 1024


@functools.cache
def start_up_seconds() -> float:
    """The CPU seconds ``frontlines validate`` takes on a small valid scenario: Python's start
    and the imports, which a bound on the work a hostile file causes leaves out (the least of
    three runs, since the machine's load only ever adds)."""
    small = shipped_dir() / "two-rivers.yaml"
    return min(run_validate(small)[1] for _ in range(3))


def hostile_inputs(folder: Path) -> dict[str, Path]:
    """Write the generated hostile inputs into ``folder``; returns them by description."""
    cases: dict[str, Path] = {}

    huge = folder / "huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: no disk is written, the size is what counts
    cases["50 MB file"] = huge

    deep_flow = folder / "deep-flow.yaml"
    deep_flow.write_text("schema: " + "[" * 10_000 + "]" * 10_000 + "\n")
    cases["10,000-deep flow nesting"] = deep_flow

    deep_block = folder / "deep-block.yaml"
    deep_block.write_text("- " * 10_000 + "x\n")
    cases["10,000-deep block nesting"] = deep_block

    many = folder / "many-values.yaml"
    many.write_text("notes: [" + ", ".join(["1"] * 400_000) + "]\n")
    cases["400,000 values in 1.2 MB"] = many

    bomb = folder / "alias-bomb.yaml"
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    bomb.write_text("\n".join(lines) + "\n")
    cases["alias bomb (10^10 values)"] = bomb
    return cases
