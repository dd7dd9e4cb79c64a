"""Reclamation and right-sizing of the estate, as a typed report, and the estate after it.

Reads the plan's inputs (``load_estate``: tables and per-VM signals), runs
``optimizer.reclaim.find_reclaimable`` and shapes the ranked list with its totals. The CLI
(`parcimonie reclaim`), the dashboard's *Récupération* page and the workbook's sheet all read this
report, so they show the same figures. ``apply_reclaim`` gives the estate a plan "after
reclamation" starts from (``PlanRequest.after_reclaim``).
"""

from dataclasses import replace
from datetime import datetime
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict
from sqlmodel import Session

from optimizer import Assumptions, Policy
from optimizer.reclaim import IDLE, OVERSIZED, ZOMBIE, ReclaimResult, VmSignals, after_reclaim, find_reclaimable
from parcimonie.planning.document import ReclaimApplied
from parcimonie.planning.estate_inputs import EstateInputs, load_estate
from parcimonie.planning.messages import Message, text
from parcimonie.planning.reclaim_inputs import with_missing_vms

__all__ = [
    "CATEGORIES",
    "Category",
    "ReclaimReport",
    "ReclaimTotals",
    "ReclaimVm",
    "apply_reclaim",
    "headline",
    "load_reclaim_inputs",
    "reclaim_report",
]

Category = Literal["zombie", "idle", "oversized"]
CATEGORIES: dict[int, Category] = {ZOMBIE: "zombie", IDLE: "idle", OVERSIZED: "oversized"}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReclaimVm(_Frozen):
    """One VM to reclaim and what it frees per year (euros TTC, rounded to the cent)."""

    name: str
    category: Category
    reason: Message  # why it is listed, with its figures (reclaim.reason.*)
    n_vcpus: int
    memory_mib: float
    recommended_vcpus: int  # 0: removed
    recommended_memory_mib: float
    vcpus_freed: int
    memory_mib_freed: float
    cpu_mhz_freed: float  # reference MHz the plan no longer reserves (0 for a right-sized VM)
    memory_demand_mib_freed: float
    host_share: float  # share of its host freed, under the plan's ceiling
    energy_kwh: float
    energy_eur: float
    licences_eur: float
    eur_per_year: float
    kgco2e_per_year: float


class ReclaimTotals(_Frozen):
    """Sums over a set of listed VMs."""

    n_vms: int
    vcpus_freed: int
    memory_mib_freed: float
    cpu_mhz_freed: float
    memory_demand_mib_freed: float
    host_share: float
    energy_kwh: float
    energy_eur: float
    licences_eur: float
    eur_per_year: float
    kgco2e_per_year: float


class ReclaimReport(_Frozen):
    """The ranked reclamation list (most euros freed first), its totals and what it assumed."""

    as_of: datetime | None  # end of the collection the figures reflect
    n_vms: int  # VMs examined
    ceiling: float
    thresholds: dict[str, float]  # the assumptions the rules used
    vms: list[ReclaimVm]
    totals: ReclaimTotals
    by_category: dict[Category, ReclaimTotals]
    notes: list[Message]  # what the figures cannot say (templates, memory signals, vCPUs)


_THRESHOLDS = (
    "reclaim_powered_off_days",
    "idle_cpu_share",
    "idle_cpu_mhz",
    "idle_memory_share",
    "rightsize_headroom",
    "vm_licence_eur_per_vcpu_per_year",
)


def _signals(inputs: EstateInputs) -> VmSignals:
    return inputs.vm_signals or VmSignals.build(inputs.vms.n_vms)


def _find(inputs: EstateInputs, assumptions: Assumptions, policy: Policy) -> ReclaimResult:
    return find_reclaimable(
        hosts=inputs.hosts, vms=inputs.vms, signals=_signals(inputs), assumptions=assumptions, policy=policy
    )


def _reason(r: ReclaimResult, i: int, inputs: EstateInputs) -> Message:
    vms, signals = inputs.vms, _signals(inputs)
    category = int(r.category[i])
    if category == ZOMBIE and r.missing[i]:
        return Message(code="reclaim.reason.missing")
    if category == ZOMBIE:
        return Message(code="reclaim.reason.powered_off", params={"days": float(signals.powered_off_days[i])})
    if category == IDLE:
        return Message(code="reclaim.reason.idle", params={"cpu_mhz": float(vms.cpu_p95_mhz[i])})
    code = "reclaim.reason.oversized_memory_kept" if r.memory_kept[i] else "reclaim.reason.oversized"
    params: dict[str, float | int | str | list[str] | None] = {
        "vcpus": int(vms.n_vcpus[i]),
        "recommended_vcpus": int(r.recommended_vcpus[i]),
        "memory_gib": float(vms.memory_mib[i]) / 1024,
        "recommended_memory_gib": float(r.recommended_memory_mib[i]) / 1024,
    }
    return Message(code=code, params=params)


