"""Scenario data to a checked :class:`Scenario`: the steps of loading after the YAML is read.

Loading is a pipeline, each step in its own module and each depending only on the ones before
it: read the YAML (:mod:`~frontlines.engine.scenario.yamlio`), the fields
(:mod:`~frontlines.engine.scenario.model`, the typed models, which import no other step), the
cross-checks (:mod:`~frontlines.engine.scenario.checks`), the variants
(:mod:`~frontlines.engine.scenario.variants`); :mod:`~frontlines.engine.scenario.loader` runs
them on a file and puts what they find into words.
"""

from __future__ import annotations

from typing import Any

from frontlines.engine.scenario.checks import CheckContext, check_scenario, raise_errors
from frontlines.engine.scenario.model import Scenario
from frontlines.engine.scenario.variants import check_variants


def scenario_from_data(data: Any, context: CheckContext | None = None) -> Scenario:
    """Check scenario data (a mapping as read from a file) and return the scenario.

    With a ``context`` every problem found after the fields is added to it and the scenario is
    returned whatever they are; without one, the first error raises
    :class:`pydantic.ValidationError`. A field error always raises it.

    >>> from frontlines.engine.scenario.loader import dump_scenario, load_scenario
    >>> import yaml
    >>> data = yaml.safe_load(dump_scenario(load_scenario("two-rivers")))
    >>> scenario_from_data(data).id
    'two-rivers'
    """
    own = context or CheckContext()
    scenario = check_scenario(data, own)
    if own.left_out is None:  # a file with entities left out cannot be checked as a whole
        known = {p.describe() for p in own.problems}
        own.problems.extend(check_variants(scenario, own, known))
    if context is None:
        raise_errors(own.problems, data)
    return scenario
