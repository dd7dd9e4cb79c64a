"""The per-cluster backtest table, from a section written by hand."""

from dashboard.backtest_view import backtest_frame
from parcimonie.planning.profile_document import ClusterBacktest, PlanBacktest


def _group(cluster: int | None, hosts: int, above: float, worst: str, peak: float) -> ClusterBacktest:
    return ClusterBacktest(
        cluster=cluster,
        n_hosts=hosts,
        minutes_above_capacity_total=above,
        minutes_above_capacity_per_host=above / hosts,
        minutes_above_ceiling_total=2 * above,
        minutes_above_ceiling_per_host=2 * above / hosts,
        worst_host=worst,
        worst_utilisation=peak,
    )


def test_rows_by_cluster_name_then_the_estate_and_a_dash_where_a_side_has_no_host() -> None:
    backtest = PlanBacktest(
        ceiling=0.8,
        n_vms=5,
        n_vms_with_profile=4,
        replay_slots=4,
        replay_slot_minutes=5.0,
        held_out=True,
        before=[_group(0, 2, 21_600.0, "a2", 1.2), _group(1, 1, 0.0, "b1", 0.8)],
        before_total=_group(None, 3, 21_600.0, "a2", 1.2),
        after=[_group(1, 2, 1_500.0, "nouveau-002", 1.05)],
        after_total=_group(None, 2, 1_500.0, "nouveau-002", 1.05),
    )
    frame = backtest_frame(backtest, {0: "Prod", 1: "Bureautique"})
    assert frame["cluster"].tolist() == ["Bureautique", "Prod", "Parc entier"]
    # 21 600 minutes over 2 hosts: 10 800 each; above the ceiling twice as many. French spaces are narrow.
    prod = frame.iloc[1]
    assert prod["capacity_before"].replace("\u202f", " ") == "21 600 (10 800 / hôte)"
    assert prod["ceiling_before"].replace("\u202f", " ") == "43 200 (21 600 / hôte)"
    assert (prod["hosts_after"], prod["capacity_after"], prod["worst_after"]) == ("—", "—", "—")
    assert prod["worst_before"].replace("\u202f", " ") == "a2 (120 %)"
    office = frame.iloc[0]
    assert (office["hosts_after"], office["capacity_after"].replace("\u202f", " ")) == ("2", "1 500 (750 / hôte)")
