"""The heuristic policy (the ``easy`` opponent): batched State in, batched orders out.

It reads the position the way a staff officer would, for every run of the batch at once:

1. **Hold what is threatened.** Each held place needs enough defending power to face the
   enemy power standing in it and next to it, after terrain and posture; supply sources need
   half as much again. Allies' forces there count towards it. What a faction has beyond its
   share of that need is spare.
2. **Attack where the odds are good.** The spare power of the whole side (allies coordinate
   through their alliance) that could reach an enemy-held place is set against its defence;
   where the ratio reaches ``attack_odds`` (or nobody defends it), the place is a target,
   scored by its value, doubled for a supply source. Each origin sends its spare to its best
   target; targets whose committed power then falls short are called off.
3. **Move reserves to the front.** What is left moves one step towards places that lack
   defenders, or else towards the nearest front line through friendly places.
4. **Allocate sorties.** Each air-support entry flies close support over the place its side
   attacks or defends with most at stake, and strikes the enemy concentration that threatens
   it most; ``strike_share`` sets the split.

Every order it gives is legal (``engine.ai.convert`` turns them into order objects that pass
the same validation as a player's).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

import numpy as np

from frontlines.engine.arrays import BoolArray, FloatArray, IntArray, one_hot, ordered_matmul
from frontlines.engine.orders import OrderArrays, available_sorties, no_orders
from frontlines.engine.rules.combat import surprise_multiplier
from frontlines.engine.rules.common import (
    barred_arcs,
    hostile_here,
    morale_factor,
    supply_factor,
)
from frontlines.engine.rules.noise import Stream, lognormal_from, uniform
from frontlines.engine.state import State
from frontlines.engine.world import World

MIN_AMOUNT = 0.05
"""Smaller amounts are not worth an order."""
MAX_HOPS = 12
"""How far (in routes) reserves look for the front."""
GUARD_PER_VALUE = 0.2
"""Power per value point a side keeps in each place it holds, threatened or not."""


@dataclass(frozen=True)
class Params:
    """The heuristic's settings; look-ahead varies them to build candidate order sets."""

    attack_odds: float = 1.6
    """Power ratio (attackers to defence) needed before attacking."""
    hold: float = 0.5
    """Share of the threatening power a place's defenders should match (after terrain)."""
    strike_share: float = 0.35
    """Share of sorties flown as strikes rather than close support."""
    commit: float = 1.0
    """Share of the spare strength at an origin sent in an attack."""


@dataclass(frozen=True, eq=False)
class ParamArrays:
    """One value of each setting per run (``B`` arrays)."""

    attack_odds: FloatArray
    hold: FloatArray
    strike_share: FloatArray
    commit: FloatArray

    @classmethod
    def stack(cls, params: Sequence[Params], repeat: int = 1) -> ParamArrays:
        """Runs ``i * repeat ... (i + 1) * repeat - 1`` use ``params[i]``."""
        columns = {
            item.name: np.repeat(np.array([getattr(p, item.name) for p in params]), repeat)
            for item in fields(Params)
        }
        return cls(**columns)


def varied_params(seeds: np.ndarray, turn: int, sigma: float) -> ParamArrays:
    """Settings that differ from run to run and turn to turn around the defaults: the
    threshold to attack and the share of a threat to hold each scaled by lognormal noise of
    spread ``sigma``, drawn from the run's seed (so a run replays exactly)."""
    base = Params()
    u = uniform(np.asarray(seeds, dtype=np.uint64), turn, Stream.COMMANDERS, (4,))
    return ParamArrays(
        attack_odds=base.attack_odds * lognormal_from(u[:, 0], u[:, 1], sigma),
        hold=base.hold * lognormal_from(u[:, 2], u[:, 3], sigma),
        strike_share=np.full(len(u), base.strike_share),
        commit=np.full(len(u), base.commit),
    )


GATHER_LIMIT = 256
"""Maps of up to this many places sum along routes slot by slot of the neighbour table (a few
gathers); larger ones, where one hub may have many routes, scatter along every arc."""


def _slot_sum(world: World, values: FloatArray, table: IntArray) -> FloatArray:
    """``out[..., l]``: the sum of ``values[..., table[l, k]]`` over the valid slots k, in
    slot order."""
    valid = world.graph.out_valid
    out: FloatArray = np.zeros(0)
    for k in range(table.shape[1]):
        term = np.take(values, table[:, k], axis=-1)
        if not valid[:, k].all():  # where every place has a k-th slot, the mask keeps all
            np.copyto(term, 0.0, where=~valid[:, k])
        if k == 0:
            out = term
        else:
            out += term
    return out


