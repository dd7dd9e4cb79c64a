"""French and English number, money, percentage and date formats."""

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from parcimonie.formatting import (
    MISSING,
    NBSP,
    NNBSP,
    format_date,
    format_eur,
    format_number,
    format_percent,
    format_quantity,
)


def test_french_currency_uses_narrow_no_break_space_and_comma() -> None:
    assert format_eur(1234.56, decimals=2) == f"1{NNBSP}234,56{NBSP}€"
    assert format_eur(1_234_567) == f"1{NNBSP}234{NNBSP}567{NBSP}€"
    assert format_eur(-1500) == f"-1{NNBSP}500{NBSP}€"


def test_english_currency() -> None:
    assert format_eur(1234.56, decimals=2, language="en") == "€1,234.56"
    assert format_eur(-1500, language="en") == "-€1,500"


def test_percent_and_quantities() -> None:
    assert format_percent(0.125, decimals=1) == f"12,5{NNBSP}%"
    assert format_percent(0.125, decimals=1, language="en") == "12.5%"
    assert (
        format_quantity(4.25, "ans", decimals=1) == f"4,2{NBSP}ans"
        or format_quantity(4.25, "ans", decimals=1) == f"4,3{NBSP}ans"
    )
    assert format_number(-0.001, decimals=1) == "0,0"


def test_missing_values_never_read_as_zero() -> None:
    for value in (None, float("nan"), float("inf")):
        assert format_number(value) == MISSING
        assert format_eur(value) == MISSING
        assert format_percent(value) == MISSING
    assert format_date(None) == MISSING


def test_dates_in_paris_time() -> None:
    assert format_date(date(2026, 11, 23)) == "23/11/2026"
    assert format_date(date(2026, 11, 23), language="en") == "2026-11-23"
    noon_utc = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert format_date(noon_utc, with_time=True) == "01/07/2026 14:00"


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(0, 3))
def test_french_number_reads_back(value: float, decimals: int) -> None:
    text = format_number(value, decimals=decimals)
    parsed = float(text.replace(NNBSP, "").replace(",", "."))
    assert abs(parsed - round(value, decimals)) <= 10**-decimals
    assert "." not in text and " " not in text
