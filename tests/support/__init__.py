"""Helpers shared by the browser tests and the benchmarks (bench/ imports them from the repo root)."""
