"""The plan's per-cluster backtest as a table: before (the estate as it runs) and after (the plan).

Pure pandas on the plan document's ``backtest`` section (``parcimonie.planning.plan_backtest``), the
same figures as `parcimonie plan`'s text, its --json and the workbook's *Profils et risque* sheet.
"""

from collections.abc import Mapping

import pandas as pd

from dashboard.i18n import num, pct, t
from parcimonie.planning.profile_document import ClusterBacktest, PlanBacktest

__all__ = ["BACKTEST_COLUMNS", "backtest_frame"]

BACKTEST_COLUMNS = {
    "cluster": "risk.bt.cluster",
    "hosts_before": "risk.bt.hosts_before",
    "hosts_after": "risk.bt.hosts_after",
    "capacity_before": "risk.bt.capacity_before",
    "capacity_after": "risk.bt.capacity_after",
    "ceiling_before": "risk.bt.ceiling_before",
    "ceiling_after": "risk.bt.ceiling_after",
    "worst_before": "risk.bt.worst_before",
    "worst_after": "risk.bt.worst_after",
}
MISSING = "—"


def _minutes(total: float, per_host: float) -> str:
    return t("risk.bt.minutes", total=num(total), per_host=num(per_host))


def _side(group: ClusterBacktest | None, side: str) -> dict[str, str]:
    """One side's cells, as text; "—" for a cluster the side has no host in."""
    if group is None:
        return {f"{k}_{side}": MISSING for k in ("hosts", "capacity", "ceiling", "worst")}
    worst = MISSING if group.worst_host is None else f"{group.worst_host} ({pct(group.worst_utilisation)})"
    return {
        f"hosts_{side}": num(group.n_hosts),
        f"capacity_{side}": _minutes(group.minutes_above_capacity_total, group.minutes_above_capacity_per_host),
        f"ceiling_{side}": _minutes(group.minutes_above_ceiling_total, group.minutes_above_ceiling_per_host),
        f"worst_{side}": worst,
    }


def backtest_frame(backtest: PlanBacktest, names: Mapping[int, str]) -> pd.DataFrame:
    """One row per cluster (by its name in ``names``, the optimizer's index otherwise), then the estate."""
    before = {g.cluster: g for g in backtest.before if g.cluster is not None}
    after = {g.cluster: g for g in backtest.after if g.cluster is not None}
    rows = [
        {"cluster": names.get(c, str(c))} | _side(before.get(c), "before") | _side(after.get(c), "after")
        for c in sorted({*before, *after}, key=lambda c: names.get(c, str(c)))
    ]
    estate = {"cluster": t("risk.bt.estate")} | _side(backtest.before_total, "before")
    rows.append(estate | _side(backtest.after_total, "after"))
    return pd.DataFrame(rows, columns=list(BACKTEST_COLUMNS))
