"""Order legality: every refusal has a reason a player can read, and changes nothing."""

from __future__ import annotations

import typing
from dataclasses import fields

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.engine import (
    Airstrike,
    Attack,
    CloseSupport,
    Game,
    IllegalOrderError,
    Move,
    load_scenario,
)
from frontlines.engine import strategies as fst
from frontlines.engine.orders import (
    ORDER_KINDS,
    Order,
    checking_order,
    compile_orders,
    is_legal,
    legal_orders,
    order_from_data,
    order_to_data,
    read_orders,
    validate,
)


@pytest.fixture
def game() -> Game:
    return Game.new(load_scenario("aleppo-2024"), seed=1)


@pytest.mark.parametrize(
    ("order", "reason"),
    [
        (Attack("opposition", "idlib", "hama", 1.0), "no route joins idlib and hama"),
        (
            Attack("opposition", "western-aleppo", "aleppo", 99.0),
            "opposition has 14 at western-aleppo; cannot send 99",
        ),
        (
            Attack("opposition", "idlib", "rural-idlib", 1.0),
            "rural-idlib is held by opposition, your own side: move there instead",
        ),
        (
            Attack("government", "aleppo", "kuweires", 1.0),
            "kuweires is held by government, your own side: move there instead",
        ),
        (
            Attack("iran", "aleppo", "kuweires", 1.0),
            "kuweires is held by government, an ally: move there instead",
        ),
        (
            Move("opposition", "western-aleppo", "aleppo", 1.0),
            "aleppo is held by government, an enemy: attack it instead",
        ),
        (Attack("opposition", "western-aleppo", "aleppo", -1.0), "the amount must be more than 0"),
        (
            Attack("opposition", "western-aleppo", "aleppo", float("nan")),
            "the amount must be a finite number, not nan",
        ),
        (Attack("opposition", "western-aleppo", "alepo", 1.0), "unknown location 'alepo'"),
        (Attack("rebels", "western-aleppo", "aleppo", 1.0), "unknown faction 'rebels'"),
        (
            Airstrike("government", "russian-air", "idlib", 3),
            "russian-air is flown by russia, not government",
        ),
        (
            Airstrike("russia", "russian-air", "idlib", 40),
            "russian-air has 12 sorties left this turn",
        ),
        (
            Airstrike("russia", "russian-air", "hama", 2),
            "no enemy of government is at hama or on the road in: only allies would be hit",
        ),
        (
            Airstrike("russia", "russian-air", "idlib", 0),
            "sorties must be a whole number above 0, not 0",
        ),
        (
            CloseSupport("opposition", "opposition-drones", "damascus", 1),
            "damascus is out of range of opposition-drones",
        ),
    ],
)
def test_illegal_orders_are_refused_with_a_reason_and_change_nothing(
    game: Game, order: object, reason: str
) -> None:
    digest = game.digest()
    with pytest.raises(IllegalOrderError) as info:
        game.issue(order)  # type: ignore[arg-type]
    assert str(info.value) == reason
    assert game.pending == [] and game.digest() == digest


def test_pending_orders_count_against_what_is_available(game: Game) -> None:
    game.issue(Attack("opposition", "western-aleppo", "aleppo", 8.0))
    with pytest.raises(IllegalOrderError, match="8 of it already committed"):
        game.issue(Attack("opposition", "western-aleppo", "saraqib", 7.0))
    game.issue(CloseSupport("russia", "russian-air", "aleppo", 10))
    assert not is_legal(
        game.world, game.state, Airstrike("russia", "russian-air", "idlib", 3), game.pending
    )


def test_no_orders_once_the_game_is_over(game: Game) -> None:
    while not game.over:
        game.end_turn()
    with pytest.raises(IllegalOrderError, match="the game is over"):
        game.issue(Attack("opposition", "western-aleppo", "aleppo", 1.0))
    assert game.legal_orders("opposition") == []


def test_every_listed_order_is_legal(game: Game) -> None:
    for faction in ("government", "russia", "iran", "opposition"):
        options = game.legal_orders(faction)
        assert options or faction == "iran"
        for order in options:
            assert is_legal(game.world, game.state, order)


def test_orders_survive_a_trip_through_save_data() -> None:
    for order in (
        Attack("a", "b", "c", 1.5),
        Move("a", "b", "c", 2.0),
        Airstrike("a", "x", "c", 3),
        CloseSupport("a", "x", "c", 4),
    ):
        assert order_from_data(order_to_data(order)) == order
    with pytest.raises(ValueError, match="not an order"):
        order_from_data({"kind": "teleport"})


def test_close_support_over_an_empty_enemy_place_needs_an_attack_on_it_first() -> None:
    game = Game.new(load_scenario("aleppo-2024"), seed=1)
    aleppo = game.world.location_index("aleppo")
    forces = game.state.forces.copy()
    forces[0, :, aleppo] = 0.0  # nobody defends Aleppo
    game.states[-1] = game.state.evolve(forces=forces)
    support = CloseSupport("opposition", "opposition-drones", "aleppo", 2)
    with pytest.raises(IllegalOrderError, match="no battle is possible for opposition at aleppo"):
        game.issue(support)
    game.issue(Attack("opposition", "western-aleppo", "saraqib", 1.0))  # elsewhere: no help
    with pytest.raises(IllegalOrderError, match="no battle is possible"):
        game.issue(support)
    game.issue(Attack("opposition", "western-aleppo", "aleppo", 1.0))
    game.issue(support)  # the pending attack makes a battle possible
    assert game.pending[-1] == support


