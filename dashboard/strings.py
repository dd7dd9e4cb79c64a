"""Every string the dashboard shows, as (French, English). French is the reference language.

Placeholders use ``str.format`` names; both languages of an entry take the same names.
"""

from dashboard.auth_strings import AUTH_STRINGS
from dashboard.consolidation_strings import CONSOLIDATION_STRINGS
from dashboard.load_strings import LOAD_STRINGS
from dashboard.moves_strings import MOVES_STRINGS
from dashboard.risk_strings import RISK_STRINGS

STRINGS: dict[str, tuple[str, str]] = {
    # navigation and shell
    "nav.overview": ("Vue d'ensemble", "Overview"),
    "nav.inventory": ("Inventaire", "Inventory"),
    "nav.consolidation": ("Consolidation", "Consolidation"),
    "nav.scenarios": ("Scénarios", "Scenarios"),
    "nav.finances": ("Finances", "Finance"),
    "nav.collection": ("Collecte", "Collection"),
    "sidebar.database": ("Base : {url}", "Database: {url}"),
    "snapshot.caption": ("Données de la collecte n° {run} du {when}.", "Figures from collection run {run} of {when}."),
    "spinner.tco": ("Calcul du coût du parc…", "Computing the estate's cost…"),
    "spinner.consolidation": ("Calcul de la consolidation…", "Computing the consolidation…"),
    "spinner.finance": ("Calcul du plan financier…", "Computing the financial plan…"),
    "empty.title": (
        "L'inventaire est vide : aucune collecte n'a encore abouti.",
        "The inventory is empty: no collection has succeeded yet.",
    ),
    "empty.body": (
        "Le tableau de bord lit la base « {url} ». Pour la remplir, lancez une collecte ou un import "
        "depuis un terminal, puis rechargez cette page :",
        "The dashboard reads the database '{url}'. To fill it, run a collection or an import from "
        "a terminal, then reload this page:",
    ),
    "empty.demo": ("charge un parc de démonstration", "loads a demo estate"),
    "empty.collect": (
        "liste les commandes de collecte (vSphere) et d'import (RVTools, CSV GLPI)",
        "lists the collection (vSphere) and import (RVTools, GLPI CSV) commands",
    ),
    "error.database": (
        "La base « {url} » est inaccessible ({kind}). Vérifiez PARCIMONIE_DATABASE_URL.",
        "The database '{url}' cannot be reached ({kind}). Check PARCIMONIE_DATABASE_URL.",
    ),
    "unit.years": ("ans", "years"),
    # labels shared by charts and tables
    "label.cpu": ("CPU", "CPU"),
    "label.memory": ("Mémoire", "Memory"),
    "label.n_hosts": ("Nombre d'hôtes", "Number of hosts"),
    "label.under_warranty": ("Sous garantie", "Under warranty"),
    "label.out_of_warranty": ("Hors garantie", "Out of warranty"),
    "label.unknown": ("Inconnue", "Unknown"),
    "status.in_service": ("En service", "In service"),
    "status.to_retire": ("À retirer", "To retire"),
    "status.retired": ("Retiré", "Retired"),
    "power.on": ("Allumé", "On"),
    "power.off": ("Éteint", "Off"),
    "power.suspended": ("Suspendu", "Suspended"),
    "power.unknown": ("Inconnu", "Unknown"),
    "run.succeeded": ("réussie", "succeeded"),
    "run.failed": ("échouée", "failed"),
    "run.running": ("en cours", "running"),
    # overview
    "overview.title": ("Vue d'ensemble du parc", "Estate overview"),
    "kpi.hosts": ("Hôtes", "Hosts"),
    "kpi.hosts.help": ("{n_clusters} clusters sur {n_sites} sites", "{n_clusters} clusters on {n_sites} sites"),
    "kpi.vms": ("VM", "VMs"),
    "kpi.vms.help": (
        "{n_on} allumées ; modèles exclus ({n_templates})",
        "{n_on} powered on; templates excluded ({n_templates})",
    ),
    "kpi.vms_per_host": ("VM par hôte", "VMs per host"),
    "kpi.vms_per_host.help": (
        "Les sources citent « moins de 8 VM par serveur en moyenne ».",
        'The sources quote "fewer than 8 VMs per server on average".',
    ),
    "kpi.age": ("Âge moyen des hôtes", "Average host age"),
    "kpi.coverage": (
        "Calculé sur {n} hôtes sur {total} (date connue)",
        "Computed on {n} of {total} hosts (date known)",
    ),
    "kpi.out_of_warranty": ("Hôtes hors garantie", "Hosts out of warranty"),
    "kpi.cores": ("Cœurs physiques", "Physical cores"),
    "kpi.vcpus": ("vCPU alloués", "Allocated vCPUs"),
    "kpi.vcpus.help": ("{ratio} vCPU par cœur physique", "{ratio} vCPUs per physical core"),
    "kpi.median_cpu": ("Utilisation CPU médiane", "Median CPU utilisation"),
    "kpi.median_cpu.help": (
        "P95 observé des hôtes rapporté à leur capacité (cœurs × MHz), sur les {n} hôtes dont "
        "l'utilisation est connue ({unknown} sans donnée, non comptés).",
        "Hosts' observed P95 over their capacity (cores × MHz), over the {n} hosts whose utilisation "
        "is known ({unknown} without data, left out).",
    ),
    "overview.cost": ("Coût et économies", "Cost and savings"),
    "kpi.opex_now": ("Coût de fonctionnement annuel {year}", "Yearly operating cost {year}"),
    "kpi.opex_now.help": (
        "Ce que coûte le parc actuel, gardé tel quel, la première année du budget ({year}) : énergie "
        "(× PUE), maintenance hors garantie, licences, personnel et place en baie, TTC, avec les "
        "hypothèses par défaut. Ni achat ni amortissement du matériel : ce n'est pas un TCO.",
        "What the current estate, kept as it is, costs to run in the budget's first year ({year}): "
        "energy (× PUE), out-of-warranty support, licences, staff and rack space, VAT included, with "
        "the default assumptions. No purchase and no hardware depreciation: this is not a TCO.",
    ),
    "kpi.hosts.physical": (
        "Dont {n} serveurs physiques (sans hyperviseur) hors des plans : consolidation et "
        "renouvellement portent sur {n_planned} hôtes.",
        "Including {n} physical servers (no hypervisor) left out of the plans: consolidation and "
        "replacement cover {n_planned} hosts.",
    ),
    "kpi.energy_now": ("Énergie annuelle (PUE inclus)", "Yearly energy (PUE included)"),
    "kpi.energy_now.help": (
        "Modèle linéaire P(u) = P_repos + (P_max − P_repos)·u.",
        "Linear model P(u) = P_idle + (P_max − P_idle)·u.",
    ),
    "kpi.best_saving": ("Meilleur scénario : économie en {year}", "Best scenario: saving in {year}"),
    "kpi.best_saving.none": ("Meilleur scénario : économie", "Best scenario: saving"),
    "kpi.best_saving.help": (
        "Scénario « {name} » : économie de la dernière année de son plan ({year}) par rapport au parc "
        "actuel, TTC ; écart en % du budget du parc actuel cette année-là. Seuls les scénarios "
        "calculés avec les hypothèses par défaut du jour sont comparés.",
        'Scenario "{name}": saving in the last year of its plan ({year}) against the current '
        "estate, VAT included; the share is of the current estate's budget that year. Only scenarios "
        "computed with today's default assumptions are compared.",
    ),
    "overview.other_assumptions": (
        "Non comparés (autres hypothèses que celles par défaut) : {details}.",
        "Not compared (assumptions other than the defaults): {details}.",
    ),
    "overview.no_scenario": (
        "Aucun scénario enregistré : construisez-en un dans la page Consolidation.",
        "No saved scenario: build one on the Consolidation page.",
    ),
    "overview.best": (
        "Meilleur scénario : « {name} » — {hosts_before} → {hosts_after} hôtes, {total} économisés sur {horizon} ans.",
        'Best scenario: "{name}" — {hosts_before} → {hosts_after} hosts, {total} saved over {horizon} years.',
    ),
    "chart.utilisation.title": (
        "Répartition de l'utilisation des hôtes (P95)",
        "Distribution of host utilisation (P95)",
    ),
    "chart.utilisation.x": ("Utilisation (%)", "Utilisation (%)"),
    "overview.utilisation_note": (
        "Un hôte à 10 % de CPU porte une charge que quelques serveurs récents absorbent : "
        "c'est la sous-utilisation qui fait l'essentiel du gain de consolidation.",
        "A host at 10 % CPU carries a load a few modern servers absorb: under-utilisation drives "
        "most of the consolidation gain.",
    ),
    # inventory
    "inventory.title": ("Inventaire", "Inventory"),
    "filter.search": ("Rechercher", "Search"),
    "filter.search.placeholder": ("nom, modèle, système…", "name, model, OS…"),
    "filter.clusters": ("Clusters", "Clusters"),
    "filter.status": ("Statut", "Status"),
    "filter.clusters.placeholder": ("Tous les clusters", "Every cluster"),
    "filter.status.placeholder": ("Tous les statuts", "Every status"),
    "filter.offers.placeholder": ("Choisir des offres", "Choose offers"),
    "filter.scenarios.placeholder": ("Choisir des scénarios", "Choose scenarios"),
    "filter.templates": ("Inclure les modèles de VM", "Include VM templates"),
    "inventory.tab.hosts": ("Hôtes ({n})", "Hosts ({n})"),
    "inventory.tab.vms": ("VM ({n})", "VMs ({n})"),
    "inventory.unknown_usage": (
        "{n} hôtes sans utilisation affichée : inconnue (ni P95 de l'hôte ni de ses VM), jamais comptée "
        "à 0 % et laissée hors des médianes, histogrammes et moyennes par cluster.",
        "{n} hosts show no utilisation: unknown (no P95 for the host or its VMs), never counted as 0 % "
        "and left out of medians, histograms and per-cluster figures.",
    ),
    "inventory.tab.ages": ("Âges et garanties", "Ages and warranties"),
    "inventory.tab.clusters": ("Clusters", "Clusters"),
    "inventory.hosts.caption": ("{n} hôtes affichés sur {total}.", "{n} hosts shown of {total}."),
    "inventory.vms.caption": ("{n} VM affichées sur {total}.", "{n} VMs shown of {total}."),
    "inventory.warranty.caption": (
        "{n} hôtes sur {total} sont hors garantie.",
        "{n} of {total} hosts are out of warranty.",
    ),
    "chart.pyramid.title": ("Pyramide des âges des hôtes", "Host age pyramid"),
    "chart.pyramid.y": ("Âge (années)", "Age (years)"),
    "chart.warranty.title": ("Fins de garantie par année", "Warranty ends per year"),
    "chart.warranty.x": ("Année de fin de garantie", "Year the warranty ends"),
    "chart.clusters.title": ("Utilisation par cluster (P95)", "Utilisation per cluster (P95)"),
    "col.host": ("Hôte", "Host"),
    "col.vm": ("VM", "VM"),
    "col.cluster": ("Cluster", "Cluster"),
    "col.site": ("Site", "Site"),
    "col.model": ("Modèle", "Model"),
    "col.cores": ("Cœurs", "Cores"),
    "col.memory_gib": ("Mémoire (Gio)", "Memory (GiB)"),
    "col.n_vms": ("VM", "VMs"),
    "col.n_hosts": ("Hôtes", "Hosts"),
    "col.cpu_p95": ("CPU P95", "CPU P95"),
    "col.memory_p95": ("Mémoire P95", "Memory P95"),
    "col.purchase_date": ("Achat", "Purchased"),
    "col.age": ("Âge (ans)", "Age (years)"),
    "col.warranty_end": ("Fin de garantie", "Warranty end"),
    "col.status": ("Statut", "Status"),
    "col.power": ("Alimentation", "Power"),
    "col.vcpus": ("vCPU", "vCPUs"),
    "col.cpu_p95_mhz": ("CPU P95 (MHz)", "CPU P95 (MHz)"),
    "col.memory_p95_gib": ("Mémoire P95 (Gio)", "Memory P95 (GiB)"),
    "col.storage_gib": ("Disque (Gio)", "Disk (GiB)"),
    "col.guest_os": ("Système", "Guest OS"),
    "col.template": ("Modèle de VM", "Template"),
    # collection
    "collection.title": ("Collecte", "Collection"),
    "collection.sources": ("Dernière collecte par source", "Latest run per source"),
    "collection.when": ("Lancée le {when}", "Started {when}"),
    "collection.counts": ("{hosts} hôtes, {vms} VM", "{hosts} hosts, {vms} VMs"),
    "collection.error": ("Erreur : {error}", "Error: {error}"),
    "collection.last_ok": ("Dernière collecte réussie : {when}", "Last successful run: {when}"),
    "collection.schedule": ("Planification", "Schedule"),
    "collection.no_schedule": (
        "Aucune collecte planifiée. Les collectes se lancent à la demande depuis un terminal (`parcimonie --help`).",
        "No scheduled collection. Collections run on demand from a terminal (`parcimonie --help`).",
    ),
    "collection.schedule_error": (
        "La planification n'a pas pu être lue ({kind}).",
        "The schedule could not be read ({kind}).",
    ),
    "collection.next_run": ("**{name}** : prochaine exécution le {when}", "**{name}**: next run on {when}"),
    "collection.history": ("Historique des collectes", "Run history"),
    "col.run": ("N°", "Run"),
    "col.source": ("Source", "Source"),
    "col.kind": ("Type", "Kind"),
    "col.started_at": ("Début", "Started"),
    "col.duration_s": ("Durée (s)", "Duration (s)"),
    "col.created": ("Créés", "Created"),
    "col.updated": ("Mis à jour", "Updated"),
    "col.missing": ("Disparus", "Missing"),
    "col.error": ("Erreur", "Error"),
    # consolidation
    "consolidation.title": ("Consolidation", "Consolidation"),
    "consolidation.target": ("Hôtes cibles", "Target hosts"),
    "consolidation.target.new": ("Nouveaux serveurs (offres)", "New servers (offers)"),
    "consolidation.target.existing": ("Hôtes existants (resserrer)", "Existing hosts (repack)"),
    "consolidation.offers": ("Offres en concurrence", "Competing offers"),
    "consolidation.offers.help": (
        "Chaque offre est évaluée seule ; la moins chère en TCO l'emporte. Chaque offre ajoutée allonge le calcul.",
        "Each offer is evaluated alone; the lowest TCO wins. Each added offer lengthens the computation.",
    ),
    "consolidation.compare_all": ("Comparer toutes les offres", "Compare every offer"),
    "consolidation.compare_all.help": (
        "Met toutes les offres du catalogue en concurrence (plus long).",
        "Lets every catalogue offer compete (slower).",
    ),
    "consolidation.excluded": (
        "{n} VM écartées par la politique : {parts} (onglet des VM non placées ou exclues).",
        "{n} VMs left out by the policy: {parts} (unplaced or excluded VMs tab).",
    ),
    "consolidation.excluded.templates": ("{n} modèles de VM", "{n} VM templates"),
    "consolidation.excluded.powered_off": ("{n} VM éteintes", "{n} powered-off VMs"),
    "consolidation.freed_kept": (
        "{n} hôtes vidés sur le papier gardent des VM non placées : ils ne sont pas comptés comme libérés.",
        "{n} hosts emptied on paper keep unplaced VMs: they are not counted as freed.",
    ),
    "consolidation.save.help": (
        "Le scénario enregistre le plan complet (consolidation, options, plan de renouvellement), "
        "comme `parcimonie plan --scenario NOM`.",
        "The scenario holds the full plan (consolidation, options, replacement plan), "
        "as `parcimonie plan --scenario NAME` saves it.",
    ),
    "consolidation.save.replace": ("Remplacer un scénario du même nom", "Replace a scenario of the same name"),
    "spinner.plan": ("Calcul du plan complet…", "Computing the full plan…"),
    "finances.source": ("Plan affiché", "Plan shown"),
    "finances.source.parameters": ("Calculé avec les paramètres ci-dessous", "Computed with the parameters below"),
    "finances.saved_applied": (
        "Plan « {name} » calculé à {price} €/kWh TTC, plafond {ceiling}, réserve HA {ha}, {scope}, "
        "offres : {offers}, plafond d'investissement annuel : {cap}. Ses paramètres sont affichés, "
        "non modifiables.",
        'Plan "{name}" computed at {price} €/kWh incl. VAT, ceiling {ceiling}, HA reserve {ha}, '
        "{scope}, offers: {offers}, yearly investment cap: {cap}. Its parameters are shown, read-only.",
    ),
    "finances.all_offers": ("toutes", "all"),
    "finances.partial": (
        "Plan partiel : {n} VM ne tiennent sur aucun hôte cible ; les coûts ne les portent pas. "
        "Voir la page Consolidation.",
        "Partial plan: {n} VMs fit on no target host; the costs do not carry them. See the Consolidation page.",
    ),
    "finances.no_replacement": (
        "Ce plan resserre le parc sur ses hôtes existants : il n'a pas de plan de renouvellement.",
        "This plan repacks the estate onto its existing hosts: it has no replacement plan.",
    ),
    "finances.replacement": (
        "Plan de renouvellement {first}–{last} : {n_old} hôtes remplacés par {n_new} × {offer}.",
        "Replacement plan {first}–{last}: {n_old} hosts replaced by {n_new} × {offer}.",
    ),
    "finances.plan": ("Plan de renouvellement ({offer})", "Replacement plan ({offer})"),
    "finances.carbon_payback": ("Retour carbone (année)", "Carbon payback (year)"),
    "finances.sensitivity_note": (
        "Seule l'énergie dépend du prix (kWh × prix) : le placement des VM n'en dépend pas.",
        "Only energy depends on the price (kWh × price): the VM placement does not.",
    ),
    "col.hosts_freed": ("Hôtes libérés", "Hosts freed"),
    "col.updated_at": ("Mis à jour le", "Updated"),
    "scenarios.summary_note": (
        "« Tout acheter » (hôtes après, TCA, TCO) : la consolidation immédiate, l'offre du scénario "
        "achetée d'un coup. Hôtes en fin de plan, investissement, économie et retour : son plan de "
        "renouvellement année par année, tel qu'enregistré. Un resserrement sur les hôtes existants "
        "n'est pas chiffré.",
        '"Buy all now" (hosts after, TCA, TCO): the one-shot consolidation, the scenario\'s offer '
        "bought at once. Hosts at the plan's end, investment, saving and payback: its year-by-year "
        "replacement plan as saved. Repacking onto existing hosts is not costed.",
    ),
    "scenarios.no_replacement": (
        "Aucun des scénarios choisis n'a de plan de renouvellement à comparer.",
        "None of the chosen scenarios has a replacement plan to compare.",
    ),
    "consolidation.ceiling": ("Plafond d'utilisation (%)", "Utilisation ceiling (%)"),
    "consolidation.vcpu_ratio": ("vCPU par cœur au plus (0 : sans plafond)", "Most vCPUs per core (0: no cap)"),
    "consolidation.vcpu_ratio.help": (
        "Limite de l'hyperviseur : vCPU alloués par cœur physique d'un hôte, en plus de la demande sous le "
        "plafond. 4 est l'usage courant pour des serveurs ; vSphere refuse au-delà de 32.",
        "Hypervisor limit: vCPUs allocated per physical core of a host, besides demand under the ceiling. 4 is "
        "common practice for servers; vSphere refuses more than 32.",
    ),
    "consolidation.memory_overcommit": (
        "Surallocation mémoire au plus (0 : sans plafond)",
        "Most memory overcommit (0: no cap)",
    ),
    "consolidation.memory_overcommit.help": (
        "Mémoire allouée au plus égale à ce multiple de la mémoire physique d'un hôte. Utile quand la mémoire "
        "est dimensionnée sur son P95 ; sur l'allocation, le plafond d'utilisation la borne déjà.",
        "Allocated memory at most this multiple of a host's physical memory. Useful when memory is sized on its "
        "P95; sized on allocation, the utilisation ceiling already bounds it.",
    ),
    "consolidation.p2v": ("Virtualiser les serveurs physiques (P2V)", "Virtualise the physical servers (P2V)"),
    "consolidation.p2v.help": (
        "Place les serveurs physiques de taille connue comme des VM, dimensionnés sur leur usage mesuré, et "
        "retire leur matériel (énergie, maintenance, personnel, baie).",
        "Places the physical servers of known size like VMs, sized on their measured usage, and retires their "
        "hardware (energy, maintenance, staff, rack).",
    ),
    "p2v.title": ("Serveurs physiques à virtualiser", "Physical servers to virtualise"),
    "p2v.col.server": ("Serveur", "Server"),
    "p2v.col.cpu": ("CPU (MHz réf.)", "CPU (ref. MHz)"),
    "p2v.col.memory": ("Mémoire (Gio)", "Memory (GiB)"),
    "p2v.col.to_host": ("Vers l'hôte", "To host"),
    "p2v.col.savings": ("Économie par an (€ TTC)", "Savings a year (€ incl. VAT)"),
    "p2v.col.estimated": ("Estimé", "Estimated"),
    "p2v.no_room": ("pas de place", "no room"),
    "p2v.estimated": (
        "Pas de mesure d'usage : CPU estimé d'après les cœurs, mémoire comptée en entier.",
        "No usage measured: CPU estimated from the cores, memory counted whole.",
    ),
    "limit.vcpu_ratio": ("vCPU par cœur", "vCPUs per core"),
    "limit.memory_overcommit": ("Surallocation mémoire", "Memory overcommit"),
    "col.vcpus_per_core": ("vCPU par cœur", "vCPUs per core"),
    "col.memory_allocated_ratio": ("Mémoire allouée / physique", "Allocated / physical memory"),
    "consolidation.ceiling.help": (
        "Part de la capacité (CPU et mémoire) qu'un hôte peut porter après consolidation.",
        "Share of a host's capacity (CPU and memory) it may carry after consolidation.",
    ),
    "consolidation.preset": ("Préréglage prudent des sources : {value}", "Sources' cautious preset: {value}"),
    "consolidation.preset.help": (
        "« Les serveurs x86 deviennent instables au-delà de 40 % de leur capacité » (presse 2015–2018) : "
        "une précaution proposée, pas une loi.",
        '"x86 servers become unstable above 40 % of their capacity" (French press 2015–2018): '
        "a precaution on offer, not a law.",
    ),
    "consolidation.ha": ("Réserve HA (hôtes par groupe)", "HA reserve (hosts per group)"),
    "consolidation.ha.help": (
        "Hôtes gardés vides pour absorber une panne (N+1 par défaut).",
        "Hosts kept empty to absorb a failure (N+1 by default).",
    ),
    "consolidation.scope": ("Périmètre", "Scope"),
    "consolidation.scope.cluster": ("Par cluster", "Per cluster"),
    "consolidation.scope.estate": ("Parc entier", "Whole estate"),
    "consolidation.memory_p95": (
        "Mémoire observée (P95) plutôt qu'allouée",
        "Observed memory (P95) rather than allocated",
    ),
    "consolidation.memory_p95.help": (
        "Moins prudent : la mémoire allouée est le choix par défaut.",
        "Less cautious: allocated memory is the default.",
    ),
    "consolidation.no_offer": (
        "Choisissez au moins une offre, ou resserrez sur les hôtes existants.",
        "Choose at least one offer, or repack onto the existing hosts.",
    ),
    "consolidation.bad_parameters": ("Paramètres refusés : {message}", "Parameters refused: {message}"),
    "consolidation.hosts_before": ("Hôtes avant", "Hosts before"),
    "consolidation.hosts_after": ("Hôtes, cible de consolidation", "Hosts, consolidation target"),
    "consolidation.hosts_after.help": (
        "Cible de consolidation, tous les hôtes achetés d'un coup, dont {ha} hôtes de réserve HA. Le plan "
        "pluriannuel (Finances, Scénarios) remplace les hôtes au fil de leur âge : son nombre d'hôtes en fin de "
        "plan peut différer.",
        "Consolidation target, every host bought at once, including {ha} HA reserve hosts. The multi-year plan "
        "(Finance, Scenarios) replaces hosts as they age: its host count at the plan's end may differ.",
    ),
    "consolidation.lower_bound": ("Borne inférieure", "Lower bound"),
    "consolidation.lower_bound.help": (
        "Nombre d'hôtes en dessous duquel aucune solution n'existe (réserve HA comprise).",
        "No solution exists with fewer hosts (HA reserve included).",
    ),
    "consolidation.gap": ("Écart à la borne", "Gap to the bound"),
    "consolidation.gap.help": ("Hôtes de plus que la borne ({share}).", "Hosts above the bound ({share})."),
    "consolidation.gap.help.none": (
        "Hôtes de plus que la borne (pas de borne calculée).",
        "Hosts above the bound (no bound computed).",
    ),
    "consolidation.vms_per_host": (
        "VM par hôte (aujourd'hui → cible de consolidation)",
        "VMs per host (today → consolidation target)",
    ),
    "consolidation.offer_chosen": (
        "Offre retenue : **{offer}**, la moins chère en TCO des {n} offres comparées — TCO {tco} TTC "
        "sur {horizon} ans.",
        "Chosen offer: **{offer}**, the lowest TCO of the {n} offers compared — TCO {tco} incl. VAT "
        "over {horizon} years.",
    ),
    "consolidation.offer_studied": (
        "Offre étudiée : **{offer}** — TCO {tco} TTC sur {horizon} ans (seule en lice : comparez les "
        "offres pour en retenir une).",
        "Offer studied: **{offer}** — TCO {tco} incl. VAT over {horizon} years (alone: compare the "
        "offers to choose one).",
    ),
    "consolidation.repack": (
        "Resserrement sur les hôtes existants : {n} hôtes libérés.",
        "Repacking onto the existing hosts: {n} hosts freed.",
    ),
    "consolidation.partial": (
        "{n} VM ne tiennent sur aucun hôte cible : voir l'onglet des VM non placées.",
        "{n} VMs fit on no target host: see the unplaced VMs tab.",
    ),
    "consolidation.optimal": (
        "Solution optimale : le nombre d'hôtes atteint la borne inférieure.",
        "Optimal: the number of hosts reaches the lower bound.",
    ),
    "consolidation.feasible": (
        "Solution réalisable, à {gap} hôte(s) de la borne inférieure.",
        "Feasible solution, {gap} host(s) above the lower bound.",
    ),
    "chart.after.title": (
        "Hôtes après consolidation par cluster, colorés par leur ressource limitante (orange : le plafond)",
        "Hosts after consolidation by cluster, coloured by their limiting resource (amber: the ceiling)",
    ),
    "chart.after.x": ("Hôtes du cluster, du plus chargé au moins chargé", "Hosts of the cluster, fullest first"),
    "consolidation.worst": (
        "Les {n} hôtes les plus chargés après consolidation",
        "The {n} fullest hosts after consolidation",
    ),
    "consolidation.tab.after": ("Hôtes après ({n})", "Hosts after ({n})"),
    "consolidation.tab.placement": ("Placement ({n} VM)", "Placement ({n} VMs)"),
    "consolidation.tab.freed": ("Hôtes libérés ({n})", "Hosts freed ({n})"),
    "consolidation.tab.unplaced": ("VM non placées ou exclues ({n})", "Unplaced or excluded VMs ({n})"),
    "consolidation.kind.new": ("Nouveau", "New"),
    "consolidation.kind.existing": ("Existant", "Existing"),
    "consolidation.kind.ha": ("Réserve HA", "HA reserve"),
    "consolidation.review": ("Examiner un hôte", "Review a host"),
    "consolidation.review.caption": ("{n} VM placées sur {host}.", "{n} VMs placed on {host}."),
    "consolidation.search.placeholder": ("VM ou hôte…", "VM or host…"),
    "consolidation.to_host": ("Hôte cible", "Target host"),
    "consolidation.to_host.all": ("Tous les hôtes cibles", "Every target host"),
    "consolidation.page": ("Page (sur {n})", "Page (of {n})"),
    "consolidation.page.caption": (
        "VM {first} à {last} sur {n} ; filtrez par hôte cible ou cherchez pour réduire la liste.",
        "VMs {first} to {last} of {n}; filter by target host or search to narrow the list.",
    ),
    "consolidation.page.none": ("Aucune VM ne correspond.", "No VM matches."),
    "consolidation.save.empty": (
        "Enregistrement refusé : le scénario doit avoir un nom.",
        "Not saved: the scenario needs a name.",
    ),
    "consolidation.save.exists": (
        "Enregistrement refusé : un scénario « {name} » existe déjà (cochez « Remplacer un scénario du même nom »).",
        'Not saved: a scenario named "{name}" already exists (tick "Replace a scenario of the same name").',
    ),
    "consolidation.echo": (
        "Méthode : {solver}. {n_vms} VM placées sur {n_hosts} hôtes ; borne inférieure {bound}, écart {gap}.",
        "Method: {solver}. {n_vms} VMs placed on {n_hosts} hosts; lower bound {bound}, gap {gap}.",
    ),
    "consolidation.save": ("Enregistrer comme scénario", "Save as a scenario"),
    "consolidation.save.name": ("Nom du scénario", "Scenario name"),
    "consolidation.saved": ("Scénario « {name} » enregistré.", 'Scenario "{name}" saved.'),
    "consolidation.save.error": ("Enregistrement refusé : {message}", "Not saved: {message}"),
    "col.offer": ("Offre", "Offer"),
    "col.tco_horizon": ("TCO sur l'horizon (TTC)", "TCO over the horizon (incl. VAT)"),
    "col.from_host": ("Hôte d'origine", "From host"),
    "col.to_host": ("Hôte cible", "To host"),
    "col.purchase_year": ("Année d'achat", "Purchase year"),
    "col.n_vms_before": ("VM avant", "VMs before"),
    "col.reason": ("Raison", "Reason"),
    # finances
    "finances.title": ("Finances", "Finance"),
    "finances.price": ("Prix de l'électricité (c€/kWh TTC)", "Electricity price (c€/kWh incl. VAT)"),
    "finances.price_eur": ("Prix de l'électricité (€/kWh TTC)", "Electricity price (€/kWh incl. VAT)"),
    "finances.apply": ("Recalculer le plan", "Recompute the plan"),
    "finances.apply.help": (
        "Le prix de l'électricité, le plafond, la réserve HA et le périmètre sont des hypothèses du "
        "plan : toutes les offres et le plan de renouvellement sont recalculés une fois, à la demande.",
        "The electricity price, ceiling, HA reserve and scope are assumptions of the plan: every "
        "offer and the replacement plan are recomputed once, on demand.",
    ),
    "finances.applied": (
        "Plan calculé à {price} €/kWh TTC, plafond {ceiling}, réserve HA {ha}. Modifiez les "
        "paramètres puis « Recalculer le plan » ; la courbe de sensibilité ne recalcule rien.",
        "Plan computed at {price} €/kWh incl. VAT, ceiling {ceiling}, HA reserve {ha}. Change the "
        'parameters then "Recompute the plan"; the sensitivity chart recomputes nothing.',
    ),
    "finances.price.help": (
        "En centimes : 20 c€/kWh TTC (0,20 €) par défaut ; à ajuster selon votre contrat.",
        "In cents: 20 c€/kWh incl. VAT (€0.20) by default; adjust to your contract.",
    ),
    "finances.keep": ("Garder le parc actuel", "Keep the current estate"),
    "finances.tco_vs_tca": ("TCO et TCA par option sur {horizon} ans", "TCO and TCA per option over {horizon} years"),
    "finances.tco_note": (
        "Le TCA (achat et installation) se confond trop souvent avec le TCO ; seul ce dernier compte : "
        "il ajoute l'énergie (PUE inclus), la maintenance hors garantie, les licences, le personnel et la "
        "place en baie. Montants TTC.",
        "TCA (purchase and installation) is too often confused with TCO; only the latter matters: it adds "
        "energy (PUE included), out-of-warranty support, licences, staff and rack space. Amounts incl. VAT.",
    ),
    "finances.budget": ("Budget annuel : investissement et fonctionnement", "Yearly budget: investment and operating"),
    "finances.budget_note": (
        "Investissement l'année de l'achat : matériel (compte 2183) et licences perpétuelles Windows "
        "Datacenter (2051) ; FCTVA perçu en recette selon le régime. Fonctionnement : énergie (60612), "
        "maintenance (6156), licences annuelles, personnel, baie. TTC.",
        "Investment in the year of purchase: hardware (account 2183) and perpetual Windows Datacenter "
        "licences (2051); FCTVA received per regime. Operating: energy (60612), maintenance (6156), "
        "yearly licences, staff, rack. Incl. VAT.",
    ),
    "finances.residual": ("Valeur résiduelle en fin d'horizon", "Residual value at the end of the horizon"),
    "finances.residual.help": (
        "Valeur nette comptable du matériel encore détenu à la fin de l'horizon ; hors économies sauf choix contraire.",
        "Net book value of the hardware still owned at the end of the horizon; outside the savings unless chosen.",
    ),
    "finances.baseline": ("Base de comparaison", "Baseline"),
    "finances.baseline.keep": ("Conserver le parc tel quel", "Keep the estate as it is"),
    "finances.baseline.like_for_like": (
        "Renouveler à l'identique (chaque hôte à l'âge de remplacement)",
        "Renew like for like (each host at the replacement age)",
    ),
    "finances.npv": ("Économies actualisées (VAN)", "Discounted savings (NPV)"),
    "finances.capacity": (
        "Capacité libérée, hors budget : {hours} heures d'exploitation sur l'horizon, "
        "{units} U de baie en fin de plan.",
        "Capacity freed, outside the budget: {hours} operating hours over the horizon, {units} rack units at the end.",
    ),
    "finances.repack": ("Consolider sur les hôtes existants", "Repack onto the existing hosts"),
    "finances.sensitivity_missing": (
        "Scénario enregistré par une version précédente : recalculez-le pour voir la sensibilité au prix de l'énergie.",
        "Scenario saved by an earlier version: recompute it to see the sensitivity to the energy price.",
    ),
    "finances.sensitivity": ("Sensibilité au prix de l'énergie", "Sensitivity to the energy price"),
    "chart.sensitivity.title": (
        "TCO sur l'horizon selon le prix de l'électricité",
        "TCO over the horizon by electricity price",
    ),
    "chart.tco.title": ("Composition du TCO par option", "TCO breakdown per option"),
    "chart.eur": ("€ TTC", "€ incl. VAT"),
    "finances.download": ("Télécharger le classeur budgétaire (Excel)", "Download the budget workbook (Excel)"),
    "col.option": ("Option", "Option"),
    "col.tca": ("TCA (TTC)", "TCA (incl. VAT)"),
    "col.opex": ("Fonctionnement", "Operating"),
    "col.tco": ("TCO", "TCO"),
    "col.tco_gap": ("Écart de TCO (achat immédiat)", "TCO gap (buy all now)"),
    "col.plan_savings": ("Économie du plan", "Plan's saving"),
    "col.licence_purchase": ("dont licences perpétuelles (2051)", "of which perpetual licences (2051)"),
    "col.payback": ("Retour financier (année)", "Payback year"),
    "col.carbon_t": ("Carbone (kgCO2e)", "Carbon (kgCO2e)"),
    "col.total": ("Total", "Total"),
    "line.investissement": ("Investissement (achats)", "Investment (purchases)"),
    "line.investissement_materiel": ("dont matériel (2183)", "of which hardware (2183)"),
    "line.investissement_licences": ("dont licences perpétuelles (2051)", "of which perpetual licences (2051)"),
    "saving.investissement_materiel": ("Achats de matériel (2183)", "Hardware purchases (2183)"),
    "saving.investissement_licences": ("Licences perpétuelles (2051)", "Perpetual licences (2051)"),
    "line.fctva": ("FCTVA perçu (recette)", "FCTVA received"),
    "line.energy": ("Énergie", "Energy"),
    "line.maintenance": ("Maintenance", "Maintenance"),
    "line.licences": ("Licences", "Licences"),
    "line.staff": ("Personnel", "Staff"),
    "line.rack": ("Baie", "Rack space"),
    "line.fonctionnement": ("Total fonctionnement", "Operating total"),
    "line.net": ("Dépense nette", "Net spending"),
    "consolidation.save.default": ("{offer} — plafond {ceiling} %, HA {ha}", "{offer} — ceiling {ceiling}%, HA {ha}"),
    # scenarios
    "scenarios.title": ("Scénarios", "Scenarios"),
    "scenarios.none": (
        "Aucun scénario enregistré. Construisez une proposition dans la page Consolidation et enregistrez-la.",
        "No saved scenario. Build a proposal on the Consolidation page and save it.",
    ),
    "scenarios.pick": ("Scénarios à comparer", "Scenarios to compare"),
    "scenarios.baseline": ("Parc actuel (référence)", "Current estate (baseline)"),
    "scenarios.baseline_of": ("Parc actuel, hypothèses de « {names} »", 'Current estate, assumptions of "{names}"'),
    "scenarios.baselines_note": (
        "Les scénarios choisis n'ont pas tous les mêmes hypothèses : chaque référence « parc actuel » "
        "(en pointillés) porte le nom des scénarios calculés avec elle.",
        'The chosen scenarios do not all share the same assumptions: each "current estate" baseline '
        "(dashed) is named after the scenarios computed with it.",
    ),
    "scenarios.cumulative": ("Coût cumulé sur l'horizon (TTC)", "Cumulative cost over the horizon (incl. VAT)"),
    "scenarios.split": ("Économies par poste sur l'horizon", "Savings by line over the horizon"),
    "scenarios.summary": ("Synthèse", "Summary"),
    "scenarios.carbon": ("Carbone sur l'horizon", "Carbon over the horizon"),
    "col.scenario": ("Scénario", "Scenario"),
    "col.hosts_after": ("Hôtes après", "Hosts after"),
    "col.hosts_after_now": (
        "Hôtes, cible de consolidation (tout acheter d'un coup)",
        "Hosts, consolidation target (buy all at once)",
    ),
    "col.tca_now": ("TCA, tout acheter (TTC)", "TCA, buy all now (incl. VAT)"),
    "col.tco_now": ("TCO, tout acheter", "TCO, buy all now"),
    "col.plan_hosts": ("Hôtes en fin de plan (réserve HA incluse)", "Hosts at the plan's end (HA reserve included)"),
    "finances.hosts_end": (
        "Hôtes en fin de plan {year} (réserve HA incluse)",
        "Hosts at the plan's end {year} (HA reserve included)",
    ),
    "finances.hosts_end.help": (
        "Cible de consolidation, tous les hôtes achetés d'un coup : {target} hôtes.",
        "Consolidation target, every host bought at once: {target} hosts.",
    ),
    "finances.tornado": (
        "Les hypothèses qui pèsent le plus sur l'économie du plan",
        "The assumptions that move the plan's saving most",
    ),
    "finances.tornado.compute": ("Calculer la sensibilité (±20 %)", "Compute the sensitivity (±20%)"),
    "finances.tornado.help": (
        "Recalcule le plan seize fois, chaque hypothèse à −20 % puis +20 %, avec la même offre.",
        "Recomputes the plan sixteen times, each assumption at −20% then +20%, with the same offer.",
    ),
    "finances.tornado.spinner": ("Calcul de la sensibilité…", "Computing the sensitivity…"),
    "finances.tornado.missing": (
        "Ce scénario a été enregistré sans sa sensibilité : `parcimonie plan --scenario NOM` l'enregistre avec.",
        "This scenario was saved without its sensitivity: `parcimonie plan --scenario NAME` saves it too.",
    ),
    "finances.tornado.note": (
        "Économie du plan sur l'horizon : {saving} ; hors licences (abonnements, assurance logicielle, licences "
        "perpétuelles) : {without}.",
        "The plan's saving over the horizon: {saving}; leaving licences out (subscriptions, software assurance, "
        "perpetual licences): {without}.",
    ),
    "chart.tornado.title": ("Économie du plan, chaque hypothèse à ±20 %", "The plan's saving, each assumption ±20%"),
    "chart.tornado.low": ("hypothèse à −20 %", "assumption at −20%"),
    "chart.tornado.high": ("hypothèse à +20 %", "assumption at +20%"),
    "finances.authority": ("Collectivité", "Authority"),
    "finances.authority.commune": ("Commune", "Municipality (commune)"),
    "finances.authority.epci": ("EPCI", "Inter-municipal body (EPCI)"),
    "finances.authority.departement": ("Département", "Département"),
    "finances.authority.region": ("Région", "Region"),
    "finances.population": ("Population (habitants)", "Population (inhabitants)"),
    "finances.population.help": (
        "Les communes et EPCI de moins de 3 500 habitants ne sont pas tenus d'amortir : le classeur omet alors "
        "les dotations aux amortissements.",
        "Communes and EPCIs under 3,500 inhabitants need not amortise: the workbook then leaves the depreciation "
        "lines out.",
    ),
    "col.plan_investment": ("Investissement du plan (TTC)", "Plan's investment (incl. VAT)"),
    "col.carbon_saved": ("Carbone évité (kgCO2e)", "Carbon avoided (kgCO2e)"),
    "col.embodied": ("Fabrication (kgCO2e)", "Manufacturing (kgCO2e)"),
    "col.operational": ("Usage (kgCO2e)", "Use (kgCO2e)"),
    "col.carbon_payback": ("Retour carbone (année)", "Carbon payback year"),
    "col.year": ("Année", "Year"),
    "col.created_at": ("Créé le", "Created"),
    "finances.prepare": (
        "Préparer le classeur (plan de renouvellement compris)",
        "Prepare the workbook (replacement plan included)",
    ),
    "finances.prepare.help": (
        "Calcule le plan complet de la couche de planification, puis propose le fichier .xlsx.",
        "Runs the planning layer's full plan, then offers the .xlsx file.",
    ),
    # Committee (issue #12): the recommended plan on the first screen, the note, trust fixes.
    "overview.plan": ("Plan recommandé", "Recommended plan"),
    "overview.plan.caption": (
        "Calculé sur le dernier inventaire avec les hypothèses par défaut, sans rien enregistrer. Option la moins "
        "chère : {best} ; plan de renouvellement sur « {offer} », de {first} à {last}.",
        "Computed on the latest inventory with the default assumptions, nothing saved. Cheapest option: {best}; "
        'replacement plan on "{offer}", {first} to {last}.',
    ),
    "overview.plan.caption_changed": (
        "Calculé sur le dernier inventaire avec {n} hypothèse(s) modifiée(s) sur la page Hypothèses, sans rien "
        "enregistrer. Option la moins chère : {best} ; plan de renouvellement sur « {offer} », de {first} à {last}.",
        "Computed on the latest inventory with {n} assumption(s) changed on the Assumptions page, nothing saved. "
        'Cheapest option: {best}; replacement plan on "{offer}", {first} to {last}.',
    ),
    "overview.plan.existing": ("les hôtes existants, reconditionnés", "the existing hosts, repacked"),
    "overview.plan.saving": ("Économie sur {horizon} ans (trésorerie)", "Saving over {horizon} years (cash)"),
    "overview.plan.payback": ("Retour sur investissement", "Payback year"),
    "overview.plan.npv": ("Économies actualisées (VAN)", "Discounted savings (NPV)"),
    "overview.plan.hosts": ("Hôtes aujourd'hui → fin du plan", "Hosts today → end of plan"),
    "overview.plan.carbon": ("Carbone évité sur l'horizon", "Carbon avoided over the horizon"),
    "overview.plan.computing": (
        "Calcul en cours du plan recommandé pour cet inventaire (une fois par collecte)…",
        "Computing the recommended plan for this inventory (once per collection)…",
    ),
    "overview.plan.spinner": (
        "Calcul des hypothèses qui font le plus varier l'économie…",
        "Finding the assumptions that move the saving most…",
    ),
    "overview.plan.drivers_ask": (
        "Trouver les trois hypothèses qui font le plus varier l'économie",
        "Find the three assumptions that move the saving most",
    ),
    "overview.plan.drivers_ask.help": (
        "Seize recalculs du plan (chaque hypothèse à −20 % et +20 %) : calculés à la demande au-delà de "
        "{n} VM, puis gardés pour cet inventaire et ces hypothèses.",
        "Sixteen recomputations of the plan (each assumption at −20% and +20%): on demand above {n} VMs, "
        "then kept for this inventory and these assumptions.",
    ),
    "overview.plan.drivers": (
        "Les trois hypothèses qui font le plus varier l'économie (chacune à −20 % et +20 %) : {items}.",
        "The three assumptions that move the saving most (each at −20% and +20%): {items}.",
    ),
    "overview.plan.driver": ("{name} (de {low} à {high})", "{name} ({low} to {high})"),
    "overview.plan.link": ("Détail du plan et budget par année : Finances", "Plan detail and yearly budget: Finances"),
    "overview.plan.none": (
        "Pas de plan de renouvellement calculable sur ce parc avec les hypothèses par défaut.",
        "No replacement plan can be computed on this estate with the default assumptions.",
    ),
    "overview.failed_run": (
        "La dernière collecte de « {source} » a échoué le {when} : les chiffres viennent de la dernière collecte "
        "réussie. Voir la page Collecte. {error}",
        'The latest collection of "{source}" failed on {when}: the figures come from the latest successful '
        "collection. See the Collection page. {error}",
    ),
    "carbon.negative": (
        "Carbone évité négatif : le carbone de fabrication des nouveaux hôtes dépasse les économies d'exploitation "
        "sur l'horizon.",
        "Negative carbon avoided: the embodied carbon of the new hosts outweighs the operational savings over the "
        "horizon.",
    ),
    "finances.years": (
        "Budget net par année : parc actuel, plan et différence",
        "Net budget per year: estate, plan, difference",
    ),
    "col.current_estate": ("Parc actuel (net)", "Current estate (net)"),
    "col.scenario_net": ("Plan (net)", "Plan (net)"),
    "col.difference": ("Différence (économie)", "Difference (saving)"),
    "col.cumulative": ("Cumul", "Cumulative"),
    "finances.years.note": (
        "Net : investissement et fonctionnement, FCTVA déduit (TTC). Différence positive : le plan coûte moins que "
        "le parc actuel cette année-là.",
        "Net: investment and operating costs, FCTVA deducted (incl. VAT). A positive difference: the plan costs "
        "less than the current estate that year.",
    ),
    "finances.note": ("Note au comité (PDF)", "Committee note (PDF)"),
    "finances.note.prepare": (
        "Préparer la note au comité (PDF, en français)",
        "Prepare the committee note (PDF, in French)",
    ),
    "finances.note.download": ("Télécharger la note au comité", "Download the committee note"),
    "overview.estate": ("Le parc", "The estate"),
    "nav.assumptions": ("Hypothèses", "Assumptions"),
    "hyp.title": ("Hypothèses", "Assumptions"),
    "hyp.intro": (
        "Chaque hypothèse des plans, avec sa valeur par défaut, son unité et sa source. Les valeurs modifiées ici "
        "valent pour cette session : elles s'appliquent aux plans des pages Consolidation et Finances et sont "
        "enregistrées avec les scénarios.",
        "Every assumption of the plans, with its default, unit and source. Values changed here hold for this "
        "session: they apply to the plans of the Consolidation and Finances pages and are saved with scenarios.",
    ),
    "hyp.changed": (
        "{n} hypothèse(s) modifiée(s), appliquée(s) au plan recommandé et aux pages Consolidation et Finances.",
        "{n} assumption(s) changed, applied to the recommended plan and the Consolidation and Finances pages.",
    ),
    "hyp.none_changed": ("Toutes les hypothèses ont leur valeur par défaut.", "Every assumption has its default."),
    "hyp.reset": ("Rétablir", "Reset"),
    "hyp.reset_all": ("Tout rétablir", "Reset all"),
    "hyp.group.energy": ("Énergie et carbone", "Energy and carbon"),
    "hyp.group.hardware": ("Matériel et support", "Hardware and support"),
    "hyp.group.licences": ("Licences", "Licences"),
    "hyp.group.staff_space": ("Personnel et espace", "Staff and space"),
    "hyp.group.public_finance": ("Finances publiques", "Public finance"),
    "hyp.group.transition": ("Transition", "Transition"),
    "hyp.group.sizing": ("Dimensionnement", "Sizing"),
    "hyp.meta": ("Défaut : {default} — unité : {unit}", "Default: {default} — unit: {unit}"),
    "hyp.source": ("Source : {source}", "Source: {source}"),
    "hyp.choice_readonly": (
        "Un choix : modifiable avec `parcimonie plan --set`.",
        "A choice: change it with `parcimonie plan --set`.",
    ),
    "hyp.policy": (
        "Politique de dimensionnement : réglée sur les pages Consolidation et Finances.",
        "Sizing policy: set on the Consolidation and Finances pages.",
    ),
    "hyp.catalogue": ("Catalogue d'offres", "Offer catalogue"),
    "hyp.offer.add_title": (
        "**Ajouter une offre** (un devis fournisseur, prix TTC)",
        "**Add an offer** (a supplier's quote, prices incl. VAT)",
    ),
    "hyp.offer.name": ("Offre", "Offer"),
    "hyp.offer.cores": ("Cœurs", "Cores"),
    "hyp.offer.sockets": ("Sockets", "Sockets"),
    "hyp.offer.cores_per_socket": ("Cœurs par socket", "Cores per socket"),
    "hyp.offer.mhz": ("Fréquence (MHz)", "Frequency (MHz)"),
    "hyp.offer.memory": ("Mémoire (Gio)", "Memory (GiB)"),
    "hyp.offer.price": ("Prix TTC (€)", "Price incl. VAT (€)"),
    "hyp.offer.install": ("Installation TTC (€)", "Installation incl. VAT (€)"),
    "hyp.offer.perf": ("Performance par cœur (cœur 2024 = 1)", "Performance per core (2024 core = 1)"),
    "hyp.offer.idle": ("Puissance au repos (W)", "Idle power (W)"),
    "hyp.offer.max": ("Puissance maximale (W)", "Maximum power (W)"),
    "hyp.offer.warranty": ("Garantie (ans)", "Warranty (years)"),
    "hyp.offer.rack_units": ("Unités de rack (U)", "Rack units (U)"),
    "hyp.offer.add": ("Ajouter l'offre", "Add the offer"),
    "hyp.offer.added": ("Offre ajoutée : {name}", "Offer added: {name}"),
    "hyp.offer.refused": ("Offre refusée : {message}", "Offer refused: {message}"),
    "hyp.offer.remove_pick": ("Offre à retirer", "Offer to remove"),
    "hyp.offer.remove": ("Retirer", "Remove"),
    "hyp.offer.removed": ("Offre retirée : {name}", "Offer removed: {name}"),
    "scenarios.overrides": ("Hypothèses modifiées par scénario", "Assumptions changed per scenario"),
    "scenarios.overrides.none": ("toutes par défaut", "all defaults"),
    "scenarios.overrides.row": ("{name} : {value} (défaut {default})", "{name}: {value} (default {default})"),
    "nav.capacity": ("Capacité", "Capacity"),
    "capacity.title": ("Capacité dans le temps", "Capacity over time"),
    "capacity.ceiling": ("Plafond d'utilisation des hôtes", "Hosts' utilisation ceiling"),
    "capacity.ha": ("Hôtes de réserve HA par cluster", "HA reserve hosts per cluster"),
    "capacity.no_history": (
        "Aucun historique de capacité : chaque collecte ou import réussi en ajoute un point.",
        "No capacity history yet: every successful collection or import adds a point.",
    ),
    "capacity.explain": (
        "Croissance : pente de Theil–Sen (médiane des pentes entre collectes), fourchette P10–P90. Capacité utile : "
        "capacité × plafond, moins le plus gros hôte par hôte de réserve HA.",
        "Growth: Theil–Sen slope (median of the slopes between runs), P10–P90 band. Usable capacity: capacity × "
        "ceiling, less the largest host per HA reserve host.",
    ),
    "capacity.single_run": (
        "Une seule date de collecte ({when}) : la croissance ne peut pas encore être estimée (elle vaut 0).",
        "A single collection date ({when}): growth cannot be estimated yet (it is 0).",
    ),
    "capacity.remaining": ("Temps restant avant le plafond", "Time left before the ceiling"),
    "capacity.estate": ("Parc entier", "Whole estate"),
    "capacity.never": ("jamais à ce rythme", "never at this rate"),
    "capacity.reached": ("déjà atteint", "already reached"),
    "capacity.years": ("{years} an(s)", "{years} year(s)"),
    "capacity.gib": ("Gio", "GiB"),
    "capacity.resource": ("Ressource", "Resource"),
    "capacity.cpu": ("CPU (P95)", "CPU (P95)"),
    "capacity.memory": ("Mémoire", "Memory"),
    "capacity.chart": ("Demande et prévision : {group}", "Demand and forecast: {group}"),
    "capacity.band": ("Fourchette P10–P90", "P10–P90 band"),
    "capacity.trend": ("Tendance", "Trend"),
    "capacity.observed": ("Observé", "Observed"),
    "capacity.usable": ("Capacité utile", "Usable capacity"),
    "capacity.col.group": ("Groupe", "Group"),
    "capacity.col.runs": ("Dates", "Dates"),
    "capacity.col.hosts": ("Hôtes", "Hosts"),
    "capacity.col.cpu_growth": ("Croissance CPU / an", "CPU growth / year"),
    "capacity.col.cpu_left": ("CPU : temps restant", "CPU: time left"),
    "capacity.col.memory_growth": ("Croissance mémoire / an", "Memory growth / year"),
    "capacity.col.memory_left": ("Mémoire : temps restant", "Memory: time left"),
    "capacity.col.hosts_end": ("Hôtes nécessaires en {year}", "Hosts needed in {year}"),
    # Issue #12: per-cluster before/after, VM sizes, saving from Finances, comparing two scenarios.
    "consolidation.tab.clusters": ("Par cluster ({n})", "By cluster ({n})"),
    "col.cpu_after": ("CPU après", "CPU after"),
    "col.memory_after": ("Mémoire après", "Memory after"),
    "col.limit": ("Ressource limitante", "Limiting resource"),
    "consolidation.clusters.caption": (
        "Hôtes avant : ceux que le plan reprend. Utilisation après : moyenne des hôtes qui portent des VM "
        "(réserve HA exclue). Ressource limitante : celle dont l'utilisation est la plus haute, qui borne "
        "l'empilement dans ce cluster.",
        "Hosts before: those the plan takes in. Utilisation after: mean of the hosts carrying VMs (HA "
        "reserve left out). Limiting resource: the one with the higher utilisation, which bounds the "
        "packing in that cluster.",
    ),
    "inventory.search.placeholder": ("nom, constructeur, modèle, CPU, système…", "name, vendor, model, CPU, OS…"),
    "inventory.search.help": (
        "Cherche dans le nom des hôtes et des VM, le constructeur, le modèle et le processeur des hôtes, et le "
        "système des VM ; les VM d'un hôte trouvé par son matériel sont montrées aussi.",
        "Searches host and VM names, the hosts' vendor, model and CPU, and the VMs' OS; the VMs of a host found "
        "by its hardware are shown too.",
    ),
    "finances.save.default": (
        "Finances — {price} €/kWh, plafond {ceiling} %, HA {ha}",
        "Finances — {price} €/kWh, ceiling {ceiling}%, HA {ha}",
    ),
    "finances.save.help": (
        "Enregistre le plan affiché (paramètres appliqués, plan de renouvellement compris) comme scénario, "
        "comme la page Consolidation et « parcimonie plan --scenario ».",
        "Saves the plan shown (parameters applied, replacement plan included) as a scenario, as the "
        "Consolidation page and “parcimonie plan --scenario” do.",
    ),
    "finances.save.empty": (
        "Enregistrement refusé : le scénario doit avoir un nom.",
        "Not saved: the scenario needs a name.",
    ),
    "finances.save.exists": (
        "Enregistrement refusé : un scénario « {name} » existe déjà ; choisissez un autre nom.",
        'Not saved: a scenario named "{name}" already exists; choose another name.',
    ),
    "reclaim.compare": ("Consolider après récupération", "Consolidate after reclamation"),
    "reclaim.compare.help": (
        "Le plan sans les VM zombies et inactives, les VM surdimensionnées redimensionnées, à côté du plan "
        "sur le parc tel qu'il est (comme `parcimonie plan --after-reclaim`).",
        "The plan without the zombie and idle VMs, oversized VMs right-sized, beside the plan on the estate "
        "as it stands (as `parcimonie plan --after-reclaim`).",
    ),
    "reclaim.compare.hosts": ("Hôtes nécessaires après récupération", "Hosts needed after reclamation"),
    "reclaim.compare.tco": ("TCO après récupération ({option})", "TCO after reclamation ({option})"),
    "reclaim.compare.removed": ("VM retirées avant consolidation", "VMs removed before consolidation"),
    "reclaim.compare.note": (
        "Sans récupération : {before} hôtes ; après : {after} (réserve HA comprise, même plafond et mêmes hypothèses).",
        "Without reclamation: {before} hosts; after: {after} (HA reserve included, same ceiling and assumptions).",
    ),
    "scenarios.manage": ("Renommer ou supprimer un scénario", "Rename or delete a scenario"),
    "scenarios.manage.pick": ("Scénario", "Scenario"),
    "scenarios.manage.new_name": ("Nouveau nom", "New name"),
    "scenarios.manage.rename": ("Renommer", "Rename"),
    "scenarios.manage.delete": ("Supprimer", "Delete"),
    "scenarios.manage.sure": ("Supprimer « {name} » pour de bon", 'Delete "{name}" for good'),
    "scenarios.manage.renamed": ("« {name} » renommé en « {new} ».", '"{name}" renamed "{new}".'),
    "scenarios.manage.deleted": ("« {name} » supprimé.", '"{name}" deleted.'),
    "scenarios.compare": ("Comparer deux scénarios, année par année", "Compare two scenarios, year by year"),
    "scenarios.compare.first": ("Scénario A", "Scenario A"),
    "scenarios.compare.second": ("Scénario B", "Scenario B"),
    "scenarios.compare.too_few": (
        "Il faut au moins deux scénarios avec un plan de renouvellement pour les comparer.",
        "At least two scenarios with a replacement plan are needed to compare them.",
    ),
    "scenarios.compare.same": ("Choisissez deux scénarios différents.", "Pick two different scenarios."),
    "scenarios.compare.net": ("Budget net : {name}", "Net budget: {name}"),
    "scenarios.compare.difference": ("Écart ({second} − {first})", "Difference ({second} − {first})"),
    "scenarios.compare.note": (
        "Budget net de chaque plan (investissement − FCTVA + fonctionnement, € TTC). Un écart positif : "
        "« {second} » coûte plus que « {first} » cette année-là ; « — » : une année qu'un seul plan couvre.",
        "Net budget of each plan (investment − FCTVA + operating, EUR incl. VAT). A positive difference: "
        "“{second}” costs more than “{first}” that year; “—”: a year only one plan covers.",
    ),
    "scenarios.compare.chart": ("Budget net par année", "Net budget per year"),
    "consolidation.clusters.estate": ("Parc entier (périmètre parc)", "Whole estate (estate scope)"),
    "nav.reclaim": ("Récupération", "Reclamation"),
    "reclaim.title": ("Récupération avant consolidation", "Reclamation before consolidation"),
    "reclaim.ceiling": ("Plafond d'utilisation des hôtes", "Hosts' utilisation ceiling"),
    "reclaim.include_powered_off": (
        "Le plan place les VM éteintes (leur demande est libérée)",
        "The plan places powered-off VMs (their demand is freed)",
    ),
    "reclaim.explain": (
        "Chaque VM comptée une fois : zombie (éteinte depuis longtemps ou disparue de sa source), puis "
        "inactive, puis surdimensionnée. Euros par an TTC : énergie et licences de la part d'hôte libérée. "
        "Les seuils sont des hypothèses (page Hypothèses, `parcimonie reclaim --set`).",
        "Each VM counted once: zombie (powered off for long or gone from its source), then idle, then "
        "oversized. Euros a year incl. VAT: energy and licences of the share of host freed. The thresholds "
        "are assumptions (Assumptions page, `parcimonie reclaim --set`).",
    ),
    "reclaim.metric.vms": ("VM à récupérer", "VMs to reclaim"),
    "reclaim.metric.vcpus": ("vCPU libérés", "vCPUs freed"),
    "reclaim.metric.eur": ("Euros libérés par an (TTC)", "Euros freed a year (incl. VAT)"),
    "reclaim.metric.kgco2e": ("kgCO2e évités par an", "kgCO2e avoided a year"),
    "reclaim.category_line": (
        "**{category}** : {n} VM, {vcpus} vCPU, {eur} par an",
        "**{category}**: {n} VMs, {vcpus} vCPUs, {eur} a year",
    ),
    "reclaim.category.zombie": ("VM zombie", "Zombie VM"),
    "reclaim.category.idle": ("VM inactive", "Idle VM"),
    "reclaim.category.oversized": ("VM surdimensionnée", "Oversized VM"),
    "reclaim.col.vm": ("VM", "VM"),
    "reclaim.col.category": ("Catégorie", "Category"),
    "reclaim.col.reason": ("Motif", "Reason"),
    "reclaim.col.vcpus": ("vCPU libérés", "vCPUs freed"),
    "reclaim.col.memory": ("Mémoire libérée (Gio)", "Memory freed (GiB)"),
    "reclaim.col.share": ("Part d'hôte", "Share of host"),
    "reclaim.col.energy": ("Énergie / an", "Energy / year"),
    "reclaim.col.licences": ("Licences / an", "Licences / year"),
    "reclaim.col.eur": ("Total / an", "Total / year"),
    "reclaim.col.kgco2e": ("kgCO2e / an", "kgCO2e / year"),
}
STRINGS.update(AUTH_STRINGS)  # sign-in, roles and the Journal page (dashboard/auth_strings.py)
STRINGS.update(RISK_STRINGS)  # the Profils et risque page (dashboard/risk_strings.py)
STRINGS.update(MOVES_STRINGS)  # VM migrations (dashboard/moves_strings.py)
STRINGS.update(LOAD_STRINGS)  # the Capacité page's measured load (dashboard/load_strings.py)
STRINGS.update(CONSOLIDATION_STRINGS)  # the Consolidation page's detail (dashboard/consolidation_strings.py)
