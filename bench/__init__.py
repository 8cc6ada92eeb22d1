"""Benchmarks: each prints its figure, the baseline it is held to, and the ratio."""