def test_close_support_counts_only_attacks_that_arrive_this_turn() -> None:
    """An attack on Hama along the five-day desert track from Aleppo makes no battle there
    this turn, so close support over it is refused; one along the highway from rural Hama
    does, and the support is allowed."""
    game = Game.new(load_scenario("aleppo-2024"), seed=1)
    world = game.world
    hama, aleppo, rural = (world.location_index(p) for p in ("hama", "aleppo", "rural-hama"))
    opposition = world.faction_index("opposition")
    forces, holder = game.state.forces.copy(), game.state.controller.copy()
    for place, strength in ((hama, 0.0), (aleppo, 20.0), (rural, 5.0)):
        forces[0, :, place] = 0.0
        forces[0, opposition, place] = strength
    holder[0, [aleppo, rural]] = opposition
    game.states[-1] = game.state.evolve(forces=forces, controller=holder)
    assert world.roads.free_legs[world.arc_index("aleppo", "hama")] > 1
    support = CloseSupport("opposition", "opposition-drones", "hama", 2)
    game.issue(Attack("opposition", "aleppo", "hama", 10.0))
    with pytest.raises(IllegalOrderError, match="no attack on it arrives this turn"):
        game.issue(support)
    game.issue(Attack("opposition", "rural-hama", "hama", 2.0))
    game.issue(support)
    assert game.pending[-1] == support


def test_a_turns_orders_are_checked_as_one_set_ground_orders_first() -> None:
    game = Game.new(load_scenario("aleppo-2024"), seed=1)
    aleppo = game.world.location_index("aleppo")
    forces = game.state.forces.copy()
    forces[0, :, aleppo] = 0.0  # nobody defends Aleppo: close support there needs an attack
    state = game.state.evolve(forces=forces)
    support = CloseSupport("opposition", "opposition-drones", "aleppo", 2)
    strike = Airstrike("russia", "russian-air", "idlib", 1)
    attack = Attack("opposition", "western-aleppo", "aleppo", 1.0)
    move = next(o for o in legal_orders(game.world, state, "government") if isinstance(o, Move))
    given = [support, strike, attack, move]
    assert not is_legal(game.world, state, support)  # given first, it was refused
    assert checking_order(given) == [attack, move, support, strike]
    accepted: list[Order] = []
    for order in checking_order(given):
        validate(game.world, state, order, accepted)
        accepted.append(order)


@pytest.mark.parametrize(
    ("order", "text"),
    [
        (
            Attack("opposition", "western-aleppo", "aleppo", 2.5),
            "Attack aleppo from western-aleppo with 2.5",
        ),
        (Move("opposition", "idlib", "rural-idlib", 3.0), "Move 3 from idlib to rural-idlib"),
        (
            Airstrike("government", "russian-vks", "idlib", 4),
            "Airstrike on idlib: 4 sorties of russian-vks",
        ),
        (
            CloseSupport("opposition", "opposition-drones", "aleppo", 1),
            "Close support at aleppo: 1 sortie of opposition-drones",
        ),
    ],
)
def test_each_order_says_what_it_does(order: Order, text: str) -> None:
    """The pending orders list shows exactly this text (one sortie, not "1 sorties")."""
    assert order.describe() == text


def test_the_registry_lists_every_kind_of_the_order_union_once() -> None:
    kinds = list(ORDER_KINDS.values())
    assert kinds == list(typing.get_args(Order))
    assert [k.kind for k in kinds] == list(ORDER_KINDS)
    assert len(set(ORDER_KINDS)) == len(kinds)
    for kind in kinds:  # each kind has its own words and its own test of the target
        for method in (
            "describe",
            "title",
            "check_holder" if kind.unit == "strength" else "check_target",
        ):
            assert method in vars(kind), f"{kind.__name__} lacks {method}"


@settings(max_examples=30, deadline=None)
@given(game=fst.played_games(max_turns=3), data=st.data())
def test_reading_compiled_orders_gives_them_back(game: Game, data: st.DataObject) -> None:
    """compile_orders and read_orders are inverse for orders that pass validation (one per
    route and per entry and place, as read_orders finds them)."""
    orders = [] if game.over else data.draw(fst.turn_orders(game))
    merged: dict[tuple[object, ...], Order] = {}
    for order in orders:
        entry = getattr(order, "air_support", None)  # two entries' strikes stay apart
        key = (type(order), order.faction, entry, order.place, order.target)
        if key in merged:
            merged[key] = merged[key].resized(merged[key].size + order.size)
        else:
            merged[key] = order
    arrays = compile_orders(game.world, [orders])
    back = read_orders(game.world, game.state, arrays)
    assert sorted(map(repr, back)) == sorted(map(repr, merged.values()))
    assert read_orders(game.world, game.state, compile_orders(game.world, [back])) == back


def test_order_arrays_change_every_field_alike(game: Game) -> None:
    arrays = compile_orders(game.world, [game.legal_orders("opposition")[:3], []])
    for changed, rows in (
        (arrays.runs(0, 1), [0]),
        (arrays.repeated(2), [0, 0, 1, 1]),
        (arrays.tiled(3), [0, 0, 0]),
    ):
        for name in ("flow", "strike", "support"):
            assert np.array_equal(getattr(changed, name), getattr(arrays, name)[rows])
    doubled = arrays.plus(arrays)
    assert all(
        np.array_equal(getattr(doubled, f.name), 2 * getattr(arrays, f.name))
        for f in fields(arrays)
    )
    assert {f.name for f in fields(arrays)} == {"flow", "strike", "support"}
