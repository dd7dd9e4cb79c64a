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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from collectors.imports.limits import IDENTITY_LENGTH, preview
from collectors.imports.readers import read_csv, read_xlsx
from collectors.imports.rvtools_columns import ALL_TABS, COLUMNS, CORES, DISK_USED, MAIN_TABS, TABS
from collectors.imports.rvtools_names import HostNames, name_counts
from collectors.imports.rvtools_usage import (
    USAGE_TABS,
    VmUsage,
    host_usage,
    internal_headers,
    usage_key,
)
from collectors.imports.tabular import (
    ParsedRow,
    ParseOptions,
    Sheet,
    format_number,
    match_columns,
    parse_rows,
)
from collectors.imports.xlsx_fast import UnreadableXlsx, read_xlsx_fast
from inventory.enums import PowerState, UsageSource
from inventory.errors import InvalidSourceData
from inventory.records import (
    ClusterRecord,
    DatastoreRecord,
    HostRecord,
    SiteRecord,
    Snapshot,
    VirtualMachineRecord,
)

_POWER = {"poweredon": PowerState.ON, "poweredoff": PowerState.OFF, "suspended": PowerState.SUSPENDED}


@dataclass
class RvtoolsImport:
    """What an RVTools export gave: the snapshot, its source, the tabs present and absent, and
    the data rows read per tab (an empty main tab means an incomplete export)."""

    source: str
    snapshot: Snapshot
    present_tabs: list[str] = field(default_factory=list)
    missing_tabs: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    #: Hosts vInfo names that no vHost row describes (name → VMs on it): capacity unknown.
    undescribed_hosts: dict[str, int] = field(default_factory=dict)
    #: VMs the usage tabs (vCPU, vMemory, vPartition) name but vInfo does not: their rows are unused.
    unmatched_usage: list[str] = field(default_factory=list)

    @property
    def usage_counts(self) -> dict[UsageSource, int]:
        """VMs by where their usage will come from: a sample of vCPU/vMemory, their host's vHost
        percentages (apportioned when a plan is computed), or none (estimated from allocation)."""
        with_usage = {h.external_id for h in self.snapshot.hosts if h.usage_source is not None}
        counts = dict.fromkeys(UsageSource, 0)
        for vm in self.snapshot.vms:
            if vm.usage_source is not None:
                counts[vm.usage_source] += 1
            elif vm.host_external_id in with_usage:
                counts[UsageSource.HOST_APPORTIONED] += 1
            else:
                counts[UsageSource.ESTIMATED] += 1
        return counts

    @property
    def empty_main_tabs(self) -> list[str]:
        """vInfo or vHost present without a single row: an export cut short, not an empty estate."""
        return [tab for tab in MAIN_TABS if tab in self.present_tabs and not self.rows.get(tab)]


def read_export(path: Path) -> dict[str, Sheet]:
    """The known tabs of an export: a workbook, a folder of CSV files, or one tab's CSV file."""
    if path.is_dir():
        sheets = {}
        for tab in ALL_TABS:
            candidates = sorted(path.glob(f"*tab{tab}.csv")) or sorted(path.glob(f"{tab}.csv"))
            if candidates:
                sheets[tab] = read_csv(candidates[0], name=tab)
        if not sheets:
            raise InvalidSourceData(f"{path} : aucun fichier RVTools_tab<Onglet>.csv (vInfo, vHost…) dans ce dossier")
        return sheets
    if path.suffix.lower() == ".csv":
        match = re.search(r"tab(v[A-Za-z]+)\.csv$", path.name)
        if not match or match.group(1) not in ALL_TABS:
            raise InvalidSourceData(f"{path} : pas un fichier d'onglet RVTools (RVTools_tabvInfo.csv…)")
        return {match.group(1): read_csv(path, name=match.group(1))}
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InvalidSourceData(f"{path} : un classeur RVTools .xlsx ou un dossier de fichiers CSV est attendu")
    try:
        return read_xlsx_fast(path, only=ALL_TABS)
    except UnreadableXlsx as fast:  # openpyxl may read it; if not, the fast reader says where and why
        try:
            return read_xlsx(path, only=ALL_TABS)
        except InvalidSourceData:
            raise InvalidSourceData(f"{path} : classeur .xlsx illisible, {fast}") from None
    except Exception:  # noqa: BLE001  (anything unusual: openpyxl reads it, or names the problem)
        return read_xlsx(path, only=ALL_TABS)


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


