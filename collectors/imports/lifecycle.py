"""Spreadsheet and GLPI exports of hosts or VMs (CSV or .xlsx), in French or English.

Headers are matched by name against the aliases below (case, accents and punctuation ignored;
GLPI's "Informations financières - Date d'achat" matches "Date d'achat"). Numbers accept decimal
commas and spaces as thousands separators, dates DD/MM/YYYY (``--date-format`` for others);
encoding (UTF-8 with or without BOM, else cp1252) and separator (';', ',' or tab) are detected
unless forced. Host rows enrich hosts already known by serial number or name
(``inventory.enrichment``); VM rows land in the import's own source ``csv:<file name>``.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from collectors.imports.tabular import Column, ParsedRow, ParseOptions, Sheet, parse_rows, read_csv, read_xlsx
from inventory.enums import LifecycleStatus, PowerState
from inventory.errors import InvalidSourceData
from inventory.records import HostRecord, VirtualMachineRecord

Kind = Literal["hosts", "vms"]

HOST_COLUMNS = (
    Column("name", ("Nom", "Name", "Hostname", "Nom d'hôte", "Host"), required=True),
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
    Column("memory_mib", ("Mémoire (Mio)", "Memoire Mio", "Memory (MiB)", "Memory MiB", "RAM (Mio)"), "float"),
    Column("memory_gib", ("Mémoire (Gio)", "Memoire Gio", "Memory (GiB)", "RAM (Go)", "RAM (GiB)"), "float"),
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
    Column("name", ("Nom", "Name", "VM"), required=True),
    Column("external_id", ("UUID", "Identifiant", "ID", "Instance UUID")),
    Column("n_vcpus", ("vCPU", "Nombre de vCPU", "CPUs", "vCPUs"), "int"),
    Column("memory_mib", ("Mémoire (Mio)", "Memoire Mio", "Memory (MiB)", "Memory MiB"), "float"),
    Column("memory_gib", ("Mémoire (Gio)", "Memory (GiB)", "RAM (Go)"), "float"),
    Column(
        "storage_provisioned_gib",
        ("Disque (Gio)", "Stockage provisionné (Gio)", "Provisioned (GiB)", "Disk (GiB)"),
        "float",
    ),
    Column("guest_os", ("Système d'exploitation", "Systeme d exploitation", "OS", "Operating system", "Guest OS")),
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


def import_source(path: Path) -> str:
    """The source of rows that match no known host: ``csv:<file name>``."""
    return f"csv:{path.name}"


def read_table(path: Path, options: ReadOptions) -> Sheet:
    """The CSV file, or the chosen (else first) tab of a workbook."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = read_xlsx(path)
        if not sheets:
            raise InvalidSourceData(f"{path}: the workbook has no sheet")
        if options.sheet is None:
            return next(iter(sheets.values()))
        if options.sheet not in sheets:
            raise InvalidSourceData(f"{path}: no sheet '{options.sheet}' (sheets: {', '.join(sheets)})")
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
        raise InvalidSourceData(f"{sheet.where(row.line, column)}: unknown {what} '{raw}'")
    return table[key]


def _host(row: ParsedRow, sheet: Sheet) -> HostRecord:
    v = dict(row.values)
    gib = v.pop("memory_gib", None)
    if gib is not None and "memory_mib" not in v:
        v["memory_mib"] = gib * 1024
    months, start = v.pop("warranty_months", None), v.pop("warranty_start", None)
    if months is not None and "warranty_end" not in v:
        base = start or v.get("purchase_date")
        if base is None:
            raise InvalidSourceData(
                f"{sheet.where(row.line, 'Durée de garantie (mois)')}: a warranty duration needs a "
                "purchase date or a warranty start date"
            )
        v["warranty_end"] = _add_months(base, months)
    if "status" in v:
        v["status"] = _lookup(_STATUS, v["status"], sheet, row, "Statut", "status")
    return HostRecord(external_id=v.get("serial_number") or v["name"], **v)


def _vm(row: ParsedRow, sheet: Sheet) -> VirtualMachineRecord:
    v = dict(row.values)
    gib = v.pop("memory_gib", None)
    if gib is not None and "memory_mib" not in v:
        v["memory_mib"] = gib * 1024
    if "power" in v:
        v["power_state"] = _lookup(_POWER, v.pop("power"), sheet, row, "État", "power state")
    return VirtualMachineRecord(**{"external_id": v.get("external_id") or v["name"], **v})


def read_lifecycle(
    path: Path, *, kind: Kind, options: ReadOptions = ReadOptions()
) -> list[HostRecord] | list[VirtualMachineRecord]:
    """Host or VM records from the file; ``InvalidSourceData`` names file, sheet, line, column."""
    sheet = read_table(path, options)
    columns = HOST_COLUMNS if kind == "hosts" else VM_COLUMNS
    rows = parse_rows(sheet, columns, ParseOptions(decimal=options.decimal, date_format=options.date_format))
    if kind == "hosts":
        records: list[Any] = [_host(row, sheet) for row in rows]
    else:
        records = [_vm(row, sheet) for row in rows]
    seen: dict[str, int] = {}
    for row, record in zip(rows, records, strict=True):
        if record.external_id in seen:
            raise InvalidSourceData(
                f"{sheet.where(row.line)}: '{record.external_id}' already on line {seen[record.external_id]}"
            )
        seen[record.external_id] = row.line
    return records
