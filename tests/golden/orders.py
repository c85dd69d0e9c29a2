"""The fixed order lists of the golden games (turn by turn), kept apart from the results."""

from __future__ import annotations

from engine.orders import Airstrike, Attack, CloseSupport, Move, Order

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
            [Move("government", "homs", "hama", 2.0)],
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
