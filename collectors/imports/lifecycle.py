"""Spreadsheet and GLPI exports of hosts or VMs (CSV or .xlsx), in French or English.

Headers are matched by name against the aliases below (case, accents and punctuation ignored;
GLPI's "Informations financières - Date d'achat" matches "Date d'achat"). Numbers accept decimal
commas and spaces as thousands separators, dates DD/MM/YYYY (``--date-format`` for others);
encoding (UTF-8 with or without BOM, else cp1252) and separator (';', ',' or tab) are detected
unless forced. Host rows enrich hosts already known by serial number or name
(``inventory.enrichment``); VM rows land in the import's own source (``collectors.imports.lists``).

Every VM needs a size: a VM list without a vCPU or a memory column, or a row with an empty one, is
refused (the planner would count it as no demand) unless ``ReadOptions.allow_missing_sizes``.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from collectors.imports.limits import IDENTITY_LENGTH, NAME_LENGTH, preview
from collectors.imports.readers import check_delimiter, read_csv, read_xlsx
from collectors.imports.tabular import (
    Column,
    ParsedRow,
    ParseOptions,
    Sheet,
    parse_rows,
)
from inventory.enums import LifecycleStatus, PowerState
from inventory.errors import InvalidSourceData
from inventory.records import HostRecord, VirtualMachineRecord

Kind = Literal["hosts", "vms"]

# Memory: the unit comes from the cell ("8 Go") or else from the header ("Mémoire (Go)"); Go/GB are
# binary units, as vSphere counts them. The first alias names the column in messages.
MEMORY_ALIASES = (
    "Mémoire (Go)", "Mémoire (Gio)", "Mémoire (Mo)", "Mémoire (Mio)", "Memoire Go", "Memoire Gio",
    "Memoire Mo", "Memoire Mio", "Memory (GiB)", "Memory (GB)", "Memory (MiB)", "Memory (MB)",
    "Memory GiB", "Memory MiB", "RAM (Go)", "RAM (Gio)", "RAM (Mo)", "RAM (Mio)", "RAM (GiB)", "RAM (GB)",
    "RAM (MiB)", "RAM (MB)", "Mémoire vive", "Mémoire", "Memory", "RAM",
)  # fmt: skip
VCPU_ALIASES = ("vCPU", "vCPUs", "Nombre de vCPU", "CPU", "CPUs", "Processeurs", "Nombre de processeurs", "Num CPU")
_SIZE_HINT = "vide : une VM sans taille fausserait le plan (option --allow-missing-sizes pour l'accepter)"

HOST_COLUMNS = (
    Column("name", ("Nom", "Name", "Hostname", "Nom d'hôte", "Host"), required=True, max_length=NAME_LENGTH),
    Column("serial_number", ("Numéro de série", "N° de série", "Serial number", "Serial", "Numero de serie")),
    Column("vendor", ("Fabricant", "Constructeur", "Manufacturer", "Vendor")),
    Column("model", ("Modèle", "Model")),
    Column("cpu_model", ("Processeur", "Modèle de processeur", "CPU model", "Processor")),
    Column("n_sockets", ("Sockets", "Nombre de processeurs", "Processeurs", "CPU sockets"), "int"),
    Column(
        "n_cores_per_socket",
        ("Cœurs par processeur", "Coeurs par processeur", "Cores per socket", "Cores per CPU"),
        "int",
    ),
    Column("cpu_mhz", ("Fréquence (MHz)", "Frequence MHz", "CPU MHz", "Speed (MHz)"), "float"),
    Column("memory_mib", MEMORY_ALIASES, "memory"),
    Column("purchase_date", ("Date d'achat", "Purchase date", "Date of purchase"), "date"),
    Column("purchase_price_eur", ("Valeur", "Prix", "Prix d'achat", "Value", "Price", "Purchase price"), "float"),
    Column(
        "warranty_end",
        ("Fin de garantie", "Date de fin de garantie", "Warranty end", "Warranty expiration date"),
        "date",
    ),
    Column(
        "warranty_months",
        ("Durée de garantie (mois)", "Durée de garantie", "Warranty duration (months)", "Warranty duration"),
        "int",
    ),
    Column(
        "warranty_start",
        ("Date de début de garantie", "Début de garantie", "Warranty start date", "Start date of warranty"),
        "date",
    ),
    Column(
        "support_cost_eur_per_year",
        ("Coût de maintenance annuel", "Maintenance annuelle", "Support cost per year", "Annual support cost"),
        "float",
    ),
    Column("power_idle_w", ("Puissance au repos (W)", "Idle power (W)"), "float"),
    Column("power_max_w", ("Puissance max (W)", "Puissance maximale (W)", "Max power (W)"), "float"),
    Column("rack_units", ("Unités de rack", "Hauteur (U)", "Rack units"), "int"),
    Column("status", ("Statut", "État", "Status", "State")),
)
VM_COLUMNS = (
    Column("name", ("Nom", "Name", "VM"), required=True, max_length=NAME_LENGTH),
    Column("external_id", ("UUID", "Identifiant", "ID", "Instance UUID", "VM Instance UUID", "VM UUID")),
    Column("n_vcpus", VCPU_ALIASES, "int"),
    Column("memory_mib", MEMORY_ALIASES, "memory"),
    Column("host", ("Hôte", "Host", "Serveur hôte", "Hôte ESX", "ESX", "ESXi", "Hyperviseur", "Hypervisor")),
    Column("cluster", ("Cluster", "Grappe")),
    Column(
        "storage_provisioned_gib",
        ("Disque (Gio)", "Stockage provisionné (Gio)", "Provisioned (GiB)", "Disk (GiB)"),
        "float",
    ),
    Column(
        "guest_os",
        ("Système d'exploitation", "Systeme d exploitation", "OS", "Operating system", "Guest OS"),
        max_length=NAME_LENGTH,
    ),
    Column("power", ("État", "Etat", "Power state", "Powerstate")),
)
_STATUS = {
    "en service": LifecycleStatus.IN_SERVICE,
    "in service": LifecycleStatus.IN_SERVICE,
    "in_service": LifecycleStatus.IN_SERVICE,
    "actif": LifecycleStatus.IN_SERVICE,
    "active": LifecycleStatus.IN_SERVICE,
    "a reformer": LifecycleStatus.TO_RETIRE,
    "to retire": LifecycleStatus.TO_RETIRE,
    "to_retire": LifecycleStatus.TO_RETIRE,
    "en fin de vie": LifecycleStatus.TO_RETIRE,
    "reforme": LifecycleStatus.RETIRED,
    "retired": LifecycleStatus.RETIRED,
    "hors service": LifecycleStatus.RETIRED,
}
_POWER = {
    "allume": PowerState.ON,
    "allumee": PowerState.ON,
    "on": PowerState.ON,
    "poweredon": PowerState.ON,
    "powered on": PowerState.ON,
    "eteint": PowerState.OFF,
    "eteinte": PowerState.OFF,
    "off": PowerState.OFF,
    "poweredoff": PowerState.OFF,
    "powered off": PowerState.OFF,
    "suspendu": PowerState.SUSPENDED,
    "suspendue": PowerState.SUSPENDED,
    "suspended": PowerState.SUSPENDED,
}


@dataclass(frozen=True)
class ReadOptions:
    """How to read the file: encoding, delimiter, decimal separator, date order, tab name."""

    encoding: str = "auto"
    delimiter: str = "auto"
    decimal: str = "auto"
    date_format: str = "dmy"
    sheet: str | None = None
    allow_missing_sizes: bool = False


DEFAULT_LIST_SOURCE = "default"


def list_source(name: str | None = None) -> str:
    """The source of a hosts or VMs list: ``csv:<name>``, ``csv:default`` unless named.

    It never depends on the file name, so this month's export updates last month's rows.
    """
    name = (name or "").strip().removeprefix("csv:").strip() or DEFAULT_LIST_SOURCE
    if len(name) > IDENTITY_LENGTH - 4 or any(ord(c) < 32 for c in name):
        raise InvalidSourceData(
            f"nom de liste '{preview(name)}' invalide : {IDENTITY_LENGTH - 4} caractères au plus, "
            "sans caractère de contrôle"
        )
    return f"csv:{name}"


def read_table(path: Path, options: ReadOptions) -> Sheet:
    """The CSV file, or the chosen (else first) tab of a workbook."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = read_xlsx(path)
        if not sheets:
            raise InvalidSourceData(f"{path} : le classeur n'a aucun onglet")
        if options.sheet is None:
            return next(iter(sheets.values()))
        if options.sheet not in sheets:
            raise InvalidSourceData(f"{path} : pas d'onglet '{options.sheet}' (onglets : {', '.join(sheets)})")
        return sheets[options.sheet]
    return read_csv(path, encoding=options.encoding, delimiter=options.delimiter)


