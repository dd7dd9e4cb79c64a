"""Cached loaders: everything the pages read from the inventory goes through here.

Every loader takes the database URL and a ``SnapshotKey`` (the latest successful collection run):
the cache is reused until a new run lands, and then reloads by itself. The reads themselves live in
``inventory.queries``; this module only caches them. Pages hold no SQL.
"""

import os
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from inventory import EstateSummary, estate_summary, is_initialised, list_offers, make_engine, next_run_times
from inventory.database import safe_url
from inventory.queries import (
    RUN_COLUMNS,
    LatestRun,
    cluster_frame,
    host_frame,
    latest_run,
    run_frame,
    runs_version,
    vm_frame,
)

SnapshotKey = LatestRun  # the latest successful run: the cache key of every loader


def database_url() -> str:
    """The database the dashboard reads: ``PARCIMONIE_DATABASE_URL`` or the settings' default."""
    url = os.environ.get("PARCIMONIE_DATABASE_URL")
    if url:
        return url
    from parcimonie.settings import Settings

    return Settings().effective_database_url


def display_url(url: str) -> str:
    """The database URL with any password masked: the only form the pages may show."""
    return safe_url(url)


@st.cache_resource(show_spinner=False)
def engine_for(url: str) -> Engine:
    """One engine per database URL for the server's lifetime."""
    return make_engine(url)


def today() -> date:
    """The reference date of ages and warranties (a function so tests can pin it)."""
    return date.today()


def snapshot_key(url: str) -> SnapshotKey | None:
    """The latest successful run, or None when the database is not initialised or never loaded.

    Not cached: one indexed query per rerun, so a new collection shows up on the next interaction.
    """
    engine = engine_for(url)
    if not is_initialised(engine):
        return None
    with Session(engine) as session:
        return latest_run(session)


def runs_key(url: str) -> tuple[int, int] | None:
    """(latest run id, number of runs), or None before initialisation: the key of the runs table."""
    engine = engine_for(url)
    if not is_initialised(engine):
        return None
    with Session(engine) as session:
        return runs_version(session)


@st.cache_data(show_spinner=False, max_entries=8)
def load_summary(url: str, snapshot: SnapshotKey | None, as_of: date) -> EstateSummary:
    """Key figures of the estate (inventory.estate_summary)."""
    with Session(engine_for(url)) as session:
        return estate_summary(session, today=as_of)


@st.cache_data(show_spinner=False, max_entries=4)
def load_vms(url: str, snapshot: SnapshotKey | None) -> pd.DataFrame:
    """Present VMs, one row each, with their host and cluster names (inventory.queries.vm_frame)."""
    with Session(engine_for(url)) as session:
        return vm_frame(session)


@st.cache_data(show_spinner=False, max_entries=4)
def load_hosts(url: str, snapshot: SnapshotKey | None, as_of: date) -> pd.DataFrame:
    """Present hosts with age, warranty, VM counts and utilisation (inventory.queries.host_frame)."""
    with Session(engine_for(url)) as session:
        return host_frame(session, today=as_of)


@st.cache_data(show_spinner=False, max_entries=4)
def load_cluster_utilisation(url: str, snapshot: SnapshotKey | None, as_of: date) -> pd.DataFrame:
    """Per-cluster totals and utilisation (inventory.queries.cluster_frame)."""
    return cluster_frame(load_hosts(url, snapshot, as_of))


@st.cache_data(show_spinner=False, max_entries=4)
def load_runs(url: str, key: tuple[int, int] | None, limit: int = 50) -> pd.DataFrame:
    """The latest collection runs, newest first (inventory.queries.run_frame)."""
    if key is None:  # not initialised: no table to read
        return pd.DataFrame(columns=list(RUN_COLUMNS))
    with Session(engine_for(url)) as session:
        return run_frame(session, limit=limit)


@st.cache_data(show_spinner=False, max_entries=4, ttl=60)
def load_offers(url: str) -> pd.DataFrame:
    """The server offers of the catalogue (inventory.list_offers)."""
    with Session(engine_for(url)) as session:
        offers = list_offers(session)
    return pd.DataFrame([o.model_dump() for o in offers])


@dataclass(frozen=True)
class ScheduledRun:
    """One scheduled collection as the collectors' job store reports it."""

    name: str
    next_run_at: datetime | None


def scheduled_runs(url: str) -> list[ScheduledRun] | None:
    """The scheduled collections (``inventory.next_run_times`` reads the job store), or None without any."""
    jobs = next_run_times(engine_for(url))
    if not jobs:
        return None
    return [ScheduledRun(name=name, next_run_at=when) for name, when in sorted(jobs.items(), key=lambda j: j[1])]
