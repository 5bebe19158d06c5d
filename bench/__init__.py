"""Benchmarks (`make bench-nlu`): accuracy and safety figures on held-out data, with baselines."""
