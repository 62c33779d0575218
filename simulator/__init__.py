"""A local EIMS SMS gateway simulator for tests, development and benchmarks."""
