"""The cheapest mix of offers as a plan section: searched beside the single offers, priced with the
same TCO, and held against a proven lower bound on the TCO of any fleet of the catalogue.

The mix is an option like the others (``OptionCost`` of kind "mix", in the TCO table of every
surface); this section adds what only a mix has: hosts per offer, the best single offer it is
compared with, the lower bound and the gap, and whether the Windows VMs were put on hosts of their
own (which the DSI must then keep there with a DRS VM-host rule).
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from optimizer import Assumptions, FleetMix, HostTable, Offer, Policy, VmTable, cheapest_fleet
from optimizer.errors import PlanInputError
from parcimonie.planning.messages import Message

__all__ = [
    "MIX_MAX_VMS",
    "FleetMixSection",
    "fleet_mix_line",
    "fleet_mix_name",
    "fleet_mix_section",
    "fleet_mix_warnings",
    "search_fleet_mix",
]

#: Above this many VMs the search (dozens of packings per pair of offers) would take longer than
#: the rest of the plan (about 10 s at 10 000 VMs in one group on 2 cores, a minute at 100 000):
#: the plan says it was not searched.
MIX_MAX_VMS = 20_000


class FleetMixSection(BaseModel):
    """The cheapest fleet found mixing offers, against the best single offer and a proven bound (EUR TTC)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str  # the option's name in ``PlanDocument.options`` (kind "mix")
    hosts_by_offer: dict[str, int]  # offers used only, HA reserve included
    n_hosts: int
    n_ha_reserve_hosts: int
    n_windows_hosts: int  # hosts licensed for Windows Server Datacenter
    windows_apart: bool  # the Windows VMs sit on hosts of their own (a DRS VM-host rule keeps them there)
    tco_eur: float
    best_single_offer: str | None  # the plan's cheapest single offer carrying every VM
    best_single_tco_eur: float | None
    savings_vs_single_eur: float | None  # best single - mix (negative: the single offer stays cheaper)
    lower_bound_eur: float  # no fleet of these offers can cost less over the horizon
    gap_eur: float  # mix - bound: at most this much could still be saved
    gap_pct: float


def fleet_mix_name(mix: FleetMix) -> str:
    """The option's name: hosts per offer, most hosts first (e.g. "12 × EPYC + 3 × Xeon")."""
    used = sorted(((n, o.name) for o, n in zip(mix.offers, mix.counts, strict=True) if n), key=lambda p: (-p[0], p[1]))
    return " + ".join(f"{n} × {name}" for n, name in used)


def search_fleet_mix(
    *,
    hosts: HostTable,
    vms: VmTable,
    offers: Sequence[Offer],
    assumptions: Assumptions,
    policy: Policy,
    start_year: int,
) -> tuple[FleetMix | None, Message | None]:
    """The cheapest mix, or None with the reason it was not searched or not found (a plan warning)."""
    if len(offers) < 2:
        return None, None
    if vms.n_vms > MIX_MAX_VMS:
        return None, Message(code="warning.fleet_mix_skipped", params={"n_vms": vms.n_vms, "max": MIX_MAX_VMS})
    try:
        mix = cheapest_fleet(
            hosts=hosts, vms=vms, offers=offers, assumptions=assumptions, policy=policy, start_year=start_year
        )
    except PlanInputError as err:
        return None, Message(code="warning.fleet_mix_none", params={"reason": f"error.input.{err.code}"})
    return mix, None


def fleet_mix_section(mix: FleetMix, single: tuple[str, float] | None) -> FleetMixSection:
    """The section of `mix`, compared with the plan's cheapest single offer `single` (name, TCO)."""
    tco = round(mix.tco_eur, 2)
    return FleetMixSection(
        name=fleet_mix_name(mix),
        hosts_by_offer={name: n for name, n in mix.counts_by_offer.items() if n},
        n_hosts=int(sum(mix.counts)),
        n_ha_reserve_hosts=int(mix.host_is_ha_reserve.sum()),
        n_windows_hosts=int(mix.host_windows.sum()),
        windows_apart=bool(mix.host_windows.any() and not mix.host_windows.all()),
        tco_eur=tco,
        best_single_offer=None if single is None else single[0],
        best_single_tco_eur=None if single is None else round(single[1], 2),
        savings_vs_single_eur=None if single is None else round(single[1] - mix.tco_eur, 2),
        lower_bound_eur=round(mix.lower_bound.value_eur, 2),
        gap_eur=round(mix.gap_eur, 2),
        gap_pct=round(mix.gap_pct, 2),
    )


def fleet_mix_warnings(section: FleetMixSection | None, note: Message | None) -> list[Message]:
    """Why no mix was searched or found; or, when the mix keeps Windows VMs apart, the rule it needs."""
    if note is not None:
        return [note]
    if section is not None and section.windows_apart:
        return [
            Message(code="warning.fleet_mix_windows", params={"n": section.n_windows_hosts, "total": section.n_hosts})
        ]
    return []


def fleet_mix_line(section: FleetMixSection) -> Message:
    """The sentence every surface shows for the mix (CLI, workbook, dashboard)."""
    return Message(
        code="fleet_mix.line",
        params={
            "name": section.name,
            "tco_eur": section.tco_eur,
            "single": section.best_single_offer,
            "single_eur": section.best_single_tco_eur,
            "savings_eur": section.savings_vs_single_eur,
            "bound_eur": section.lower_bound_eur,
            "gap_pct": section.gap_pct,
        },
    )
