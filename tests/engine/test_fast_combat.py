"""The shortcuts of the air and combat phases give the bits of the plain ways."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from frontlines.engine.elementary import EXP_MAX, EXP_MIN, FEW, exp, log

EXPONENTS = st.floats(min_value=-800.0, max_value=800.0) | st.sampled_from(
    [0.0, -0.0, EXP_MIN, EXP_MAX, EXP_MIN - 1e-9, 709.0, -707.9, 0.5 * np.log(2.0)]
)
POSITIVE = st.floats(min_value=5e-324, max_value=1.7e308) | st.sampled_from(
    [1.0, 0.7071067811865476, 0.7071067811865475, 2.2250738585072014e-308, 5e-324]
)


def _many(values: list[float]) -> np.ndarray:
    """The values followed by enough ones that numpy's way is taken for them."""
    return np.array(values + [1.0] * (FEW + 1))


@given(st.lists(EXPONENTS, min_size=1, max_size=FEW))
def test_exp_of_a_few_values_is_exp_of_many(values: list[float]) -> None:
    few = exp(np.array(values))
    assert few.tobytes() == exp(_many(values))[: len(values)].tobytes()


@given(st.lists(POSITIVE, min_size=1, max_size=FEW))
def test_log_of_a_few_values_is_log_of_many(values: list[float]) -> None:
    few = log(np.array(values))
    assert few.tobytes() == log(_many(values))[: len(values)].tobytes()


def test_a_few_values_keep_their_shape() -> None:
    assert exp(np.zeros((2, 3))).shape == (2, 3) and log(np.ones((3, 1))).shape == (3, 1)
    assert exp(np.zeros(0)).shape == (0,) and exp(np.float64(0.0)).shape == ()
