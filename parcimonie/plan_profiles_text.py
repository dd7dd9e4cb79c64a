"""`parcimonie plan`'s time-aligned section in text: P95 and profile answers, backtest, risk curve.

Kept apart from ``plan_cli.py`` (one module, one job); the words are in ``planning/messages.py``.
"""

from typing import Any

from rich.console import Console

from parcimonie.console import escape
from parcimonie.planning.document import PlanDocument
from parcimonie.planning.messages import text
from parcimonie.planning.plan_backtest import backtest_rows, group_label
from parcimonie.planning.profile_document import PlanBacktest

__all__ = ["print_backtest", "print_profiles"]


def print_profiles(console: Console, doc: PlanDocument, language: str = "fr") -> None:
    """Print the plan's profile comparison and its per-cluster backtest, when it has them."""
    p = doc.profiles
    if p is None:
        print_backtest(console, doc.backtest, language)
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
    print_backtest(console, doc.backtest, language)


def backtest_lines(b: PlanBacktest, language: str = "fr") -> list[str]:
    """The backtest's title, then per cluster its before and after lines, then the estate's."""
    code = "backtest.title" if b.held_out else "backtest.title_in_sample"
    lines = [
        text(
            code,
            language,
            replay=b.replay_slots,
            minutes=b.replay_slot_minutes,
            ceiling=b.ceiling,
            with_profile=b.n_vms_with_profile,
            n=b.n_vms,
        )
    ]
    for side, g in backtest_rows(b):
        lines.append(
            text(
                "backtest.row",
                language,
                group=group_label(g, language, b.cluster_names),
                side=side,
                hosts=g.n_hosts,
                cap=g.minutes_above_capacity_total,
                cap_host=g.minutes_above_capacity_per_host,
                ceil=g.minutes_above_ceiling_total,
                ceil_host=g.minutes_above_ceiling_per_host,
                worst=g.worst_host,
                peak=g.worst_utilisation,
            )
        )
    return lines


def print_backtest(console: Console, backtest: PlanBacktest | None, language: str = "fr") -> None:
    """Print the plan's consolidation and the current estate replayed per cluster, when replayed."""
    if backtest is None:
        return
    console.print()
    lines = backtest_lines(backtest, language)
    console.print(escape(lines[0]), style="bold")
    for line in lines[1:]:
        console.print(escape(line))
