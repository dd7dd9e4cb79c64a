"""A plan document as the CLI prints it: the confidence line first, consolidation and options,
the replacement plan against both baselines, the end state and the sensitivity (rich, French).

Every name from collected data is escaped: console markup in a VM or host name stays text.
"""

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from parcimonie.moves_view import print_migrations
from parcimonie.plan_profiles_text import print_profiles
from parcimonie.planning.confidence import confidence_line
from parcimonie.planning.demand_choice import demand_line
from parcimonie.planning.document import P2vSection, PlanDocument, Replacement
from parcimonie.planning.fleet_mix import fleet_mix_line
from parcimonie.planning.limits_doc import limits_message
from parcimonie.planning.messages import euros, label, num, render, text
from parcimonie.planning.p2v import p2v_summary
from parcimonie.planning.sensitivity import bar_label
from parcimonie.planning.workbook import HOSTS_TARGET, hosts_at_end_label

__all__ = ["print_plan"]


def _count_line(console: Console, names: list[str], what: str, *, warn: bool = False) -> None:
    if names:
        text = f"{len(names)} {what}"
        console.print(
            f"  [yellow]{text}[/yellow] (par ex. {escape(names[0])})"
            if warn
            else f"  {text} (par ex. {escape(names[0])})"
        )


def _print_consolidation(console: Console, doc: PlanDocument, *, all_moves: bool = False) -> None:
    c = doc.consolidation
    target = escape(c.offer) if c.offer else "les hôtes existants"
    gap = (
        f"écart {c.gap_hosts} hôte(s) ({num(c.gap_pct)} %)"
        if c.gap_hosts is not None
        else "capacité insuffisante pour tout placer"
    )
    console.print(
        f"[bold]Consolidation[/bold] sur {target} : {c.n_hosts_before} hôtes aujourd'hui → {c.n_hosts_after} "
        f"en cible de consolidation (tous les hôtes achetés d'un coup, dont {c.n_ha_reserve_hosts} en réserve HA) ; "
        f"borne inférieure prouvée {c.lower_bound}, {gap} ; statut {c.status}, solveur {c.solver} ; "
        f"VM par hôte {num(c.vms_per_host_before)} aujourd'hui → {num(c.vms_per_host_after)} en cible de consolidation"
    )
    console.print(f"  {escape(render(demand_line(c)))}")  # what sized CPU: P95 or usage profiles
    limits = limits_message(c, doc.request.policy)
    if limits is not None:
        console.print(f"  {escape(render(limits))}")
    if doc.p2v is not None:
        _print_p2v(console, doc.p2v)
    else:
        _count_line(console, doc.estate.physical_hosts, "serveur(s) physique(s) sans hyperviseur, hors du plan")
    _count_line(
        console, doc.estate.skipped_hosts, "hôte(s) sans capacité connue (cœurs, MHz, mémoire), hors du plan", warn=True
    )
    _count_line(console, doc.estate.unsized_vms, "VM sans taille connue (vCPU, mémoire), hors du plan", warn=True)
    if c.n_excluded_by_policy:
        console.print(f"  {c.n_excluded_by_policy} VM écartées par la politique (modèles, VM éteintes)")
    if c.unplaced:
        first = c.unplaced[0]
        console.print(
            f"  [yellow]{len(c.unplaced)} VM ne tiennent sur aucun hôte[/yellow], par ex. "
            f"{escape(first.vm)} : {escape(render(first.reason))}"
        )
    print_migrations(console, c, show_all=all_moves)
    table = Table(title=f"TCO vs TCA sur {doc.horizon_years} ans (TTC)")
    for column in ("Option", "Hôtes", "TCA", "Fonctionnement", "TCO", "kgCO2e exploitation", "kgCO2e fabrication"):
        table.add_column(column, justify="right" if column != "Option" else "left")
    for o in doc.options:
        table.add_row(
            escape(o.name),
            str(o.n_hosts),
            euros(o.tca_eur_ttc),
            euros(o.opex_eur),
            euros(o.tco_eur),
            num(o.operational_kgco2e, 0),
            num(o.embodied_kgco2e, 0),
        )
    console.print(table)
    if doc.fleet_mix is not None:
        console.print(escape(render(fleet_mix_line(doc.fleet_mix))))
    for warning in doc.warnings:
        console.print(f"[yellow]⚠ {escape(render(warning))}[/yellow]")


def _print_p2v(console: Console, section: P2vSection) -> None:
    """The physical servers virtualised, apart from the VMs ("à virtualiser")."""
    console.print(f"  {escape(render(p2v_summary(section)))}")
    if not section.servers:
        return
    table = Table(title=text("p2v.title"))
    for code in ("p2v.col.server", "p2v.col.cpu", "p2v.col.memory", "p2v.col.to_host", "p2v.col.savings"):
        table.add_column(text(code), justify="left" if code in ("p2v.col.server", "p2v.col.to_host") else "right")
    for s in section.servers:
        table.add_row(
            escape(s.name),
            num(s.cpu_ref_mhz, 0) + (" *" if s.cpu_estimated else ""),
            num(s.memory_mib / 1024, 1) + (" *" if s.memory_estimated else ""),
            escape(s.to_host) if s.to_host else text("p2v.no_room"),
            euros(s.savings_eur_per_year),
        )
    console.print(table)
    if any(s.cpu_estimated or s.memory_estimated for s in section.servers):
        console.print(f"  {escape(text('p2v.estimated'))}")


