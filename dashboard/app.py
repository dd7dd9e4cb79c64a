"""Parcimonie's dashboard: the entry point Streamlit runs (``parcimonie dashboard``).

Routes with ``st.Page`` + ``st.navigation``; the pages live in ``dashboard/app_pages/``. The
database comes from ``PARCIMONIE_DATABASE_URL`` and the default language from ``PARCIMONIE_LANGUAGE``;
sign-in and roles from the variables ``parcimonie dashboard`` sets (``dashboard/auth.py``).
"""

import sys
from pathlib import Path

try:
    import dashboard  # noqa: F401  (installed, or run from the repository root)
except ModuleNotFoundError:  # `streamlit run dashboard/app.py` from elsewhere in a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st

from dashboard import data
from dashboard.auth import gate
from dashboard.i18n import language_selector, plain, t

PAGES_DIR = Path(__file__).parent / "app_pages"

st.set_page_config(page_title="Parcimonie", page_icon=":material/eco:", layout="wide")
language_selector()
gate()  # sign-in first when the dashboard is shared (PARCIMONIE_DASHBOARD_SIGN_IN); the user in the sidebar

# The default page is served at "/" only (its own url_path is reserved but never routed): a hidden
# page answers "/overview" and sends the browser to "/".
overview = st.Page(
    PAGES_DIR / "overview.py", title=t("nav.overview"), icon=":material/dashboard:", url_path="home", default=True
)


def _overview_alias() -> None:
    st.switch_page(overview)


navigation = st.navigation(
    [
        overview,
        st.Page(_overview_alias, title=t("nav.overview"), url_path="overview", visibility="hidden"),
        st.Page(PAGES_DIR / "inventory.py", title=t("nav.inventory"), icon=":material/dns:", url_path="inventory"),
        st.Page(
            PAGES_DIR / "consolidation.py",
            title=t("nav.consolidation"),
            icon=":material/compress:",
            url_path="consolidation",
        ),
        st.Page(PAGES_DIR / "scenarios.py", title=t("nav.scenarios"), icon=":material/compare:", url_path="scenarios"),
        st.Page(PAGES_DIR / "finances.py", title=t("nav.finances"), icon=":material/euro:", url_path="finances"),
        st.Page(
            PAGES_DIR / "assumptions.py", title=t("nav.assumptions"), icon=":material/tune:", url_path="assumptions"
        ),
        st.Page(PAGES_DIR / "collection.py", title=t("nav.collection"), icon=":material/sync:", url_path="collection"),
        st.Page(PAGES_DIR / "capacity.py", title=t("nav.capacity"), icon=":material/trending_up:", url_path="capacity"),
        st.Page(PAGES_DIR / "reclaim.py", title=t("nav.reclaim"), icon=":material/recycling:", url_path="reclaim"),
        st.Page(PAGES_DIR / "risk.py", title=t("nav.risk"), icon=":material/stacked_line_chart:", url_path="risk"),
        st.Page(PAGES_DIR / "journal.py", title=t("nav.journal"), icon=":material/history:", url_path="journal"),
    ]
)
st.sidebar.caption(t("sidebar.database", url=plain(data.display_url(data.database_url()))))
navigation.run()
