"""Reproducible benchmarks of the generator and of the client it generates.

`python -m benchmarks.run` (`make bench`) measures everything in one run and prints a
table of ratios; `BENCHMARKS.md` at the repository root records the latest table.
`benchmarks.synthetic` builds OpenAPI documents of any size for them, and for tests
that check how the generator scales.
"""
