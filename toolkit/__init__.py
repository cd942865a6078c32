"""What the suite, compare, bench, workshop and e2e share: paths, servers, pages, pytest runs.

This package imports nothing from `tests/`, `compare/`, `bench/`, `workshop/` or `e2e/`; they
import it (docs/ARCHITECTURE.md).
"""
