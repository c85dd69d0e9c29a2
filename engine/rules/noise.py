"""Counter-based randomness: every draw is a hash of (run seed, turn, phase, slot).

No generator state is kept, so a run's draws do not depend on the batch it is in (batch
invariance), on anything drawn before (replay needs only the seed), or on the scenario's
numbers (two variants with the same seeds see the same draws: common random numbers).
"""

from __future__ import annotations

import math
from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from frontlines.engine.elementary import exp, log_and_cos_turns

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


class Stream(IntEnum):
    """The independent streams of chance, one per phase that uses chance."""

    AIR = 1
    COMBAT = 2
    COMMANDERS = 3  # forecasts: how bold each run's computer commanders are this turn
    EVENTS = 4  # scripted events: a draw per (turn, chance slot) for triggers with a chance
    WEATHER = 5  # the weather chain: one draw per run and turn


def _mix(x: Any) -> Any:
    """The splitmix64 finaliser, vectorised."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * _M1
        x = (x ^ (x >> np.uint64(27))) * _M2
        return x ^ (x >> np.uint64(31))


_MASK = (1 << 64) - 1


def _mix_int(x: int) -> int:
    """:func:`_mix` of one 64-bit value held in a Python integer."""
    x = ((x ^ (x >> 30)) * int(_M1)) & _MASK
    x = ((x ^ (x >> 27)) * int(_M2)) & _MASK
    return x ^ (x >> 31)


_SHIFTS = tuple(np.uint64(n) for n in (30, 27, 31, 11))


def _mix_array(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """:func:`_mix` of a ``uint64`` array, in place (array arithmetic wraps around silently)."""
    x ^= x >> _SHIFTS[0]
    x *= _M1
    x ^= x >> _SHIFTS[1]
    x *= _M2
    x ^= x >> _SHIFTS[2]
    return x


def mix(x: Any) -> Any:
    """The splitmix64 finaliser (for deriving seeds from seeds)."""
    return _mix(x)


def uniform(
    seeds: npt.NDArray[np.uint64], turn: int, stream: Stream, shape: tuple[int, ...]
) -> npt.NDArray[np.float64]:
    """Uniform draws in (0, 1) of shape ``(B, *shape)``, one independent set per run."""
    with np.errstate(over="ignore"):
        key = _mix(
            seeds.astype(np.uint64) ^ _mix(np.uint64(turn) * _GOLDEN + np.uint64(int(stream)) * _M1)
        )
        count = int(np.prod(shape, dtype=np.int64))
        slots = np.arange(count, dtype=np.uint64) * _GOLDEN
        bits = _mix(key[:, np.newaxis] + slots[np.newaxis, :] + _GOLDEN)
    values: npt.NDArray[np.float64] = ((bits >> np.uint64(11)).astype(np.float64) + 0.5) / float(
        1 << 53
    )
    return values.reshape((len(seeds), *shape))


def draw_order(*rows: int) -> npt.NDArray[np.int64]:
    """Rows of :func:`uniform_at` (its ``draws``) in the order a rule wants them."""
    order = np.array(rows, dtype=np.int64)
    order.setflags(write=False)
    return order


_FEW_SEEDS = 8
"""Up to this many runs, their keys are cheaper to work out one by one in Python integers."""


def uniform_at(
    seeds: npt.NDArray[np.uint64],
    turn: int,
    stream: Stream,
    shape: tuple[int, ...],
    runs: npt.NDArray[np.intp],
    inner: npt.NDArray[np.intp],
    draws: npt.NDArray[np.int64] | None = None,
) -> npt.NDArray[np.float64]:
    """The draws :func:`uniform` would give at run ``runs[i]`` and flat place ``inner[i]`` of
    ``shape[1:]``, as a ``shape[0] x n`` array (one row per draw), or only the rows ``draws``
    of it, in that order."""
    per_draw = math.prod(shape[1:])
    # The same arithmetic as :func:`uniform`, with the scalar part in Python integers and the
    # rest on arrays (whose integer overflow wraps without a warning); in 64-bit arithmetic
    # ``key + slot * golden + golden`` is ``key + (slot + 1) * golden``.
    stream_key = _mix_int((turn * int(_GOLDEN) + int(stream) * int(_M1)) & _MASK)
    run_seeds = seeds.astype(np.uint64, copy=False)
    if len(run_seeds) <= _FEW_SEEDS:
        keys = np.array([_mix_int(s ^ stream_key) for s in run_seeds.tolist()], dtype=np.uint64)
    else:
        keys = _mix_array(run_seeds ^ np.uint64(stream_key))
    rows = np.arange(shape[0], dtype=np.int64) if draws is None else draws
    first = (rows * per_draw + 1)[:, np.newaxis]
    bits = (inner[np.newaxis, :] + first).astype(np.uint64)  # draws x n: slot + 1
    bits *= _GOLDEN
    bits += keys[runs]
    _mix_array(bits)
    drawn: npt.NDArray[np.float64] = np.add(bits >> _SHIFTS[3], 0.5, dtype=np.float64)
    drawn /= float(1 << 53)
    return drawn


def normal_from(u: npt.NDArray[np.float64], v: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Standard normal draws from two independent uniform arrays (Box-Muller)."""
    log_u, cos_v = log_and_cos_turns(u, v)
    z: npt.NDArray[np.float64] = np.sqrt(-2.0 * log_u) * cos_v
    return z


def lognormal_from(
    u: npt.NDArray[np.float64],
    v: npt.NDArray[np.float64],
    sigma: float | npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Multiplicative noise with median 1, ``exp(sigma * N(0, 1))``, from two uniforms
    (``sigma`` may differ by row: an array that broadcasts against them)."""
    noise: npt.NDArray[np.float64] = exp(np.multiply(sigma, normal_from(u, v)))
    return noise