def _add_months(start: date, months: int) -> date:
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    days = [
        31,
        29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ]
    return date(year, month, min(start.day, days[month - 1]))


def _lookup(table: dict[str, Any], raw: str, sheet: Sheet, row: ParsedRow, column: str, what: str) -> Any:
    from collectors.imports.tabular import normalise_header

    key = normalise_header(raw)
    if key not in table:
        raise InvalidSourceData(f"{sheet.where(row.line, column)} : {what} inconnu '{raw}'")
    return table[key]


def _identity(sheet: Sheet, row: ParsedRow, value: str, column: str) -> str:
    """An external id fits the inventory's column (200 characters)."""
    if len(value) > IDENTITY_LENGTH:
        raise InvalidSourceData(
            f"{sheet.where(row.line, column)} : identifiant de {len(value)} caractères, "
            f"{IDENTITY_LENGTH} au plus : '{preview(value)}'"
        )
    return value


def _record(sheet: Sheet, row: ParsedRow, make: Callable[..., Any], **values: Any) -> Any:
    """A record built from a row; a value the record refuses names the line instead of a traceback."""
    try:
        return make(**values)
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])} : {e['msg']}" for e in err.errors())
        raise InvalidSourceData(f"{sheet.where(row.line)} : valeur refusée ({problems})") from None


