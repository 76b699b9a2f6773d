"""Money rounding: half-up to the cent for any amount a cell can hold, with one shared context."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

from hypothesis import given
from hypothesis import strategies as st

from svctools.core.money import CENT, half_up, money_str, round_money


def _reference(amount: Decimal, places: Decimal) -> Decimal:
    """The rounding as first written: a context sized for the amount, built per call."""
    digits = max(28, amount.adjusted() - places.adjusted() + 2)
    return amount.quantize(places, rounding=ROUND_HALF_UP, context=Context(prec=digits))


_AMOUNTS = st.one_of(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9
    ),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            Decimal(s)
            for s in ("0.005", "-0.005", "2.675", "-0", "-0.00", "1E+30", "9" * 30, "1E-30")
        ]
    ),
)


@given(_AMOUNTS)
def test_rounding_is_what_it_was(amount: Decimal) -> None:
    for places in (CENT, Decimal("1"), Decimal("0.0001")):
        expected = _reference(amount, places)
        got = half_up(amount, places)
        assert (got, str(got)) == (expected, str(expected))
    got = round_money(amount)
    assert str(got) == str(_reference(amount, CENT))
    assert money_str(amount) == format(_reference(amount, CENT), "f")


def test_half_up_and_huge_amounts() -> None:
    assert money_str(Decimal("2.675")) == "2.68"
    assert money_str(Decimal("-2.675")) == "-2.68"
    assert money_str(None) == "0.00"
    assert money_str(Decimal("1E+30")) == "1" + "0" * 30 + ".00"
    assert str(round_money(Decimal("-0"))) == "-0.00"
