"""A placement rules file: CSV (';' or ',') or workbook, one rule a line.

Columns (headers in French or English): rule type, group name, VM name, host name.

| type (aliases)                                   | needs            | meaning                                   |
|--------------------------------------------------|------------------|-------------------------------------------|
| anti-affinité, anti_affinity, anti-affinity      | groupe, VM       | the group's VMs never share a host         |
| ensemble, together, affinité, affinity           | groupe, VM       | the group's VMs share one host             |
| épingler, pin, pinned                            | VM, hôte         | the VM runs on that host (repack)          |
| fixe, stay, ne pas déplacer                      | VM or hôte       | the VM (or every VM of the host) stays put |

Every problem names file, line and column; up to ``MAX_ERRORS`` are collected, then the import
fails (``InvalidSourceData``) and nothing is written. Names must be those of the inventory.
"""

from pathlib import Path

from collectors.imports.readers import read_csv, read_xlsx
from collectors.imports.tabular import (
    MAX_ERRORS,
    Column,
    ParseOptions,
    Sheet,
    normalise_header,
    parse_rows,
)
from inventory.errors import InvalidSourceData
from inventory.rules import RuleRow

__all__ = ["COLUMNS", "KIND_ALIASES", "check_names", "read_rules"]

COLUMNS = (
    Column("kind", ("type", "type de regle", "regle", "rule", "rule type", "kind"), required=True, max_length=40),
    Column("group", ("groupe", "nom du groupe", "group", "group name")),
    Column("vm", ("vm", "nom de la vm", "machine virtuelle", "vm name", "virtual machine"), max_length=255),
    Column("host", ("hote", "nom de l hote", "serveur", "host", "host name", "esxi"), max_length=255),
)

#: Accepted spellings (normalised: lower case, no accents, punctuation as spaces) → stored kind.
KIND_ALIASES = {
    "anti affinite": "anti_affinity",
    "anti affinity": "anti_affinity",
    "ensemble": "together",
    "together": "together",
    "affinite": "together",
    "affinity": "together",
    "garder ensemble": "together",
    "epingler": "pin",
    "epingle": "pin",
    "pin": "pin",
    "pinned": "pin",
    "fixe": "stay",
    "stay": "stay",
    "ne pas deplacer": "stay",
}


def _sheet(path: Path, *, encoding: str, delimiter: str) -> Sheet:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return next(iter(read_xlsx(path).values()))
    return read_csv(path, encoding=encoding, delimiter=delimiter)


def _problem(kind: str | None, row: RuleRow) -> str | None:
    """What a rule of this kind lacks, or None."""
    if kind is None:
        return "type de règle inconnu (anti-affinité, ensemble, épingler ou fixe)"
    if kind in ("anti_affinity", "together") and not (row.group and row.vm):
        return "une règle de groupe demande un nom de groupe et un nom de VM"
    if kind == "pin" and not (row.vm and row.host):
        return "épingler demande un nom de VM et un nom d'hôte"
    if kind == "stay" and not (row.vm or row.host):
        return "fixe demande un nom de VM ou un nom d'hôte"
    return None


def read_rules(path: Path, *, encoding: str = "auto", delimiter: str = "auto") -> list[RuleRow]:
    """The rules of ``path``; ``InvalidSourceData`` naming file, line and column on any problem."""
    sheet = _sheet(path, encoding=encoding, delimiter=delimiter)
    rows: list[RuleRow] = []
    errors: list[str] = []
    for parsed in parse_rows(sheet, COLUMNS, ParseOptions()):
        v = parsed.values
        kind = KIND_ALIASES.get(normalise_header(v.get("kind")))
        row = RuleRow(kind=kind or "", group=v.get("group"), vm=v.get("vm"), host=v.get("host"), line=parsed.line)
        problem = _problem(kind, row)
        if problem is not None:
            errors.append(f"{sheet.where(parsed.line)} : {problem}")
            if len(errors) >= MAX_ERRORS:
                break
            continue
        rows.append(row)
    if errors:
        raise InvalidSourceData(f"{len(errors)} règle(s) invalide(s) :\n" + "\n".join(errors))
    return rows


def check_names(rows: list[RuleRow], *, file: str, vms: set[str], hosts: set[str]) -> None:
    """Refuse rules naming a VM or a host the inventory does not hold (``InvalidSourceData``)."""
    errors = []
    for r in rows:
        if r.vm is not None and r.vm not in vms:
            errors.append(f"{file}, ligne {r.line} : VM inconnue de l'inventaire : '{r.vm}'")
        if r.host is not None and r.host not in hosts:
            errors.append(f"{file}, ligne {r.line} : hôte inconnu de l'inventaire : '{r.host}'")
    if errors:
        shown = errors[:MAX_ERRORS]
        raise InvalidSourceData(f"{len(errors)} nom(s) inconnu(s) :\n" + "\n".join(shown))