def _print_replacement(console: Console, r: Replacement) -> None:
    d = r.drivers
    budget = Table(
        title=(
            f"Plan de renouvellement {r.years[0]}–{r.years[-1]} : {d.n_hosts_replaced} hôtes remplacés "
            f"par {d.n_hosts_new} × {escape(r.offer)} (ratio {num(d.ratio)}), réserve HA incluse, "
            "au fil des retraits"
        )
    )
    for column in ("Année", "Hôtes", "Achats", "Investissement", "FCTVA", "Fonctionnement", "Économie", "Cumul"):
        budget.add_column(column, justify="right")
    for row, year in zip(r.budget_scenario, r.yearly, strict=True):
        budget.add_row(
            str(row.year),
            str(year.n_hosts_scenario),
            str(year.new_hosts),
            euros(row.investissement_eur),
            euros(row.fctva_eur),
            euros(row.fonctionnement_eur),
            euros(year.savings_eur),
            euros(year.cumulative_savings_eur),
        )
    console.print(budget)
    split = ", ".join(f"{label('line', k)} {euros(v)}" for k, v in r.savings_by_category_eur.items())
    console.print(f"Économies par poste : {split}")
    beyond = text("value.beyond_horizon")
    console.print(
        f"Retour sur investissement : {r.payback_year or beyond} ; retour carbone : {r.carbon_payback_year or beyond}"
    )
    console.print(f"Ce qui explique le ratio : {escape(render(d.message()))}")
    _print_baselines(console, r)


def _print_baselines(console: Console, r: Replacement) -> None:
    """Savings against each baseline, what stays apart from the cash (residual value, capacity)."""
    names = {"keep": "conserver le parc", "like_for_like": "renouveler à l'identique"}
    beyond = text("value.beyond_horizon")
    for c in r.comparisons:
        console.print(
            f"Face à « {names[c.baseline]} » : économies {euros(c.savings_eur)} "
            f"(actualisées {euros(c.npv_savings_eur)}), retour {c.payback_year or beyond}"
        )
    if r.residual_value is not None:
        counted = "comptée dans les économies" if r.residual_value.counted_in_savings else "hors économies"
        console.print(
            f"Valeur résiduelle du matériel en fin d'horizon : {euros(r.residual_value.scenario_eur)} ({counted})"
        )
    if r.capacity is not None:
        console.print(
            f"Capacité libérée, hors budget sauf choix contraire : {num(r.capacity.staff_hours_freed_total, 0)} heures "
            f"d'exploitation sur l'horizon, {num(r.capacity.rack_u_freed_at_end, 0)} U de baie en fin de plan"
        )


def _print_end_state(console: Console, doc: PlanDocument) -> None:
    """The three figures every surface shows alike: hosts at the end, investment, savings."""
    r = doc.replacement
    if r is None:
        return
    c = doc.consolidation
    console.print(
        f"{hosts_at_end_label(r.years[-1])} : {doc.n_hosts_at_end} ; {HOSTS_TARGET.lower()} : {c.n_hosts_after} ; "
        f"investissement du plan (TTC) : {euros(r.investment_eur)} ; "
        f"économies sur l'horizon (TTC) : {euros(r.totals.savings_eur)}"
    )


def _print_sensitivity(console: Console, doc: PlanDocument) -> None:
    r = doc.replacement
    if not doc.tornado or r is None:
        return
    table = Table(title="Sensibilité des économies du plan (chaque hypothèse à −20 % et +20 %)")
    for column in ("Hypothèse", "Valeur du plan", "Économies à −20 %", "Économies à +20 %", "Écart"):
        table.add_column(column, justify="left" if column == "Hypothèse" else "right")
    for bar in doc.tornado:
        table.add_row(
            escape(bar_label(bar.name)),
            num(bar.base_value, 2),
            euros(bar.savings_low_eur),
            euros(bar.savings_high_eur),
            euros(bar.swing_eur),
        )
    console.print(table)
    console.print(
        f"Économies du plan {euros(r.totals.savings_eur)}, dont hors licences {euros(doc.saving_without_licences_eur)}"
    )


def print_plan(console: Console, doc: PlanDocument, *, all_moves: bool = False) -> None:
    """The whole plan as text; ``all_moves`` lists every migration instead of the first ones."""
    warn = doc.confidence is not None and doc.confidence.mostly_estimated
    if (line := confidence_line(doc.confidence)) is not None:  # first: how far the figures below hold
        console.print(escape(render(line)), style="bold yellow" if warn else None)
    if doc.reclaimed is not None:
        r = doc.reclaimed
        console.print(
            text(
                "reclaim.applied",
                removed=r.n_vms_removed,
                resized=r.n_vms_resized,
                vcpus=r.vcpus_removed,
                memory_gib=r.memory_mib_removed / 1024,
            )
        )
    _print_consolidation(console, doc, all_moves=all_moves)
    print_profiles(console, doc)
    if doc.replacement:
        _print_replacement(console, doc.replacement)
        _print_end_state(console, doc)
        _print_sensitivity(console, doc)
