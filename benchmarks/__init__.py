"""Benchmarks: each module prints JSON with medians; run with ``python -m benchmarks.NAME``."""
