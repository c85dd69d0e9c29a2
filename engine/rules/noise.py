"""Counter-based randomness: every draw is a hash of (run seed, turn, phase, slot).

No generator state is kept, so a run's draws do not depend on the batch it is in (batch
invariance), on anything drawn before (replay needs only the seed), or on the scenario's
numbers (two variants with the same seeds see the same draws: common random numbers).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


class Stream(IntEnum):
    """The independent streams of chance, one per use."""

    STRIKE_CASUALTIES = 1
    STRIKE_INJURED = 2
    ATTACKER_LOSSES = 3
    DEFENDER_LOSSES = 4
    ROUNDING = 5


def _mix(x: Any) -> Any:
    """The splitmix64 finaliser, vectorised."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * _M1
        x = (x ^ (x >> np.uint64(27))) * _M2
        return x ^ (x >> np.uint64(31))


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


def normal(
    seeds: npt.NDArray[np.uint64], turn: int, stream: Stream, shape: tuple[int, ...]
) -> npt.NDArray[np.float64]:
    """Standard normal draws (Box-Muller over two halves of one uniform stream)."""
    count = int(np.prod(shape, dtype=np.int64))
    u = uniform(seeds, turn, stream, (2, count))
    z = np.sqrt(-2.0 * np.log(u[:, 0])) * np.cos(2.0 * np.pi * u[:, 1])
    return z.reshape((len(seeds), *shape))


def lognormal(
    seeds: npt.NDArray[np.uint64], turn: int, stream: Stream, shape: tuple[int, ...], sigma: float
) -> npt.NDArray[np.float64]:
    """Multiplicative noise with median 1: ``exp(sigma * N(0, 1))``."""
    return np.exp(sigma * normal(seeds, turn, stream, shape))
