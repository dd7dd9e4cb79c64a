# ruff: noqa: E501  (one source per line, as in docs/assumptions.md)
"""What the dashboard and the CLI say about each assumption: its group, unit and public source.

One row per field of ``optimizer.Assumptions`` and of ``optimizer.Policy`` (the sizing policy), in the
order of ``docs/assumptions.md``; the defaults are read from the dataclasses themselves, never copied.
``tests/parcimonie/planning/test_assumption_info.py`` checks that every field has a row and that the
unit and the source agree with ``docs/assumptions.md``: change both together.
"""

from dataclasses import dataclass
from typing import Literal

__all__ = ["ASSUMPTION_INFO", "GROUPS", "POLICY_INFO", "AssumptionInfo", "Group"]

Group = Literal["energy", "hardware", "licences", "staff_space", "public_finance", "transition", "sizing"]
#: The groups in the order the dashboard shows them.
GROUPS: tuple[Group, ...] = ("energy", "hardware", "licences", "staff_space", "public_finance", "transition", "sizing")


@dataclass(frozen=True)
class AssumptionInfo:
    """Where an assumption belongs and what backs it (words of docs/assumptions.md, in English)."""

    group: Group
    unit: str
    source: str


#: ``optimizer.Assumptions`` field → its group, unit and source.
ASSUMPTION_INFO: dict[str, AssumptionInfo] = {
    "horizon_years": AssumptionInfo(
        "public_finance",
        "years",
        "M57 / CGCT: linear depreciation, 3–5 years common for IT hardware (default 5, to check per authority)",
    ),
    "discount_rate": AssumptionInfo(
        "public_finance",
        "per year, real",
        "Quinet 2013 (France Stratégie): 4.5 % real for public investment (Azure Migrate's 7 % is a nominal private-sector rate)",
    ),
    "energy_price_escalation_per_year": AssumptionInfo(
        "public_finance",
        "per year, real",
        "Parcimonie default (constant prices, consistent with a real discount rate), to confirm per authority",
    ),
    "residual_value_share": AssumptionInfo(
        "public_finance",
        "share of net book value",
        "M57 / CGCT R.2321-1 (linear amortisation); the share is a Parcimonie default, to confirm per authority",
    ),
    "residual_value_in_savings": AssumptionInfo(
        "public_finance", "switch", "Parcimonie default: a net book value is not cash"
    ),
    "depreciation_years": AssumptionInfo(
        "public_finance",
        "years",
        "M57 / CGCT R.2321-1: duration voted by the assembly, indicative scale 2–5 years for IT hardware (Azure Migrate uses 4 for servers)",
    ),
    "vat_rate": AssumptionInfo("public_finance", "share", "French VAT, standard rate 20 %"),
    "fctva_enabled": AssumptionInfo(
        "public_finance", "switch", "FCTVA: eligible investment spending recovers part of its VAT"
    ),
    "fctva_rate": AssumptionInfo(
        "public_finance",
        "share of TTC",
        "FCTVA: 16.404 % of the TTC amount through 2024; the 2025 finance bill proposed 14.85 % (check the rate in force)",
    ),
    "fctva_delay_years": AssumptionInfo(
        "public_finance",
        "years",
        "FCTVA: year N (communautés de communes, communes nouvelles), N+1 (communes of the 2009–2010 relance), N+2 (general rule); default N+1 is a Parcimonie default, to confirm per authority",
    ),
    "electricity_eur_per_kwh": AssumptionInfo(
        "energy",
        "€/kWh TTC",
        "Parcimonie default, to confirm per authority; regulated tariff average 239 € TTC/MWh from February 2025, group purchases 2026–27 about 118 €/MWh HT for the energy part alone",
    ),
    "pue": AssumptionInfo(
        "energy",
        "ratio",
        "Azure Migrate on-premises default (1.8); Uptime Institute 2024 industry average 1.56; small server rooms 1.8–2.5",
    ),
    "grid_kgco2e_per_kwh": AssumptionInfo(
        "energy",
        "kgCO2e/kWh",
        "ADEME Base Empreinte consumption mix, roughly 50–75 g depending on the year (to check); not RTE's 2024 production figure (21.7 g) nor Boavizta's bundled FRA factor (0.098 kg, 2019)",
    ),
    "embodied_kgco2e_per_server": AssumptionInfo(
        "energy",
        "kgCO2e",
        "Boavizta (`boaviztapi` 2.5.0): about 940 kg for 2×E5-2650, 1 000–1 500 kg for 2×Gold 6430; range 1 000–3 000 kg",
    ),
    "embodied_lifetime_years": AssumptionInfo(
        "energy", "years", "Parcimonie default, to confirm per authority (= depreciation duration)"
    ),
    "install_eur_per_host": AssumptionInfo("hardware", "€ HT per host", "Parcimonie default, to confirm per authority"),
    "default_server_price_eur": AssumptionInfo("hardware", "€ HT", "Parcimonie default, to confirm per authority"),
    "default_warranty_years": AssumptionInfo(
        "hardware", "years", "Parcimonie default, to confirm per authority (usual OEM base warranty)"
    ),
    "support_rate_per_year": AssumptionInfo(
        "hardware", "share of price per year", "Parcimonie default, to confirm per authority"
    ),
    "support_rate_increase_per_year": AssumptionInfo(
        "hardware", "share of price per year", "Parcimonie default, to confirm per authority"
    ),
    "vsphere_enabled": AssumptionInfo(
        "licences", "switch", "VMware by Broadcom (2024): per-core subscriptions (VVF/VCF)"
    ),
    "vsphere_model": AssumptionInfo(
        "licences",
        "per_core, per_host, per_socket, contract, none",
        "VMware by Broadcom (2024): per-core subscription; other models: the authority's own agreement, to confirm per authority",
    ),
    "vsphere_eur_per_core_per_year": AssumptionInfo(
        "licences",
        "€ HT per core per year",
        "Parcimonie default, to confirm per authority; reported list prices about 135 US$ (VVF) and 350 US$ (VCF) per core per year (Redress Compliance, 2026, from Broadcom material)",
    ),
    "vsphere_min_cores_per_cpu": AssumptionInfo(
        "licences", "cores", "VMware by Broadcom (2024): 16 cores minimum per CPU"
    ),
    "vsphere_min_cores_per_order": AssumptionInfo(
        "licences",
        "cores",
        "VMware by Broadcom, from 10 April 2025: 72 cores minimum per order (trade press; reported relaxed since by some sources, to confirm per authority; 0 drops it)",
    ),
    "vsphere_eur_per_host_per_year": AssumptionInfo(
        "licences",
        "€ HT per host per year",
        "Parcimonie default, to confirm per authority: 2 × 16 × 150, the per-core default of a host of two CPUs of at most 16 cores",
    ),
    "vsphere_eur_per_socket_per_year": AssumptionInfo(
        "licences",
        "€ HT per CPU per year",
        "Parcimonie default, to confirm per authority: 16 × 150, the per-core default of one CPU of at most 16 cores",
    ),
    "vsphere_contract_eur_per_year": AssumptionInfo("licences", "€ HT per year", "The authority's contract"),
    "vsphere_contract_end_year": AssumptionInfo(
        "licences", "year", "The authority's contract (default: no end within the horizon)"
    ),
    "windows_enabled": AssumptionInfo(
        "licences",
        "switch",
        "Microsoft Windows Server licensing: Datacenter per physical core, unlimited Windows VMs on the host",
    ),
    "windows_datacenter_eur_per_core": AssumptionInfo(
        "licences",
        "€ HT per core",
        "Parcimonie default, to confirm per authority; account 2051 and its FCTVA exclusion: M57 and the FCTVA arrêté of 30 December 2020",
    ),
    "windows_min_cores_per_cpu": AssumptionInfo(
        "licences", "cores", "Microsoft Windows Server 2022/2025 licensing: 8 cores minimum per processor"
    ),
    "windows_min_cores_per_server": AssumptionInfo(
        "licences",
        "cores",
        "Microsoft Windows Server 2022/2025 licensing: 16 cores minimum per server, sold in 2-core packs",
    ),
    "windows_amortisation_years": AssumptionInfo(
        "licences",
        "years",
        "M57 indicative scale of amortisation durations: 2 years for software; the duration is voted by the assembly",
    ),
    "windows_software_assurance_rate": AssumptionInfo(
        "licences", "share of licence price per year", "Parcimonie default, to confirm per authority"
    ),
    "windows_licences_owned_cores": AssumptionInfo(
        "licences",
        "cores",
        "The authority's licence inventory, to confirm per authority; reassignment: Microsoft Product Terms (not within 90 days of the last one, except on permanent hardware failure)",
    ),
    "commissioning_month": AssumptionInfo(
        "transition",
        "month (1-12)",
        "Parcimonie default (a spring purchase in service in July), to confirm per authority; 1 gives the 1 January swap",
    ),
    "parallel_run_months": AssumptionInfo(
        "transition", "months (0-12)", "Parcimonie default, to confirm per authority"
    ),
    "disposal_eur_per_host": AssumptionInfo(
        "transition",
        "€ HT per host",
        "WEEE (collection by an éco-organisme, often free for professional equipment); erasure price: Parcimonie default, to confirm per authority",
    ),
    "migration_hours_per_vm": AssumptionInfo(
        "transition",
        "hours per VM",
        "Parcimonie default, to confirm per authority (a vMotion is minutes; checks and rollback plans take longer)",
    ),
    "training_eur": AssumptionInfo(
        "transition", "€ HT, once", "Parcimonie default, to confirm per authority (order of a 2–3 day vendor course)"
    ),
    "staff_hours_per_host_per_year": AssumptionInfo(
        "staff_space",
        "hours per host per year",
        "Parcimonie default, to confirm per authority (Azure Migrate models admin labour as VMs ÷ VMs per admin × hours); freed staff time is capacity, not a budget credit (chapter 012)",
    ),
    "staff_eur_per_hour": AssumptionInfo("staff_space", "€ per hour", "Parcimonie default, to confirm per authority"),
    "rack_eur_per_u_per_year": AssumptionInfo(
        "staff_space", "€ per rack unit per year", "Parcimonie default, to confirm per authority"
    ),
    "staff_savings_are_cash": AssumptionInfo(
        "staff_space", "switch", "M57: staff is chapter 012, paid whatever the number of hosts; Parcimonie default"
    ),
    "rack_savings_are_cash": AssumptionInfo(
        "staff_space", "switch", "Parcimonie default: an owned server room costs the same with empty units"
    ),
    "cpu_comfort_factor": AssumptionInfo(
        "sizing",
        "ratio",
        "Azure Migrate applies 1.3 on top of P95; 1.0 here because the utilisation ceiling already keeps headroom (set 1.3 to mimic Azure Migrate; both together double-count)",
    ),
    "cpu_unknown_fraction": AssumptionInfo(
        "sizing",
        "share of allocation",
        "Parcimonie default, to confirm per authority (the source texts say servers are mostly idle)",
    ),
    "sample_safety_factor": AssumptionInfo(
        "sizing",
        "ratio",
        "Parcimonie reasoning, to confirm per authority: one export reads the load of one moment, on average the mean; a server's P95 is commonly 1.5 to 2 times its mean CPU (Azure Migrate sizes on P95 with a further 1.3 comfort factor); measured P95 (vSphere statistics) replaces it",
    ),
    "confidence_min_days": AssumptionInfo(
        "sizing",
        "days",
        "Azure Migrate offers performance history of one day, one week or one month and recommends at least a day; a week covers the weekly cycle of a local authority (weekdays, weekends, night batches)",
    ),
    "demand_growth_per_year": AssumptionInfo(
        "sizing",
        "share per year",
        "measured by `parcimonie capacity` (Theil–Sen), or set by the user; 0 without history",
    ),
    "reclaim_powered_off_days": AssumptionInfo(
        "sizing",
        "days",
        'VMware Aria Operations reclamation settings: VMs "continuously powered off during the defined period" (period chosen per authority; Parcimonie default)',
    ),
    "idle_cpu_share": AssumptionInfo(
        "sizing",
        "share of allocation",
        "VMware Aria Operations idle criteria (CPU below a threshold most of the time) and Azure Migrate (P95 of observed utilisation); 5 % is a Parcimonie default, to confirm per authority",
    ),
    "idle_cpu_mhz": AssumptionInfo(
        "sizing",
        "MHz",
        "VMware Aria Operations (vRealize Operations) default idle criterion: CPU demand of 100 MHz",
    ),
    "idle_memory_share": AssumptionInfo(
        "sizing", "share of allocation", "Parcimonie default, to confirm per authority"
    ),
    "rightsize_headroom": AssumptionInfo(
        "sizing", "ratio", "Azure Migrate performance-based sizing: comfort factor 1.3 on P95"
    ),
    "vm_licence_eur_per_vcpu_per_year": AssumptionInfo(
        "licences", "€ HT per vCPU per year", "Parcimonie default (none), to confirm per authority"
    ),
    "replacement_age_years": AssumptionInfo(
        "sizing", "years", "Parcimonie default, to confirm per authority (= depreciation duration)"
    ),
    "reference_year": AssumptionInfo("sizing", "year", "Parcimonie default"),
}
#: ``optimizer.Policy`` field (the sizing policy, set on the Consolidation and Finances pages) → its row.
POLICY_INFO: dict[str, AssumptionInfo] = {
    "ceiling": AssumptionInfo(
        "sizing",
        "share of capacity",
        "Capacity tools' headroom; Azure Migrate AVS assessment caps utilisation at 80 %; `CAUTIOUS_CEILING` (0.40) as a preset",
    ),
    "ha_reserve_hosts": AssumptionInfo("sizing", "hosts", "Capacity tools' HA reserve, N+1 per cluster"),
    "scope": AssumptionInfo("sizing", "choice", "Parcimonie default"),
    "use_memory_p95": AssumptionInfo(
        "sizing", "switch", "Parcimonie default (Azure Migrate sizes on P95 of observed utilisation)"
    ),
    "include_powered_off": AssumptionInfo("sizing", "switch", "Parcimonie default"),
    "include_templates": AssumptionInfo("sizing", "switch", "Parcimonie default"),
    "vcpu_ratio": AssumptionInfo(
        "sizing",
        "vCPUs per physical core",
        'Common practice for server workloads, "about 4:1" (Guthrie, *VMware vSphere 6.7 Data Center Design Cookbook*, Packt, "Determining the vCPU-to-core ratio"); VMware vCloud Architecture Toolkit, *Architecting a vSphere Compute Platform* §5.8: the ratio depends on the workload, vSphere allows at most 32 vCPUs per physical core',
    ),
    "memory_overcommit": AssumptionInfo(
        "sizing",
        "ratio to physical memory",
        "Parcimonie default (off); VMware *Performance Best Practices for vSphere*: overcommitted memory is reclaimed by ballooning, compression and swapping, so a cap (e.g. 1.2–1.5) keeps plans away from it; to confirm per authority",
    ),
    "demand": AssumptionInfo(
        "sizing",
        "choice",
        "Parcimonie method (docs/profiles.md): usage profiles packed slot by slot (peak of sums) when most VMs have one, never more hosts than the P95",
    ),
}
