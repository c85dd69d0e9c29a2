"""Seeded, bounded mutation testing of the rules and the orders (``make mutate``).

Run as ``python -m tests.mutate``; see ``docs/testing.md`` for the design, the operators and
how the score is computed.
"""
