"""Shared test set-up: Hypothesis profiles and a predictable terminal."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

# Colour and terminal settings of the developer's shell must not change what tests see.
os.environ.pop("NO_COLOR", None)
os.environ.pop("FORCE_COLOR", None)

# Hypothesis loads its own "ci" profile when CI is set; extend it rather than replace it.
settings.register_profile(
    "ci",
    parent=settings.get_profile("ci"),
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "soak", max_examples=5000, deadline=None, suppress_health_check=list(HealthCheck)
)
# Mutation testing (``make mutate``): every mutant sees the same examples, nothing is stored,
# and a failure is not shrunk (only whether a test fails matters).
settings.register_profile(
    "mutate",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=40,
    phases=[Phase.explicit, Phase.generate, Phase.target],
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
