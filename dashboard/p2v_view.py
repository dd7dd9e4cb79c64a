"""The physical servers a plan virtualises (``plan --p2v``), shown apart from the VMs: a summary
line and one row per server (size as a VM, where it goes, yearly savings, estimated flags)."""

import pandas as pd
import streamlit as st

from dashboard import tables
from dashboard.i18n import t
from dashboard.messages import say
from parcimonie.planning.document import P2vSection
from parcimonie.planning.p2v import p2v_summary

__all__ = ["p2v_frame", "show_p2v"]


def p2v_frame(section: P2vSection) -> pd.DataFrame:
    """One row per server: name, CPU (reference MHz), memory (GiB), target host, EUR a year, estimated."""
    return pd.DataFrame(
        {
            "server": [s.name for s in section.servers],
            "cpu_ref_mhz": [s.cpu_ref_mhz for s in section.servers],
            "memory_gib": [s.memory_mib / 1024 for s in section.servers],
            "to_host": [s.to_host or t("p2v.no_room") for s in section.servers],
            "savings_eur_per_year": [s.savings_eur_per_year for s in section.servers],
            "estimated": [s.cpu_estimated or s.memory_estimated for s in section.servers],
        }
    )


def show_p2v(section: P2vSection) -> None:
    """The "à virtualiser" block of the Consolidation page."""
    st.subheader(t("p2v.title"))
    st.write(say(p2v_summary(section)))
    col = st.column_config
    st.dataframe(
        p2v_frame(section),
        hide_index=True,
        width="stretch",
        key="cons_p2v_table",
        column_config={
            "server": col.TextColumn(t("p2v.col.server")),
            "cpu_ref_mhz": tables.number_column(t("p2v.col.cpu")),
            "memory_gib": tables.number_column(t("p2v.col.memory"), decimals=1),
            "to_host": col.TextColumn(t("p2v.col.to_host")),
            "savings_eur_per_year": tables.number_column(t("p2v.col.savings")),
            "estimated": col.CheckboxColumn(t("p2v.col.estimated"), help=t("p2v.estimated")),
        },
    )
