"""What every reference phase needs: one game's view of the State, and plain arithmetic.

The functions of numbers go through numpy (``np.exp`` of one number, and so on): numpy's
functions can differ in the last bit from the ``math`` module's, and the engine uses numpy's.
Plain ``+ - * /`` on Python floats are the same IEEE operations as numpy's.
"""

from __future__ import annotations

import math

import numpy as np

from frontlines.engine.scenario.rules import Rules
from frontlines.engine.state import State

CLOSE = 1e-9
"""Two sides of a decision closer than this, relative to the larger, are a close call."""


def one_game(state: State) -> None:
    """Raise ``ValueError`` unless ``state`` holds exactly one game (B = 1)."""
    if state.batch != 1:
        raise ValueError(f"the reference plays one game at a time, not {state.batch}")


def ally(state: State, f: int, g: int) -> bool:
    """Whether factions ``f`` and ``g`` are on the same side (every faction is its own ally)."""
    return bool(state.allied[0, f, g])


def holder(state: State, place: int) -> int:
    """The faction that holds ``place``."""
    return int(state.controller[0, place])


def hostile_at(state: State, f: int, place: int) -> bool:
    """Whether faction ``f`` is hostile to the holder of ``place``."""
    return not ally(state, f, holder(state, place))


def barred(state: State, f: int, arc: int) -> bool:
    """Whether faction ``f`` may not use ``arc``: its route is closed to ``f`` or to one of
    its allies (a cut route is closed to everyone)."""
    n_routes = state.closed.shape[2]
    route = arc % n_routes if n_routes else 0
    return any(
        ally(state, f, g) and bool(state.closed[0, g, route]) for g in range(state.closed.shape[1])
    )


def close_call(left: float, right: float) -> bool:
    """Whether two numbers that a rule compares differ, but by so little that the same
    arithmetic done in another order (as the engine may) could put them the other way round.

    Exact ties are not close calls: both sides of a tie are computed the same way."""
    return left != right and abs(left - right) <= CLOSE * max(abs(left), abs(right))


def exp(x: float) -> float:
    """``e`` to the power ``x``, as numpy computes it."""
    return float(np.exp(x))


def log(x: float) -> float:
    """The natural logarithm of ``x``, as numpy computes it."""
    return float(np.log(x))


def power(x: float, y: float) -> float:
    """``x`` to the power ``y``, as numpy computes it."""
    return float(np.power(x, y))


def lognormal(u: float, v: float, sigma: float) -> float:
    """``exp(sigma * z)`` with ``z`` standard normal from two uniforms (Box-Muller)."""
    z = float(np.sqrt(-2.0 * log(u))) * float(np.cos(2.0 * math.pi * v))
    return exp(sigma * z)


def morale_factor(rules: Rules, morale: float, collapsed: bool) -> float:
    """``M(f)``: the combat multiplier of a faction's morale."""
    r = rules.morale
    if collapsed:
        return r.panic
    if morale >= r.high_from:
        return r.high
    if morale >= r.steady_from:
        return r.steady
    if morale >= r.shaken_from:
        return r.shaken
    return r.wavering


def supply_factor(
    rules: Rules, turns_cut_off: int, supply_days: float, turn_length_days: int
) -> float:
    """``S(f, l)``: the combat multiplier of forces cut off for some turns and ``supply_days``
    of travel from their nearest source: ``unsupplied_decay`` lost for each day cut off, times
    ``beyond_range_decay`` lost for each day of travel beyond ``range_days``, and never below
    ``unsupplied_floor``."""
    s = rules.supply
    days = turns_cut_off * turn_length_days
    factor = max(1.0 - s.unsupplied_decay * days, 0.0)
    if s.range_days is not None and math.isfinite(supply_days):
        beyond = max(supply_days - s.range_days, 0.0)
        factor = factor * max(1.0 - s.beyond_range_decay * beyond, 0.0)
    return max(s.unsupplied_floor, factor)


def merged_count(mass: float, strength: float, count: int) -> int:
    """The turns cut off of forces that met: the strength-weighted turns of all that met
    (``mass``) over their ``strength``, to the nearest turn (half to even); ``count`` where
    nobody is."""
    return round(mass / strength) if strength > 0 else count
