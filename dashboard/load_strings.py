"""Words of the Capacité page's measured load (hosts' usage profiles), French and English; merged into ``STRINGS``."""

LOAD_STRINGS: dict[str, tuple[str, str]] = {
    "load.title": ("Charge CPU mesurée", "Measured CPU load"),
    "load.explain": (
        "D'après les profils d'usage des hôtes (jour depuis le {day}, semaine depuis le {week}). Utilisation = CPU "
        "mesuré / (cœurs × MHz nominaux), sans plafond ; un cluster additionne ses hôtes à chaque créneau. Les "
        "minutes au-dessus d'un seuil comptent des créneaux de 5 min (jour) ou de 30 min (semaine).",
        "From the hosts' usage profiles (day from {day}, week from {week}). Utilisation = measured CPU / (cores × "
        "nominal MHz), no ceiling; a cluster adds up its hosts at each slot. Minutes above a threshold count "
        "5-minute slots (day) or 30-minute slots (week).",
    ),
    "load.none": (
        "Aucun profil d'usage d'hôte : collectez vSphere ou importez `parcimonie import usage FICHIER` "
        "avec une colonne type = host.",
        "No host usage profile: collect vSphere or import `parcimonie import usage FILE` with a column type = host.",
    ),
    "load.clusters": ("Par cluster", "By cluster"),
    "load.hosts": ("Par hôte", "By host"),
    "load.col.cluster": ("Cluster", "Cluster"),
    "load.col.host": ("Hôte", "Host"),
    "load.col.hosts": ("Hôtes", "Hosts"),
    "load.col.capacity": ("Capacité (GHz)", "Capacity (GHz)"),
    "load.col.peak_day": ("Pic du jour", "Day's peak"),
    "load.col.over80_day": ("> 80 % jour (min)", "> 80 % day (min)"),
    "load.col.over100_day": ("> 100 % jour (min)", "> 100 % day (min)"),
    "load.col.over80_week": ("> 80 % semaine (min)", "> 80 % week (min)"),
    "load.col.over100_week": ("> 100 % semaine (min)", "> 100 % week (min)"),
    "load.no_capacity": (
        "Profil sans capacité connue (non compté) : {names}",
        "Profile without a known capacity (not counted): {names}",
    ),
}
