"""RVTools exports (.xlsx workbook, or the folder of ``RVTools_tab<Sheet>.csv`` files) → a snapshot.

Tabs are read by header name, never by position: header cells are stripped, unknown columns
(vCenter custom attributes…) ignored, and older exports that say "MB" read like newer ones that
say "MiB" (RVTools always counted in MiB). The tabs present are imported; the missing ones are
named in ``RvtoolsImport.missing_tabs``. The snapshot is complete (objects absent from the
export are marked missing) only when vInfo, vHost, vCluster and vDatastore are all there.

Identity in the source ``rvtools:<vCenter>`` (the "VI SDK Server" column, else the file name):
VMs by "VM Instance UUID" (else "VM UUID", else name), hosts, clusters, datastores and sites by name.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from collectors.imports.tabular import Column, ParsedRow, ParseOptions, Sheet, parse_rows, read_csv, read_xlsx
from inventory.enums import PowerState
from inventory.errors import InvalidSourceData
from inventory.records import (
    ClusterRecord,
    DatastoreRecord,
    HostRecord,
    SiteRecord,
    Snapshot,
    VirtualMachineRecord,
)

TABS = ("vInfo", "vHost", "vCluster", "vDatastore")
GIB_PER_MIB = 1 / 1024

VINFO = (
    Column("name", ("VM",), required=True),
    Column("power", ("Powerstate", "Power state")),
    Column("is_template", ("Template",), "bool"),
    Column("n_vcpus", ("CPUs", "Num CPU"), "int"),
    Column("memory_mib", ("Memory", "Memory MiB", "Memory MB"), "float"),
    Column("storage_provisioned_gib", ("Provisioned MiB", "Provisioned MB"), "float", GIB_PER_MIB),
    Column("storage_used_gib", ("In Use MiB", "In Use MB"), "float", GIB_PER_MIB),
    Column("datacenter", ("Datacenter",)),
    Column("cluster", ("Cluster",)),
    Column("host", ("Host",)),
    Column("os_tools", ("OS according to the VMware Tools",)),
    Column("os_config", ("OS according to the configuration file", "OS")),
    Column("vm_uuid", ("VM UUID", "UUID")),
    Column("instance_uuid", ("VM Instance UUID", "Instance UUID")),
    Column("vcenter", ("VI SDK Server",)),
)
VHOST = (
    Column("name", ("Host",), required=True),
    Column("datacenter", ("Datacenter",)),
    Column("cluster", ("Cluster",)),
    Column("cpu_model", ("CPU Model",)),
    Column("cpu_mhz", ("Speed", "CPU Speed"), "float"),
    Column("n_sockets", ("# CPU", "CPU Sockets"), "int"),
    Column("n_cores_per_socket", ("Cores per CPU",), "int"),
    Column("n_cores", ("# Cores",), "int"),
    Column("memory_mib", ("# Memory", "Memory", "# Memory MiB", "# Memory MB"), "float"),
    Column("vendor", ("Vendor",)),
    Column("model", ("Model",)),
    Column("serial_number", ("Serial number", "Serial Number")),
    Column("service_tag", ("Service tag", "Service Tag")),
    Column("hypervisor_version", ("ESX Version",)),
    Column("vcenter", ("VI SDK Server",)),
)
VCLUSTER = (
    Column("name", ("Name", "Cluster"), required=True),
    Column("datacenter", ("Datacenter",)),
    Column("ha_enabled", ("HA enabled", "HA Enabled"), "bool"),
    Column("ha_failover_level", ("Failover Level", "HA Failover Level"), "int"),
    Column("drs_enabled", ("DRS enabled", "DRS Enabled"), "bool"),
)
VDATASTORE = (
    Column("name", ("Name", "Datastore"), required=True),
    Column("kind", ("Type",)),
    Column("capacity_gib", ("Capacity MiB", "Capacity MB"), "float", GIB_PER_MIB),
    Column("free_gib", ("Free MiB", "Free MB"), "float", GIB_PER_MIB),
    Column("datacenter", ("Datacenter",)),
)
COLUMNS = {"vInfo": VINFO, "vHost": VHOST, "vCluster": VCLUSTER, "vDatastore": VDATASTORE}
_POWER = {"poweredon": PowerState.ON, "poweredoff": PowerState.OFF, "suspended": PowerState.SUSPENDED}


@dataclass
class RvtoolsImport:
    """What an RVTools export gave: the snapshot, its source, and the tabs that were absent."""

    source: str
    snapshot: Snapshot
    present_tabs: list[str] = field(default_factory=list)
    missing_tabs: list[str] = field(default_factory=list)


def read_export(path: Path) -> dict[str, Sheet]:
    """The known tabs of an export: a workbook, a folder of CSV files, or one tab's CSV file."""
    if path.is_dir():
        sheets = {}
        for tab in TABS:
            candidates = sorted(path.glob(f"*tab{tab}.csv")) or sorted(path.glob(f"{tab}.csv"))
            if candidates:
                sheets[tab] = read_csv(candidates[0], name=tab)
        if not sheets:
            raise InvalidSourceData(f"{path} : aucun fichier RVTools_tab<Onglet>.csv (vInfo, vHost…) dans ce dossier")
        return sheets
    if path.suffix.lower() == ".csv":
        match = re.search(r"tab(v[A-Za-z]+)\.csv$", path.name)
        if not match or match.group(1) not in TABS:
            raise InvalidSourceData(f"{path} : pas un fichier d'onglet RVTools (RVTools_tabvInfo.csv…)")
        return {match.group(1): read_csv(path, name=match.group(1))}
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InvalidSourceData(f"{path} : un classeur RVTools .xlsx ou un dossier de fichiers CSV est attendu")
    return read_xlsx(path, only=TABS)


