"""The "renew like for like" baseline: what the authority would spend anyway.

Each existing host is replaced when it reaches `replacement_age_years` (unknown purchase year: in
the first year; already past the age: in the first year) by the cheapest current offer (purchase +
install) that has at least its cores and its memory (none does: the largest offer), if that year
falls within the horizon. The new host carries the same VMs: its energy follows the same load on
its own capacity; it buys a Windows Server Datacenter licence when its VMs include Windows, and
its VMs are migrated (migration labour) and the old host disposed of in the renewal year. The
renewal year is paid pro rata from the commissioning month, as in the replacement plan. No
training: the hardware is renewed, not changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.estate import HostTable, Offer
from optimizer.licences import windows_licence_eur_ht
from optimizer.tco import FleetHardware, offer_unit_eur_ht
from optimizer.yearly import (
    COST_KEYS,
    TransitionCosts,
    add_fleets_year,
    net_book_value_eur,
    transition_costs,
    transition_weights,
)

__all__ = ["Renewal", "pick_renewal_offers", "renew_like_for_like"]

F64 = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Renewal:
    """The like-for-like baseline. Host arrays shape (n,), yearly arrays shape (h,).

    Attributes:
        offer_index: offer each host would be renewed with (index into the offers given).
        renew_year: year each host is renewed, NaN if not within the horizon.
        lines: yearly `optimizer.yearly.COST_KEYS` figures (EUR TTC, kWh, kgCO2e, hours, U).
        investissement_eur / investissement_licences_eur: purchases TTC (licences included) / licences.
        transition: disposal of the old hosts and migration of their VMs.
        residual_value_eur: value of the hardware owned at the end of the horizon.
    """

    offer_index: NDArray[np.int64]
    renew_year: F64
    lines: dict[str, F64]
    investissement_eur: F64
    investissement_licences_eur: F64
    transition: TransitionCosts
    residual_value_eur: float


def pick_renewal_offers(*, hosts: HostTable, offers: Sequence[Offer], a: Assumptions) -> NDArray[np.int64]:
    """Shape (n,): the cheapest offer (purchase + install HT) with at least each host's cores and
    memory; when none covers a host, the largest offer (most cores, then memory, then cheapest)."""
    cores = np.array([o.n_cores for o in offers], dtype=float)
    memory = np.array([o.memory_mib for o in offers], dtype=float)
    unit = np.array([offer_unit_eur_ht(offer=o, assumptions=a) for o in offers])
    covers = (cores[None, :] >= hosts.n_cores[:, None]) & (memory[None, :] >= hosts.memory_mib[:, None] - 1e-6)
    cheapest = np.argmin(np.where(covers, unit[None, :], np.inf), axis=1)
    largest = max(range(len(offers)), key=lambda k: (cores[k], memory[k], -unit[k]))
    return np.asarray(np.where(covers.any(axis=1), cheapest, largest), dtype=np.int64)


def _renewed_hardware(offers: Sequence[Offer], pick: NDArray[np.int64], year: F64) -> FleetHardware:
    """One new host per renewed old host: `pick` (shape (r,)) offers bought in `year` (shape (r,))."""
    chosen = [offers[k] for k in pick.tolist()]

    def col(name: str) -> F64:
        return np.array([float(getattr(o, name)) for o in chosen], dtype=float)

    return FleetHardware(
        n_sockets=np.array([o.n_sockets for o in chosen], dtype=np.int64),
        n_cores=np.array([o.n_cores for o in chosen], dtype=np.int64),
        power_idle_w=col("power_idle_w"),
        power_max_w=col("power_max_w"),
        rack_units=col("rack_units"),
        purchase_year=np.asarray(year, dtype=float),
        purchase_price_eur_ttc=col("price_eur_ttc"),
        warranty_end_year=np.asarray(year, dtype=float) + col("warranty_years"),
        support_cost_eur_ttc_per_year=np.full(len(chosen), np.nan),
    )


def renew_like_for_like(
    *,
    hosts: HostTable,
    offers: Sequence[Offer],
    util_old: F64,
    old_windows: NDArray[np.bool_],
    vms_per_host: NDArray[np.int64],
    years: tuple[int, ...],
    a: Assumptions,
) -> Renewal:
    """Cost the like-for-like baseline over `years` (hosts completed with their estimates).

    `vms_per_host` (shape (n,)) counts the VMs each host would migrate when renewed.
    """
    h, vat = len(years), 1.0 + a.vat_rate
    pick = pick_renewal_offers(hosts=hosts, offers=offers, a=a)
    due = np.where(np.isnan(hosts.purchase_year), years[0], hosts.purchase_year + a.replacement_age_years)
    due = np.maximum(due, years[0])
    renew_year = np.where(due <= years[-1], due, np.nan)
    idx = np.flatnonzero(~np.isnan(renew_year))
    new_hw = _renewed_hardware(offers, pick[idx], renew_year[idx])
    old_hw = FleetHardware.of_hosts(hosts)
    new_ref = np.array([offers[k].n_cores * offers[k].cpu_mhz * offers[k].perf_per_core for k in pick[idx].tolist()])
    old_ref = hosts.n_cores * hosts.cpu_mhz * hosts.perf_per_core
    util_new = util_old[idx] * old_ref[idx] / new_ref if idx.size else np.zeros(0)
    lines = {k: np.zeros(h) for k in COST_KEYS}
    for t, year in enumerate(years):
        w_old, w_new = transition_weights(retire_year=renew_year, purchase_year=new_hw.purchase_year, year=year, a=a)
        add_fleets_year(
            lines,
            t,
            [(old_hw, util_old, old_windows, w_old), (new_hw, util_new, old_windows[idx], w_new)],
            year=year,
            a=a,
        )
    t_of = (renew_year[idx] - years[0]).astype(np.int64)
    unit = np.array([offer_unit_eur_ht(offer=offers[k], assumptions=a) * vat for k in pick[idx].tolist()])
    lic = windows_licence_eur_ht(n_sockets=new_hw.n_sockets, n_cores=new_hw.n_cores, assumptions=a) * vat
    lic = np.where(old_windows[idx], lic, 0.0)
    renewed = np.bincount(t_of, minlength=h).astype(float)
    kept = np.isnan(renew_year)
    residual = net_book_value_eur(
        price_eur_ttc=np.concatenate([hosts.purchase_price_eur_ttc[kept], unit]),
        purchase_year=np.concatenate([hosts.purchase_year[kept], renew_year[idx]]),
        last_year=years[-1],
        a=a,
    )
    return Renewal(
        offer_index=pick,
        renew_year=renew_year,
        lines=lines,
        investissement_eur=np.bincount(t_of, weights=unit + lic, minlength=h).astype(float),
        investissement_licences_eur=np.bincount(t_of, weights=lic, minlength=h).astype(float),
        transition=transition_costs(
            retired_per_year=renewed,
            vms_moved_per_year=np.bincount(t_of, weights=vms_per_host[idx].astype(float), minlength=h).astype(float),
            bought_per_year=renewed,
            trains=False,
            a=a,
        ),
        residual_value_eur=residual,
    )
