"""The fixed order lists of the golden games (turn by turn), kept apart from the results.

A key is a shipped scenario's id or the name of a file in ``scenarios/`` beside this one."""

from __future__ import annotations

from frontlines.engine.orders import Airstrike, Attack, CloseSupport, Move, Order

GOLDEN_ORDERS: dict[str, tuple[int, list[list[Order]]]] = {
    "aleppo-2024": (
        7,
        [
            [
                Attack("opposition", "western-aleppo", "aleppo", 9.0),
                Attack("opposition", "idlib", "saraqib", 3.0),
                CloseSupport("russia", "russian-air", "aleppo", 12),
                Airstrike("government", "syrian-air", "idlib", 8),
                CloseSupport("opposition", "opposition-drones", "aleppo", 3),
            ],
            [
                Attack("opposition", "rural-idlib", "maarat-al-numan", 3.0),
                Airstrike("russia", "russian-air", "rural-idlib", 12),
                Move("government", "hama", "rural-hama", 2.0),
            ],
            [Airstrike("russia", "russian-air", "idlib", 6)],
            [],
            # The drones catch the garrison that fell back from Aleppo on the road into Hama.
            [
                Move("government", "homs", "hama", 2.0),
                Airstrike("opposition", "opposition-drones", "hama", 3),
            ],
        ],
    ),
    "hama-2024": (
        11,
        [
            [
                Attack("opposition", "rural-hama", "hama", 4.0),
                Airstrike("russia", "russian-air", "idlib", 10),
                Airstrike("government", "syrian-air", "rural-hama", 6),
            ],
            [CloseSupport("russia", "russian-air", "hama", 12)],
            [],
        ],
    ),
    # Red takes three hills from Blue in one turn (one of them Blue's air base) and leaves
    # the Pocket cut off, with single-sortie strikes on it; see scenarios/rare-paths.yaml.
    "rare-paths": (
        5,
        [
            [
                Attack("red", "ford", "hill-a", 6.0),
                Attack("red", "ford", "hill-b", 6.0),
                Attack("red", "ford", "hill-c", 6.0),
                Airstrike("red", "red-air", "pocket", 1),
                Airstrike("blue", "blue-air", "ford", 6),
                CloseSupport("grey", "grey-air", "hill-b", 3),
            ],
            [Airstrike("red", "red-air", "pocket", 1), Move("red", "ford", "hill-a", 2.0)],
            [Attack("red", "hill-a", "pocket", 4.0)],
        ],
    ),
    "two-rivers": (
        3,
        [
            [Attack("uplands", "carrick", "reed-flats", 4.0)],
            [
                Move("lowlands", "harwick", "millford", 2.0),
                Move("uplands", "tarn-hills", "carrick", 3.0),
            ],
            [],
        ],
    ),
}
