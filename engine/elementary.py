"""Exponential, logarithm, power and cosine that give the same bits on every machine.

numpy's ``exp``, ``log``, ``power`` and ``cos`` call the C library or SIMD code chosen for the
processor at run time, and these differ in the last bits from one machine to another. A turn
works a game out exactly and a save checks every turn's digest, so a save made on one machine
would not load on another. These functions use only additions, multiplications, divisions,
``rint``, ``frexp`` and ``ldexp``, which IEEE 754 makes exact or correctly rounded everywhere,
and are accurate to a few units in the last place (``tests/engine/test_elementary.py``).

>>> exp(np.array([0.0, 1.0])).round(12).tolist(), cos_turns(np.array([0.5])).tolist()
([1.0, 2.718281828459], [-1.0])
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from frontlines.engine.arrays import FloatArray

LN2_HI = 6.93147180369123816490e-01
"""ln 2 to 32 bits: ``k * LN2_HI`` is exact for the ``k`` that :func:`exp` meets."""
LN2_LO = 1.90821492927058770002e-10
"""ln 2 minus ``LN2_HI``."""
EXP_MAX = 709.782712893384
"""Near the log of the largest double: :func:`exp` gives no more than ``exp(EXP_MAX)``."""
EXP_MIN = -708.0
"""Above the log of the smallest normal double: :func:`exp` gives 0 below it (rather than
the denormal numbers between)."""

_EXP_TERMS = tuple(1.0 / math.factorial(n) for n in range(14))
"""Taylor coefficients of exp on |r| <= ln 2 / 2: the first left out is below 2**-60."""
_TWICE_EXP_TERMS = tuple(np.array(2.0 * term) for term in _EXP_TERMS)
"""Twice those: scaling by 2 is exact, so each step of :func:`_horner` gives exactly twice
its value with the plain terms (a product among the denormal numbers, for the tiniest ``r``,
vanishes into the term added to it either way); ``2 p(r) 2**(k - 1)`` then needs no special
case for ``k = 1024``, and equals ``p(r) 2**k`` rounded once, as the plain way gives it."""
_LOG_TERMS = tuple(2.0 / (2 * n + 1) for n in range(12))
"""log m = 2 atanh f with f = (m - 1) / (m + 1), |f| <= 0.172: 2 f**(2n+1) / (2n+1)."""
_SIN_TERMS = tuple((-1.0) ** n / math.factorial(2 * n + 1) for n in range(9))
_COS_TERMS = tuple((-1.0) ** n / math.factorial(2 * n) for n in range(10))
"""Taylor coefficients of sin and cos on |y| <= pi / 4."""
_COS_SIN_TERMS = tuple(
    np.array([[c], [s]]) for c, s in zip(_COS_TERMS, (*_SIN_TERMS, 0.0), strict=True)
)
"""Both as columns, sin's with a zero highest term: ``0 * x + c`` is ``c`` exactly (for
``x >= 0``), so its row of :func:`_horner` takes the same steps as sin's own."""
_LOG_COS_SIN_TERMS = tuple(
    np.array([[term], [c], [s]])
    for term, c, s in zip(
        _LOG_TERMS, (*_COS_TERMS, 0.0, 0.0), (*_SIN_TERMS, 0.0, 0.0, 0.0), strict=True
    )
)
"""Log's, cos's and sin's as columns, the shorter ones with zeros ahead in the same way."""
_SQRT_HALF = 0.7071067811865476
_LOG_TERM_ARRAYS = tuple(np.array(term) for term in _LOG_TERMS)
_LN2_HI, _LN2_LO, _EXP_MIN, _EXP_MAX, _INVERSE_LN2_HI, _SQRT_HALF_ARRAY = (
    np.array(value) for value in (LN2_HI, LN2_LO, EXP_MIN, EXP_MAX, 1.0 / LN2_HI, _SQRT_HALF)
)
_ONE, _TWO, _FOUR, _QUARTER, _TWO_PI = (
    np.array(value) for value in (1.0, 2.0, 4.0, 0.25, 2.0 * math.pi)
)
"""The numbers of the array steps as 0-d float64 arrays: numpy combines such an array with
another faster than a Python float, which it converts on every call, and the arithmetic is
the same."""
_EXPONENT_BIAS = 1023
_MANTISSA_BITS = 52


