"""The state a replacement plan grows year by year: new hosts bought, VMs moved, and its inputs.

Also the Windows Server Datacenter licence of one new host and how many hosts the licences the
authority already owns cover.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.estate import HostTable, Offer, VmTable
from optimizer.licences import windows_licence_eur_ht, windows_licensed_cores
from optimizer.policy import Policy
from optimizer.reasons import Reason

__all__ = ["Moves", "NewFleet", "ReplacementInputs", "offer_licence_eur_ht", "owned_host_licences"]

F64 = NDArray[np.float64]


def offer_licence_eur_ht(*, offer: Offer, a: Assumptions) -> float:
    """Windows Server Datacenter licence price HT of one host of `offer` (0 if Windows disabled)."""
    one = windows_licence_eur_ht(
        n_sockets=np.array([offer.n_sockets]), n_cores=np.array([offer.n_cores]), assumptions=a
    )
    return float(one[0])


def owned_host_licences(*, offer: Offer, a: Assumptions) -> float:
    """How many hosts of `offer` the `windows_licences_owned_cores` license (may be fractional:
    the rest of a host's cores is then bought). 128 owned cores, 64-core hosts: 2."""
    one = windows_licensed_cores(
        n_sockets=np.array([offer.n_sockets]), n_cores=np.array([offer.n_cores]), assumptions=a
    )
    return a.windows_licences_owned_cores / float(one[0])


@dataclass
class NewFleet:
    """The new hosts bought so far (t entries), grown year by year by the replacement planner.

    Attributes:
        load_ref_mhz_mib: shape (t, d), demand placed on each (reference MHz, MiB, then the packing
            dimensions of the policy's caps: vCPUs, allocated MiB; `optimizer.limits`).
        is_reserve: shape (t,), HA reserve hosts (they stay empty).
        group: shape (t,), group served (cluster, or -1 in estate scope).
        has_windows: shape (t,), already licensed for Windows Server Datacenter.
        purchase_year: shape (t,).
    """

    load_ref_mhz_mib: F64 = field(default_factory=lambda: np.zeros((0, 2)))
    is_reserve: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    group: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    has_windows: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    purchase_year: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def n_hosts(self) -> int:
        """Number of new hosts t."""
        return int(self.is_reserve.size)

    def buy(self, *, n_serving: int, n_reserve: int, group: int, year: int) -> int:
        """Add `n_serving` hosts then `n_reserve` reserve hosts; returns the index of the first."""
        first, n = self.n_hosts, n_serving + n_reserve
        self.load_ref_mhz_mib = np.vstack([self.load_ref_mhz_mib, np.zeros((n, self.load_ref_mhz_mib.shape[1]))])
        self.is_reserve = np.concatenate([self.is_reserve, np.zeros(n_serving, bool), np.ones(n_reserve, bool)])
        self.group = np.concatenate([self.group, np.full(n, group, dtype=np.int64)])
        self.has_windows = np.concatenate([self.has_windows, np.zeros(n, bool)])
        self.purchase_year = np.concatenate([self.purchase_year, np.full(n, year, dtype=np.int64)])
        return first


@dataclass
class Moves:
    """The decisions of the yearly loop: retirements, VM moves and purchases.

    `moved_year_index` (shape (p,), aligned on the VMs to place) is the index in the years of the
    move of each VM, -1 if it stays; `placement` (shape (m,)) its new host.
    """

    fleet: NewFleet
    retire_year: F64
    placement: NDArray[np.int64]
    moved_year_index: NDArray[np.int64]
    new_per_year: NDArray[np.int64]
    unplaced: list[tuple[int, Reason]]
    growth_bought: int = 0  # new hosts bought because the demand of VMs already moved grew


@dataclass(frozen=True, eq=False)
class ReplacementInputs:
    """What the accounts need besides the moves; VM arrays aligned on the p VMs to place.

    Attributes:
        hosts: existing hosts, estimates completed; `estimated` flags them (shape (n,)).
        sizes: shape (p, d) demand in the packing dimensions (`optimizer.limits`: CPU, or its
            `n_slots` profile slots, memory, then the caps set); src: shape (p,) source host;
            vm_index: shape (p,) row in vms.
        raw_new: shape (2,), raw capacity of one new host; unit_eur_ttc: one host + install.
        renewal_offers: the catalogue of the like-for-like baseline (empty: the plan's offer).
    """

    hosts: HostTable
    estimated: NDArray[np.bool_]
    vms: VmTable
    offer: Offer
    policy: Policy
    yearly_investment_cap_eur: float | None
    years: tuple[int, ...]
    priority: F64
    util_old: F64
    sizes: F64
    src: NDArray[np.int64]
    vm_index: NDArray[np.int64]
    raw_new: F64
    unit_eur_ttc: float
    renewal_offers: tuple[Offer, ...] = ()
    n_slots: int = 0

    def cpu_memory(self, load: F64) -> F64:
        """Loads in the packing dimensions (..., d) as (CPU, memory) (..., 2): on profiles, CPU is
        the peak over slots of the summed profile."""
        arr = np.asarray(load, dtype=float)
        if self.n_slots == 0:
            return arr[..., :2]
        s = self.n_slots
        return np.stack([arr[..., :s].max(axis=-1), arr[..., s]], axis=-1)
