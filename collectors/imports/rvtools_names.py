"""Names across the tabs of an RVTools export: hosts named otherwise in vInfo than in vHost, VM names
borne by several VMs (never used to match a usage row)."""

from collectors.imports.tabular import ParsedRow
from inventory.records import HostRecord


class HostNames:
    """vInfo names a host as vCenter knows it, vHost sometimes otherwise: an FQDN against a short
    name, another case. A name resolves to the vHost host it designates: exactly, ignoring case,
    or by its short name (before the first dot) when that short name designates one host only."""

    def __init__(self, hosts: dict[str, HostRecord]) -> None:
        self.exact = set(hosts)
        self.folded: dict[str, str | None] = {}
        self.short: dict[str, str | None] = {}
        for name in hosts:
            for table, key in ((self.folded, name.casefold()), (self.short, _short(name))):
                table[key] = name if key not in table else None  # None: ambiguous, never guessed

    def resolve(self, name: str | None) -> str | None:
        if not name or name in self.exact:
            return name
        return self.folded.get(name.casefold()) or self.short.get(_short(name)) or name


def name_counts(rows: list[ParsedRow]) -> dict[str, int]:
    """How many vInfo rows bear each VM name (a usage row names a VM by name only when it is unique)."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.values["name"]] = counts.get(row.values["name"], 0) + 1
    return counts


def _short(name: str) -> str:
    """``esx01`` for ``ESX01.ville.local`` (an IP address stays whole)."""
    folded = name.casefold()
    return folded if folded.replace(".", "").isdigit() else folded.split(".", 1)[0]
