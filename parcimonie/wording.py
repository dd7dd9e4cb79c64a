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
_DRIVERS = {"utilisation": "le taux d'utilisation", "capacity": "la capacité des nouveaux hôtes"}
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
