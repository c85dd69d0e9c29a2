"""The shortcuts of the air and combat phases give the bits of the plain ways."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.engine import elementary
from frontlines.engine.elementary import (
    EXP_MAX,
    EXP_MIN,
    FEW,
    cos_turns,
    exp,
    log,
    log_and_cos_turns,
)
from frontlines.engine.orders import no_orders
from frontlines.engine.rules.air import resolve_air
from frontlines.engine.rules.combat import resolve_combat
from frontlines.engine.rules.common import friendly_here
from frontlines.engine.world import World
from tests.engine.test_fast_paths import SLOW, air_worlds, random_state

EXPONENTS = st.floats(min_value=-800.0, max_value=800.0) | st.sampled_from(
    [0.0, -0.0, EXP_MIN, EXP_MAX, EXP_MIN - 1e-9, 709.0, -707.9, 0.5 * np.log(2.0)]
)
POSITIVE = st.floats(min_value=5e-324, max_value=1.7e308) | st.sampled_from(
    [1.0, 0.7071067811865476, 0.7071067811865475, 2.2250738585072014e-308, 5e-324]
)


def _plain_exp(x: np.ndarray) -> np.ndarray:
    """:func:`exp` as it was first written: ``2**k`` from its bits, with a special case."""
    clipped = np.minimum(np.maximum(x, EXP_MIN), EXP_MAX)
    k = np.rint(clipped * (1.0 / elementary.LN2_HI))
    r = clipped - k * elementary.LN2_HI
    r -= k * elementary.LN2_LO
    out = elementary._horner(r, elementary._EXP_TERMS)
    bits = k.astype(np.int64)
    top = bits > 1023
    bits -= top
    bits += 1023
    bits <<= 52
    out *= bits.view(np.float64)
    out[top] *= 2.0
    out[x < EXP_MIN] = 0.0
    return out


def _plain_log(x: np.ndarray) -> np.ndarray:
    """:func:`log` as it was first written."""
    m, e = np.frexp(x)
    low = m < elementary._SQRT_HALF
    m = np.where(low, 2.0 * m, m)
    e = (e - low).astype(np.float64)
    f = (m - 1.0) / (m + 1.0)
    log_m = f * elementary._horner(f * f, elementary._LOG_TERMS)
    out: np.ndarray = e * elementary.LN2_HI + (e * elementary.LN2_LO + log_m)
    return out


def _plain_cos_turns(v: np.ndarray) -> np.ndarray:
    """:func:`cos_turns` as it was first written, with a polynomial for cos and one for sin."""
    a = np.abs(v - np.rint(v))
    octant = np.rint(a * 4.0)
    y = (a - octant * 0.25) * (2.0 * np.pi)
    y2 = y * y
    cos_y = elementary._horner(y2, elementary._COS_TERMS)
    sin_y = y * elementary._horner(y2, elementary._SIN_TERMS)
    out: np.ndarray = np.select([octant == 0, octant == 1], [cos_y, -sin_y], -cos_y)
    return out


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


@given(st.lists(EXPONENTS, min_size=FEW + 1, max_size=50))
def test_exp_is_as_first_written(values: list[float]) -> None:
    x = np.array(values)
    assert exp(x).tobytes() == _plain_exp(x).tobytes()


@given(st.lists(POSITIVE, min_size=FEW + 1, max_size=50))
def test_log_is_as_first_written(values: list[float]) -> None:
    x = np.array(values)
    assert log(x).tobytes() == _plain_log(x).tobytes()


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=1, max_size=50))
def test_cos_turns_is_as_first_written(values: list[float]) -> None:
    v = np.array(values)
    assert cos_turns(v).tobytes() == _plain_cos_turns(v).tobytes()


def test_exp_and_log_are_as_first_written_over_wide_grids() -> None:
    wide = np.concatenate((np.linspace(-800.0, 800.0, 200_001), np.linspace(708.0, 710.0, 2001)))
    assert exp(wide).tobytes() == _plain_exp(wide).tobytes()
    positive = np.exp(np.random.default_rng(3).uniform(-744.0, 709.0, 100_000))
    assert log(positive).tobytes() == _plain_log(positive).tobytes()


@given(st.lists(st.tuples(POSITIVE, st.floats(min_value=-1e6, max_value=1e6)), min_size=1))
def test_log_and_cos_turns_together_are_each_alone(pairs: list[tuple[float, float]]) -> None:
    x, v = (np.array(values).reshape(-1, 1) for values in zip(*pairs, strict=True))
    log_x, cos_v = log_and_cos_turns(x, v)
    assert log_x.shape == cos_v.shape == x.shape
    assert log_x.tobytes() == _plain_log(x).tobytes()
    assert cos_v.tobytes() == _plain_cos_turns(v).tobytes()


@settings(max_examples=30, deadline=None, suppress_health_check=SLOW)
@given(world=air_worlds, seed=st.integers(0, 2**32 - 1))
def test_a_turn_without_battles_is_as_the_plain_way(world: World, seed: int) -> None:
    """Unrecorded, a turn with no battle skips the battle arithmetic; recorded, it takes the
    plain way, over no battles: both give the same state and result."""
    rng = np.random.default_rng(seed)
    state = random_state(world, 2, rng)
    calm = state.evolve(forces=state.forces * friendly_here(state.allied, state.controller))
    _, air = resolve_air(world, calm, no_orders(world, 2), np.array([seed, 1], dtype=np.uint64))
    attacked = rng.random((2, world.n_factions)) < 0.5
    seeds = np.array([seed, seed + 1], dtype=np.uint64)
    quick_state, quick = resolve_combat(world, calm, air, attacked, seeds, record=False)
    plain_state, plain = resolve_combat(world, calm, air, attacked, seeds, record=True)
    assert not plain.battle.any()
    assert quick_state.forces.tobytes() == plain_state.forces.tobytes()
    assert (quick_state.offensive_day == plain_state.offensive_day).all()
    for name in ("battle", "attacker_power", "defender_power", "attacker_loss", "defender_loss"):
        assert getattr(quick, name).tobytes() == getattr(plain, name).tobytes(), name
    for name in ("attacker_left", "defender_left", "attacker_strength", "defender_strength"):
        assert getattr(quick, name).tobytes() == getattr(plain, name).tobytes(), name


@settings(max_examples=20, deadline=None, suppress_health_check=SLOW)
@given(world=air_worlds, seed=st.integers(0, 2**32 - 1))
def test_no_sorties_asked_for_is_no_air_war(world: World, seed: int) -> None:
    state = random_state(world, 2, np.random.default_rng(seed))
    after, air = resolve_air(world, state, no_orders(world, 2), np.array([seed, 1], np.uint64))
    assert after.forces.tobytes() == state.forces.tobytes()
    for name in ("strike", "support", "destroyed", "killed", "injured", "support_power"):
        values = getattr(air, name)
        assert values.shape == (2, len(world.air_ids), world.n_locations) and not values.any()
    assert air.support_cells is None or air.support_cells.size == 0
