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

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from frontlines.engine.ai.reading import (
    GATHER_LIMIT,
    Sides,
    arc_power,
    arrivals,
    at_ends,
    at_origins,
    barred_sides,
    best_step,
    cells,
    counts,
    front_distance,
    gather,
    is_plain,
    next_door,
    next_to,
    quick_from_neighbours,
    side_sum,
    sides_of,
    two_flows,
)
from frontlines.engine.arrays import BoolArray, FloatArray, IntArray, one_hot
from frontlines.engine.orders import OrderArrays, available_sorties, no_orders
from frontlines.engine.rules.combat import surprise_multiplier
from frontlines.engine.rules.common import morale_factor, supply_factor
from frontlines.engine.rules.noise import Stream, lognormal_from, uniform
from frontlines.engine.state import State
from frontlines.engine.world import World

MIN_AMOUNT = 0.05
"""Smaller amounts are not worth an order."""
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


def _per_run(params: Params | ParamArrays | None, batch: int) -> ParamArrays:
    if isinstance(params, ParamArrays):
        return params
    return ParamArrays.stack([params or Params()], batch)


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
        forces = np.maximum(forces - at_origins(world, pending.flow), 0.0)
    sides = sides_of(world, state)
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
    threat = next_door(world, enemy_power) + enemy_power
    arriving = arrivals(world, state)  # B x F x L strength arriving from the road next turn
    # What strikes can hit at each place: the enemy there and the enemy columns due there.
    targets = enemy_power
    if world.roads.n_slots and np.count_nonzero(state.transit):
        coming = arriving * unit
        side_coming = sides.total(coming)
        enemy_coming = coming.sum(axis=1, keepdims=True) - side_coming
        threat = threat + enemy_coming
        targets = enemy_power + enemy_coming
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
        sides.total(arc_power(world, pending.flow, unit))
        if pending is not None
        else 0.0 * side_power
    )
    # B x F: the surprise the rules would give an attack this turn (it wears off by the day).
    surprise = surprise_multiplier(world, state.offensive_day, state.turn + 1)
    punch = unit * surprise[:, :, np.newaxis]  # attacking power per strength
    # Spare strength stands only in held places, so what can reach an enemy place is the
    # spare power next door to it.
    potential = (next_door(world, sides.total(spare * punch)) + pending_power) * hostile
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
    # as ``commit`` and ``punch`` are plain (see is_plain; 0 * inf would be NaN). A place
    # with no route at all steps along the padding arc 0, which another place may write,
    # so then every origin chooses, as before.
    routed = bool(world.graph.out_valid[:, 0].all())
    if routed and is_plain(p.commit) and is_plain(punch):
        senders = sides.any(spare > 0)
    else:
        senders = np.ones(held.shape, dtype=bool)

    def attack_score(here: IntArray, there: IntArray, legs: IntArray) -> FloatArray:
        in_time = np.where(legs <= turns_left, 1.0 / legs, 0.0)
        score: FloatArray = target_score.reshape(-1)[there] * held_at[here, np.newaxis] * in_time
        return score

    barred = barred_sides(state, team)
    march = _side_march(state, sides)
    arc, best = best_step(world, attack_score, senders, barred, march)
    target = world.arc_dst[arc]  # B x S x L: where each origin would attack
    at_target = cells(target)
    easy = undefended.reshape(-1)[at_target]
    share = np.where(easy, 0.5, p.commit[:, np.newaxis, np.newaxis])
    sending = np.take(share, of, axis=1)
    np.multiply(spare, sending, out=sending)
    np.copyto(sending, 0.0, where=~(np.take(best, of, axis=1) > 0))
    # Call off attacks whose committed power falls short once every origin has chosen.
    committed = gather(sides.total(sending * punch), at_target) + pending_power
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
    distance = front_distance(world, held & (threat > 0), held)
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
    arc, best = best_step(world, step_score, movers, barred, march)
    moving = np.where(np.take(best, of, axis=1) > 0, left, 0.0)
    move_arc = np.take(arc, of, axis=1)
    flow = two_flows(world, attack_arc, sending, move_arc, moving)

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
        targets,
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
    sides: Sides,
    flow: FloatArray,
    coming: FloatArray,
    steps: Steps | None = None,
) -> BoolArray:
    """``B x S x L``: where a battle of each side may be fought this turn, as the legality of
    close support has it: enemies of the side stand there; or the side holds it and enemies
    can arrive this turn (next to it along a route crossed in one turn, or from the road);
    or the side does not hold it and arrives this turn (from the road, or by an attack of
    ``flow`` along such a route); ``coming`` is :func:`arrivals`. ``steps``, if given, are
    what makes up ``flow`` (written by :func:`two_flows`)."""
    quick = (world.roads.free_legs == 1).astype(np.float64)  # D
    enemies = sides.foes(state.forces)  # B x S x L
    ours_coming = sides.total(coming) > 0
    theirs_coming = sides.foes(coming) > 0
    # Sums of plain values are positive exactly where some term is, so it is enough to count
    # the quick arcs that bring anything: a product of 0/1 values (exact), or, where the
    # steps make up the flow, flags set at the end of each quick step that sends anything.
    small, n_l = world.n_locations <= GATHER_LIMIT, world.n_locations
    quick_into = one_hot(world.arc_dst, n_l) * quick[:, np.newaxis] if small else None  # D x L
    if quick_into is not None and is_plain(enemies):
        quick_between = one_hot(world.arc_src, n_l).T @ quick_into  # L x L
        near = counts(enemies > 0, quick_between) > 0
    else:
        near = quick_from_neighbours(world, enemies, quick) > 0
    if steps is not None and sides.members is not None and all(is_plain(a) for _, a in steps):
        sent = _sent_along(world, sides, steps, quick > 0)
    elif quick_into is not None and is_plain(flow):
        sent = counts(sides.total(flow) > 0, quick_into) > 0
    else:
        sent = at_ends(world, sides.total(flow) * quick) > 0
    held = sides.held
    possible: BoolArray = (enemies > 0) | np.where(held, near | theirs_coming, ours_coming | sent)
    return possible