def _next_door(world: World, values: FloatArray) -> FloatArray:
    """``out[..., l]``: the sum of ``values[..., m]`` over the places m next to l."""
    if world.n_locations <= GATHER_LIMIT:
        return _slot_sum(world, values, np.maximum(world.neighbours, 0))
    return world.sum_at_ends(np.take(values, world.arc_src, axis=-1))


def _at_ends(world: World, values: FloatArray) -> FloatArray:
    """Per-arc values summed at the places the arcs lead to."""
    if world.n_locations <= GATHER_LIMIT:
        return _slot_sum(world, values, world.graph.in_arcs)
    return world.sum_at_ends(values)


def _at_origins(world: World, values: FloatArray) -> FloatArray:
    """Per-arc values summed at the places the arcs leave."""
    if world.n_locations <= GATHER_LIMIT:
        return _slot_sum(world, values, world.graph.out_arcs)
    return world.sum_at_origins(values)


def _per_run(params: Params | ParamArrays | None, batch: int) -> ParamArrays:
    if isinstance(params, ParamArrays):
        return params
    return ParamArrays.stack([params or Params()], batch)


def _best_step(
    world: World,
    score_of: Callable[[IntArray, IntArray, IntArray], FloatArray],
    wanted: BoolArray,
    barred: BoolArray | None = None,
) -> tuple[IntArray, FloatArray]:
    """For each origin, the route out with the highest score (the first on ties) and that
    score, in the ``wanted`` cells of the ``B x S x L`` arrays only: elsewhere the route is
    the place's first and the score -1, as if it had no route at all.

    ``score_of(here, there, legs)`` gives the ``N x K`` scores of stepping from each of ``N``
    cells (flat indices ``here`` into ``B x S x L`` arrays) to each of its neighbours (the
    cells ``there`` of the same run and side at each slot of the neighbour table), a journey
    of ``legs`` turns unopposed; scores are >= 0, and a slot with no route scores -1, as does
    a route ``barred`` to the side (``B x S x D``)."""
    graph = world.graph
    n_l = wanted.shape[2]
    here = np.flatnonzero(wanted)
    place = here % n_l
    arcs = graph.out_arcs[place]  # N x K
    usable = graph.out_valid[place]
    if barred is not None:
        usable = usable & ~barred.reshape(-1)[(here // n_l * world.n_arcs)[:, np.newaxis] + arcs]
    there = (here - place)[:, np.newaxis] + np.maximum(world.neighbours, 0)[place]
    scores = np.where(usable, score_of(here, there, world.roads.free_legs[arcs]), -1.0)
    best, arc = scores[:, 0], arcs[:, 0]
    for k in range(1, arcs.shape[1]):  # a few slots: the most routes at one place
        score = scores[:, k]
        better = score > best
        best = np.where(better, score, best)
        arc = np.where(better, arcs[:, k], arc)
    best_arc = np.broadcast_to(graph.out_arcs[:, 0], wanted.shape).copy()
    best_arc.reshape(-1)[here] = arc
    best_score = np.full(wanted.shape, -1.0)
    best_score.reshape(-1)[here] = best
    return best_arc, best_score


def _cells(target: IntArray) -> IntArray:
    """The flat index of cell ``[b, s, target[b, s, l]]`` of a ``B x S x L`` array, for each
    ``[b, s, l]``: reading an array there is ``np.take_along_axis(values, target, axis=2)``."""
    n_l = target.shape[2]
    rows = np.arange(target.shape[0] * target.shape[1]).reshape(target.shape[:2]) * n_l
    cells: IntArray = rows[:, :, np.newaxis] + target
    return cells


def _gather(values: FloatArray, cells: IntArray) -> FloatArray:
    """``out.flat[c]``: the sum of ``values[b, s, l]`` over the places l whose ``cells[b, s,
    l]`` (see :func:`_cells`) is c, in order (``B x S x L`` in, ``B x S x L`` out)."""
    summed = np.bincount(cells.ravel(), weights=values.ravel(), minlength=values.size)
    out: FloatArray = summed.astype(np.float64, copy=False)  # an empty count is of integers
    return out.reshape(values.shape)


def _flows(world: World, arc: IntArray, amount: FloatArray) -> FloatArray:
    """``B x F x D`` flows sending ``amount[b, f, l]`` along arc ``arc[b, f, l]`` (an arc
    leaving l, so no two places write the same arc)."""
    batch, n_f, n_l = amount.shape
    flow = np.zeros((batch, n_f, world.n_arcs))
    # The same writes as ``np.put_along_axis(flow, arc, amount, axis=2)``, through flat
    # indices into the (run, faction, arc) cells, which numpy does much faster.
    rows = np.arange(batch * n_f)[:, np.newaxis] * world.n_arcs
    np.put(flow, rows + arc.reshape(batch * n_f, n_l), amount)
    return flow


def _two_flows(
    world: World, arc: IntArray, amount: FloatArray, then_arc: IntArray, then: FloatArray
) -> FloatArray:
    """``_flows(world, arc, amount) + _flows(world, then_arc, then)``, written at once.

    Both arcs leave the same place l, so an arc takes ``amount + then`` where they are the
    same, and ``amount + 0.0`` or ``0.0 + then`` where not (the sums of the two flows, bit for
    bit). That needs every place to have a route: a place without one steps along the
    padding arc 0, which another place's writes may share, and the last write wins."""
    if not world.graph.out_valid[:, 0].all():
        return _flows(world, arc, amount) + _flows(world, then_arc, then)
    batch, n_f, n_l = amount.shape
    flow = np.zeros((batch, n_f, world.n_arcs))
    rows = np.arange(batch * n_f)[:, np.newaxis] * world.n_arcs
    same = arc == then_arc
    # Each write is to a cell of its own, so an assignment through flat indices (faster
    # still than ``np.put``) makes the same writes.
    cells = flow.reshape(-1)
    cells[(rows + then_arc.reshape(batch * n_f, n_l)).ravel()] = (then + 0.0).ravel()
    both = amount + np.where(same, then, 0.0)
    cells[(rows + arc.reshape(batch * n_f, n_l)).ravel()] = both.ravel()
    return flow


@dataclass(frozen=True, eq=False)
class _Sides:
    """Who fights beside whom: ``team[b, s, f]`` is 1 where faction f is on side s, and
    ``of[f]`` is faction f's side. When no run's alliances have changed, the sides are the
    scenario's (fewer than the factions, so less work) and ``members[s]`` lists side s's
    factions; otherwise each faction is its own side, made of its allies in that run."""

    team: FloatArray  # (1 or B) x S x F
    held: BoolArray  # B x S x L: places held by each side
    of: IntArray  # F
    members: tuple[tuple[int, ...], ...] | None = None

    def total(self, values: FloatArray) -> FloatArray:
        """``B x S x ...``: each side's sum of the per-faction ``values`` (``B x F x ...``),
        as ``ordered_matmul(team, values)`` gives it."""
        return _side_sum(self.team, self.members, values)

    def any(self, flags: BoolArray) -> BoolArray:
        """``B x S x ...``: where ``flags`` (``B x F x ...``) is set for some faction of each
        side (by members, or as counts of 0/1 values: exact in any order)."""
        if self.members is None:
            counts: FloatArray = np.matmul(self.team, flags.astype(np.float64))
            return counts > 0
        parts = [flags[:, list(side)].any(axis=1) for side in self.members]
        out: BoolArray = np.stack(parts, axis=1)
        return out

    def foes(self, values: FloatArray) -> FloatArray:
        """``B x S x ...``: the sum of ``values`` over each side's enemies, as
        ``ordered_matmul(1.0 - team, values)`` gives it."""
        rivals = None
        if self.members is not None:
            everyone = range(self.team.shape[2])
            rivals = tuple(tuple(f for f in everyone if f not in side) for side in self.members)
        return _side_sum(1.0 - self.team, rivals, values)


def _is_plain(values: FloatArray) -> bool:
    """Whether every value is +0.0 or positive and finite (no -0.0, inf or NaN): the bits of
    such a double, read as an unsigned integer, are below those of +inf."""
    return values.size == 0 or int(values.view(np.uint64).max()) < 0x7FF0000000000000


def _side_sum(
    team: FloatArray, members: tuple[tuple[int, ...], ...] | None, values: FloatArray
) -> FloatArray:
    """``ordered_matmul(team, values)`` for a 0/1 ``team`` whose sides are ``members``.

    ``ordered_matmul`` adds ``team[s, f] * values[f]`` over the factions in order. When every
    value is plain (see :func:`_is_plain`), a non-member's term is exactly +0.0, and adding
    +0.0 to a plain value changes nothing, so the result is the members' values added in the
    same order: an addition per member after the first rather than a product and an
    addition per faction and side."""
    if members is None or not _is_plain(values):
        return ordered_matmul(team, values)
    parts = []
    for side in members:
        if len(side) < 2:
            parts.append(values[:, side[0]] if side else np.zeros_like(values[:, 0]))
            continue
        total = values[:, side[0]] + values[:, side[1]]
        for f in side[2:]:
            total += values[:, f]
        parts.append(total)
    out: FloatArray = np.stack(parts, axis=1)
    return out


def _sides(world: World, state: State) -> _Sides:
    if np.array_equal(state.allied, np.broadcast_to(world.allied0, state.allied.shape)):
        rows, of = world.sides0.rows, world.sides0.of
        held = np.ascontiguousarray(np.take(rows > 0, state.controller, axis=1).transpose(1, 0, 2))
        members = tuple(tuple(int(f) for f in np.flatnonzero(row)) for row in rows)
        return _Sides(rows[np.newaxis], held, of, members)
    return _Sides(
        state.allied.astype(np.float64),
        ~hostile_here(state),
        np.arange(world.n_factions, dtype=np.int64),
    )


def heuristic_orders(
    world: World,
    state: State,
    controlled: Sequence[int] | BoolArray,
    params: Params | ParamArrays | None = None,
    pending: OrderArrays | None = None,
) -> OrderArrays:
    """The orders of the ``controlled`` factions (indices, or an ``F`` mask) in every run.

    ``pending`` holds orders already given this turn (a player's, say): the attacks in it
    count for allies deciding here, so they join in and fly support, and strength or sorties
    it has already committed are not given again. The result holds the controlled factions'
    new orders only.
    """
    p = _per_run(params, state.batch)
    mask = faction_mask(world, controlled)
    rules = world.rules
    forces = state.forces
    if pending is not None:  # what is already ordered out of a place is not there to give
        forces = np.maximum(forces - _at_origins(world, pending.flow), 0.0)
    sides = _sides(world, state)
    team, held, of = sides.team, sides.held, sides.of
    hostile = ~held

    morale = morale_factor(state.morale, state.collapsed, rules)
    unit = state.quality[:, :, np.newaxis] * morale[:, :, np.newaxis]
    unit = unit * supply_factor(
        state.unsupplied, state.supply_days, rules, world.turn_length_days
    )  # B x F x L power per strength
    power = forces * unit
    side_power = sides.total(power)  # B x S x L
    enemy_power = power.sum(axis=1, keepdims=True) - side_power
    posture = world.faction_posture[state.controller]
    posture = np.where(np.isnan(world.posture_override), posture, world.posture_override)
    cover = (world.terrain * posture)[:, np.newaxis, :]  # B x 1 x L defence multiplier

    # 1. Hold: the power each held place needs, and each faction's share of it; enemies on
    # the road that arrive next turn threaten where they are going.
    threat = _next_door(world, enemy_power) + enemy_power
    arriving = _arriving(world, state)  # B x F x L strength arriving from the road next turn
    if world.roads.n_slots and np.count_nonzero(state.transit):
        coming = arriving * unit
        side_coming = sides.total(coming)
        threat = threat + (coming.sum(axis=1, keepdims=True) - side_coming)
    need = p.hold[:, np.newaxis, np.newaxis] * threat / cover
    need = need * np.where(world.supply_source, 1.5, 1.0)
    # Never leave what matters at home empty (places taken from the enemy get no guard:
    # an advance moves on).
    home = np.take(team, world.controller0, axis=2) > 0  # (1 or B) x S x L
    need = np.maximum(need, _guard(world) * home) * held
    # Each ally holds its share of the need, in proportion to its power there. (The steps
    # to what is spare each work over the last one's B x F x L array: fresh memory costs.)
    side_here = np.take(side_power, of, axis=1)
    share_of_need = np.take(need, of, axis=1)
    share_of_need *= power
    share_of_need /= np.maximum(side_here, 1e-12, out=side_here)
    # Forces with no power left (``unit`` 0: no quality, morale or supply) have nothing to
    # give: they keep their place (0 / 0 would be NaN, which kept nothing spare either).
    powered = unit > 0
    needed = np.divide(share_of_need, unit, out=share_of_need, where=powered)
    np.copyto(needed, np.inf, where=~powered)
    keep = np.minimum(forces, needed, out=needed)
    np.copyto(keep, forces, where=~np.take(held, of, axis=1))  # inside an enemy place: fight on
    spare = np.subtract(forces, keep, out=keep)
    worth_giving = (
        (spare >= MIN_AMOUNT) & mask[:, np.newaxis] & ~state.done[:, np.newaxis, np.newaxis]
    )
    np.copyto(spare, 0.0, where=~worth_giving)

    # 2. Attack: side-wide potential against each enemy place, then each origin's best target.
    pending_power = (
        sides.total(_arc_power(world, pending.flow, unit))
        if pending is not None
        else 0.0 * side_power
    )
    # B x F: the surprise the rules would give an attack this turn (it wears off by the day).
    surprise = surprise_multiplier(world, state.offensive_day, state.turn + 1)
    punch = unit * surprise[:, :, np.newaxis]  # attacking power per strength
    # Spare strength stands only in held places, so what can reach an enemy place is the
    # spare power next door to it.
    potential = (_next_door(world, sides.total(spare * punch)) + pending_power) * hostile
    ground = enemy_power * cover
    defence = ground + np.minimum(_enemy_air(world, state, sides), ground)
    odds_needed = p.attack_odds[:, np.newaxis, np.newaxis]
    undefended = hostile & (defence <= 1e-9)
    good = hostile & (undefended | (potential >= odds_needed * defence))
    odds = np.minimum(potential / np.maximum(defence, 1e-9) / odds_needed, 2.0)
    worth = (world.value + 1.0) * np.where(world.supply_source, 2.0, 1.0)
    target_score = np.where(good, worth * np.where(undefended, 2.0, odds), 0.0)
    # A journey of several turns is worth less the longer it takes, and nothing if it would
    # arrive after the game ends.
    turns_left = world.max_turns - state.turn

    held_at = held.reshape(-1)
    # Only the origins with strength to send need a route: nothing leaves the others whatever
    # their route, and what they add to the committed power of their target is +0.0, as long
    # as ``commit`` and ``punch`` are plain (see _is_plain; 0 * inf would be NaN). A place
    # with no route at all steps along the padding arc 0, which another place may write,
    # so then every origin chooses, as before.
    routed = bool(world.graph.out_valid[:, 0].all())
    if routed and _is_plain(p.commit) and _is_plain(punch):
        senders = sides.any(spare > 0)
    else:
        senders = np.ones(held.shape, dtype=bool)

    def attack_score(here: IntArray, there: IntArray, legs: IntArray) -> FloatArray:
        in_time = np.where(legs <= turns_left, 1.0 / legs, 0.0)
        score: FloatArray = target_score.reshape(-1)[there] * held_at[here, np.newaxis] * in_time
        return score

    barred = _barred_sides(state, team)
    arc, best = _best_step(world, attack_score, senders, barred)
    target = world.arc_dst[arc]  # B x S x L: where each origin would attack
    at_target = _cells(target)
    easy = undefended.reshape(-1)[at_target]
    share = np.where(easy, 0.5, p.commit[:, np.newaxis, np.newaxis])
    sending = np.take(share, of, axis=1)
    np.multiply(spare, sending, out=sending)
    np.copyto(sending, 0.0, where=~(np.take(best, of, axis=1) > 0))
    # Call off attacks whose committed power falls short once every origin has chosen.
    committed = _gather(sides.total(sending * punch), at_target) + pending_power
    holds_up = undefended | (committed >= 0.75 * odds_needed * defence)
    go = holds_up.reshape(-1)[at_target]
    sending *= np.take(go, of, axis=1)
    attack_arc = np.take(arc, of, axis=1)
    # Attacks that go ahead draw close support; a player's own attacks always do.
    committed = np.where(hostile, np.where(holds_up, committed, pending_power), 0.0)

    # 3. Reserves: to places short of defenders, else towards the front.
    left = spare - sending
    np.copyto(left, 0.0, where=~(left >= MIN_AMOUNT))
    deficit = np.maximum(need - side_power, 0.0) * held
    distance = _front_distance(world, held & (threat > 0), held)
    pull = np.where(deficit > 0, 10.0 + deficit, 1.0 / (1.0 + distance)) * held

    def step_score(here: IntArray, there: IntArray, legs: IntArray) -> FloatArray:
        short = (deficit > 0).reshape(-1)[there]
        by_cell = distance.reshape(-1)
        closer = by_cell[here, np.newaxis] > by_cell[there]
        in_time = np.where(legs <= turns_left, 1.0 / legs, 0.0)  # roads before tracks
        score: FloatArray = np.where(short | closer, pull.reshape(-1)[there], 0.0)
        return score * held_at[here, np.newaxis] * in_time

    # As for attacks, only where reserves are left (what stays moves nowhere, whatever the
    # route).
    movers = sides.any(left > 0) if routed else np.ones(held.shape, dtype=bool)
    arc, best = _best_step(world, step_score, movers, barred)
    moving = np.where(np.take(best, of, axis=1) > 0, left, 0.0)
    move_arc = np.take(arc, of, axis=1)
    flow = _two_flows(world, attack_arc, sending, move_arc, moving)

    # 4. Sorties.
    ordered = flow if pending is None else flow + pending.flow
    steps = ((attack_arc, sending), (move_arc, moving)) if routed and pending is None else None
    possible = _battle_possible(world, state, sides, ordered, arriving, steps)
    strike, support = _sorties(
        world,
        state,
        mask,
        p,
        sides,
        enemy_power,
        side_power,
        threat,
        committed,
        pending,
        possible=possible,
    )
    return no_orders(world, state.batch, flow=flow, strike=strike, support=support)


Steps = tuple[tuple[IntArray, FloatArray], ...]
"""What each faction sends from each place along which arc (``B x F x L`` each), one pair
per kind of order."""


def _battle_possible(
    world: World,
    state: State,
    sides: _Sides,
    flow: FloatArray,
    coming: FloatArray,
    steps: Steps | None = None,
) -> BoolArray:
    """``B x S x L``: where a battle of each side may be fought this turn, as the legality of
    close support has it: enemies of the side stand there; or the side holds it and enemies
    can arrive this turn (next to it along a route crossed in one turn, or from the road);
    or the side does not hold it and arrives this turn (from the road, or by an attack of
    ``flow`` along such a route); ``coming`` is :func:`_arriving`. ``steps``, if given, are
    what makes up ``flow`` (written by :func:`_two_flows`)."""
    quick = (world.roads.free_legs == 1).astype(np.float64)  # D
    enemies = sides.foes(state.forces)  # B x S x L
    ours_coming = sides.total(coming) > 0
    theirs_coming = sides.foes(coming) > 0
    # Sums of plain values are positive exactly where some term is, so it is enough to count
    # the quick arcs that bring anything: a product of 0/1 values (exact), or, where the
    # steps make up the flow, flags set at the end of each quick step that sends anything.
    small, n_l = world.n_locations <= GATHER_LIMIT, world.n_locations
    quick_into = one_hot(world.arc_dst, n_l) * quick[:, np.newaxis] if small else None  # D x L
    if quick_into is not None and _is_plain(enemies):
        quick_between = one_hot(world.arc_src, n_l).T @ quick_into  # L x L
        near = _counts(enemies > 0, quick_between) > 0
    else:
        near = _quick_from_neighbours(world, enemies, quick) > 0
    if steps is not None and sides.members is not None and all(_is_plain(a) for _, a in steps):
        sent = _sent_along(world, sides, steps, quick > 0)
    elif quick_into is not None and _is_plain(flow):
        sent = _counts(sides.total(flow) > 0, quick_into) > 0
    else:
        sent = _at_ends(world, sides.total(flow) * quick) > 0
    held = sides.held
    possible: BoolArray = (enemies > 0) | np.where(held, near | theirs_coming, ours_coming | sent)
    return possible


def _sent_along(world: World, sides: _Sides, steps: Steps, quick: BoolArray) -> BoolArray:
    """``B x S x L``: where some faction of each side (of the scenario's sides) arrives by a
    ``quick`` arc of ``steps`` that sends more than 0."""
    sent = np.zeros(sides.held.shape, dtype=bool)
    n_s, n_l = sides.held.shape[1], sides.held.shape[2]
    for arc, amount in steps:
        n_f = arc.shape[1]
        flat = arc.reshape(-1)
        some = np.flatnonzero(amount.reshape(-1) > 0)  # few: most places send nothing
        some = some[quick[flat[some]]]
        run, faction = np.divmod(some // n_l, n_f)
        sent.reshape(-1)[(run * n_s + sides.of[faction]) * n_l + world.arc_dst[flat[some]]] = True
    return sent


def _counts(flags: BoolArray, matrix: FloatArray) -> FloatArray:
    """``flags @ matrix`` over the last axis, for 0/1 ``matrix`` entries: counts, exact in
    any order, so one BLAS product of all the leading rows at once."""
    flat = flags.reshape(-1, flags.shape[-1]).astype(np.float64)
    counts: FloatArray = (flat @ matrix).reshape(*flags.shape[:-1], matrix.shape[1])
    return counts


def _quick_from_neighbours(world: World, values: FloatArray, quick: FloatArray) -> FloatArray:
    """``out[..., l]``: the sum over the arcs d into l of ``values[..., src(d)] * quick[d]``,
    as ``_at_ends`` of those per-arc values adds them, without building them for every arc
    first (on small maps each slot of the in-arc table gathers straight from ``values``)."""
    if world.n_locations > GATHER_LIMIT:
        return world.sum_at_ends(np.take(values, world.arc_src, axis=-1) * quick)
    table = world.graph.in_arcs
    valid = world.graph.out_valid  # the mask _slot_sum applies to every table
    src, weight = world.arc_src[table], quick[table]  # L x K
    out: FloatArray = np.where(valid[:, 0], np.take(values, src[:, 0], axis=-1) * weight[:, 0], 0.0)
    for k in range(1, table.shape[1]):
        term = np.take(values, src[:, k], axis=-1) * weight[:, k]
        out = out + np.where(valid[:, k], term, 0.0)
    return out


def _next_to(world: World, flags: BoolArray) -> BoolArray:
    """``out[..., l]``: whether ``flags[..., m]`` is set at some place m next to l (the same
    as ``_next_door`` of the 0/1 values being positive, since counts of ones are exact)."""
    if world.n_locations > GATHER_LIMIT:
        return world.any_at_ends(np.take(flags, world.arc_src, axis=-1))
    adjacency = world.graph.adjacency
    if adjacency is not None:  # counts 0/1 values: exact in any order
        flat = flags.reshape(-1, world.n_locations).astype(np.float64)
        near: BoolArray = ((flat @ adjacency.T) > 0).reshape(flags.shape)
        return near
    table, valid = np.maximum(world.neighbours, 0), world.graph.out_valid
    out: BoolArray = valid[:, 0] & np.take(flags, table[:, 0], axis=-1)
    for k in range(1, table.shape[1]):
        out = out | (valid[:, k] & np.take(flags, table[:, k], axis=-1))
    return out


def _barred_sides(state: State, team: FloatArray) -> BoolArray | None:
    """``B x S x D``: the arcs barred to some faction of each side (``None``: no route is
    closed), which the side's orders then never use."""
    barred = barred_arcs(state)
    if barred is None:
        return None
    by_side: BoolArray = np.matmul(team, barred.astype(np.float64)) > 0
    return by_side


def _arriving(world: World, state: State) -> FloatArray:
    """``B x F x L``: each faction's strength on the road that arrives next turn, at the
    place it arrives at."""
    roads = world.roads
    heads = roads.slot_start[roads.slots > 0]
    ends = world.arc_dst[roads.slot_arc[heads]]
    # One bincount over (run, faction, place) cells: it adds each cell's arrivals from 0.0 in
    # slot order, as ``np.add.at`` would, at a fraction of the cost.
    batch, n_f, n_l = state.forces.shape
    cells = np.arange(batch * n_f)[:, np.newaxis] * n_l + ends  # (B * F) x H
    arriving = state.transit[:, :, heads].reshape(batch * n_f, -1)
    out = np.bincount(cells.ravel(), weights=arriving.ravel(), minlength=batch * n_f * n_l)
    return out.astype(np.float64, copy=False).reshape(batch, n_f, n_l)


def faction_mask(world: World, controlled: Sequence[int] | BoolArray) -> BoolArray:
    """An ``F`` mask from faction indices (or a mask already)."""
    if isinstance(controlled, np.ndarray) and controlled.dtype == np.bool_:
        return controlled
    mask = np.zeros(world.n_factions, dtype=bool)
    mask[np.asarray(controlled, dtype=np.int64)] = True
    return mask


def _arc_power(world: World, flow: FloatArray, unit: FloatArray) -> FloatArray:
    """Power arriving at each place along ``flow`` (``B x F x L``)."""
    return _at_ends(world, flow * np.take(unit, world.arc_src, axis=2))


def _enemy_air(world: World, state: State, sides: _Sides) -> FloatArray:
    """``B x S x L``: close-support power the enemies of each side could fly over each place,
    if half their sorties went there (the rules count it up to the ground power it backs)."""
    n_s = sides.team.shape[1]
    if not world.air_ids:
        return np.zeros((state.batch, n_s, world.n_locations))
    air = world.rules.air
    each = available_sorties(world, state) * (air.sortie_power * air.weather * world.air_cas)
    reach = each[:, :, np.newaxis] * world.air_in_range[np.newaxis]  # B x A x L
    # Entry a backs side s's enemies where its beneficiary is not on side s.
    foe = 1.0 - sides.team[:, :, world.air_beneficiary]  # (1 or B) x S x A
    rivals = None  # the entries backing each side's enemies
    if sides.members is not None:
        rivals = tuple(tuple(int(a) for a in np.flatnonzero(row)) for row in foe[0])
    power: FloatArray = 0.5 * _side_sum(foe, rivals, reach)
    return power


def _guard(world: World) -> FloatArray:
    """``L``: the power a side keeps in each place it held at the start, however quiet it
    is: ``GUARD_PER_VALUE`` per point of value, twice that where a victory condition needs
    the place."""
    guard: FloatArray = GUARD_PER_VALUE * world.value * np.where(world.objectives.needed, 2.0, 1.0)
    return guard


def _front_distance(world: World, front: BoolArray, held: BoolArray) -> FloatArray:
    """Routes from each held place to the nearest front place, through held places (at most
    ``MAX_HOPS``; farther counts as ``MAX_HOPS + 1``)."""
    far = float(MAX_HOPS + 1)
    distance = np.where(front, 0.0, far)
    reached = front.copy()
    adjacency = world.graph.adjacency
    if adjacency is not None:
        # One (B * S) x L product rather than a stack of B * S small ones, into the same two
        # buffers each hop (counts of 0/1 values: exact in any order).
        flat = reached.reshape(-1, world.n_locations)
        ones, counts = np.empty(flat.shape), np.empty(flat.shape)
    for hop in range(1, min(MAX_HOPS, world.n_locations) + 1):
        if adjacency is not None:
            np.copyto(ones, flat)
            near = (np.matmul(ones, adjacency, out=counts) > 0).reshape(reached.shape)
        else:
            near = world.any_at_ends(reached[:, :, world.arc_src])
        new = near & held & ~reached
        if not new.any():
            break
        distance[new] = float(hop)
        reached |= new
    return distance


def _sorties(
    world: World,
    state: State,
    mask: BoolArray,
    p: ParamArrays,
    sides: _Sides,
    enemy_power: FloatArray,
    side_power: FloatArray,
    threat: FloatArray,
    committed: FloatArray,
    pending: OrderArrays | None,
    *,
    possible: BoolArray,
) -> tuple[FloatArray, FloatArray]:
    """Strike and close-support sorties for the controlled factions' air-support entries
    (all arrays but the result are per side, ``B x S x L``); close support only where a
    battle is ``possible`` this turn."""
    n_a, batch, n_l = len(world.air_ids), state.batch, world.n_locations
    strike = np.zeros((batch, n_a, n_l))
    support = np.zeros((batch, n_a, n_l))
    entries = np.flatnonzero(mask[world.air_provider]) if n_a else np.zeros(0, dtype=np.int64)
    if entries.size == 0:
        return strike, support
    who = sides.of[world.air_beneficiary[entries]]
    in_range = world.air_in_range[entries][np.newaxis]  # 1 x E x L
    value = world.value + 1.0
    # Close support where the side attacks, or holds a place the enemy stands in or next to
    # (worked out per side, then read for each entry).
    at_risk = sides.held & (threat > 0)
    pressure = np.minimum(threat / np.maximum(side_power, 1e-9), 3.0)
    stake = (committed > 0) * 4.0 + at_risk * 0.5 * np.maximum(pressure, 0.1)
    support_score = in_range * value * stake[:, who, :]
    support_score = support_score * possible[:, who, :]
    # Strikes on enemy concentrations, most of all those next to or inside the side's places.
    touching = np.where(_next_to(world, sides.held) | sides.held, 2.0, 1.0)
    strike_score = in_range * (enemy_power > 0)[:, who, :] * enemy_power[:, who, :]
    strike_score = strike_score * touching[:, who, :]

    sorties = available_sorties(world, state).astype(np.float64)  # B x A
    if pending is not None:
        sorties = np.maximum(sorties - pending.strike.sum(axis=2) - pending.support.sum(axis=2), 0)
    sorties = sorties[:, entries]  # B x E
    # Each entry's sorties go to its best-scoring place (the first on ties), if that scores
    # above 0 (the score there is the maximum, NaN included).
    cells = (np.arange(batch * entries.size) * n_l).reshape(batch, -1)  # B x E
    best_strike = cells + strike_score.argmax(axis=2)
    best_support = cells + support_score.argmax(axis=2)
    can_support = support_score.reshape(-1)[best_support] > 0
    can_strike = strike_score.reshape(-1)[best_strike] > 0
    share = p.strike_share[:, np.newaxis]
    n_strike = np.where(can_support, np.floor(sorties * share), sorties) * can_strike
    n_support = (sorties - n_strike) * can_support
    # Assigned through flat indices of the (run, entry, place) cells, the fastest scatter
    # numpy has.
    rows = (np.arange(batch)[:, np.newaxis] * n_a + entries) * n_l - cells  # B x E
    strike.reshape(-1)[(rows + best_strike).ravel()] = n_strike.ravel()
    support.reshape(-1)[(rows + best_support).ravel()] = n_support.ravel()
    return strike, support
