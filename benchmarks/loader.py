"""How long checking a scenario takes, in process and as a whole ``frontlines validate`` run.

    python -m benchmarks.loader [--repeat N]

Prints JSON: median milliseconds to check each shipped scenario in process, and for each
generated hostile input the median CPU time and peak memory of a separate
``frontlines validate`` process (the budget is 2 s and 200 MB).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.measure import hostile_inputs, run_validate
from frontlines.engine.scenario import check_file
from frontlines.engine.scenario.loader import shipped_dir, shipped_ids
from frontlines.engine.scenario.yamlio import DEFAULT_LOADER


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
            runs = [run_validate(path) for _ in range(args.repeat)]
            processes[label] = {
                "cpu_seconds_median": round(statistics.median(r[1] for r in runs), 3),
                "peak_mb_max": round(max(r[2] for r in runs), 1),
                "exit_code": runs[0][0].returncode,
            }
        out["validate_process"] = processes
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
