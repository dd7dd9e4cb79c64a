"""Words of the *Risque* page (time-aligned consolidation), French and English; merged into ``STRINGS``."""

RISK_STRINGS: dict[str, tuple[str, str]] = {
    "nav.risk": ("Profils et risque", "Profiles and risk"),
    "risk.title": ("Consolidation alignée sur le temps", "Time-aligned consolidation"),
    "risk.explain": (
        "Les VM ne culminent pas ensemble : empiler leurs profils d'usage (CPU à chaque créneau) plutôt "
        "que leurs P95 demande moins d'hôtes. Les deux réponses sur l'offre cible, avec le périmètre et la "
        "réserve HA du plan (la courbe de risque : tout le parc, sans réserve HA) ; le rejeu compte les "
        "minutes au-delà de 100 % sur un jour non vu à l'ajustement.",
        "VMs do not peak together: stacking their usage profiles (CPU at each slot) rather than their P95 "
        "needs fewer hosts. Both answers on the target offer, with the plan's scope and HA reserve (the "
        "risk curve: whole estate, without HA reserve); the replay counts minutes above 100 % on a day "
        "not seen in the fit.",
    ),
    "risk.demand": ("Demande retenue", "Demand kept"),
    "risk.demand.auto": ("automatique", "automatic"),
    "risk.demand.p95": ("P95 scalaire", "scalar P95"),
    "risk.demand.profile": ("profils d'usage", "usage profiles"),
    "risk.none": (
        "Aucun profil d'usage n'est enregistré (ou le plan reconditionne sur place) : collectez vSphere "
        "ou importez `parcimonie import usage FICHIER`.",
        "No usage profile is stored (or the plan repacks in place): collect vSphere or import "
        "`parcimonie import usage FILE`.",
    ),
    "risk.metric.hosts": ("Hôtes, {label}", "Hosts, {label}"),
    "risk.metric.bound": ("borne prouvée {bound}", "proven bound {bound}"),
    "risk.metric.tco": ("TCO, {label}", "TCO, {label}"),
    "risk.metric.overflow": ("Minutes > 100 % / mois, {label}", "Minutes > 100 % / month, {label}"),
    "risk.kept": (
        "Retenu : {label} ({n} VM sur {total} ont un profil).",
        "Kept: {label} ({n} of {total} VMs have a profile).",
    ),
    "risk.p95_kept": (
        "Les profils demandent plus d'hôtes que le P95 : le plan P95 est conservé.",
        "The profiles need more hosts than the P95: the P95 plan is kept.",
    ),
    "risk.in_sample": (
        "Sans profil hebdomadaire, le rejeu porte sur le jour ajusté : le risque est sous-estimé.",
        "Without week profiles the replay is the fitted day itself: the risk is understated.",
    ),
    "risk.chart.title": (
        "Courbe de risque : hôtes et débordement (tout le parc, sans réserve HA)",
        "Risk curve: hosts and overflow (whole estate, without HA reserve)",
    ),
    "risk.chart.x": ("Hôtes", "Hosts"),
    "risk.chart.y": ("Minutes au-delà de 100 % par mois", "Minutes above 100 % per month"),
    "risk.col.ceiling": ("Plafond", "Ceiling"),
    "risk.col.hosts_profile": ("Hôtes (profils)", "Hosts (profiles)"),
    "risk.col.hosts_p95": ("Hôtes (P95)", "Hosts (P95)"),
    "risk.col.tco_profile": ("TCO (profils)", "TCO (profiles)"),
    "risk.col.tco_p95": ("TCO (P95)", "TCO (P95)"),
    "risk.col.overflow_profile": ("Min > 100 % / mois (profils)", "Min > 100 % / month (profiles)"),
    "risk.col.overflow_p95": ("Min > 100 % / mois (P95)", "Min > 100 % / month (P95)"),
    "risk.bt.title": ("Rejeu du plan par cluster", "The plan replayed per cluster"),
    "risk.bt.explain": (
        "La consolidation du plan (après) et le parc tel qu'il tourne (avant), rejoués sur {replay} créneaux de "
        "{minutes} min non vus à l'ajustement, au plafond de {ceiling} : minutes par mois au-delà de 100 % et "
        "au-delà du plafond (total, et par hôte), hôte le plus chargé. {with_profile} VM sur {n} ont un profil ; "
        "les autres comptent à plat à leur P95.",
        "The plan's consolidation (after) and the estate as it runs (before), replayed on {replay} slots of "
        "{minutes} min not seen in the fit, at the {ceiling} ceiling: minutes per month above 100 % and above the "
        "ceiling (total, and per host), busiest host. {with_profile} of {n} VMs have a profile; the others count "
        "flat at their P95.",
    ),
    "risk.bt.in_sample": (
        "Sans profil hebdomadaire, le rejeu porte sur le jour ajusté : le risque est sous-estimé.",
        "Without week profiles the replay is the fitted day itself: the risk is understated.",
    ),
    "risk.bt.minutes": ("{total} ({per_host} / hôte)", "{total} ({per_host} / host)"),
    "risk.bt.estate": ("Parc entier", "Whole estate"),
    "risk.bt.cluster": ("Cluster", "Cluster"),
    "risk.bt.hosts_before": ("Hôtes avant", "Hosts before"),
    "risk.bt.hosts_after": ("Hôtes après", "Hosts after"),
    "risk.bt.capacity_before": ("Min > 100 % / mois avant", "Min > 100 % / month before"),
    "risk.bt.capacity_after": ("Min > 100 % / mois après", "Min > 100 % / month after"),
    "risk.bt.ceiling_before": ("Min > plafond / mois avant", "Min > ceiling / month before"),
    "risk.bt.ceiling_after": ("Min > plafond / mois après", "Min > ceiling / month after"),
    "risk.bt.worst_before": ("Hôte le plus chargé avant", "Busiest host before"),
    "risk.bt.worst_after": ("Hôte le plus chargé après", "Busiest host after"),
}
