"""TCO of whole fleets: the estate kept as it is, or n hosts of one offer carrying placed VMs.

Energy uses CPU utilisation. For existing hosts, a measured `cpu_usage_mean_mhz` is used when known,
else the P95-based demand of the VMs they carry; for new hosts, the P95-based demand placed on them.
P95 overstates the mean, so the new fleet's energy is overstated: savings are conservative.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.demand import compute_demand, host_capacity
from optimizer.estate import HostTable, Offer, VmTable, complete_host_estimates
from optimizer.tco import OptionTco, option_tco

__all__ = ["current_cpu_utilisation", "keep_estate_tco", "offer_fleet_tco"]


def current_cpu_utilisation(*, hosts: HostTable, vms: VmTable, assumptions: Assumptions) -> NDArray[np.float64]:
    """CPU utilisation of each existing host today, shape (n,), in [0, 1]."""
    demand = compute_demand(
        hosts=hosts,
        vms=vms,
        assumptions=assumptions,
        include_powered_off=False,
        include_templates=False,
    )
    raw = host_capacity(hosts=hosts, ceiling=1.0)[:, 0]
    load = np.zeros(hosts.n_hosts)
    src = vms.host[demand.vm_index]
    ok = src >= 0
    np.add.at(load, src[ok], demand.cpu_ref_mhz[ok])
    from_vms = load / raw
    measured = hosts.cpu_usage_mean_mhz / (hosts.n_cores * hosts.cpu_mhz)
    return np.clip(np.where(np.isnan(measured), from_vms, measured), 0.0, 1.0)


def _windows_hosts(*, vms: VmTable, n_hosts: int) -> NDArray[np.bool_]:
    carries = np.zeros(n_hosts, dtype=bool)
    on = vms.is_windows & (vms.host >= 0) & ~vms.is_template
    carries[vms.host[on]] = True
    return carries


def keep_estate_tco(
    *,
    hosts: HostTable,
    vms: VmTable,
    assumptions: Assumptions,
    start_year: int,
    name: str = "keep estate",
) -> OptionTco:
    """TCO of running every existing host over the horizon, buying nothing."""
    done, _ = complete_host_estimates(hosts=hosts)
    return option_tco(
        name=name,
        n_sockets=done.n_sockets,
        n_cores=done.n_cores,
        power_idle_w=done.power_idle_w,
        power_max_w=done.power_max_w,
        cpu_utilisation=current_cpu_utilisation(hosts=hosts, vms=vms, assumptions=assumptions),
        carries_windows=_windows_hosts(vms=vms, n_hosts=hosts.n_hosts),
        rack_units=done.rack_units,
        purchase_year=done.purchase_year,
        purchase_price_eur=done.purchase_price_eur,
        warranty_end_year=done.warranty_end_year,
        support_cost_eur_per_year=done.support_cost_eur_per_year,
        tca_eur_ht=0.0,
        embodied_kgco2e=0.0,
        start_year=start_year,
        assumptions=assumptions,
    )


def offer_fleet_tco(
    *,
    offer: Offer,
    cpu_utilisation: NDArray[np.float64],
    carries_windows: NDArray[np.bool_],
    assumptions: Assumptions,
    start_year: int,
    name: str | None = None,
) -> OptionTco:
    """TCO of n new hosts of `offer` bought in `start_year` (arrays shape (n,): one per host).

    Each host pays `offer.price_eur + install` HT, plus its Windows Server Datacenter licence when
    it carries Windows VMs (in the TCA); warranty `offer.warranty_years` from purchase.
    """
    n = int(np.asarray(cpu_utilisation).shape[0])
    a = assumptions
    install = a.install_eur_per_host if offer.install_eur is None else offer.install_eur
    embodied = a.embodied_kgco2e_per_server if offer.embodied_kgco2e is None else offer.embodied_kgco2e
    return option_tco(
        name=name or offer.name,
        n_sockets=np.full(n, offer.n_sockets, dtype=np.int64),
        n_cores=np.full(n, offer.n_cores, dtype=np.int64),
        power_idle_w=np.full(n, offer.power_idle_w),
        power_max_w=np.full(n, offer.power_max_w),
        cpu_utilisation=cpu_utilisation,
        carries_windows=carries_windows,
        rack_units=np.full(n, offer.rack_units),
        purchase_year=np.full(n, float(start_year)),
        purchase_price_eur=np.full(n, offer.price_eur),
        warranty_end_year=np.full(n, float(start_year + offer.warranty_years)),
        support_cost_eur_per_year=np.full(n, np.nan),
        tca_eur_ht=n * (offer.price_eur + install),
        embodied_kgco2e=n * embodied,
        start_year=start_year,
        assumptions=a,
        buys_windows_licences=True,
    )
