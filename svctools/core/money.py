"""The one place that decides money rounding and how money is written (SPEC §4: half-up, 0.01)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# 28 digits as the default context has; made once, not per call (a month's statement rounds a
# few hundred thousand amounts, and building a Context costs as much as the rounding itself).
_CONTEXT = Context(prec=28)


def half_up(amount: Decimal, places: Decimal) -> Decimal:
    """``amount`` rounded half-up to ``places`` (``CENT``), however many digits it has.

    ``quantize`` in the default 28-digit context raises ``InvalidOperation`` past 10**26: a
    mistyped 1E+30 in a money cell must give a (silly) figure, not a crash.
    """
    digits = amount.adjusted() - places.adjusted() + 2
    context = _CONTEXT if digits <= 28 else Context(prec=digits)
    return amount.quantize(places, rounding=ROUND_HALF_UP, context=context)


def round_money(amount: Decimal) -> Decimal:
    """Round one line half-up to the cent; totals are sums of rounded lines."""
    if amount.adjusted() <= 24:  # fits the 28 digits: half_up's usual case, without the call
        return amount.quantize(CENT, rounding=ROUND_HALF_UP, context=_CONTEXT)
    return half_up(amount, CENT)


def money_str(amount: Decimal | None) -> str:
    """Money as JSON writes it: a string with two decimals (``"120.50"``).

    An amount already to the cent (two decimals exactly: the usual case, as every line is
    rounded) is written as it is; rounding it would give the same digits.
    """
    if amount is None:
        amount = ZERO
    text = format(amount, "f")
    if text[-3:-2] == ".":
        return text
    return format(round_money(amount), "f")
