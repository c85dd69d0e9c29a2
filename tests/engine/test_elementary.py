"""The engine's exp, log, power and cosine: accurate, and the same bits on every machine."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontlines.engine.elementary import EXP_MAX, EXP_MIN, cos_turns, exp, log, power


def ulps(got: np.ndarray, want: np.ndarray) -> float:
    return float(np.max(np.abs(got - want) / np.spacing(np.abs(want))))


ROOT = Path(__file__).parents[2]
GRID = np.linspace(-50.0, 50.0, 20_001)
UNIT = np.linspace(1e-9, 1.0, 20_001)


def test_exp_and_log_are_within_a_few_units_in_the_last_place() -> None:
    wide = np.random.default_rng(1).uniform(-700, 700, 50_000)
    assert ulps(exp(wide), np.exp(wide)) <= 2
    positive = np.exp(np.random.default_rng(2).uniform(-700, 700, 50_000))
    assert ulps(log(positive), np.log(positive)) <= 4
    far = np.abs(np.log(UNIT)) > 1e-3
    assert ulps(log(UNIT)[far], np.log(UNIT)[far]) <= 4
    assert np.max(np.abs(cos_turns(UNIT) - np.cos(2 * np.pi * UNIT))) <= 1e-15


def test_the_edges_are_those_of_exp_and_log() -> None:
    assert exp(np.array([0.0]))[0] == 1.0 and log(np.array([1.0]))[0] == 0.0
    assert exp(np.array([-800.0]))[0] == 0.0 == exp(np.array([EXP_MIN - 1e-9]))[0]
    assert exp(np.array([800.0]))[0] == exp(np.array([EXP_MAX]))[0] < np.inf
    assert exp(np.array([EXP_MIN]))[0] > 0.0  # a normal double
    assert list(cos_turns(np.array([0.0, 0.5, 1.0]))) == [1.0, -1.0, 1.0]


@given(
    st.floats(min_value=1e-150, max_value=1e150),
    st.floats(min_value=-2.0, max_value=2.0),
)
def test_power_is_exp_of_the_log(base: float, exponent: float) -> None:
    got = float(power(np.array([base]), exponent)[0])
    want = base**exponent
    assert got == pytest.approx(want, rel=1e-12)


def _bits() -> str:
    """A fingerprint of the functions' bits over fixed grids."""
    h = hashlib.sha256()
    for values in (exp(GRID), log(UNIT), cos_turns(UNIT), power(UNIT, 1.7)):
        h.update(values.tobytes())
    return h.hexdigest()[:16]


PINNED = "9e4a49a24dab19f5"


def test_the_bits_are_pinned() -> None:
    """The same bits on every machine: pinned once, they must not move."""
    assert _bits() == PINNED


PROBE = """
from frontlines.engine.ai import choose_orders
from frontlines.engine.game import Game
from frontlines.engine.scenario import load_scenario
from tests.engine.test_elementary import _bits
print(_bits())
for sid in ("two-rivers", "aleppo-2024"):
    game = Game.new(load_scenario(sid), seed=3)
    for _ in range(3):
        sides = list(game.world.faction_ids)
        game.end_turn(choose_orders(game.world, game.state, sides, "easy", 3))
    print(game.digest())
"""


def test_games_do_not_depend_on_the_processors_vector_units_or_blas() -> None:
    """With numpy's SIMD paths above the baseline switched off and OpenBLAS on its plainest
    kernel, the functions and whole games give the same bits."""
    plain = {**os.environ, "OPENBLAS_CORETYPE": "Prescott"}
    if platform.machine() in ("x86_64", "AMD64"):
        plain["NPY_DISABLE_CPU_FEATURES"] = "X86_V3 X86_V4 AVX512_ICL AVX512_SPR"
    runs = [
        subprocess.run(
            [sys.executable, "-c", PROBE],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for env in (dict(os.environ), plain)
    ]
    assert runs[0] == runs[1]
    assert runs[0].splitlines()[0] == PINNED
