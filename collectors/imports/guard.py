"""Refusing an import that would lose the estate: an export cut short is not an empty estate.

A complete snapshot marks missing every object of its source it does not list. An export whose
main tabs are empty, or that would mark missing more than ``SHRINK_THRESHOLD`` of the hosts or
VMs the source holds, is refused (nothing written, a failed run recorded) unless the
administrator confirms with ``--allow-shrink`` (``allow_shrink=True``).
"""

from collections.abc import Sequence

from sqlalchemy import Engine
from sqlmodel import Session

from inventory.errors import InvalidSourceData
from inventory.records import Snapshot
from inventory.source_counts import present_external_ids

#: Share of a source's present hosts or VMs an import may mark missing without confirmation.
SHRINK_THRESHOLD = 0.5
_HOW = "Rien n'est importé ; si c'est voulu, relancez avec --allow-shrink."


def refuse_shrink(
    engine: Engine,
    source: str,
    snapshot: Snapshot,
    *,
    empty_tabs: Sequence[str] = (),
    allow_shrink: bool = False,
    threshold: float = SHRINK_THRESHOLD,
) -> None:
    """Raise ``InvalidSourceData`` saying how many objects would be marked missing (module docstring)."""
    if allow_shrink:
        return
    if empty_tabs:
        raise InvalidSourceData(
            f"{source} : onglet(s) {', '.join(empty_tabs)} sans aucune ligne : export incomplet ? "
            f"Importé, il marquerait disparus tous les objets de la source. {_HOW}"
        )
    if not snapshot.complete:
        return
    with Session(engine) as session:
        hosts, vms = present_external_ids(session, source)
    gone_hosts = len(hosts - {h.external_id for h in snapshot.hosts})
    gone_vms = len(vms - {v.external_id for v in snapshot.vms})
    if gone_hosts > threshold * len(hosts) or gone_vms > threshold * len(vms):
        raise InvalidSourceData(
            f"{source} : cet import marquerait disparus {gone_vms} VM sur {len(vms)} et {gone_hosts} hôte(s) "
            f"sur {len(hosts)} (plus de {round(threshold * 100)} % de la source) : export incomplet ? {_HOW}"
        )