FEW = 12
"""Up to this many values, :func:`exp` and :func:`log` work in Python floats, one value at a
time: numpy's fixed cost per call is then larger than the work. Python's float arithmetic is
the same IEEE 754 double arithmetic (each operation correctly rounded, none fused), ``round``
of a float rounds half to even as ``rint`` does, and ``math.frexp`` and ``math.ldexp`` are
exact, so both ways give the same bits (``tests/engine/test_fast_combat.py``)."""


def _horner(x: FloatArray, terms: Sequence[float | FloatArray]) -> FloatArray:
    """``sum(terms[n] * x**n)``, highest power first (terms may be columns of several
    polynomials, evaluated as rows)."""
    out = x * terms[-1]
    out += terms[-2]
    for term in reversed(terms[:-2]):
        out *= x
        out += term
    return out


def _horner_one(x: float, terms: tuple[float, ...]) -> float:
    """:func:`_horner` of one value, the same operations in the same order."""
    out = x * terms[-1] + terms[-2]
    for term in reversed(terms[:-2]):
        out = out * x + term
    return out


def _exp_one(x: float) -> float:
    """:func:`exp` of one value, step by step as there."""
    if x < EXP_MIN:
        return 0.0
    clipped = min(x, EXP_MAX)
    k = round(clipped * (1.0 / LN2_HI))
    r = clipped - k * LN2_HI
    r -= k * LN2_LO
    out = _horner_one(r, _EXP_TERMS)
    if k > _EXPONENT_BIAS:
        return out * math.ldexp(1.0, k - 1) * 2.0
    return out * math.ldexp(1.0, k)


def _log_one(x: float) -> float:
    """:func:`log` of one value, step by step as there."""
    m, e = math.frexp(x)
    if m < _SQRT_HALF:
        m, e = 2.0 * m, e - 1
    f = (m - 1.0) / (m + 1.0)
    log_m = f * _horner_one(f * f, _LOG_TERMS)
    return e * LN2_HI + (e * LN2_LO + log_m)


def exp(x: FloatArray) -> FloatArray:
    """``e**x`` for every element; below ``EXP_MIN`` it is 0 and above ``EXP_MAX`` the
    largest double. NaN is not allowed.

    With ``x = k ln2 + r`` and ``|r| <= ln2/2``, ``e**x`` is ``2**k`` (built from its bits)
    times the Taylor polynomial of ``e**r``."""
    x = np.asarray(x, dtype=np.float64)
    if x.size <= FEW:
        return np.array([_exp_one(v) for v in x.ravel().tolist()]).reshape(x.shape)
    clipped = np.maximum(x, _EXP_MIN)
    np.minimum(clipped, _EXP_MAX, out=clipped)
    k = clipped * _INVERSE_LN2_HI
    np.rint(k, out=k)
    r = k * _LN2_HI
    np.subtract(clipped, r, out=r)
    r -= k * _LN2_LO
    out = _horner(r, _TWICE_EXP_TERMS)
    # Times 2**(k - 1), built from its bits: k - 1 runs from -1022 to 1023, all normal.
    bits = k.astype(np.int64)
    bits += _EXPONENT_BIAS - 1
    bits <<= _MANTISSA_BITS
    out *= bits.view(np.float64)
    out[x < _EXP_MIN] = 0.0
    return out


def log(x: FloatArray) -> FloatArray:
    """The natural logarithm of every element, which must be positive and finite."""
    x = np.asarray(x, dtype=np.float64)
    if x.size <= FEW:
        return np.array([_log_one(v) for v in x.ravel().tolist()]).reshape(x.shape)
    f, e = _log_reduced(x)
    return _log_from(f, e, _horner(f * f, _LOG_TERM_ARRAYS))


