"""Keeping freed memory: after ``keep_freed_memory`` a turn's arrays of a few hundred KB are
served again from memory the process already has, not page-faulted in afresh. Page faults are
counted (not timed), in a child process, since the setting lasts for the whole process."""

from __future__ import annotations

import json
import platform
import subprocess
import sys

import pytest

CHILD = """
import json, resource
import numpy as np
from frontlines.engine.memory import keep_freed_memory

shape = (1000, 2, 15)  # B x S x L at B = 1000: 240 KB
a, b, c = np.random.default_rng(0).random((3, *shape))


def faults_per_round():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(50):
        (a > 0) * 4.0 + (b > 0.5) * 0.5 * np.maximum(c, 0.1)  # temporaries made and dropped
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 50


system = faults_per_round()
kept = keep_freed_memory()
faults_per_round()  # the heap grows to what a round needs once
print(json.dumps({"kept": kept, "again": keep_freed_memory(), "system": system,
                  "kept_faults": faults_per_round()}))
"""

glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="mallopt is glibc's",
)


@glibc
def test_arrays_made_every_turn_reuse_freed_memory() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, check=True, timeout=120
    )
    seen = json.loads(out.stdout)
    assert seen["kept"] and seen["again"]
    assert seen["system"] >= 50  # the defaults fault the temporaries in, page by page
    assert seen["kept_faults"] <= seen["system"] / 20
