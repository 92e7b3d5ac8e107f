"""Synthetic stores for benchmarks (``saidwho synth``)."""
