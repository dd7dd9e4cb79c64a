"""Licence costs per host and for the estate: vSphere (per core, host, socket, or a contract) and
Windows Server Datacenter (perpetual licence per core, its Software Assurance), as the authority pays them.

vSphere is paid every year as `vsphere_model` says (per core: minimum per CPU, and at least
`vsphere_min_cores_per_order` cores for the whole estate; per host; per socket; a yearly contract
for the whole estate until its end year, then per core; or none). Windows Server Datacenter is
licensed per core with minimums per CPU and per server, in 2-core packs; the licences the
authority already owns are used first (`licences_to_buy`). `optimizer.tco` adds these lines to a
host's year.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions

__all__ = [
    "licences_to_buy",
    "vsphere_estate_extra_eur",
    "vsphere_host_eur_ht",
    "vsphere_licensed_cores",
    "vsphere_model_in_force",
    "windows_licence_eur_ht",
    "windows_licensed_cores",
]

F64 = NDArray[np.float64]


def vsphere_licensed_cores(
    *, n_sockets: NDArray[np.int64], n_cores: NDArray[np.int64], min_cores_per_cpu: int
) -> NDArray[np.int64]:
    """Cores billed by a per-core vSphere subscription, shape (n,)."""
    sockets = np.asarray(n_sockets, dtype=np.int64)
    per_cpu = -(-np.asarray(n_cores, dtype=np.int64) // sockets)
    return np.asarray(sockets * np.maximum(per_cpu, min_cores_per_cpu), dtype=np.int64)


def vsphere_model_in_force(*, year: int, assumptions: Assumptions) -> str:
    """The vSphere model paid in calendar `year`: "none" when `vsphere_enabled` is False; a
    contract after `vsphere_contract_end_year` becomes "per_core"."""
    a = assumptions
    if not a.vsphere_enabled:
        return "none"
    if a.vsphere_model == "contract" and year > a.vsphere_contract_end_year:
        return "per_core"
    return a.vsphere_model


def vsphere_host_eur_ht(
    *, n_sockets: NDArray[np.int64], n_cores: NDArray[np.int64], year: int, assumptions: Assumptions
) -> F64:
    """Each host's own vSphere cost HT in `year`, shape (n,).

    Per core: licensed cores (16 minimum per CPU) x price; per host: the host price; per socket:
    sockets x the socket price; 0 under a contract in force (the estate pays it whole, see
    `vsphere_estate_extra_eur`) and with "none".
    """
    a = assumptions
    model = vsphere_model_in_force(year=year, assumptions=a)
    sockets = np.asarray(n_sockets, dtype=np.int64)
    if model == "per_core":
        cores = vsphere_licensed_cores(
            n_sockets=sockets, n_cores=n_cores, min_cores_per_cpu=a.vsphere_min_cores_per_cpu
        )
        return np.asarray(cores * a.vsphere_eur_per_core_per_year, dtype=float)
    if model == "per_host":
        return np.full(sockets.shape, a.vsphere_eur_per_host_per_year, dtype=float)
    if model == "per_socket":
        return np.asarray(sockets * a.vsphere_eur_per_socket_per_year, dtype=float)
    return np.zeros(sockets.shape, dtype=float)


def vsphere_estate_extra_eur(*, hosts_eur_ttc: float, n_hosts: float, year: int, assumptions: Assumptions) -> float:
    """What the whole estate pays for vSphere in `year` on top of its hosts' own costs, TTC.

    `hosts_eur_ttc` is the sum of the hosts' `YearlyCosts.vsphere_eur` (weighted by their share of
    the year if some run part of it), `n_hosts` the hosts running (0: nothing to license, 0 due).
    A contract in force: its yearly amount; per core: the top-up to the order minimum,
    max(0, `vsphere_min_cores_per_order` x price x (1 + VAT) - `hosts_eur_ttc`); otherwise 0.
    """
    a = assumptions
    model = vsphere_model_in_force(year=year, assumptions=a)
    vat = 1.0 + a.vat_rate
    if n_hosts <= 0:
        return 0.0
    if model == "contract":
        return a.vsphere_contract_eur_per_year * vat
    if model == "per_core":
        return max(0.0, a.vsphere_min_cores_per_order * a.vsphere_eur_per_core_per_year * vat - hosts_eur_ttc)
    return 0.0


def licences_to_buy(*, needed: F64, owned: float) -> F64:
    """Licences to buy for successive needs (shape (k,), in order of purchase) when `owned`
    licences already held are used first, shape (k,). Any unit (cores, host licences).

    needed (64, 64, 64, 64) with 128 owned: cumulative (64, 128, 192, 256), minus 128 and
    floored at 0: (0, 0, 64, 128), so (0, 0, 64, 64) bought.
    """
    cumulative = np.cumsum(np.asarray(needed, dtype=float))
    return np.diff(np.maximum(cumulative - owned, 0.0), prepend=0.0)


def windows_licensed_cores(
    *, n_sockets: NDArray[np.int64], n_cores: NDArray[np.int64], assumptions: Assumptions
) -> NDArray[np.int64]:
    """Cores to license for Windows Server Datacenter, shape (n,), rounded to 2-core packs."""
    sockets = np.asarray(n_sockets, dtype=np.int64)
    per_cpu = -(-np.asarray(n_cores, dtype=np.int64) // sockets)
    cores = np.maximum(
        sockets * np.maximum(per_cpu, assumptions.windows_min_cores_per_cpu),
        assumptions.windows_min_cores_per_server,
    )
    return np.asarray(cores + cores % 2, dtype=np.int64)


def windows_licence_eur_ht(
    *, n_sockets: NDArray[np.int64], n_cores: NDArray[np.int64], assumptions: Assumptions
) -> F64:
    """Perpetual Windows Server Datacenter licence price HT of each host, shape (n,).

    0 everywhere when `windows_enabled` is False.
    """
    cores = windows_licensed_cores(n_sockets=n_sockets, n_cores=n_cores, assumptions=assumptions)
    price = assumptions.windows_datacenter_eur_per_core * float(assumptions.windows_enabled)
    return np.asarray(cores * price, dtype=float)