def _sent_along(world: World, sides: Sides, steps: Steps, quick: BoolArray) -> BoolArray:
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


def faction_mask(world: World, controlled: Sequence[int] | BoolArray) -> BoolArray:
    """An ``F`` mask from faction indices (or a mask already)."""
    if isinstance(controlled, np.ndarray) and controlled.dtype == np.bool_:
        return controlled
    mask = np.zeros(world.n_factions, dtype=bool)
    mask[np.asarray(controlled, dtype=np.int64)] = True
    return mask


def _enemy_air(world: World, state: State, sides: Sides) -> FloatArray:
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
    power: FloatArray = 0.5 * side_sum(foe, rivals, reach)
    return power


def _side_march(state: State, sides: Sides) -> FloatArray | None:
    """``B x S``: the pace of each side's slowest faction, which its journeys are planned at
    (``None`` where every faction marches at 1, the route kinds' own rates)."""
    if np.all(state.pace == 1.0):
        return None
    team = np.broadcast_to(sides.team, (state.batch, *sides.team.shape[1:]))
    slowest: FloatArray = np.where(team > 0, state.pace[:, np.newaxis, :], np.inf).min(axis=2)
    return slowest


def _guard(world: World) -> FloatArray:
    """``L``: the power a side keeps in each place it held at the start, however quiet it
    is: ``GUARD_PER_VALUE`` per point of value, twice that where a victory condition needs
    the place."""
    guard: FloatArray = GUARD_PER_VALUE * world.value * np.where(world.objectives.needed, 2.0, 1.0)
    return guard


def _sorties(
    world: World,
    state: State,
    mask: BoolArray,
    p: ParamArrays,
    sides: Sides,
    enemy_power: FloatArray,
    side_power: FloatArray,
    threat: FloatArray,
    committed: FloatArray,
    pending: OrderArrays | None,
    *,
    possible: BoolArray,
) -> tuple[FloatArray, FloatArray]:
    """Strike and close-support sorties for the controlled factions' air-support entries
    (all arrays but the result are per side, ``B x S x L``; ``enemy_power``: the enemy a
    strike can hit, at the place and on the road in); close support only where a battle is
    ``possible`` this turn."""
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
    touching = np.where(next_to(world, sides.held) | sides.held, 2.0, 1.0)
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
