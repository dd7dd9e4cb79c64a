"""Sentences of placement rules and VM migrations, French and English (merged into
``parcimonie.planning.messages.MESSAGES``; kept apart so the main table stays readable)."""

MOVES_MESSAGES: dict[str, tuple[str, str]] = {
    # --- why a VM is not placed: placement rules (optimizer.constraints) ----------------------
    "reason.rules_conflict": (
        "règles contradictoires : un groupe « garder ensemble » contient deux VM du groupe d'anti-affinité « {group} »",
        "conflicting rules: a keep-together group holds two VMs of anti-affinity group '{group}'",
    ),
    "reason.pinned_host_unavailable": (
        "épinglée (ou maintenue) sur un hôte qui n'est pas une cible de son groupe, ou sur deux hôtes différents",
        "pinned (or kept) on a host that is not a target of its group, or on two different hosts",
    ),
    "reason.anti_affinity_too_few_hosts": (
        "le groupe d'anti-affinité « {group} » compte {size:n0} VM pour {n_hosts:n0} hôte(s) disponible(s)",
        "anti-affinity group '{group}' has {size:n0} VMs for {n_hosts:n0} available host(s)",
    ),
    # --- migrations a plan asks for (parcimonie.planning.migrations) --------------------------
    "moves.count": (
        "{n:n0} migration(s) de VM (VM qui changent d'hôte)",
        "{n:n0} VM migration(s) (VMs that change host)",
    ),
    "moves.more": (
        "… et {n:n0} autre(s) : parcimonie plan --migrations pour la liste complète",
        "… and {n:n0} more: parcimonie plan --migrations for the full list",
    ),
    "moves.title": ("Migrations", "Migrations"),
    "moves.vm": ("VM", "VM"),
    "moves.from": ("Hôte source", "Source host"),
    "moves.to": ("Hôte cible", "Target host"),
    "moves.none": ("aucune migration : chaque VM reste sur son hôte", "no migration: every VM stays on its host"),
    "moves.unknown_host": ("(hôte inconnu)", "(unknown host)"),
}
