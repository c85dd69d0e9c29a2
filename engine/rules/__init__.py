"""The rules: one module per phase of a turn, each a pure function over batched arrays.

Phases run in this order (see :func:`engine.turn.resolve_turn`): scripted events, air,
movement, ground combat, capture and retreat, supply, morale, reinforcement, victory.
"""