class _Tab:
    """One parsed tab: its sheet, rows, the header each field was read from, and the line that
    first gave each identity (a second row with the same identity is refused naming both)."""

    def __init__(self, name: str, sheet: Sheet, options: ParseOptions) -> None:
        self.name, self.sheet = name, sheet
        internal_headers(sheet, name, COLUMNS[name])
        self.found = match_columns(sheet, COLUMNS[name])
        if name == "vHost" and "n_cores_per_socket" not in self.found and "n_cores" not in self.found:
            raise InvalidSourceData(
                f"{sheet.where()} : colonne(s) obligatoire(s) absente(s) : "
                f"{' ou '.join(repr(c) for c in CORES)} (cœurs par processeur ou en tout)"
            )
        self.rows = parse_rows(sheet, COLUMNS[name], options)
        self.seen: dict[str, int] = {}

    def header(self, name: str) -> str:
        return self.found[name][1] if name in self.found else name

    def error(self, row: ParsedRow, column: str | None, message: str) -> InvalidSourceData:
        return InvalidSourceData(f"{self.sheet.where(row.line, column)} : {message}")

    def once(self, row: ParsedRow, identity: str, column: str, what: str) -> None:
        """Refuse a second row for the same object, naming both lines (never the last one wins)."""
        first = self.seen.setdefault(identity, row.line)
        if first != row.line:
            raise self.error(
                row, column, f"{what} '{preview(identity)}' figure deux fois, lignes {first} et {row.line}"
            )

    def identity(self, row: ParsedRow, value: str, column: str) -> str:
        """An external id fits the inventory's column (200 characters)."""
        if len(value) > IDENTITY_LENGTH:
            raise self.error(
                row,
                column,
                f"identifiant de {len(value)} caractères, {IDENTITY_LENGTH} au plus : '{preview(value)}'",
            )
        return value


def _read_usage(tab: _Tab, usage: VmUsage) -> None:
    """Fold a usage tab into ``usage``: one row per VM in vCPU and vMemory (a second one is refused,
    naming both lines), and the partitions of a VM summed within the range the inventory stores."""
    for row in tab.rows:
        field_, key = usage_key(row.values)
        if tab.name != "vPartition":
            tab.once(row, key, tab.header(field_), "la VM")
        used = usage.add(tab.name, row).get("disk_used_gib", 0.0)
        if used > DISK_USED.max:
            vm = row.values.get("name") or key
            raise tab.error(
                row,
                tab.header("disk_used_mib"),
                f"partitions de la VM '{preview(vm)}' : {format_number(used)} Gio utilisés au total, "
                f"{format_number(DISK_USED.max)} Gio au plus",
            )


def _record(tab: _Tab, row: ParsedRow, make: Callable[..., Any], **values: Any) -> Any:
    """A record built from a row; a value the record refuses names the line instead of a traceback."""
    try:
        return make(**values)
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])} : {e['msg']}" for e in err.errors())
        raise tab.error(row, None, f"valeur refusée ({problems})") from None


