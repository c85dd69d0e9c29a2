"""Fact sheets: the source material scenarios are seeded from, in the project's own words."""
