"""Total cost of ownership (TCO) vs total cost of acquisition (TCA), energy and carbon.

Cost lines per host and year (all TTC EUR; see `optimizer.assumptions` for conventions):

* energy: `P(u) = P_idle + (P_max - P_idle) * u`, `kWh = P * 8760 / 1000 * PUE`, times the price;
* maintenance: 0 under warranty; then the host's known support cost, or a share of its purchase
  price rising with each year after warranty; VAT added (not recovered on operating spending);
* licences (`optimizer.licences`): vSphere every year as the authority pays it (`vsphere_model`):
  per core (minimum per CPU, and at least `vsphere_min_cores_per_order` cores for the whole
  estate), per host, per socket, a yearly contract for the whole estate (whatever the hosts) until its end year then per
  core, or none; on hosts carrying Windows VMs, the yearly Software Assurance of their Windows
  Server Datacenter licence (per core, minimums per CPU and per server,
  `windows_software_assurance_rate` of the price). The perpetual licence itself is investissement
  (account 2051): bought with a *new* host (in its TCA, `option_tco(..., buys_windows_licences=True)`)
  once the `windows_licences_owned_cores` the authority can reassign are used up, already owned
  (sunk) on an existing host. The estate-wide vSphere terms (order minimum, contract) are added
  to the fleet's yearly total (`vsphere_estate_extra_eur`), not to a host;
* staff: hours per host times hourly cost; rack: units times cost per U.

TCA = (purchase + install + Windows licences of new hosts) HT, and TTC. TCO over a horizon = TCA TTC
+ sum of yearly lines (`tco_eur`), or the depreciation charged within the horizon + yearly lines
(`tco_depreciated_eur`; hardware over `depreciation_years`, licences over
`windows_amortisation_years`).
Carbon: operational `kWh * grid factor`; embodied of new hardware, total and amortised per year.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.estate import HostTable, Offer
from optimizer.licences import (
    licences_to_buy,
    vsphere_estate_extra_eur,
    vsphere_host_eur_ht,
    windows_licence_eur_ht,
    windows_licensed_cores,
)

__all__ = [
    "FleetHardware",
    "OptionTco",
    "YearlyCosts",
    "host_power_w",
    "host_yearly_costs",
    "energy_price_sensitivity",
    "maintenance_eur_ht",
    "offer_unit_eur_ht",
    "option_tco",
    "yearly_energy_kwh",
]

F64 = NDArray[np.float64]
HOURS_PER_YEAR = 8760.0


def host_power_w(*, power_idle_w: F64, power_max_w: F64, cpu_utilisation: F64) -> F64:
    """Linear power model; shapes (n,); utilisation clipped to [0, 1]. Returns W, shape (n,)."""
    u = np.clip(np.asarray(cpu_utilisation, dtype=float), 0.0, 1.0)
    idle = np.asarray(power_idle_w, dtype=float)
    return np.asarray(idle + (np.asarray(power_max_w, dtype=float) - idle) * u, dtype=float)


def yearly_energy_kwh(*, power_w: F64, pue: float) -> F64:
    """Facility energy per year in kWh for IT power `power_w` (W, shape (n,)) and a PUE."""
    if pue < 1:
        raise ValueError(f"pue must be >= 1, got {pue}")
    return np.asarray(power_w, dtype=float) * HOURS_PER_YEAR / 1000.0 * pue


def maintenance_eur_ht(
    *,
    year: float,
    purchase_year: F64,
    purchase_price_eur_ttc: F64,
    warranty_end_year: F64,
    support_cost_eur_ttc_per_year: F64,
    assumptions: Assumptions,
) -> F64:
    """Hardware support cost HT for calendar `year`, shape (n,), from TTC prices and contracts.

    The contract starts when the warranty ends, pro rata temporis: a warranty ending on
    20/02/2028 (2028.137 as a fractional year) leaves 86,3 % of 2028 to pay. Warranty end unknown:
    purchase year + `default_warranty_years`; purchase year also unknown: the host is taken as out
    of warranty for the whole year. Price unknown: `default_server_price_eur` (HT).
    """
    a = assumptions
    vat = 1.0 + a.vat_rate
    purchase = np.asarray(purchase_year, dtype=float)
    w_end = np.asarray(warranty_end_year, dtype=float)
    w_end = np.where(np.isnan(w_end), purchase + a.default_warranty_years, w_end)
    years_after = np.where(np.isnan(w_end), 0.0, year - w_end)
    share = np.where(np.isnan(w_end), 1.0, np.clip(year + 1.0 - w_end, 0.0, 1.0))  # of `year` out of warranty
    price = np.asarray(purchase_price_eur_ttc, dtype=float) / vat
    price = np.where(np.isnan(price), a.default_server_price_eur, price)
    rate = a.support_rate_per_year + a.support_rate_increase_per_year * np.maximum(years_after, 0.0)
    known = np.asarray(support_cost_eur_ttc_per_year, dtype=float) / vat
    cost = np.where(np.isnan(known), price * rate, known)
    return cost * share


@dataclass(frozen=True, eq=False)
class FleetHardware:
    """The fixed figures of n hosts that their yearly costs depend on; arrays shape (n,).

    Prices are TTC, as the inventory holds them (NaN unknown); years are floats (NaN unknown).
    """

    n_sockets: NDArray[np.int64]
    n_cores: NDArray[np.int64]
    power_idle_w: F64
    power_max_w: F64
    rack_units: F64
    purchase_year: F64
    purchase_price_eur_ttc: F64
    warranty_end_year: F64
    support_cost_eur_ttc_per_year: F64

    @property
    def n_hosts(self) -> int:
        """Number of hosts n."""
        return int(np.asarray(self.n_sockets).shape[0])

    @classmethod
    def of_hosts(cls, hosts: HostTable) -> FleetHardware:
        """The hosts of a table (power figures as given: complete them first if needed)."""
        return cls(
            n_sockets=hosts.n_sockets,
            n_cores=hosts.n_cores,
            power_idle_w=hosts.power_idle_w,
            power_max_w=hosts.power_max_w,
            rack_units=hosts.rack_units,
            purchase_year=hosts.purchase_year,
            purchase_price_eur_ttc=hosts.purchase_price_eur_ttc,
            warranty_end_year=hosts.warranty_end_year,
            support_cost_eur_ttc_per_year=hosts.support_cost_eur_ttc_per_year,
        )

    @classmethod
    def of_offer(cls, offer: Offer, purchase_year: NDArray[np.int64]) -> FleetHardware:
        """New hosts of `offer`, one per entry of `purchase_year` (shape (n,))."""
        n = int(np.asarray(purchase_year).shape[0])
        ones = np.ones(n)
        bought = np.asarray(purchase_year, dtype=float)
        return cls(
            n_sockets=np.full(n, offer.n_sockets, dtype=np.int64),
            n_cores=np.full(n, offer.n_cores, dtype=np.int64),
            power_idle_w=ones * offer.power_idle_w,
            power_max_w=ones * offer.power_max_w,
            rack_units=ones * offer.rack_units,
            purchase_year=bought,
            purchase_price_eur_ttc=ones * offer.price_eur_ttc,
            warranty_end_year=bought + offer.warranty_years,
            support_cost_eur_ttc_per_year=np.full(n, np.nan),
        )

    def subset(self, index: NDArray[np.int64]) -> FleetHardware:
        """The hosts at `index`."""
        return FleetHardware(**{f.name: getattr(self, f.name)[index] for f in dataclasses.fields(self)})


def offer_unit_eur_ht(*, offer: Offer, assumptions: Assumptions) -> float:
    """Purchase + install of one host of `offer`, HT (install default: `install_eur_per_host`)."""
    vat = 1.0 + assumptions.vat_rate
    install = assumptions.install_eur_per_host if offer.install_eur_ttc is None else offer.install_eur_ttc / vat
    return float(offer.price_eur_ttc / vat + install)


@dataclass(frozen=True, eq=False)
class YearlyCosts:
    """Operating lines of n hosts for one year. Arrays shape (n,), EUR TTC unless named so."""

    energy_kwh: F64
    energy_eur: F64
    maintenance_eur: F64
    licences_eur: F64
    staff_eur: F64
    rack_eur: F64
    operational_kgco2e: F64
    vsphere_eur: F64  # the hosts' own vSphere part of `licences_eur` (estate-wide terms apart)

    @property
    def total_eur(self) -> F64:
        """Sum of the money lines per host, shape (n,)."""
        return self.energy_eur + self.maintenance_eur + self.licences_eur + self.staff_eur + self.rack_eur


def host_yearly_costs(
    *,
    fleet: FleetHardware,
    cpu_utilisation: F64,
    carries_windows: NDArray[np.bool_],
    year: int,
    assumptions: Assumptions,
) -> YearlyCosts:
    """Operating lines of the hosts of `fleet` in calendar `year` (arrays shape (n,))."""
    a = assumptions
    vat = 1.0 + a.vat_rate
    maint = maintenance_eur_ht(
        year=year,
        purchase_year=fleet.purchase_year,
        purchase_price_eur_ttc=fleet.purchase_price_eur_ttc,
        warranty_end_year=fleet.warranty_end_year,
        support_cost_eur_ttc_per_year=fleet.support_cost_eur_ttc_per_year,
        assumptions=a,
    )
    power = host_power_w(
        power_idle_w=fleet.power_idle_w, power_max_w=fleet.power_max_w, cpu_utilisation=cpu_utilisation
    )
    kwh = yearly_energy_kwh(power_w=power, pue=a.pue)
    sockets, cores = fleet.n_sockets, fleet.n_cores
    vsphere = vsphere_host_eur_ht(n_sockets=sockets, n_cores=cores, year=year, assumptions=a)
    # Software Assurance of the (perpetual, already bought or sunk) Datacenter licence.
    sa = windows_licence_eur_ht(n_sockets=sockets, n_cores=cores, assumptions=a) * a.windows_software_assurance_rate
    licences = vsphere + np.where(np.asarray(carries_windows, bool), sa, 0.0)
    return YearlyCosts(
        energy_kwh=kwh,
        energy_eur=kwh * a.electricity_eur_per_kwh,
        maintenance_eur=np.asarray(maint, dtype=float) * vat,
        licences_eur=np.asarray(licences * vat, dtype=float),
        staff_eur=np.full(fleet.n_hosts, a.staff_hours_per_host_per_year * a.staff_eur_per_hour),
        rack_eur=np.asarray(fleet.rack_units, dtype=float) * a.rack_eur_per_u_per_year,
        operational_kgco2e=kwh * a.grid_kgco2e_per_kwh,
        vsphere_eur=np.asarray(vsphere * vat, dtype=float),
    )


@dataclass(frozen=True, eq=False)
class OptionTco:
    """TCO of one option over `years`; yearly arrays shape (h,), EUR TTC.

    Attributes:
        name: option label ("keep estate", offer name...).
        n_hosts: hosts running in the option.
        tca_eur_ht / tca_eur_ttc: purchase + install of new hardware, plus the perpetual Windows
            licences of new hosts carrying Windows VMs (0 to keep the estate).
        depreciation_eur: linear depreciation of the TCA charged within the horizon (TTC).
        licence_purchase_eur_ht: the Windows licences' share of `tca_eur_ht` (account 2051; not
            eligible to FCTVA in `optimizer.finance`).
        energy_eur, maintenance_eur, licences_eur, staff_eur, rack_eur: yearly lines.
        energy_kwh, operational_kgco2e: yearly energy and operational carbon.
        embodied_kgco2e: manufacturing footprint of the new hardware (0 to keep).
    """

    name: str
    n_hosts: int
    years: tuple[int, ...]
    tca_eur_ht: float
    tca_eur_ttc: float
    depreciation_eur: float
    energy_eur: F64
    maintenance_eur: F64
    licences_eur: F64
    staff_eur: F64
    rack_eur: F64
    energy_kwh: F64
    operational_kgco2e: F64
    embodied_kgco2e: float
    licence_purchase_eur_ht: float = 0.0

    @property
    def licence_purchase_eur_ttc(self) -> float:
        """Windows licences bought with new hosts, TTC (part of `tca_eur_ttc`)."""
        return self.tca_eur_ttc * (self.licence_purchase_eur_ht / self.tca_eur_ht) if self.tca_eur_ht else 0.0

    @property
    def opex_eur(self) -> F64:
        """Yearly operating total, shape (h,)."""
        return self.energy_eur + self.maintenance_eur + self.licences_eur + self.staff_eur + self.rack_eur

    @property
    def tco_eur(self) -> float:
        """TCA TTC + sum of operating lines over the horizon."""
        return float(self.tca_eur_ttc + self.opex_eur.sum())

    @property
    def tco_without_licences_eur(self) -> float:
        """`tco_eur` with the licence lines zeroed: yearly licences and the licences bought."""
        return float(self.tco_eur - self.licences_eur.sum() - self.licence_purchase_eur_ttc)

    @property
    def tco_depreciated_eur(self) -> float:
        """Depreciation within the horizon + sum of operating lines."""
        return float(self.depreciation_eur + self.opex_eur.sum())


def option_tco(
    *,
    name: str,
    fleet: FleetHardware,
    cpu_utilisation: F64,
    carries_windows: NDArray[np.bool_],
    tca_eur_ht: float,
    embodied_kgco2e: float,
    start_year: int,
    assumptions: Assumptions,
    buys_windows_licences: bool = False,
) -> OptionTco:
    """TCO of `fleet` (n hosts; load arrays shape (n,)) over `assumptions.horizon_years`.

    The fleet is constant over the horizon; maintenance is recomputed each year as hosts age.
    `tca_eur_ht` is the hardware (purchase + install). With `buys_windows_licences` (new hosts)
    the Datacenter licences of the hosts carrying Windows are added to the TCA, less the
    `windows_licences_owned_cores` the authority reassigns to them; otherwise they are taken as
    already owned. Software Assurance is a yearly licence line either way. The fleet is the whole
    estate: the estate-wide vSphere terms (order minimum, contract) apply to it.
    """
    a = assumptions
    years = tuple(range(start_year, start_year + a.horizon_years))
    keys = (
        "energy_eur",
        "maintenance_eur",
        "licences_eur",
        "staff_eur",
        "rack_eur",
        "energy_kwh",
        "operational_kgco2e",
    )
    lines: dict[str, list[float]] = {k: [] for k in keys}
    for year in years:
        costs = host_yearly_costs(
            fleet=fleet, cpu_utilisation=cpu_utilisation, carries_windows=carries_windows, year=year, assumptions=a
        )
        for key, values in lines.items():
            values.append(float(getattr(costs, key).sum()))
        lines["licences_eur"][-1] += vsphere_estate_extra_eur(
            hosts_eur_ttc=float(costs.vsphere_eur.sum()), n_hosts=fleet.n_hosts, year=year, assumptions=a
        )
    lic_ht = 0.0
    if buys_windows_licences:  # the owned transferable cores first, then purchases
        cores = windows_licensed_cores(n_sockets=fleet.n_sockets, n_cores=fleet.n_cores, assumptions=a)
        bought = licences_to_buy(needed=cores[np.asarray(carries_windows, bool)], owned=a.windows_licences_owned_cores)
        lic_ht = float(bought.sum()) * a.windows_datacenter_eur_per_core * float(a.windows_enabled)
    vat = 1.0 + a.vat_rate
    share_hw = min(1.0, a.horizon_years / a.depreciation_years)
    share_lic = min(1.0, a.horizon_years / a.windows_amortisation_years)
    return OptionTco(
        name=name,
        n_hosts=fleet.n_hosts,
        years=years,
        tca_eur_ht=float(tca_eur_ht + lic_ht),
        tca_eur_ttc=float((tca_eur_ht + lic_ht) * vat),
        depreciation_eur=float(tca_eur_ht * vat * share_hw + lic_ht * vat * share_lic),
        embodied_kgco2e=float(embodied_kgco2e),
        licence_purchase_eur_ht=lic_ht,
        **{k: np.array(v) for k, v in lines.items()},
    )


def energy_price_sensitivity(option: OptionTco, prices_eur_per_kwh: Sequence[float]) -> F64:
    """The option's TCO (EUR TTC, same horizon) at each electricity price (EUR TTC per kWh).

    Only the energy line depends on the price: `tco - energy + kWh x price`. Shape (p,).
    """
    prices = np.asarray(prices_eur_per_kwh, dtype=float).reshape(-1)
    base = option.tco_eur - float(option.energy_eur.sum())
    return np.asarray(base + float(option.energy_kwh.sum()) * prices, dtype=float)