def _vm(r: ReclaimResult, i: int, inputs: EstateInputs) -> ReclaimVm:
    vms = inputs.vms
    return ReclaimVm(
        name=vms.names[i],
        category=CATEGORIES[int(r.category[i])],
        reason=_reason(r, i, inputs),
        n_vcpus=int(vms.n_vcpus[i]),
        memory_mib=float(vms.memory_mib[i]),
        recommended_vcpus=int(r.recommended_vcpus[i]),
        recommended_memory_mib=float(r.recommended_memory_mib[i]),
        vcpus_freed=int(r.vcpus_freed[i]),
        memory_mib_freed=float(r.memory_mib_freed[i]),
        cpu_mhz_freed=round(float(r.cpu_ref_mhz_freed[i]), 1),
        memory_demand_mib_freed=round(float(r.memory_demand_mib_freed[i]), 1),
        host_share=round(float(r.host_share[i]), 6),
        energy_kwh=round(float(r.energy_kwh[i]), 1),
        energy_eur=round(float(r.energy_eur[i]), 2),
        licences_eur=round(float(r.licences_eur[i]), 2),
        eur_per_year=round(float(r.eur_per_year[i]), 2),
        kgco2e_per_year=round(float(r.kgco2e_per_year[i]), 1),
    )


def _totals(rows: list[ReclaimVm]) -> ReclaimTotals:
    """Sums of the rounded rows, so a reader adding up the list finds the total."""

    def total(name: str, digits: int) -> float:
        return round(sum(float(getattr(v, name)) for v in rows), digits)

    return ReclaimTotals(
        n_vms=len(rows),
        vcpus_freed=sum(v.vcpus_freed for v in rows),
        memory_mib_freed=total("memory_mib_freed", 1),
        cpu_mhz_freed=total("cpu_mhz_freed", 1),
        memory_demand_mib_freed=total("memory_demand_mib_freed", 1),
        host_share=total("host_share", 6),
        energy_kwh=total("energy_kwh", 1),
        energy_eur=total("energy_eur", 2),
        licences_eur=total("licences_eur", 2),
        eur_per_year=total("eur_per_year", 2),
        kgco2e_per_year=total("kgco2e_per_year", 1),
    )


def _notes(inputs: EstateInputs) -> list[Message]:
    signals = _signals(inputs)
    notes = [Message(code="reclaim.note.vcpus"), Message(code="reclaim.note.templates")]
    if not np.isfinite(signals.memory_active_mib).any() and not signals.memory_pressure.any():
        notes.append(Message(code="reclaim.note.memory_signals"))
    return notes


def load_reclaim_inputs(session: Session) -> EstateInputs:
    """The plan's inputs plus the VMs missing from their source (zombies no plan holds)."""
    return with_missing_vms(session, load_estate(session))


def reclaim_report(inputs: EstateInputs, *, assumptions: Assumptions, policy: Policy) -> ReclaimReport:
    """The ranked list of VMs to reclaim in ``inputs``, with its totals per category and overall."""
    r = _find(inputs, assumptions, policy)
    rows = [_vm(r, int(i), inputs) for i in r.ranked]
    by_category = {name: _totals([v for v in rows if v.category == name]) for name in CATEGORIES.values()}
    a = assumptions.to_dict()
    return ReclaimReport(
        as_of=inputs.snapshot_at,
        n_vms=inputs.vms.n_vms,
        ceiling=policy.ceiling,
        thresholds={name: float(a[name]) for name in _THRESHOLDS},
        vms=rows,
        totals=_totals(rows),
        by_category=by_category,
        notes=_notes(inputs),
    )


def apply_reclaim(inputs: EstateInputs, *, assumptions: Assumptions, policy: Policy) -> EstateInputs:
    """The estate once zombies and idle VMs are removed and oversized VMs right-sized, recording
    what went (``EstateInputs.reclaimed``). Applied once: inputs already reclaimed come back as is."""
    if inputs.reclaimed is not None:
        return inputs
    r = _find(inputs, assumptions, policy)
    gone = (r.category == ZOMBIE) | (r.category == IDLE)
    left = after_reclaim(vms=inputs.vms, result=r)
    applied = ReclaimApplied(
        n_vms_removed=int(gone.sum()),
        n_vms_resized=r.count(OVERSIZED),
        vcpus_removed=int(r.vcpus_freed.sum()),
        memory_mib_removed=round(float(r.memory_mib_freed.sum()), 1),
    )
    signals = _signals(inputs)
    keep = np.flatnonzero(~gone)
    kept_signals = VmSignals.build(
        len(keep),
        powered_off_days=signals.powered_off_days[keep],
        missing=signals.missing[keep],
        memory_pressure=signals.memory_pressure[keep],
        memory_active_mib=signals.memory_active_mib[keep],
    )
    return replace(inputs, vms=left, vm_signals=kept_signals, reclaimed=applied)


def headline(report: ReclaimReport, language: str = "fr") -> str:
    """How many VMs, what they free, euros and kgCO2e a year: the first line of every surface."""
    t = report.totals
    if not t.n_vms:
        return text("reclaim.none", language, n=report.n_vms)
    return text(
        "reclaim.total",
        language,
        n=t.n_vms,
        vcpus=t.vcpus_freed,
        memory_gib=t.memory_mib_freed / 1024,
        hosts=t.host_share,
        eur=t.eur_per_year,
        kgco2e=t.kgco2e_per_year,
    )
