"""`parcimonie plan`'s time-aligned section in text: P95 and profile answers, backtest, risk curve.

Kept apart from ``plan_cli.py`` (one module, one job); the words are in ``planning/messages.py``.
"""

from typing import Any

from rich.console import Console

from parcimonie.console import escape
from parcimonie.planning.document import PlanDocument
from parcimonie.planning.messages import text

__all__ = ["print_profiles"]


def print_profiles(console: Console, doc: PlanDocument, language: str = "fr") -> None:
    """Print the plan's profile comparison, when it has one."""
    p = doc.profiles
    if p is None:
        return

    def say(code: str, **params: Any) -> None:
        console.print(escape(text(code, language, **params)))

    console.print()
    console.print(escape(text("profiles.title", language, offer=p.offer, ceiling=p.ceiling)), style="bold")
    for a in p.answers:
        say(
            "profiles.answer",
            label=f"profiles.{a.demand}",
            hosts=a.n_hosts,
            bound=a.lower_bound,
            tco=a.tco_eur,
            overflow=a.overflow_minutes_per_month,
            above=a.ceiling_minutes_per_month,
            worst=a.worst_host_utilisation,
        )
    say("profiles.kept", demand=f"profiles.{p.demand}", with_profile=p.n_vms_with_profile, n=p.n_vms)
    if p.p95_kept:
        say("profiles.p95_kept")
    if p.held_out:
        fit_min, replay_min = p.fit_slot_minutes, p.replay_slot_minutes
        say("profiles.fit", fit=p.fit_slots, fit_min=fit_min, replay=p.replay_slots, replay_min=replay_min)
    else:
        say("profiles.in_sample")
    say("profiles.curve")
    for r in p.risk_curve:
        say(
            "profiles.point",
            ceiling=r.ceiling,
            hosts=r.n_hosts_profile,
            hosts_p95=r.n_hosts_p95,
            tco=r.tco_eur_profile,
            overflow=r.overflow_minutes_per_month_profile,
            overflow_p95=r.overflow_minutes_per_month_p95,
        )
