"""Keep freed memory for the next turn instead of giving it back to the system.

A batched turn makes and drops many arrays of a few hundred kilobytes (``B x F x L`` at
B = 1000 is 480 KB), the same sizes every turn. With its default settings glibc's ``malloc``
serves blocks that large with fresh pages from the system, or trims the freed top of its heap,
so each turn's arrays are page-faulted in again, page by page. On a 2-core machine that was
about a tenth of a forecast's time at B = 1000 and a third of the rules' alone (``python -m
benchmarks`` against ``--system-malloc``). :func:`keep_freed_memory` raises the two
thresholds so such blocks come from the heap and stay there for reuse. ``frontlines
forecast`` and ``frontlines play`` call it once at start, and ``benchmarks`` measures with it.

It changes only how memory is handed out, never a result. The heap's free top is given back
to the system only beyond ``trim_bytes``, and freed blocks below the top stay with the
process for reuse, so a process can keep more than that after a peak. On other systems, or a
C library without ``mallopt``, it does nothing and says so (with another ``malloc`` loaded in
glibc's place, glibc's ``mallopt`` takes the settings and nothing else changes).
"""

from __future__ import annotations

import ctypes
import sys

M_TRIM_THRESHOLD = -1  # glibc's malloc.h
M_MMAP_THRESHOLD = -3
MMAP_BYTES = 32 * 1024 * 1024  # glibc's upper bound for M_MMAP_THRESHOLD on 64-bit systems
TRIM_BYTES = 256 * 1024 * 1024

_kept = False


def keep_freed_memory(mmap_bytes: int = MMAP_BYTES, trim_bytes: int = TRIM_BYTES) -> bool:
    """Ask ``malloc`` to serve blocks below ``mmap_bytes`` from its heap and to keep up to
    ``trim_bytes`` of freed heap; returns whether it took both settings (``False`` where
    there is no glibc ``mallopt``: nothing changes). Calling it again changes nothing more."""
    global _kept
    if _kept:
        return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    mmap_set = int(mallopt(M_MMAP_THRESHOLD, mmap_bytes)) == 1
    _kept = mmap_set and int(mallopt(M_TRIM_THRESHOLD, trim_bytes)) == 1
    return _kept
