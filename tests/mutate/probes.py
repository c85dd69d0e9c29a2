"""Parts of the oracle's workload that reach what whole games do not: scenarios with every
kind of scripted trigger and effect, the phases called on their own (as tests may call them),
and the helpers of ``frontlines.engine.rules.noise`` and ``frontlines.engine.rules.common`` on
fixed arrays."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import numpy as np

from benchmarks.generated import generated_scenario
from frontlines.engine.arrays import scatter_add
from frontlines.engine.orders import OrderArrays
from frontlines.engine.rules import common, noise
from frontlines.engine.rules.air import resolve_air
from frontlines.engine.rules.capture import resolve_capture
from frontlines.engine.rules.combat import resolve_combat
from frontlines.engine.rules.morale import resolve_morale
from frontlines.engine.rules.movement import resolve_movement
from frontlines.engine.rules.reinforcement import resolve_reinforcements
from frontlines.engine.rules.scripted import condition_holds, run_scripted_events
from frontlines.engine.rules.supply import resolve_supply, supplied
from frontlines.engine.rules.victory import condition_met, resolve_victory
from frontlines.engine.scenario import Scenario, load_scenario, scenario_from_data
from frontlines.engine.state import State
from frontlines.engine.world import World

EVENTS: list[dict[str, Any]] = [
    {
        "id": "opening",
        "when": {"turn": 2},
        "effects": [
            {"sorties": {"air_support": "west-air", "set": 2}},
            {"forces": {"faction": "north-a", "location": "loc-00000", "change": 3.0}},
            {"forces": {"faction": "north-b", "location": "loc-00003", "change": -4.0}},
            {"morale": {"faction": "north-b", "change": -0.2}},
        ],
    },
    {
        "id": "split",
        "when": {"all": [{"turn": 3}, {"morale_below": {"faction": "north-b", "below": 0.9}}]},
        "effects": [
            {"alliance": {"alliance": "west", "leave": "south-a"}},
            {"sorties": {"air_support": "east-drones", "change": -1}},
        ],
    },
    {
        "id": "pressure",
        "once": False,
        "when": {
            "any": [
                {"turn": 5},
                {"controlled": {"location": "loc-00005", "by": "north-b", "or_allies": True}},
            ]
        },
        "effects": [
            {"forces": {"faction": "south-b", "location": "loc-00010", "change": -2.0}},
            {"message": "Pressure on the line."},
        ],
    },
    {
        "id": "rejoin",
        "when": {"turn": 6},
        "effects": [{"alliance": {"alliance": "west", "join": "south-a"}}],
    },
    {
        "id": "taken",
        "when": {"controlled": {"location": "loc-00003", "by": "north-a"}},
        "effects": [{"morale": {"faction": "north-a", "change": 0.1}}],
    },
    {
        "id": "off",
        "enabled": False,
        "when": {"turn": 1},
        "effects": [{"morale": {"faction": "north-a", "change": -1}}],
    },
]
VICTORY: list[dict[str, Any]] = [
    {"faction": "north-b", "control": ["loc-00000"], "points": 5.0, "by_turn": 20},
    {"faction": "south-a", "points": 25.0},
]


def crafted_scenarios() -> list[tuple[str, Scenario]]:
    """A grid map with every kind of trigger and effect, and a map with no air support nor
    reinforcements."""
    grid = generated_scenario(16, seed=4).to_data()
    grid["id"] = "crafted-events"
    grid["events"] = EVENTS
    grid["victory"] = grid["victory"] + VICTORY
    bare = load_scenario("two-rivers").to_data()
    bare |= {"id": "crafted-bare", "air_support": [], "reinforcements": [], "variants": []}
    bare["events"] = [e for e in bare.get("events", []) if "sorties" not in str(e)]
    return [(data["id"], scenario_from_data(data)) for data in (grid, bare)]


def shown(array: Any) -> str:
    """A short, exact fingerprint of an array: its first values and a hash of all of them."""
    values = np.ascontiguousarray(np.asarray(array))
    head = values.ravel()[:4].tolist()
    digest = hashlib.sha1(values.tobytes()).hexdigest()[:12]
    return f"{values.dtype}{list(values.shape)} {head} {digest}"


def phase_lines(
    world: World, state: State, orders: OrderArrays, seeds: np.ndarray
) -> Iterator[str]:
    """Every phase called on its own, without the arrays the turn shares between them."""
    s, fired = run_scripted_events(world, state, seeds)
    yield f"scripted {s.digest()} {shown(fired.mask)}"
    for event in world.script:
        holds = condition_holds(state, event.condition, state.turn + 1, seeds)
        yield f"trigger {event.id} {shown(holds)}"
    s, air = resolve_air(world, s, orders, seeds)
    yield f"air {s.digest()} {shown(air.strike)} {shown(air.support_power)} {shown(air.destroyed)}"
    s, attacked, crossed = resolve_movement(world, s, orders)
    yield f"movement {s.digest()} {shown(attacked)}"
    s, battles = resolve_combat(world, s, air, attacked, seeds, crossed=crossed)
    yield f"combat {s.digest()} {shown(battles.attacker_loss)} {shown(battles.defender_power)}"
    s, capture = resolve_capture(world, s, battles)
    yield f"capture {s.digest()} {shown(capture.retreat_to)} {shown(capture.destroyed)}"
    yield f"supplied {shown(supplied(world, s))}"
    s = resolve_supply(world, s)
    s, morale = resolve_morale(world, s, capture.old_controller)
    yield f"morale {s.digest()} {shown(morale.lost)} {shown(morale.collapsed_now)}"
    s, reinforcements = resolve_reinforcements(world, s)
    yield f"reinforcements {s.digest()} {shown(reinforcements.turned_back)}"
    s = resolve_victory(world, s.evolve(turn=state.turn + 1))
    yield f"victory {s.digest()}"
    for index in range(len(world.scenario.victory)):
        yield f"condition {index} {shown(condition_met(world, s, index))}"


def noise_lines() -> Iterator[str]:
    """The counter-based draws and the shared helpers on fixed inputs (small and large)."""
    seeds = np.array([0, 1, 12345, 2**63, 2**64 - 1], dtype=np.uint64)
    many = np.arange(40, dtype=np.uint64) * np.uint64(2654435761)
    yield f"mix {shown(noise.mix(np.arange(6, dtype=np.uint64)))}"
    for turn in (0, 1, 9):
        for stream in noise.Stream:
            u = noise.uniform(seeds, turn, stream, (3, 5))
            yield f"uniform {turn} {stream.name} {shown(u)}"
            for runs_of in (seeds, many):
                runs = np.arange(len(runs_of)).repeat(2)
                inner = (runs * 3 + 1) % 5
                drawn = noise.uniform_at(runs_of, turn, stream, (3, 5), runs, inner)
                picked = noise.uniform_at(
                    runs_of, turn, stream, (3, 5), runs, inner, noise.draw_order(2, 0)
                )
                yield f"at {len(runs_of)} {shown(drawn)} {shown(picked)}"
            yield f"normal {shown(noise.normal_from(u[:, 0], u[:, 1]))}"
            yield f"lognormal {shown(noise.lognormal_from(u[:, 0], u[:, 1], 0.3))}"
    yield from _common_lines()


def _common_lines() -> Iterator[str]:
    rng = np.random.default_rng(5)
    rules = load_scenario("aleppo-2024").rules
    for shape in ((3, 4, 5), (30, 5, 40), (9, 9, 60)):
        values = rng.random(shape) * (rng.random(shape) < 0.5)
        yield f"sum_axis1 {shown(common.sum_axis1(values))} {shown(common.where_set(values > 0.5))}"
        index = rng.integers(0, 7, size=shape[-1])
        yield f"scatter_add {shown(scatter_add(values, index, 7))}"
        allied = rng.random((shape[0], shape[1], shape[1])) < 0.5
        controller = rng.integers(0, shape[1], size=(shape[0], shape[2]))
        yield f"friendly {shown(common.friendly_here(allied, controller))}"
        yield f"allied_to {shown(common.allied_to_holder(allied, controller, shape[1] - 1))}"
    morale = np.linspace(0.0, 1.0, 41).reshape(1, -1)
    collapsed = np.arange(41).reshape(1, -1) % 7 == 0
    yield f"morale_factor {shown(common.morale_factor(morale, collapsed, rules))}"
    cut_off, far = np.arange(30).reshape(1, -1), np.linspace(0.0, 12.0, 30).reshape(1, -1)
    yield f"supply_factor {shown(common.supply_factor(cut_off, far, rules, 1))}"
