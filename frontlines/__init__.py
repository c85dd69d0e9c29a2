"""Frontlines: a turn-based conflict simulation for the terminal, driven by YAML scenarios.

Everything Frontlines installs lives under this one name, so nothing on a user's path can
shadow it and it shadows nothing:

- ``frontlines.engine``: scenarios, rules, games, saves, the computer opponents, forecasts;
- ``frontlines.tui``: the command line and the terminal game;
- ``frontlines.scenarios``: the shipped scenario files (package data);
- ``frontlines.seeds``: the fact sheets the seed scenarios cite (package data).

In the repository these are the top-level folders ``engine/``, ``tui/``, ``scenarios/`` and
``seeds/``; ``frontlines/`` holds links to them (see ``docs/architecture.md``).
"""

__version__ = "0.1.0"