def _power(value: str | None) -> PowerState:
    return _POWER.get((value or "").replace(" ", "").lower(), PowerState.UNKNOWN)


def _set(values: dict[str, Any], *names: str) -> dict[str, Any]:
    return {n: values[n] for n in names if n in values}


def _first_vcenter(parsed: dict[str, list[ParsedRow]]) -> str | None:
    for rows in parsed.values():
        for row in rows:
            if row.values.get("vcenter"):
                return str(row.values["vcenter"])
    return None


RVTOOLS_OPTIONS = ParseOptions(decimal=".", date_format="iso")


def import_rvtools(path: Path, *, source: str | None = None, options: ParseOptions = RVTOOLS_OPTIONS) -> RvtoolsImport:
    """Read an RVTools export into a snapshot; raises ``InvalidSourceData`` naming file/sheet/line/column."""
    sheets = read_export(path)
    parsed = {tab: parse_rows(sheet, COLUMNS[tab], options) for tab, sheet in sheets.items()}
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", path.stem)
    name = source or _first_vcenter(parsed) or stem
    sites: dict[str, SiteRecord] = {}
    clusters: dict[str, ClusterRecord] = {}
    hosts: dict[str, HostRecord] = {}

    def site(value: Any) -> str | None:
        if not value:
            return None
        sites.setdefault(value, SiteRecord(external_id=value, name=value))
        return str(value)

    def cluster(value: Any, datacenter: Any) -> str | None:
        if not value:
            return None
        if value not in clusters:
            clusters[value] = ClusterRecord(external_id=value, name=value, site_external_id=site(datacenter))
        return str(value)

    for row in parsed.get("vCluster", []):
        v = row.values
        values = _set(v, "ha_enabled", "drs_enabled")
        if "ha_failover_level" in v:
            values["ha_host_failures_tolerated"] = v["ha_failover_level"]
        if v["name"] in clusters:
            raise InvalidSourceData(
                f"{sheets['vCluster'].where(row.line, 'Name')} : le cluster '{v['name']}' apparaît deux fois"
            )
        clusters[v["name"]] = ClusterRecord(
            external_id=v["name"], name=v["name"], site_external_id=site(v.get("datacenter")), **values
        )
    for row in parsed.get("vHost", []):
        v = row.values
        values = _set(v, "cpu_model", "cpu_mhz", "n_sockets", "memory_mib", "vendor", "model", "hypervisor_version")
        cores = v.get("n_cores_per_socket")
        if cores is None and v.get("n_cores") and v.get("n_sockets"):
            cores = v["n_cores"] // v["n_sockets"]
        if cores is not None:
            values["n_cores_per_socket"] = cores
        serial = v.get("serial_number") or v.get("service_tag")
        if serial:
            values["serial_number"] = serial
        hosts[v["name"]] = HostRecord(
            external_id=v["name"],
            name=v["name"],
            site_external_id=site(v.get("datacenter")),
            cluster_external_id=cluster(v.get("cluster"), v.get("datacenter")),
            power_state=PowerState.ON,
            **values,
        )
    vms: list[VirtualMachineRecord] = []
    for row in parsed.get("vInfo", []):
        v = row.values
        values = _set(v, "n_vcpus", "memory_mib", "storage_provisioned_gib", "storage_used_gib", "is_template")
        guest = v.get("os_tools") or v.get("os_config")
        if guest:
            values["guest_os"] = guest
        if "power" in v:
            values["power_state"] = _power(v["power"])
        host = v.get("host")
        if host and host not in hosts:
            hosts[host] = HostRecord(
                external_id=host,
                name=host,
                site_external_id=site(v.get("datacenter")),
                cluster_external_id=cluster(v.get("cluster"), v.get("datacenter")),
            )
        vms.append(
            VirtualMachineRecord(
                external_id=str(v.get("instance_uuid") or v.get("vm_uuid") or v["name"]),
                name=v["name"],
                host_external_id=host or None,
                cluster_external_id=cluster(v.get("cluster"), v.get("datacenter")),
                **values,
            )
        )
    datastores = [
        DatastoreRecord(
            external_id=row.values["name"],
            site_external_id=site(row.values.get("datacenter")),
            **_set(row.values, "name", "kind", "capacity_gib", "free_gib"),
        )
        for row in parsed.get("vDatastore", [])
    ]
    present = [t for t in TABS if t in sheets]
    missing = [t for t in TABS if t not in sheets]
    snapshot = Snapshot(
        sites=list(sites.values()),
        clusters=list(clusters.values()),
        hosts=list(hosts.values()),
        vms=vms,
        datastores=datastores,
        complete=not missing,
    )
    return RvtoolsImport(f"rvtools:{name}", snapshot, present, missing)
