"""The one place that decides money rounding and how money is written (SPEC §4: half-up, 0.01)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def round_money(amount: Decimal) -> Decimal:
    """Round one line half-up to the cent; totals are sums of rounded lines."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def money_str(amount: Decimal | None) -> str:
    """Money as JSON writes it: a string with two decimals (``"120.50"``)."""
    return format(round_money(amount if amount is not None else ZERO), "f")
