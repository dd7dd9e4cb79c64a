"""Words of the Consolidation page's detail (sections, host search, paged lists), French and English; merged
into ``STRINGS``."""

CONSOLIDATION_STRINGS: dict[str, tuple[str, str]] = {
    "consolidation.section": ("Détail du plan", "Plan detail"),
    "consolidation.section.help": (
        "Une seule partie du détail est affichée à la fois : les longues listes ne s'affichent qu'à la demande.",
        "One part of the detail is shown at a time: long lists are drawn only when asked for.",
    ),
    "consolidation.host.find": ("Chercher un hôte", "Find a host"),
    "consolidation.host.find.placeholder": ("Nom d'hôte ou de cluster…", "Host or cluster name…"),
    "consolidation.hosts.caption": (
        "Hôtes {first} à {last} sur {n} ; cherchez pour réduire la liste.",
        "Hosts {first} to {last} of {n}; search to narrow the list.",
    ),
    "consolidation.hosts.none": ("Aucun hôte ne correspond.", "No host matches."),
    "consolidation.host.shown": (
        "{shown} hôtes proposés sur {n} ; précisez la recherche pour trouver les autres.",
        "{shown} hosts offered of {n}; narrow the search to find the others.",
    ),
    "consolidation.freed.search.placeholder": ("Hôte ou cluster…", "Host or cluster…"),
    "consolidation.unplaced.caption": (
        "VM {first} à {last} sur {n} ; cherchez pour réduire la liste.",
        "VMs {first} to {last} of {n}; search to narrow the list.",
    ),
}
