"""How long checking a scenario takes, in process and as a whole ``frontlines validate`` run.

    python -m benchmarks.loader [--repeat N]

Prints JSON: median milliseconds to check each shipped scenario in process, and for each
generated hostile input the median wall time and peak memory of a separate
``frontlines validate`` process (the budget is 2 s and 200 MB).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from engine.scenario import check_file
from engine.scenario.loader import shipped_dir, shipped_ids
from engine.scenario.yamlio import DEFAULT_LOADER

_MEASURED = """
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


def hostile_inputs(folder: Path) -> dict[str, Path]:
    """The inputs too large to commit: the same ones the robustness tests generate."""
    cases = {
        "50 MB file": ("huge.yaml", None),
        "10,000-deep flow nesting": ("deep.yaml", "schema: " + "[" * 10_000 + "]" * 10_000),
        "1.2 MB, 400,000 values": ("many.yaml", "notes: [" + ", ".join(["1"] * 400_000) + "]"),
        "alias bomb, 10^9 values": ("bomb.yaml", _alias_bomb()),
    }
    paths: dict[str, Path] = {}
    for label, (name, text) in cases.items():
        path = folder / name
        if text is None:
            with path.open("wb") as handle:
                handle.truncate(50 * 1024 * 1024)
        else:
            path.write_text(text + "\n")
        paths[label] = path
    return paths


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return "\n".join(lines)


def run_process(path: Path) -> tuple[float, float, int]:
    """Seconds, peak MB and exit code of one ``frontlines validate`` process."""
    with tempfile.NamedTemporaryFile() as report:
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", _MEASURED, report.name, "validate", str(path)],
            capture_output=True,
            check=False,
        )
        seconds = time.perf_counter() - start
        peak_mb = int(Path(report.name).read_text()) / 1024
    return seconds, peak_mb, result.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    out: dict[str, object] = {"loader": DEFAULT_LOADER, "repeat": args.repeat}
    in_process = {}
    for scenario_id in shipped_ids():
        path = shipped_dir() / f"{scenario_id}.yaml"
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            assert check_file(path).ok
            times.append((time.perf_counter() - start) * 1000)
        in_process[scenario_id] = round(statistics.median(times), 2)
    out["check_ms_median"] = in_process
    with tempfile.TemporaryDirectory() as scratch:
        processes = {}
        cases = {"aleppo-2024 (valid)": shipped_dir() / "aleppo-2024.yaml"}
        cases.update(hostile_inputs(Path(scratch)))
        for label, path in cases.items():
            runs = [run_process(path) for _ in range(args.repeat)]
            processes[label] = {
                "seconds_median": round(statistics.median(r[0] for r in runs), 3),
                "peak_mb_max": round(max(r[1] for r in runs), 1),
                "exit_code": runs[0][2],
            }
        out["validate_process"] = processes
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