def _host(row: ParsedRow, sheet: Sheet) -> HostRecord:
    v = dict(row.values)
    months, start = v.pop("warranty_months", None), v.pop("warranty_start", None)
    purchase = v.get("purchase_date")
    if start is not None and purchase is not None and start < purchase:
        raise InvalidSourceData(
            f"{sheet.where(row.line, 'Début de garantie')} : garantie commencée le {start:%d/%m/%Y}, "
            f"avant l'achat du {purchase:%d/%m/%Y}"
        )
    if months is not None and "warranty_end" not in v:
        base = start or purchase
        if base is None:
            raise InvalidSourceData(
                f"{sheet.where(row.line, 'Durée de garantie (mois)')} : une durée de garantie demande une "
                "date d'achat ou une date de début de garantie"
            )
        v["warranty_end"] = _add_months(base, months)
    end = v.get("warranty_end")
    if end is not None and purchase is not None and end < purchase:
        raise InvalidSourceData(
            f"{sheet.where(row.line, 'Fin de garantie')} : garantie finie le {end:%d/%m/%Y}, "
            f"avant l'achat du {purchase:%d/%m/%Y}"
        )
    if "status" in v:
        v["status"] = _lookup(_STATUS, v["status"], sheet, row, "Statut", "statut")
    key = "serial_number" if v.get("serial_number") else "name"
    external_id = _identity(sheet, row, v[key], "Numéro de série" if key == "serial_number" else "Nom")
    record: HostRecord = _record(sheet, row, HostRecord, external_id=external_id, **v)
    return record


@dataclass(frozen=True)
class VmRow:
    """A VM of a list, with the host and cluster names its row gives (resolved at import time)."""

    line: int
    record: VirtualMachineRecord
    host: str | None = None
    cluster: str | None = None


def _vm(row: ParsedRow, sheet: Sheet) -> VmRow:
    v = dict(row.values)
    host, cluster = v.pop("host", None), v.pop("cluster", None)
    if "power" in v:
        v["power_state"] = _lookup(_POWER, v.pop("power"), sheet, row, "État", "état")
    key = "external_id" if v.get("external_id") else "name"
    v["external_id"] = _identity(sheet, row, v[key], "UUID" if key == "external_id" else "Nom")
    record: VirtualMachineRecord = _record(sheet, row, VirtualMachineRecord, **v)
    return VmRow(row.line, record, host, cluster)


def vm_columns(*, allow_missing_sizes: bool = False) -> tuple[Column, ...]:
    """The VM list's columns; vCPU and memory are required (column and cells) unless allowed missing."""
    if allow_missing_sizes:
        return VM_COLUMNS
    return tuple(
        replace(c, required=True, if_empty=_SIZE_HINT) if c.field in ("n_vcpus", "memory_mib") else c
        for c in VM_COLUMNS
    )


def _check_unique(sheet: Sheet, lines: list[int], ids: list[str]) -> None:
    seen: dict[str, int] = {}
    for line, external_id in zip(lines, ids, strict=True):
        if external_id in seen:
            raise InvalidSourceData(f"{sheet.where(line)} : '{external_id}' figure déjà ligne {seen[external_id]}")
        seen[external_id] = line


def _parse(path: Path, columns: tuple[Column, ...], options: ReadOptions) -> tuple[Sheet, list[ParsedRow]]:
    check_delimiter(options.delimiter)
    sheet = read_table(path, options)
    rows = parse_rows(sheet, columns, ParseOptions(decimal=options.decimal, date_format=options.date_format))
    if not rows:
        raise InvalidSourceData(f"{sheet.where()} : aucune ligne de données sous l'en-tête")
    return sheet, rows


def read_vm_list(path: Path, *, options: ReadOptions = ReadOptions()) -> list[VmRow]:
    """The VMs of a list with their host and cluster names; ``InvalidSourceData`` names file, line, column."""
    sheet, rows = _parse(path, vm_columns(allow_missing_sizes=options.allow_missing_sizes), options)
    vms = [_vm(row, sheet) for row in rows]
    _check_unique(sheet, [vm.line for vm in vms], [vm.record.external_id for vm in vms])
    return vms


def read_lifecycle(
    path: Path, *, kind: Kind, options: ReadOptions = ReadOptions()
) -> list[HostRecord] | list[VirtualMachineRecord]:
    """Host or VM records from the file; ``InvalidSourceData`` names file, sheet, line, column.

    VM records carry no host here (``read_vm_list`` gives the host names, ``run_list`` resolves them).
    """
    if kind == "vms":
        return [vm.record for vm in read_vm_list(path, options=options)]
    sheet, rows = _parse(path, HOST_COLUMNS, options)
    hosts = [_host(row, sheet) for row in rows]
    _check_unique(sheet, [row.line for row in rows], [h.external_id for h in hosts])
    return hosts