def _cores(tab: _Tab, row: ParsedRow) -> int:
    v = row.values
    if "n_cores_per_socket" in v:
        return int(v["n_cores_per_socket"])
    if "n_cores" not in v:
        raise tab.error(row, CORES[0], f"vide, une valeur est requise ici ou dans '{CORES[1]}'")
    if v["n_sockets"] == 0 or v["n_cores"] % v["n_sockets"]:
        raise tab.error(
            row,
            tab.header("n_cores"),
            f"{v['n_cores']} cœurs ne se répartissent pas sur {v['n_sockets']} processeur(s)",
        )
    return int(v["n_cores"] // v["n_sockets"])


def import_rvtools(path: Path, *, source: str | None = None, options: ParseOptions = RVTOOLS_OPTIONS) -> RvtoolsImport:
    """Read an RVTools export into a snapshot; raises ``InvalidSourceData`` naming file/sheet/line/column.

    Every row is checked before anything is returned: two rows for one VM, host, cluster or
    datastore are refused naming both lines; identities fit the inventory (200 characters).
    """
    options.check()
    sheets = read_export(path)
    tabs = {tab: _Tab(tab, sheet, options) for tab, sheet in sheets.items()}
    parsed = {tab: t.rows for tab, t in tabs.items()}
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", path.stem)
    name = source or _first_vcenter(parsed) or stem
    if len(name) > IDENTITY_LENGTH - len("rvtools:") or any(ord(c) < 32 for c in name):
        raise InvalidSourceData(
            f"{path} : nom de source '{preview(name)}' invalide : {IDENTITY_LENGTH - len('rvtools:')} caractères "
            "au plus, sans caractère de contrôle"
        )
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

    if "vCluster" in tabs:
        tab = tabs["vCluster"]
        for row in tab.rows:
            v = row.values
            tab.once(row, v["name"], tab.header("name"), "le cluster")
            values = _set(v, "ha_enabled", "drs_enabled")
            if "ha_failover_level" in v:
                values["ha_host_failures_tolerated"] = v["ha_failover_level"]
            clusters[v["name"]] = _record(
                tab,
                row,
                ClusterRecord,
                external_id=v["name"],
                name=v["name"],
                site_external_id=site(v.get("datacenter")),
                **values,
            )
    if "vHost" in tabs:
        tab = tabs["vHost"]
        for row in tab.rows:
            v = row.values
            tab.once(row, v["name"], tab.header("name"), "l'hôte")
            values = _set(v, "cpu_model", "cpu_mhz", "n_sockets", "memory_mib", "vendor", "model", "hypervisor_version")
            values["n_cores_per_socket"] = _cores(tab, row)
            values.update(host_usage(v, values["n_cores_per_socket"]))
            serial = v.get("serial_number") or v.get("service_tag")
            if serial:
                values["serial_number"] = serial
            hosts[v["name"]] = _record(
                tab,
                row,
                HostRecord,
                external_id=v["name"],
                name=v["name"],
                site_external_id=site(v.get("datacenter")),
                cluster_external_id=cluster(v.get("cluster"), v.get("datacenter")),
                power_state=PowerState.ON,
                **values,
            )
    vms: list[VirtualMachineRecord] = []
    usage = VmUsage()
    for name_ in USAGE_TABS:
        if name_ in tabs:
            _read_usage(tabs[name_], usage)
    names = name_counts(tabs["vInfo"].rows if "vInfo" in tabs else [])
    described = HostNames(hosts)
    undescribed: dict[str, int] = {}
    if "vInfo" in tabs:
        tab = tabs["vInfo"]
        for row in tab.rows:
            v = row.values
            key = next((k for k in ("instance_uuid", "vm_uuid", "name") if v.get(k)), "name")
            external_id = tab.identity(row, str(v[key]), tab.header(key))
            tab.once(row, external_id, tab.header(key), "la VM")
            values = _set(v, "n_vcpus", "memory_mib", "storage_provisioned_gib", "storage_used_gib", "is_template")
            guest = v.get("os_tools") or v.get("os_config")
            if guest:
                values["guest_os"] = guest
            if "power" in v:
                values["power_state"] = _power(v["power"])
            values.update(usage.for_vm(v, names.get(v["name"], 0) == 1))
            host = described.resolve(v.get("host"))
            if host and host not in hosts:
                undescribed[host] = 0
                hosts[host] = HostRecord(
                    external_id=host,
                    name=host,
                    site_external_id=site(v.get("datacenter")),
                    cluster_external_id=cluster(v.get("cluster"), v.get("datacenter")),
                )
            if host in undescribed:
                undescribed[host] += 1
            vms.append(
                _record(
                    tab,
                    row,
                    VirtualMachineRecord,
                    external_id=external_id,
                    name=v["name"],
                    host_external_id=host or None,
                    cluster_external_id=cluster(v.get("cluster"), v.get("datacenter")),
                    **values,
                )
            )
    datastores: list[DatastoreRecord] = []
    if "vDatastore" in tabs:
        tab = tabs["vDatastore"]
        for row in tab.rows:
            tab.once(row, row.values["name"], tab.header("name"), "le datastore")
            datastores.append(
                _record(
                    tab,
                    row,
                    DatastoreRecord,
                    external_id=row.values["name"],
                    site_external_id=site(row.values.get("datacenter")),
                    **_set(row.values, "name", "kind", "capacity_gib", "free_gib"),
                )
            )
    present = [t for t in ALL_TABS if t in sheets]
    missing = [t for t in TABS if t not in sheets]
    snapshot = Snapshot(
        sites=list(sites.values()),
        clusters=list(clusters.values()),
        hosts=list(hosts.values()),
        vms=vms,
        datastores=datastores,
        complete=not missing,
    )
    counts = {tab: len(t.rows) for tab, t in tabs.items()}
    return RvtoolsImport(f"rvtools:{name}", snapshot, present, missing, counts, undescribed, usage.unmatched())
