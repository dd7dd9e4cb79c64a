"""Pieces every page shares: the empty-database notice and the "data as of" line."""

from dataclasses import dataclass

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from dashboard import data
from dashboard.i18n import day, plain, t


@dataclass(frozen=True)
class PageContext:
    """What a page needs to load data: the database URL and the snapshot it shows."""

    url: str
    snapshot: data.SnapshotKey


def show_empty_state(url: str) -> None:
    """Explain how to fill the database, with the commands to run (never a traceback)."""
    st.info(t("empty.title"))
    st.markdown(t("empty.body", url=plain(data.display_url(url))))
    st.code(
        "parcimonie init\n"
        "parcimonie demo --no-serve   # " + t("empty.demo") + "\n"
        "parcimonie --help            # " + t("empty.collect"),
        language="bash",
    )


def require_snapshot() -> PageContext:
    """The page's context; when the database is empty or unreachable, say so and stop the page."""
    url = data.database_url()
    try:
        snapshot = data.snapshot_key(url)
    except SQLAlchemyError as err:
        st.error(t("error.database", url=plain(data.display_url(url)), kind=type(err).__name__))
        st.stop()
    if snapshot is None:
        show_empty_state(url)
        st.stop()
    assert snapshot is not None
    return PageContext(url=url, snapshot=snapshot)


def require_runs_key(url: str) -> tuple[int, int] | None:
    """The runs table's cache key; when the database is unreachable, say so and stop the page."""
    try:
        return data.runs_key(url)
    except SQLAlchemyError as err:
        st.error(t("error.database", url=plain(data.display_url(url)), kind=type(err).__name__))
        st.stop()
    return None  # unreachable: st.stop() raises


def snapshot_caption(ctx: PageContext) -> None:
    """One line under the title: which collection the figures come from."""
    st.caption(t("snapshot.caption", when=day(ctx.snapshot.finished_at, with_time=True), run=ctx.snapshot.run_id))