def _log_reduced(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``f`` and ``e`` with ``x = 2**e m``, ``sqrt(1/2) <= m < sqrt(2)`` and ``f = (m - 1) /
    (m + 1)``."""
    m, e = np.frexp(x)  # x = m * 2**e, 0.5 <= m < 1
    low = m < _SQRT_HALF_ARRAY
    np.multiply(m, _TWO, out=m, where=low)  # now sqrt(1/2) <= m < sqrt(2)
    e_low = np.subtract(e, low, dtype=np.float64)
    f = m - _ONE
    m += _ONE
    f /= m
    return f, e_low


def _log_from(f: FloatArray, e: FloatArray, polynomial: FloatArray) -> FloatArray:
    """The log from :func:`_log_reduced`'s ``f`` and ``e`` and the polynomial at ``f * f``
    (``e`` and ``polynomial`` are overwritten)."""
    polynomial *= f
    low_part = e * _LN2_LO
    low_part += polynomial
    e *= _LN2_HI
    e += low_part
    return e


def power(base: FloatArray | float, exponent: FloatArray | float) -> FloatArray:
    """``base**exponent`` for positive finite bases."""
    return exp(np.multiply(exponent, log(np.asarray(base, dtype=np.float64))))


def cos_turns(v: FloatArray) -> FloatArray:
    """``cos(2 pi v)``: the cosine of ``v`` whole turns."""
    v = np.asarray(v, dtype=np.float64)
    y, octant = _turns_reduced(v)
    y2 = y * y
    # Both polynomials in one evaluation, cos as row 0 and sin as row 1.
    both = _horner(y2.reshape(1, -1), _COS_SIN_TERMS).reshape(2, *v.shape)
    return _cos_from(y, octant, both[0], both[1])


def _turns_reduced(v: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``y`` and ``q`` with ``2 pi v = 2 pi n +- (y + q pi / 2)`` for a whole ``n``, ``q`` 0,
    1 or 2 and ``|y| <= pi / 4``."""
    a = np.abs(v - np.rint(v))  # the same angle within half a turn, 0 <= a <= 1/2
    octant = np.rint(a * _FOUR)  # nearest quarter turn: 0, 1 or 2
    y = (a - octant * _QUARTER) * _TWO_PI  # |y| <= pi / 4
    return y, octant


def _cos_from(
    y: FloatArray, octant: FloatArray, cos_polynomial: FloatArray, sin_polynomial: FloatArray
) -> FloatArray:
    """The cosine from :func:`_turns_reduced`'s ``y`` and ``q`` and the polynomials of cos and
    sin (over ``y``) at ``y * y``."""
    cos_y = cos_polynomial
    sin_y = y * sin_polynomial
    # cos(y + q pi/2) is cos y, -sin y, -cos y for q = 0, 1, 2.
    out: FloatArray = np.where(octant == _ONE, -sin_y, cos_y)
    np.negative(out, out=out, where=octant == _TWO)
    return out


MERGED_MAX = 4096
"""Up to this many values, :func:`log_and_cos_turns` evaluates its three polynomials as one
(fewer numpy calls); above, one by one (the padding of the shorter ones would cost more)."""


def log_and_cos_turns(x: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
    """:func:`log` of ``x`` and :func:`cos_turns` of ``v``, the same bits, for arrays of one
    shape (Box-Muller's pair)."""
    x = np.asarray(x, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    if x.size > MERGED_MAX or x.shape != v.shape or x.ndim == 0:
        return log(x), cos_turns(v)
    f, e = _log_reduced(x)
    y, octant = _turns_reduced(v)
    y2 = y * y
    rows = np.concatenate((f * f, y2, y2)).reshape(3, -1)
    polynomials = _horner(rows, _LOG_COS_SIN_TERMS)
    log_x = _log_from(f, e, polynomials[0].reshape(x.shape))
    cos_v = _cos_from(y, octant, polynomials[1].reshape(v.shape), polynomials[2].reshape(v.shape))
    return log_x, cos_v
