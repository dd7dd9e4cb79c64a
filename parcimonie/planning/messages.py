"""French wording of plans for the CLI and the budget workbook: amounts, numbers, labels, drivers."""

import re
from typing import Any

LINE_LABELS = {
    "energy_eur": "énergie",
    "maintenance_eur": "maintenance",
    "licences_eur": "licences",
    "staff_eur": "personnel",
    "rack_eur": "hébergement",
    "investissement_eur": "investissement",
    "fctva_eur": "FCTVA",
}
_DRIVERS = {
    "utilisation": "le taux d'utilisation",
    "cpu generation": "le gain de génération CPU",
    "host size": "la taille des nouveaux hôtes",
}
#: French labels of the optimizer's assumptions (the workbook's Hypothèses sheet); unknown names show as is.
ASSUMPTION_LABELS = {
    "horizon_years": "Horizon (années)",
    "discount_rate": "Taux d'actualisation",
    "depreciation_years": "Durée d'amortissement du matériel (années)",
    "vat_rate": "Taux de TVA",
    "fctva_enabled": "FCTVA récupéré",
    "fctva_rate": "Taux de FCTVA",
    "fctva_delay_years": "Délai de versement du FCTVA (années)",
    "electricity_eur_per_kwh": "Prix de l'électricité (€ TTC/kWh)",
    "pue": "PUE de la salle",
    "grid_kgco2e_per_kwh": "Facteur carbone de l'électricité (kgCO2e/kWh)",
    "embodied_kgco2e_per_server": "Carbone de fabrication par serveur, par défaut (kgCO2e)",
    "embodied_lifetime_years": "Durée d'amortissement du carbone de fabrication (années)",
    "install_eur_per_host": "Installation par hôte, par défaut (€ HT)",
    "default_server_price_eur": "Prix d'un serveur au prix inconnu (€ HT)",
    "default_warranty_years": "Garantie par défaut (années)",
    "support_rate_per_year": "Contrat de support après garantie (part du prix d'achat par an)",
    "support_rate_increase_per_year": "Hausse annuelle du taux de support",
    "vsphere_enabled": "Abonnement vSphere compté",
    "vsphere_eur_per_core_per_year": "vSphere (€ HT par cœur et par an)",
    "vsphere_min_cores_per_cpu": "vSphere : cœurs minimum comptés par processeur",
    "windows_enabled": "Licences Windows Server Datacenter comptées",
    "windows_datacenter_eur_per_core": "Windows Server Datacenter (€ HT par cœur)",
    "windows_min_cores_per_cpu": "Windows : cœurs minimum par processeur",
    "windows_min_cores_per_server": "Windows : cœurs minimum par serveur",
    "windows_amortisation_years": "Windows : durée d'amortissement des licences (années)",
    "windows_software_assurance_rate": "Windows : Software Assurance (part du prix par an)",
    "staff_hours_per_host_per_year": "Temps d'administration par hôte (heures par an)",
    "staff_eur_per_hour": "Coût horaire chargé de l'administration (€)",
    "rack_eur_per_u_per_year": "Hébergement (€ par unité de baie et par an)",
    "utilisation_ceiling": "Plafond d'utilisation",
    "ha_reserve_hosts": "Réserve HA (hôtes par groupe)",
    "cpu_comfort_factor": "Facteur de confort CPU",
    "cpu_unknown_fraction": "Demande CPU d'une VM sans mesure (part de l'allocation)",
    "replacement_age_years": "Âge de remplacement (années)",
    "reference_year": "Année de référence",
}
_RESOURCES = {"cpu": "processeur", "memory": "mémoire"}


def euros(value: float | None) -> str:
    """1 234 567 € (French grouping with a narrow no-break space)."""
    if value is None:
        return "—"
    return f"{value:,.0f}".replace(",", "\u202f") + " €"


def num(value: float | None, digits: int = 1) -> str:
    """1 234,5 (French decimal comma and grouping)."""
    if value is None:
        return "—"
    return f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")


def value_text(value: Any) -> str:
    """A parameter value as a French reader expects it: oui/non, decimal comma, — for none."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v) for v in value) or "—"
    return str(value)


def drivers_sentence(drivers: dict[str, Any]) -> str:
    """What explains the hosts ratio of a replacement plan, in one French sentence."""
    d = drivers
    binding = _RESOURCES.get(d["binding_resource"], d["binding_resource"])
    before, after = num(100 * d["cpu_utilisation_before"], 0), num(100 * d["cpu_utilisation_after"], 0)
    return (
        f"{d['n_hosts_replaced']} hôtes remplacés par {d['n_hosts_new']} (ratio {num(d['ratio'])}), "
        f"VM par hôte {num(d['vms_per_host_before'])} → {num(d['vms_per_host_after'])} ; ressource limitante "
        f"{binding}, utilisation CPU {before} % → {after} %, performance par cœur ×{num(d['per_core_perf_gain'], 2)}, "
        f"cœurs par hôte ×{num(d['core_count_gain'], 2)} ; facteur principal : "
        f"{_DRIVERS.get(d['main_driver'], d['main_driver'])}."
    )


_REASONS = (
    (
        re.compile(r"demand \(([\d.]+) ref MHz, ([\d.]+) MiB\) exceeds the usable capacity of every target host"),
        lambda m: (
            f"sa demande ({num(float(m[1]), 0)} MHz de référence, {num(float(m[2]), 0)} Mio) dépasse la "
            "capacité utilisable de tous les hôtes cibles"
        ),
    ),
    (
        re.compile(r"no target host left with enough free capacity"),
        lambda m: "plus aucun hôte cible n'a assez de capacité libre",
    ),
    (re.compile(r"template excluded by policy.*"), lambda m: "modèle, écarté par la politique"),
    (re.compile(r"powered off, excluded by policy.*"), lambda m: "VM éteinte, écartée par la politique"),
)


def reason_text(reason: str) -> str:
    """The optimizer's reason for an unplaced VM, in French when it is a known one."""
    for pattern, french in _REASONS:
        match = pattern.search(reason)
        if match:
            return french(match)
    return reason


def plan_warnings(plan: dict[str, Any]) -> list[str]:
    """What a reader of a plan must not miss, in French: partial placement, HA shortfall, a plan that costs more."""
    warnings: list[str] = []
    c = plan["consolidation"]
    if c["unplaced"]:
        warnings.append(
            f"{len(c['unplaced'])} VM ne tiennent sur aucun hôte cible : capacité insuffisante, le plan est partiel."
        )
    expected_ha = len({t["cluster"] for t in c["targets"]}) * plan["assumptions"]["ha_reserve_hosts"]
    if c["n_ha_reserve_hosts"] < expected_ha:
        warnings.append(
            f"Réserve HA incomplète : {c['n_ha_reserve_hosts']} hôte(s) sur {expected_ha} demandés "
            "(plus d'hôte existant libre)."
        )
    r = plan.get("replacement")
    if r:
        savings = r["totals"]["savings_eur"]
        if savings is not None and savings < 0:
            cap = plan["request"].get("yearly_investment_cap_eur")
            hint = " (plafond d'investissement annuel trop bas ?)" if cap else ""
            warnings.append(
                f"Le plan de renouvellement coûte {euros(-savings)} de plus que conserver le parc sur l'horizon{hint}."
            )
        last = r["yearly"][-1]
        if last["n_hosts_scenario"] > last["n_hosts_baseline"]:
            warnings.append(
                f"En {last['year']}, le plan compte plus d'hôtes ({last['n_hosts_scenario']}) que le parc actuel "
                f"({last['n_hosts_baseline']})."
            )
    return warnings
