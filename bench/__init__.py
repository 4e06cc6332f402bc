"""Benchmarks of twostep that print figures (``python -m bench``; see bench/README.md).

Nothing here is imported by the product, and nothing here asserts a speed: the figures are printed,
summarised in a table and written to ``bench/out/latest.json``.
"""
