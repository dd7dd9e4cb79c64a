"""Usage figures of an RVTools export: vCPU, vMemory and vPartition per VM, vHost percentages.

RVTools reads vCenter's quick statistics at the moment of the export: every figure here is a
point-in-time sample (``UsageSource.SAMPLE``), never a P95. Per VM: "Overall" CPU MHz (vCPU),
consumed, active, ballooned and swapped memory MiB (vMemory), used space of the guest's partitions
summed (vPartition). Per host: "CPU usage %" and "Memory usage %" of vHost, turned into MHz and MiB.

Rows of these tabs designate a VM by "VM Instance UUID", else "VM UUID", else its name (a name
only when no other VM of the vInfo tab bears it). "Max", "Ready" and "Co-Stop" are recognised and
checked but not stored. Headers may be RVTools' internal names ("vInfoVMName", "vCPUOverall"):
``internal_headers`` rewrites them to the names the columns know.
"""

from collections.abc import Sequence
from typing import Any

from collectors.imports.tabular import Column, ParsedRow, Sheet, normalise_header
from inventory.enums import UsageSource

USAGE_TABS = ("vCPU", "vMemory", "vPartition")
_KEYS = (
    Column("instance_uuid", ("VM Instance UUID", "Instance UUID")),
    Column("vm_uuid", ("VM UUID", "UUID")),
    Column("name", ("VM", "VM Name"), required=True),
)
VCPU = (
    *_KEYS,
    Column("cpu_overall_mhz", ("Overall", "Overall MHz", "Overall Cpu Usage"), "float"),
    Column("cpu_max_mhz", ("Max", "Max MHz"), "float"),
    Column("cpu_ready_percent", ("Ready", "Ready %", "CPU Ready %"), "float"),
    Column("cpu_costop_percent", ("Co-Stop", "Co-Stop %", "CoStop"), "float"),
)
VMEMORY = (
    *_KEYS,
    Column("memory_consumed_mib", ("Consumed", "Consumed MiB", "Consumed MB"), "float"),
    Column("memory_active_mib", ("Active", "Active MiB", "Active MB"), "float"),
    Column("memory_ballooned_mib", ("Ballooned", "Ballooned MiB", "Ballooned MB"), "float"),
    Column("memory_swapped_mib", ("Swapped", "Swapped MiB", "Swapped MB"), "float"),
)
VPARTITION = (
    *_KEYS,
    Column("disk_used_mib", ("Consumed MiB", "Consumed MB", "Consumed"), "float"),
)
USAGE_COLUMNS: dict[str, tuple[Column, ...]] = {"vCPU": VCPU, "vMemory": VMEMORY, "vPartition": VPARTITION}
#: vHost columns of the host's usage at the export's moment (percent of its capacity).
HOST_USAGE = (
    Column("cpu_usage_percent", ("CPU usage %", "CPU Usage %", "Cpu Usage Percentage"), "float"),
    Column("memory_usage_percent", ("Memory usage %", "Memory Usage %", "Memory Usage Percentage"), "float"),
)
_VM_FIELDS = ("memory_consumed_mib", "memory_active_mib", "memory_ballooned_mib", "memory_swapped_mib")


def _compact(text: str) -> str:
    return normalise_header(text).replace(" ", "")


def internal_headers(sheet: Sheet, tab: str, columns: Sequence[Column]) -> None:
    """Rewrite RVTools' internal header names in place: "vInfoVMName" → "VM Name", "vCPUOverall" →
    "Overall". A header is rewritten only when, without its tab prefix and its spaces, it is one of
    the columns' aliases; every other header stays as written (and unknown ones are ignored)."""
    aliases = {_compact(a): a for c in columns for a in c.aliases}
    known = {normalise_header(a) for c in columns for a in c.aliases}
    headers = []
    for header in sheet.headers:
        text = str(header)
        if normalise_header(text) not in known:
            bare = text[len(tab) :] if text.lower().startswith(tab.lower()) and len(text) > len(tab) else text
            text = aliases.get(_compact(bare), text)
        headers.append(text)
    sheet.headers = headers


def usage_key(values: dict[str, Any]) -> tuple[str, str]:
    """The field a usage row designates its VM by (instance UUID, else VM UUID, else name) and its value."""
    return next((k, str(values[k])) for k in ("instance_uuid", "vm_uuid", "name") if values.get(k))


class VmUsage:
    """Usage rows by VM: the fields each VM gets, found by instance UUID, VM UUID or unique name."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], dict[str, Any]] = {}
        self.used: set[tuple[str, str]] = set()

    def add(self, tab: str, row: ParsedRow) -> dict[str, Any]:
        """Fold one row of vCPU, vMemory or vPartition into its VM's figures (returned)."""
        v = row.values
        key = usage_key(v)
        figures = self.by_key.setdefault(key, {})
        if tab == "vCPU" and "cpu_overall_mhz" in v:
            figures["cpu_usage_p95_mhz"] = v["cpu_overall_mhz"]
        elif tab == "vMemory":
            figures.update({n: v[n] for n in _VM_FIELDS if n in v})
            if "memory_consumed_mib" in v:
                figures["memory_usage_p95_mib"] = v["memory_consumed_mib"]
        elif tab == "vPartition" and "disk_used_mib" in v:
            figures["disk_used_gib"] = figures.get("disk_used_gib", 0.0) + v["disk_used_mib"] / 1024
        return figures

    def for_vm(self, values: dict[str, Any], unique_name: bool) -> dict[str, Any]:
        """The usage fields of the vInfo row ``values`` (with ``usage_source``), or {} without any."""
        found: dict[str, Any] = {}
        for key in ("instance_uuid", "vm_uuid", "name"):
            if values.get(key) and (key != "name" or unique_name):
                wanted = (key, str(values[key]))
                if wanted in self.by_key:
                    self.used.add(wanted)
                    found.update(self.by_key[wanted])
        if "cpu_usage_p95_mhz" in found or "memory_usage_p95_mib" in found:
            found["usage_source"] = UsageSource.SAMPLE
        return found

    def unmatched(self) -> list[str]:
        """The VMs (as the usage tabs name them) that no vInfo row matched: their figures are unused."""
        return sorted(value for key in self.by_key.keys() - self.used for value in key[1:])


def host_usage(values: dict[str, Any], n_cores: int) -> dict[str, Any]:
    """A vHost row's usage percentages as the host's CPU MHz and memory MiB (a sample)."""
    found: dict[str, Any] = {}
    if "cpu_usage_percent" in values and values.get("cpu_mhz"):
        capacity_mhz = n_cores * values["n_sockets"] * values["cpu_mhz"]
        found["cpu_usage_p95_mhz"] = values["cpu_usage_percent"] / 100 * capacity_mhz
    if "memory_usage_percent" in values and values.get("memory_mib"):
        found["memory_usage_p95_mib"] = values["memory_usage_percent"] / 100 * values["memory_mib"]
    if found:
        found["usage_source"] = UsageSource.SAMPLE
    return found
