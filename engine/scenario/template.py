"""The commented starter scenario that ``frontlines new`` writes."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

_STARTER = """\
# yaml-language-server: $schema={schema}
#
# A starter scenario written by `frontlines new`. It validates as it is:
#     frontlines validate {filename}
# Change it piece by piece and validate again. Every field is described in
# docs/scenario-format.md; optional fields show their defaults in comments.
schema: 1                    # scenario format version
id: "{id}"
title: "{title}"
description: >-
  Two neighbours fight over the bridge town between them. Replace this with what the
  scenario is about: where, when, who and why.
start_date: {today}          # the date of turn 1 (YYYY-MM-DD)
turn_length_days: 1          # days per turn
max_turns: 10                # the game ends after this turn

factions:                    # every side; ids are lower-case-with-dashes
  - id: west
    name: Western Alliance
    colour: "#2e86c1"        # quote colours: an unquoted '#' starts a comment
    quality: 1.0             # combat power per strength point (1.0 = average)
    pace: 1.0                # march pace: times each route kind's km a day (rules.movement)
    morale: 0.7              # 0 (broken) .. 1 (excellent)
    posture: prepared        # hasty | prepared | fortified, for its garrisons
  - id: east
    name: Eastern League
    colour: "#cb4335"
    quality: 0.9
    morale: 0.75
    posture: hasty
    surprise: minor          # none | minor | substantial | complete: its first attack's surprise
    # surprise_front: [bridgetown]  # only there (unset: everywhere)
  - id: east-air
    name: Eastern air wing
    colour: "#884ea0"
    playable: false          # the computer always plays this faction

alliances:                   # allies share supply and never attack each other
  - id: eastern-bloc
    name: Eastern bloc
    members: [east, east-air]

locations:                   # lat/lon in decimal degrees; population in people
  - id: westport
    name: Westport
    kind: city               # city | town | base | region
    lat: 48.20
    lon: 10.10
    population: 250000
    terrain: urban           # urban | rugged | mixed | flat
    value: 5                 # victory points, and weight in morale when lost
    controller: west
    garrison: {{west: 6}}      # strength points by faction
    supply_source: true      # supplies whoever holds it, and their allies
  - id: bridgetown
    name: Bridgetown
    kind: town
    lat: 48.25
    lon: 10.45
    population: 20000
    terrain: mixed
    value: 3
    controller: west
    garrison: {{west: 3}}
  - id: eastfield
    name: Eastfield air base
    kind: base
    lat: 48.35
    lon: 10.95
    terrain: flat
    value: 2
    controller: east-air
    garrison: {{east-air: 1}}
    posture: fortified
  - id: eastburg
    name: Eastburg
    kind: city
    lat: 48.22
    lon: 11.05
    population: 180000
    terrain: urban
    value: 5
    controller: east
    garrison: {{east: 9}}
    supply_source: true

routes:                      # both ways; km a day by kind: highway 160, road 100, track 50,
                             # rough 20, rail 300 (rules.movement); no length_km: straight line
  - {{from: westport, to: bridgetown, kind: highway}}
  - {{from: bridgetown, to: eastburg, kind: road, crossing: river}}   # river | strait: an attack
                             # across it is weaker (rules.crossing); cut: true, closed_to: [ids]
  - {{from: eastburg, to: eastfield, kind: road}}
  - {{from: bridgetown, to: eastfield, kind: track, length_km: 120}}   # 3 days' journey

air_support:                 # sorties flown every day by a provider for an ally (or itself)
  - id: eastern-sorties
    name: Eastern air wing sorties
    provider: east-air
    beneficiary: east
    sorties_per_day: 4       # a turn of several days has as many times more
    base: eastfield          # no sorties while an enemy holds the base
    range_km: 300
    civilian_risk: 0.2       # 0..1: risk to civilians when striking populated places

reinforcements:
  - {{faction: west, location: westport, turn: 4, strength: 3}}

events:                      # declarative: a trigger (every part must hold) and its effects
  - id: bridge-falls
    when:
      controlled: {{location: bridgetown, by: east}}
    effects:
      - message: Bridgetown has changed hands, and the river bridge is blown.
      - morale: {{faction: west, change: -0.05}}
      - route: {{from: bridgetown, to: eastburg, cut: true}}   # or restore: true, close_to: id,
                                                           # open_to: id
  - id: western-reserves
    when:
      from_turn: 3           # from turn 3 on (or turn: N for that turn only) ...
      for_turns: 4           # ... for 4 turns: turns 3 to 6
      chance: 0.25           # 1 in 4 each turn, drawn from the game's seed
      strength: {{faction: west, location: bridgetown, below: 2}}   # or above: x
    effects:                 # also: sorties, alliance, control: {{location: ..., faction: ...}}
      - message: Western reserves reach the front.
      - forces: {{faction: west, location: westport, change: 2}}
      - faction_rules: {{faction: west, quality: 1.1}}   # west's combat quality from now on
      - faction_rules: {{faction: west, pace: 1.2}}      # or its march pace (one per effect)

victory:
  - faction: east
    description: Take Westport and hold it for two turns.
    control: [westport]
    hold_turns: 2            # held at this many turn ends in a row (default 1)
  - faction: west
    description: Hold Bridgetown and Westport to the end.
    control: [westport, bridgetown]
    at_end: true

weather:                     # optional; kinds clear, overcast, rain, storm unless listed
  start: clear               # the weather of turn 1
  transitions:               # each turn, the chance of the next turn's weather (seeded)
    clear: {{clear: 0.8, rain: 0.2}}
    rain: {{clear: 0.5, rain: 0.4, storm: 0.1}}
    storm: {{rain: 1.0}}
  # schedule:                # set it from a turn (or from_date: YYYY-MM-DD) on
  #   - {{from_turn: 5, weather: rain}}

# rules:                     # every constant of the combat model; see the docs
#   combat: {{capture_ratio: 1.5, attrition_rate: 0.08}}   # attrition: a fraction a day
#   surprise: {{minor: 1.3, substantial: 1.6, complete: 2.0, lasts_days: 3}}
#   movement: {{track: 40, opposed_floor: 0.25}}        # slower tracks; opposed pace floor
#   supply: {{range_days: 4, beyond_range_decay: 0.1}}  # days of travel from a source
#   crossing: {{river: 1.5, strait: 2.0}}               # attackers' power over these

variants:                    # named what-ifs, compared side by side in forecasts
  - id: no-air
    title: No eastern air support
    changes:
      air_support:
        eastern-sorties: {{sorties_per_day: 0}}
"""


def starter_scenario(scenario_id: str, title: str, target: Path, schema: Path) -> str:
    """The starter text for a new scenario written to ``target``."""
    try:
        schema_ref = os.path.relpath(schema, target.resolve().parent)
    except ValueError:
        schema_ref = schema.as_uri()
    return _STARTER.format(
        id=scenario_id,
        title=title.replace('"', "'"),
        filename=target.name,
        schema=schema_ref,
        today=date.today().isoformat(),
    )
