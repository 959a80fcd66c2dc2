"""Benchmark tooling (``make bench``): a synthetic-article generator and the measurements.

Not part of the test suite; see bench/README.md and docs/scaling.md.
"""
