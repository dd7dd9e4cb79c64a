"""Interface language: French first, English switchable in the sidebar.

``t("key", **values)`` returns the current language's string (``str.format``-ed with ``values``).
The language is the sidebar's choice (kept in the address as ``?lang=``), else ``PARCIMONIE_LANGUAGE``
(fr by default). The helpers
``num``, ``eur``, ``pct``, ``qty`` and ``day`` format figures in the current language.
"""

import os
import re
from datetime import date, datetime

import streamlit as st

from dashboard.strings import STRINGS
from parcimonie import formatting

LANGUAGES = ("fr", "en")
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
_STATE_KEY = "language"
_QUERY_KEY = "lang"  # ?lang=en in the address


def default_language() -> str:
    """The language ``PARCIMONIE_LANGUAGE`` asks for, fr when unset or unknown."""
    value = os.environ.get("PARCIMONIE_LANGUAGE", "fr").strip().lower()[:2]
    return value if value in LANGUAGES else "fr"


def current_language() -> str:
    """The language of this session."""
    value = st.session_state.get(_STATE_KEY)
    return value if value in LANGUAGES else default_language()


def t(key: str, **values: object) -> str:
    """The string ``key`` in the current language; a missing key shows itself, never crashes."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry[LANGUAGES.index(current_language())]
    return text.format(**values) if values else text


#: Characters Markdown (and Streamlit's $ for LaTeX) reads as syntax anywhere in a line; ``-`` and ``+``
#: only matter at its start (lists), where ``plain`` escapes them too.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]()#!|<>~$])")


def plain(value: object) -> str:
    """``value`` as plain text inside Markdown: a name like ``![t](http://host/t.png)`` shows as typed.

    Every name, path or error text from collected or user data that goes into ``st.markdown``,
    ``st.caption``, ``st.info``… (or a ``t()`` string shown by them) passes through this.
    """
    text = " ".join(str(value).splitlines())  # a line break would start a new Markdown block
    escaped = _MARKDOWN_SYNTAX.sub(r"\\\1", text)
    return "\\" + escaped if escaped[:1] in ("-", "+") else escaped


def language_selector() -> str:
    """The sidebar's language switch; returns the chosen language."""
    if _STATE_KEY not in st.session_state:  # a new session (a reload): the address's ?lang= first
        asked = st.query_params.get(_QUERY_KEY, "")
        st.session_state[_STATE_KEY] = asked if asked in LANGUAGES else default_language()
    st.sidebar.selectbox(
        "Langue / Language",
        options=list(LANGUAGES),
        format_func=LANGUAGE_NAMES.__getitem__,
        key=_STATE_KEY,
    )
    language = current_language()
    if st.query_params.get(_QUERY_KEY) != language:
        st.query_params[_QUERY_KEY] = language  # kept in the address, so a reload keeps the choice
    return language


def num(value: float | int | None, decimals: int = 0) -> str:
    """A number in the current language's format."""
    return formatting.format_number(value, decimals=decimals, language=current_language())


def eur(value: float | int | None, decimals: int = 0) -> str:
    """An amount in euros in the current language's format."""
    return formatting.format_eur(value, decimals=decimals, language=current_language())


def pct(share: float | None, decimals: int = 0) -> str:
    """A share as a percentage in the current language's format."""
    return formatting.format_percent(share, decimals=decimals, language=current_language())


def qty(value: float | int | None, unit: str, decimals: int = 0) -> str:
    """A number with its unit in the current language's format."""
    return formatting.format_quantity(value, unit, decimals=decimals, language=current_language())


def day(value: date | datetime | None, with_time: bool = False) -> str:
    """A date (or time) in the current language's format."""
    return formatting.format_date(value, language=current_language(), with_time=with_time)
