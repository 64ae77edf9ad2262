"""Developer tooling: the benchmark (bench.py), the pages audit with Lighthouse (pages_audit.py) and
the quality gate behind ``invoke check`` (quality.py). Nothing here runs in a build: the product
code is in ``cafetech/`` and ``plugins/``."""
