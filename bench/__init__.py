"""Benchmarks of the EIMS integration against the in-process gateway simulator (`scripts/bench`)."""
