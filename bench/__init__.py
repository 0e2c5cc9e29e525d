"""Benchmarks (``make bench``): each writes its figures to bench/results/<name>.json.
Figures are measurements, never pass/fail thresholds in the test suite."""
