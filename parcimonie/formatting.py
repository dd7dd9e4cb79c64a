"""Numbers, money, percentages and dates as a French (or English) reader expects them.

French: ``1 234,56 €`` — a narrow no-break space (U+202F) between thousands, a comma before the
decimals, a no-break space (U+00A0) before the unit. English: ``€1,234.56``. ``None`` and NaN print
as an em dash, so a missing figure never reads as zero.
"""

import math
from datetime import date, datetime
from zoneinfo import ZoneInfo

DISPLAY_TZ = ZoneInfo("Europe/Paris")

NNBSP = "\u202f"  # narrow no-break space: French thousands separator and before %
NBSP = "\u00a0"  # no-break space: before € and units
MISSING = "—"


def _missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def format_number(value: float | int | None, *, decimals: int = 0, language: str = "fr") -> str:
    """``value`` with thousands separators and ``decimals`` decimals, in ``language``'s style."""
    if _missing(value):
        return MISSING
    assert value is not None
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0"
    if language == "fr":
        return text.replace(",", NNBSP).replace(".", ",")
    return text


def format_eur(value: float | int | None, *, decimals: int = 0, language: str = "fr") -> str:
    """An amount in euros: ``1 234,56 €`` in French, ``€1,234.56`` in English."""
    if _missing(value):
        return MISSING
    number = format_number(value, decimals=decimals, language=language)
    if language == "fr":
        return f"{number}{NBSP}€"
    if number.startswith("-"):
        return f"-€{number[1:]}"
    return f"€{number}"


def format_percent(share: float | None, *, decimals: int = 0, language: str = "fr") -> str:
    """A share (0.125) as a percentage: ``12,5 %`` in French, ``12.5%`` in English."""
    if _missing(share):
        return MISSING
    assert share is not None
    number = format_number(share * 100, decimals=decimals, language=language)
    return f"{number}{NNBSP}%" if language == "fr" else f"{number}%"


def format_quantity(value: float | int | None, unit: str, *, decimals: int = 0, language: str = "fr") -> str:
    """A number with its unit: ``12,5 ans``, ``3 400 kgCO2e``."""
    if _missing(value):
        return MISSING
    return f"{format_number(value, decimals=decimals, language=language)}{NBSP}{unit}"


def format_date(value: date | datetime | None, *, language: str = "fr", with_time: bool = False) -> str:
    """``23/11/2026`` (fr) or ``2026-11-23`` (en); with ``with_time``, hours and minutes too.

    Timezone-aware times (the inventory stores UTC) are shown in Paris time.
    """
    if value is None:
        return MISSING
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(DISPLAY_TZ)
    if language == "fr":
        pattern = "%d/%m/%Y %H:%M" if with_time and isinstance(value, datetime) else "%d/%m/%Y"
    else:
        pattern = "%Y-%m-%d %H:%M" if with_time and isinstance(value, datetime) else "%Y-%m-%d"
    return value.strftime(pattern)
