"""Every default figure the optimizer uses, with its source.

All figures are *defaults*: callers override them with `Assumptions.with_overrides(...)`, and every
result echoes `Assumptions.to_dict()` so a report can say which values produced it. Sources are
listed in `docs/assumptions.md` (one row per field); figures marked "to check" are Parcimonie
defaults without a firm public source and must be confirmed per authority.

Money conventions: the tables (`HostTable`, `Offer`) hold amounts **TTC**, as the inventory does;
the default figures here (install, server price, licence and support list prices) are **HT**
(before VAT), and the optimizer converts with `vat_rate` where it needs one or the other.
Operating costs are reported **TTC** because a local authority does not recover the VAT on
operating spending (docs/assumptions.md); investment spending is reported TTC with the
FCTVA recovery shown as a separate line.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from optimizer.errors import AssumptionError

__all__ = [
    "GENERATION_CATALOGUE",
    "VSPHERE_MODELS",
    "Assumptions",
    "estimate_generation_figures",
]


#: The values of `Assumptions.vsphere_model`.
VSPHERE_MODELS = ("per_core", "per_host", "per_socket", "contract", "none")

#: The text assumptions and their accepted values.
_CHOICES: dict[str, tuple[str, ...]] = {"vsphere_model": VSPHERE_MODELS}


@dataclass(frozen=True)
class Assumptions:
    """Default figures for sizing, cost, finance and carbon models.

    Attributes are documented inline with their source. Use `with_overrides` to change any of them;
    unknown names and bad values raise `AssumptionError`.
    """

    # --- horizon and finance -------------------------------------------------------------------
    horizon_years: int = 5  # depreciation 5 y default (M57, 3-5 y common for IT; docs/assumptions.md)
    #: Real rate (prices constant): France Strategie, Quinet report 2013, 4.5 % for public
    #: investment (2.5 % risk-free + 2 % risk premium; docs/assumptions.md).
    discount_rate: float = 0.045
    #: Real yearly rise of the electricity price, applied to the energy lines from the second year
    #: (0: constant prices, consistent with the real discount rate).
    energy_price_escalation_per_year: float = 0.0
    depreciation_years: int = 5  # M57/M14 linear amortissement, duration voted by the assembly
    vat_rate: float = 0.20  # French standard VAT rate (docs/assumptions.md)
    fctva_enabled: bool = True  # FCTVA recovery on eligible investment spending
    fctva_rate: float = 0.16404  # FCTVA rate on TTC amounts through 2024 (docs/assumptions.md; 2025 bill: 14.85 %)
    fctva_delay_years: int = 1  # FCTVA paid in year N, N+1 or N+2 depending on regime (docs/assumptions.md)
    #: Share of the net book value (linear over `depreciation_years`) of the hardware still owned at
    #: the end of the horizon counted as its residual value (1: the net book value; lower: a resale
    #: estimate). Reported apart; in the cash saving only with `residual_value_in_savings`.
    residual_value_share: float = 1.0
    residual_value_in_savings: bool = False  # count the residual value as a receipt of the last year

    # --- energy and carbon ---------------------------------------------------------------------
    electricity_eur_per_kwh: float = 0.20  # TTC all-in, to check (regulated ~0.239 TTC 2025; docs/assumptions.md)
    pue: float = 1.8  # small on-premise server room; Azure Migrate on-prem default (docs/assumptions.md)
    #: ADEME Base Empreinte *consumption mix* for France (docs/assumptions.md: roughly 50-75 g,
    #: year-dependent; to check). Not RTE's 21.7 g production figure, nor Boavizta's bundled
    #: 0.098 kg (2019).
    grid_kgco2e_per_kwh: float = 0.052
    #: Embodied footprint of a 2-socket rack server: Boavizta (boaviztapi 2.5.0) measurements give
    #: 0.94 t (2xE5-2650) to 1.0-1.5 t (2xGold 6430); range 1-3 t. Default mid-low value.
    embodied_kgco2e_per_server: float = 1500.0
    embodied_lifetime_years: int = 5  # amortisation of embodied carbon = depreciation duration (to check)

    # --- acquisition and support ---------------------------------------------------------------
    install_eur_per_host: float = 600.0  # HT, delivery + racking + deployment services (to check)
    default_server_price_eur: float = 9000.0  # HT, used when a host's purchase price is unknown (to check)
    default_warranty_years: int = 3  # usual OEM base warranty (to check)
    support_rate_per_year: float = (
        0.10  # HT support contract, share of purchase price, 1st year after warranty (to check)
    )
    support_rate_increase_per_year: float = 0.02  # added to the rate per further year of age (to check)

    # --- licences ------------------------------------------------------------------------------
    #: False is the model "none" whatever `vsphere_model` says (kept so `vsphere_enabled=false` works).
    vsphere_enabled: bool = True
    #: How the authority pays vSphere (`VSPHERE_MODELS`, docs/assumptions.md): "per_core" (Broadcom
    #: subscription since 2024), "per_host", "per_socket", "contract" (a yearly amount for the whole
    #: estate until `vsphere_contract_end_year`, per core after it), "none" (another hypervisor).
    vsphere_model: str = "per_core"
    #: HT subscription per core, the price of the edition subscribed (VVF or VCF; to check).
    vsphere_eur_per_core_per_year: float = 150.0
    vsphere_min_cores_per_cpu: int = 16  # Broadcom: minimum 16 cores counted per CPU (docs/assumptions.md)
    vsphere_min_cores_per_order: int = 72  # Broadcom, April 2025: at least 72 cores per order (whole estate)
    #: HT per host per year ("per_host"): default 2 x 16 x 150, the per-core price of a host of two
    #: CPUs of at most 16 cores (to check).
    vsphere_eur_per_host_per_year: float = 4800.0
    #: HT per CPU socket per year ("per_socket"): default 16 x 150, see above (to check).
    vsphere_eur_per_socket_per_year: float = 2400.0
    #: HT per year for the whole estate ("contract"), whatever the hosts, through the end year
    #: below; required (> 0) with that model.
    vsphere_contract_eur_per_year: float = 0.0
    vsphere_contract_end_year: int = 2100  # last year the contract covers; per core from the next one
    windows_enabled: bool = True
    #: HT perpetual list price per core. Bought with a new host that carries Windows VMs:
    #: investissement (account 2051, M57), not eligible to FCTVA here; licences of existing
    #: hosts are already owned (sunk, no cost in any option).
    windows_datacenter_eur_per_core: float = 380.0  # (to check)
    windows_min_cores_per_cpu: int = 8  # Microsoft: min 8 cores per processor (docs/assumptions.md)
    windows_min_cores_per_server: int = 16  # Microsoft: min 16 cores per server, 2-core packs
    #: Depreciation duration of perpetual licences bought (M57 indicative scale: 2 years for
    #: software, docs/assumptions.md; duration voted by the assembly). Used by `tco_depreciated_eur` only.
    windows_amortisation_years: int = 2  # the indicative scale above
    #: Yearly Software Assurance on every host licensed for Windows Server Datacenter, as a share
    #: of the licence price, HT (fonctionnement, TTC in the budget). Usual order 25 %/y (to check).
    windows_software_assurance_rate: float = 0.25
    #: Cores of Datacenter licences the authority already owns and may reassign to new hosts
    #: (volume licences, not OEM): new hosts use them before any purchase (to confirm per authority).
    windows_licences_owned_cores: int = 0

    # --- transition ----------------------------------------------------------------------------
    #: Month (1-12) new hosts go into service in their purchase year: they cost (13 - m) / 12 of
    #: that year and the hosts they replace (m - 1) / 12. 7: July, after a spring purchase (to
    #: confirm per authority); 1 gives the 1 January swap.
    commissioning_month: int = 7
    #: Months both fleets run side by side after commissioning (migration, tests): the old hosts
    #: are paid that much longer in the transition year.
    parallel_run_months: int = 0
    #: HT per retired host: certified data erasure and WEEE collection (fonctionnement, the year
    #: it is retired; to check).
    disposal_eur_per_host: float = 80.0
    migration_hours_per_vm: float = 0.5  # labour per VM moved, at `staff_eur_per_hour` (to check)
    training_eur: float = 3000.0  # HT one-off training on the new hosts, the year of the first purchase (to check)

    # --- staff and space -----------------------------------------------------------------------
    staff_hours_per_host_per_year: float = 20.0  # patching, firmware, incidents (to check)
    staff_eur_per_hour: float = 45.0  # loaded hourly cost of a territorial technician (to check)
    rack_eur_per_u_per_year: float = 100.0  # floor, cooling share outside PUE, cabling (to check)
    #: Freed staff hours are capacity (chapter 012 is paid anyway): they lower the staff line only
    #: when True. Freed rack units lower the rack line only when True (e.g. colocation billed per U).
    staff_savings_are_cash: bool = False
    rack_savings_are_cash: bool = False

    # --- demand estimates (the ceiling and HA reserve are `optimizer.policy.Policy`) ----------
    #: Azure Migrate applies 1.3 on top of P95. Default 1.0 here because the policy's ceiling
    #: already keeps 20 % headroom; set 1.3 to mimic Azure Migrate (both together double-count).
    cpu_comfort_factor: float = 1.0
    #: When a VM has no CPU P95, its demand is this share of its allocation (vCPUs x host core MHz).
    #: Sources say servers are mostly idle; 0.5 stays conservative (to check with real estates).
    cpu_unknown_fraction: float = 0.5
    #: A point-in-time usage figure (an RVTools sample, a host's usage shared among its VMs) is
    #: multiplied by this factor to stand for a P95: one moment reads the load of that moment.
    sample_safety_factor: float = 1.5
    #: A measured P95 counts as fully trusted in the data confidence when its window is this long.
    confidence_min_days: float = 7.0
    #: Demand growth per year (share): in year t of the horizon a VM needs its demand x (1 + g)^t.
    #: Measured by `parcimonie capacity` (Theil-Sen) or set by the user; 0 without history.
    demand_growth_per_year: float = 0.0
    # --- reclamation and right-sizing (optimizer.reclaim; sources in docs/assumptions.md) ------
    #: A VM powered off at least this many days in a row is a zombie (Aria Operations: "continuously
    #: powered off during the defined period"; the period is the authority's choice).
    reclaim_powered_off_days: int = 30
    #: A powered-on VM is idle when its CPU P95 is under this share of its allocation ...
    idle_cpu_share: float = 0.05
    #: ... and under these MHz (Aria Operations' default idle criterion: 100 MHz of CPU demand) ...
    idle_cpu_mhz: float = 100.0
    #: ... and its memory activity under this share of its allocation (to check).
    idle_memory_share: float = 0.10
    #: Headroom on P95 demand when recommending vCPUs and memory (Azure Migrate's comfort factor 1.3).
    rightsize_headroom: float = 1.3
    #: HT per vCPU per year of software licensed per virtual core (e.g. per-core database licences in
    #: VMs); 0 when none (to confirm per authority). What removing a vCPU frees besides allocation.
    vm_licence_eur_per_vcpu_per_year: float = 0.0
    replacement_age_years: int = 5  # hosts older than this are due for replacement (= depreciation)
    reference_year: int = 2026  # year used to estimate missing figures and ages

    def __post_init__(self) -> None:
        _check_assumptions(self)
        _check_calendar(self)
        _check_licences(self)

    def with_overrides(self, **overrides: Any) -> Assumptions:
        """Return a copy with some figures replaced.

        Raises:
            AssumptionError: if a name is not an assumption or a value is out of range.
        """
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise AssumptionError("unknown", unknown[0], overrides[unknown[0]])
        return dataclasses.replace(self, **overrides)

    def to_dict(self) -> dict[str, Any]:
        """Every figure by name, to echo in results."""
        return dataclasses.asdict(self)


def _check_types(a: Assumptions) -> None:
    """Check each field against its annotation; whole floats become ints (2.0 -> 2), ints floats.

    Integer fields (years, counts) reject 2.5 and bools; bool fields accept only bools; float
    fields reject bools. Values are set with `object.__setattr__` (the dataclass is frozen).
    """
    for f in dataclasses.fields(a):
        value = getattr(a, f.name)
        kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
        if kind == "str":
            if not isinstance(value, str) or value not in _CHOICES[f.name]:
                raise AssumptionError("not_choice", f.name, value, choices=_CHOICES[f.name])
            continue
        if kind == "bool":
            if not isinstance(value, (bool, np.bool_)):
                raise AssumptionError("not_bool", f.name, value)
            object.__setattr__(a, f.name, bool(value))
            continue
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise AssumptionError("not_finite", f.name, value)
        if not math.isfinite(value):
            raise AssumptionError("not_finite", f.name, value)
        if kind == "int":
            if not float(value).is_integer():
                raise AssumptionError("not_integer", f.name, value)
            object.__setattr__(a, f.name, int(value))
        else:
            object.__setattr__(a, f.name, float(value))


def _check_assumptions(a: Assumptions) -> None:
    _check_types(a)
    for f in dataclasses.fields(a):
        value = getattr(a, f.name)
        if isinstance(value, (bool, str)):
            continue
        if value < 0 and f.name not in _MAY_BE_NEGATIVE:
            raise AssumptionError("negative", f.name, value)
    if a.pue < 1:
        raise AssumptionError("out_of_range", "pue", a.pue, low=1.0)
    if a.fctva_delay_years not in (0, 1, 2):
        raise AssumptionError("out_of_range", "fctva_delay_years", a.fctva_delay_years, low=0, high=2)
    for name in (
        "horizon_years",
        "depreciation_years",
        "windows_amortisation_years",
        "embodied_lifetime_years",
    ):
        if getattr(a, name) < 1:
            raise AssumptionError("out_of_range", name, getattr(a, name), low=1)
    if a.cpu_comfort_factor <= 0:
        raise AssumptionError("out_of_range", "cpu_comfort_factor", a.cpu_comfort_factor, low=0.0, low_open=True)
    for name, (low, high) in _RANGES.items():
        value = getattr(a, name)
        if not low <= value <= high:
            raise AssumptionError("out_of_range", name, value, low=low, high=high)


#: Fields that may be below 0 (a shrinking demand); their bounds are in `_RANGES`.
_MAY_BE_NEGATIVE = frozenset({"demand_growth_per_year"})

#: Bounds beyond which a figure is a typing mistake (``vat_rate=20`` for 20 %, a year of 99999),
#: not a choice: rates are shares in [0, 1]; other bounds are generous upper limits.
_RANGES: dict[str, tuple[float, float]] = {
    "vat_rate": (0.0, 1.0),
    "fctva_rate": (0.0, 1.0),
    "discount_rate": (0.0, 1.0),
    "energy_price_escalation_per_year": (0.0, 1.0),
    "residual_value_share": (0.0, 1.0),
    "migration_hours_per_vm": (0.0, 100.0),
    "support_rate_per_year": (0.0, 1.0),
    "support_rate_increase_per_year": (0.0, 1.0),
    "windows_software_assurance_rate": (0.0, 1.0),
    "cpu_unknown_fraction": (0.0, 1.0),
    "reclaim_powered_off_days": (0, 3650),
    "idle_cpu_share": (0.0, 1.0),
    "idle_cpu_mhz": (0.0, 100_000.0),
    "idle_memory_share": (0.0, 1.0),
    "rightsize_headroom": (1.0, 5.0),
    "demand_growth_per_year": (-0.5, 1.0),
    "electricity_eur_per_kwh": (0.0, 5.0),
    "pue": (1.0, 3.0),
    "grid_kgco2e_per_kwh": (0.0, 2.0),
    "horizon_years": (1, 15),
    "depreciation_years": (1, 30),
    "embodied_lifetime_years": (1, 30),
    "windows_amortisation_years": (1, 30),
    "replacement_age_years": (1, 30),
    "default_warranty_years": (0, 15),
    "cpu_comfort_factor": (0.0, 5.0),
    "sample_safety_factor": (1.0, 5.0),
    "confidence_min_days": (0.0, 366.0),
    "reference_year": (2000, 2100),
    "vsphere_contract_end_year": (2000, 2100),
}


def _check_licences(a: Assumptions) -> None:
    """A vSphere contract needs its yearly amount (0 would make vSphere free)."""
    if a.vsphere_model == "contract" and a.vsphere_contract_eur_per_year <= 0:
        value = a.vsphere_contract_eur_per_year
        raise AssumptionError("out_of_range", "vsphere_contract_eur_per_year", value, low=0.0, low_open=True)


def _check_calendar(a: Assumptions) -> None:
    if not 1 <= a.commissioning_month <= 12:
        raise AssumptionError("out_of_range", "commissioning_month", a.commissioning_month, low=1, high=12)
    if not 0 <= a.parallel_run_months <= 12:
        raise AssumptionError("out_of_range", "parallel_run_months", a.parallel_run_months, low=0, high=12)


#: Typical 2-socket rack server figures by CPU generation (launch year). Columns: year,
#: performance per core relative to a 2024 server core (approximate SPEC CPU 2017 integer rate per
#: core ratios, to check), idle power per socket (W) and full-load power per socket (W). Power
#: points fitted to Boavizta (docs/assumptions.md): 2xE5-2650 (2012) ~194 W at 30 % load, 2xGold 6430 (2023)
#: ~598 W at 50 %; older generations idle higher relative to capacity.
GENERATION_CATALOGUE: NDArray[np.float64] = np.array(
    [
        # year, perf_per_core, idle_w_per_socket, max_w_per_socket
        [2010.0, 0.40, 70.0, 170.0],
        [2012.0, 0.48, 65.0, 175.0],
        [2014.0, 0.55, 60.0, 185.0],
        [2016.0, 0.63, 60.0, 200.0],
        [2018.0, 0.72, 70.0, 240.0],
        [2020.0, 0.80, 85.0, 290.0],
        [2022.0, 0.90, 110.0, 380.0],
        [2024.0, 1.00, 140.0, 440.0],
        [2026.0, 1.08, 150.0, 470.0],
    ]
)


def estimate_generation_figures(
    *, year: NDArray[np.float64], n_sockets: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Estimate per-core performance and power from the CPU generation year.

    Args:
        year: shape (n,), purchase or CPU launch year; NaN is treated as 2016 (a typical old host).
        n_sockets: shape (n,), sockets per host.

    Returns:
        (perf_per_core, power_idle_w, power_max_w), each shape (n,), linearly interpolated in
        `GENERATION_CATALOGUE` and clamped to its range.
    """
    y = np.where(np.isnan(year), 2016.0, np.asarray(year, dtype=float))
    cat = GENERATION_CATALOGUE
    perf = np.interp(y, cat[:, 0], cat[:, 1])
    sockets = np.asarray(n_sockets, dtype=float)
    idle = np.interp(y, cat[:, 0], cat[:, 2]) * sockets
    peak = np.interp(y, cat[:, 0], cat[:, 3]) * sockets
    return perf, idle, peak
