"""The rules: one module per phase of a turn, each a pure function over batched arrays.

Phases run in this order (see :func:`frontlines.engine.turn.resolve_turn`): the weather and
scripted events, air, movement, ground combat, capture and retreat, supply, morale,
reinforcement, victory.
"""

RULES_VERSION = 6
"""Which rules this engine plays. Raise it with any change of the rules that changes what a
game gives (the golden games' digests): saves record it, and a save made under other rules
is refused, naming both versions, unless it still replays the same. ``make repin`` refuses
to re-pin changed golden games while it is unchanged.

Rules 2 are rules 1 worked out with arithmetic that gives the same bits on every machine
(``engine/elementary.py``, sums in a fixed order): outcomes differ only in the last bits,
but the digests of whole games differ.

Rules 3 take rates per day and scale them with ``turn_length_days`` (attrition compounded
over a turn's days, morale recovery, sorties, supply decay), and make surprise the
scenario's: each faction's level (Dupuy's none, minor, substantial, complete) wears off over
the days after its first attack, and a pause no longer restores it.

Rules 4 grow the scripted events (turn windows, chance, strength at a place, handing a place
over, a faction's quality) and let a victory need its places held for turns in a row. The
State gains ``quality`` (``B x F``) and ``held_turns`` (``B x V``). They add crossings and
closed routes: an attack across a river or strait is weaker
(``rules.crossing``, QJM-style), and routes can be cut or closed to a side (the State's
``closed``), which orders, the computer players, retreats and supply respect; weather that
changes sorties and movement; supply with a range (``supply_days``) and cut-off counts that
move with the forces (``transit_unsupplied``); surprise fronts; and close support only where
a battle can happen this turn. Weather over time (the scenario's ``weather:`` section: a
schedule or a seeded chain, and events that set it): the weather's share of sorties fly, and
journeys keep its share of the pace by route kind. Every golden digest changes with the new
State fields.

Rules 5: where the orders out of a place ask for all that is there or more, all of it goes;
the scaled amounts no longer leave a remnant of rounding behind (1e-16 strength and less)
that held ground and could fight. Outcomes change in the last digits only.

Rules 6: forces in transit can be caught. A strike on a place also hits the enemy columns
due there this turn (in the head slot of each route in), by the same share as the forces at
the place; the computer opponents count those columns when they pick a target. Factions get
a march pace (``pace``, a State array ``B x F`` that scripted ``faction_rules`` effects set),
which divides every journey's length over a turn's reach; at the default pace of 1 it
changes nothing, and the digest leaves it out."""
