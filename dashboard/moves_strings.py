"""The dashboard's words for VM migrations, as (French, English)."""

MOVES_STRINGS: dict[str, tuple[str, str]] = {
    "moves.expander": ("Migrations de VM ({n})", "VM migrations ({n})"),
    "moves.caption": (
        "{n} VM changent d'hôte (sur de nouveaux hôtes : toutes les VM placées). À nombre d'hôtes égal, "
        "le plan garde chaque VM sur son hôte actuel quand il le peut.",
        "{n} VMs change host (on new hosts: every VM placed). At equal host count, the plan keeps each VM "
        "on its current host where it can.",
    ),
    "moves.none": ("Aucune migration : chaque VM reste sur son hôte.", "No migration: every VM stays on its host."),
    "moves.shown": ("{shown} premières lignes sur {n}.", "First {shown} rows of {n}."),
    "moves.search": ("Rechercher une VM ou un hôte", "Search a VM or a host"),
}
