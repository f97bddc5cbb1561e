"""Simulated candidates (``candidates``) and the recorded sessions and cohorts they take (``sessions``): for the
demo, the tests and the benchmarks."""
