"""How hard the property tests try. The suite runs the everyday number of examples; the deep
profile multiplies them, on demand: ``SVCTOOLS_TEST_DEPTH=10 scripts/test tests/test_values.py``."""

from __future__ import annotations

import os

DEPTH = max(1, int(os.environ.get("SVCTOOLS_TEST_DEPTH", "1")))


def examples(everyday: int) -> int:
    """``max_examples`` for a property: the everyday count times the depth asked for."""
    return everyday * DEPTH
