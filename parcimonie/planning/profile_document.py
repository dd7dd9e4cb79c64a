"""The plan document's time-aligned section: P95 and profile answers side by side, and the risk curve.

Split from ``document.py`` so the section's models evolve on their own; ``PlanDocument.profiles``
holds one ``ProfileComparison`` (None when no profile is stored, or the plan repacks in place).
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["ClusterBacktest", "DemandAnswer", "PlanBacktest", "ProfileComparison", "RiskPointDoc"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DemandAnswer(_Frozen):
    """One way of sizing demand onto the target offer: hosts, their TCO, and the backtest."""

    demand: Literal["p95", "profile"]
    n_hosts: int
    lower_bound: int
    bound_kind: str
    tco_eur: float
    overflow_minutes_per_month: float
    ceiling_minutes_per_month: float
    worst_host_utilisation: float


class RiskPointDoc(_Frozen):
    """One ceiling of the risk curve: hosts and replayed overflow (host-minutes above 100 % a month)."""

    ceiling: float
    n_hosts_profile: int
    n_hosts_p95: int
    overflow_minutes_per_month_profile: float
    overflow_minutes_per_month_p95: float
    tco_eur_profile: float
    tco_eur_p95: float


class ProfileComparison(_Frozen):
    """Packing on usage profiles against scalar P95, on the plan's target offer (docs/profiles.md).

    `demand` is the answer the plan keeps, the demand that sized the whole plan: the one asked for
    (``--demand``), or by default the profiles when most VMs have one (``demand_choice``). Each
    answer is a consolidation under the plan's policy (per cluster, HA reserve, caps), so the kept
    one's `n_hosts` is the plan's consolidation's; in the profiles' answer a group whose profiles
    need more hosts than its P95 keeps its P95 packing (`p95_kept`: some group did). The backtest
    fits on the week minus its last day and replays that day (`held_out` False: only a day
    profile, replayed on itself).
    """

    demand: Literal["p95", "profile"]
    requested: Literal["auto", "p95", "profile"]
    offer: str
    ceiling: float
    n_vms: int
    n_vms_with_profile: int
    p95_kept: bool
    fit_slots: int
    fit_slot_minutes: float
    replay_slots: int
    replay_slot_minutes: float
    held_out: bool
    answers: list[DemandAnswer]
    risk_curve: list[RiskPointDoc]

    def answer(self, demand: str) -> DemandAnswer:
        """The answer of one demand model ("p95" or "profile")."""
        return next(a for a in self.answers if a.demand == demand)


class ClusterBacktest(_Frozen):
    """One cluster's hosts replayed on held-out profiles (`cluster` None: the whole estate).

    Minutes are host-minutes per 30-day month: `*_total` summed over the cluster's hosts, `*_per_host`
    their mean (HA reserve hosts count, carrying nothing). `cluster` is the optimizer's cluster index
    (-1: hosts in no cluster, or the whole estate when the plan packs across clusters).
    """

    cluster: int | None
    n_hosts: int
    minutes_above_capacity_total: float
    minutes_above_capacity_per_host: float
    minutes_above_ceiling_total: float
    minutes_above_ceiling_per_host: float
    worst_host: str | None
    worst_utilisation: float


class PlanBacktest(_Frozen):
    """The plan's own consolidation (after) and the current estate (before) replayed per cluster.

    The replay is the held-out day (``optimizer.risk.backtest_split``), in reference MHz against
    each host's raw CPU (100 %); a VM without a profile counts flat at its P95. docs/profiles.md.
    """

    ceiling: float
    n_vms: int
    n_vms_with_profile: int
    replay_slots: int
    replay_slot_minutes: float
    held_out: bool
    before: list[ClusterBacktest]
    before_total: ClusterBacktest
    after: list[ClusterBacktest]
    after_total: ClusterBacktest
