"""Journal: the audit trail, newest first, filtered by who, what and when (``inventory.audit``)."""

import json
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st
from sqlmodel import Session

from dashboard import data
from dashboard.i18n import day, t
from dashboard.tables import show_text_table
from inventory import ACTIONS, audit_actors, audit_events, is_initialised

COLUMNS = {
    "at": "journal.col.at",
    "actor": "journal.col.actor",
    "action": "journal.col.action",
    "object": "journal.col.object",
    "before": "journal.col.before",
    "after": "journal.col.after",
}


def _values(value: dict[str, Any] | None) -> str:
    """Before or after values as compact JSON text (a table cell: shown as typed, never as Markdown)."""
    return "—" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


st.title(t("journal.title"))
st.caption(t("journal.intro"))
url = data.database_url()
engine = data.engine_for(url)
if not is_initialised(engine):
    st.info(t("journal.empty"))
    st.stop()
with Session(engine) as session:
    actors = audit_actors(session)
who, what, since, until = st.columns(4)
actor = who.selectbox(t("journal.who"), [None, *actors], format_func=lambda a: t("journal.all") if a is None else a)
action = what.selectbox(
    t("journal.action"), [None, *ACTIONS], format_func=lambda a: t("journal.all") if a is None else t(f"action.{a}")
)
first: date | None = since.date_input(t("journal.since"), value=None, format="DD/MM/YYYY")
last: date | None = until.date_input(t("journal.until"), value=None, format="DD/MM/YYYY")
with Session(engine) as session:
    events = audit_events(session, actor=actor, action=action, since=first, until=last)
if not events:
    st.info(t("journal.empty"))
    st.stop()
frame = pd.DataFrame(
    [
        {
            "at": day(event.at, with_time=True),
            "actor": event.actor,
            "action": t(f"action.{event.action}"),
            "object": event.object,
            "before": _values(event.before),
            "after": _values(event.after),
        }
        for event in events
    ]
)
show_text_table(frame, COLUMNS)
