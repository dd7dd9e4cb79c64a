"""Every sentence a plan can say, in French and English: one table, keyed by code.

The optimizer and the planning service say *what* happened as a code and its figures
(``Message(code="reason.too_large", params={"cpu_ref_mhz": 5200, ...})``); the CLI, the workbook and
the dashboard turn it into words here, so the same fact reads the same on every surface. A
placeholder's format spec picks the formatter: ``{x:n0}`` a number with no decimal, ``{x:n1}`` one,
``{x:n2}`` two, ``{x:eur}`` euros, ``{x:pct}`` a share as a percentage, ``{x:list}`` a list,
``{x:code}`` another message's words.
"""

import string
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from parcimonie.formatting import MISSING, format_eur, format_number, format_percent
from parcimonie.planning.messages_moves import MOVES_MESSAGES

LANGUAGES = ("fr", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    # --- why a VM is not placed (optimizer.ReasonCode) ----------------------------------------
    "reason.too_large": (
        "sa demande ({cpu_ref_mhz:n0} MHz de référence, {memory_mib:n0} Mio) dépasse la capacité utilisable "
        "de tous les hôtes cibles",
        "its demand ({cpu_ref_mhz:n0} reference MHz, {memory_mib:n0} MiB) exceeds the usable capacity of "
        "every target host",
    ),
    "reason.no_capacity_left": (
        "plus aucun hôte cible n'a assez de capacité libre",
        "no target host left with enough free capacity",
    ),
    "reason.no_target_host": ("aucun hôte cible", "no target host"),
    "reason.no_free_existing_host": (
        "aucun hôte existant libre pour ce groupe (tous servent déjà un autre groupe)",
        "no free existing host for this group (every one already serves another group)",
    ),
    "reason.too_large_for_new_hosts": (
        "sa demande dépasse la capacité utilisable du nouveau modèle d'hôte : son hôte est conservé",
        "its demand exceeds the usable capacity of the new host model: its host is kept",
    ),
    "reason.unknown": ("{text}", "{text}"),
    "reason.no_capacity_on_new_hosts": (
        "plus de capacité libre sur les nouveaux hôtes",
        "no capacity left on the new hosts",
    ),
    "reason.template": ("modèle de VM, exclu par la politique", "template, excluded by policy"),
    "reason.powered_off": ("éteinte, exclue par la politique", "powered off, excluded by policy"),
    # --- what a reader of a plan must not miss -------------------------------------------------
    "warning.partial_plan": (
        "{n:n0} VM ne tiennent sur aucun hôte cible : capacité insuffisante, le plan est partiel.",
        "{n:n0} VMs fit on no target host: not enough capacity, the plan is partial.",
    ),
    "warning.vms_on_unknown_hosts": (
        "{n:n0} VM sur des hôtes que l'inventaire ne décrit pas (capacité inconnue, absents de vHost) : "
        "leur demande est ramenée à l'hôte médian.",
        "{n:n0} VMs on hosts the inventory does not describe (capacity unknown, absent from vHost): "
        "their demand is normalised with the median host.",
    ),
    # --- how far a plan's demand can be trusted (parcimonie.planning.confidence) -----------------
    "confidence.line": (
        "Confiance dans les données : {level:n0}/5 ({meaning:code}). Demande CPU : {measured:pct} mesurée "
        "(P95 sur {days:n0} jours ou plus), {short:pct} mesurée sur moins longtemps, {sample:pct} relevés "
        "ponctuels, {apportioned:pct} répartie depuis l'usage des hôtes, {estimated:pct} estimée.",
        "Data confidence: {level:n0}/5 ({meaning:code}). CPU demand: {measured:pct} measured "
        "(P95 over {days:n0} days or more), {short:pct} measured over less, {sample:pct} point-in-time "
        "samples, {apportioned:pct} apportioned from host usage, {estimated:pct} estimated.",
    ),
    "confidence.mostly_estimated": (
        "Plan fondé surtout sur des estimations : {estimated:pct} de la demande CPU est estimée depuis "
        "l'allocation (confiance {level:n0}/5). Collectez l'usage (statistiques vSphere, onglets vCPU et "
        "vMemory de RVTools) avant de décider.",
        "Plan built mostly on estimates: {estimated:pct} of the CPU demand is estimated from allocation "
        "(confidence {level:n0}/5). Collect usage (vSphere statistics, RVTools vCPU and vMemory tabs) "
        "before deciding.",
    ),
    "confidence.level_1": ("surtout des estimations : un ordre de grandeur", "mostly estimates: an order of magnitude"),
    "confidence.level_2": (
        "surtout des relevés ponctuels ou des parts d'hôte : une première approche",
        "mostly samples or host shares: a first approach",
    ),
    "confidence.level_3": (
        "mesures, relevés et parts d'hôte mêlés : à confirmer par les statistiques vSphere",
        "a mix of measures, samples and host shares: to confirm with vSphere statistics",
    ),
    "confidence.level_4": (
        "surtout mesurée : vérifier les grosses VM sans mesure",
        "mostly measured: check the large VMs without measures",
    ),
    "confidence.level_5": ("mesurée sur une durée suffisante", "measured over a long enough window"),
    "confidence.label": ("Confiance dans les données", "Data confidence"),
    "warning.ha_reserve_uncovered": (
        "Réserve HA insuffisante dans {n:n0} groupe(s) : les hôtes libres ne peuvent pas reprendre la charge "
        "du ou des plus gros hôtes.",
        "HA reserve too small in {n:n0} group(s): the spare hosts cannot take over the load of the largest host(s).",
    ),
    "p2v.summary": (
        "À virtualiser : {n:n0} serveur(s) physique(s), {placed:n0} placé(s) ; leur matériel retiré économise "
        "{yearly_eur:eur} par an ({horizon_eur:eur} sur l'horizon).",
        "To virtualise: {n:n0} physical server(s), {placed:n0} placed; retiring their hardware saves "
        "{yearly_eur:eur} a year ({horizon_eur:eur} over the horizon).",
    ),
    "p2v.title": ("Serveurs physiques à virtualiser", "Physical servers to virtualise"),
    "p2v.col.server": ("Serveur", "Server"),
    "p2v.col.cpu": ("CPU (MHz réf.)", "CPU (ref. MHz)"),
    "p2v.col.memory": ("Mémoire (Gio)", "Memory (GiB)"),
    "p2v.col.to_host": ("Vers l'hôte", "To host"),
    "p2v.col.savings": ("Économie par an", "Savings a year"),
    "p2v.no_room": ("pas de place", "no room"),
    "p2v.estimated": (
        "* estimé : pas de mesure d'usage (CPU estimé d'après les cœurs, mémoire comptée en entier).",
        "* estimated: no usage measured (CPU estimated from the cores, memory counted whole).",
    ),
    "limits.summary": (
        "Limites de l'hyperviseur : au plus {vcpu_cap:n1} vCPU par cœur (atteint {max_vcpus_per_core:n2}), "
        "surallocation mémoire au plus {memory_cap:n2} (atteint {max_memory_ratio:n2}) ; ressource limitante "
        "{resource:code}.",
        "Hypervisor limits: at most {vcpu_cap:n1} vCPUs per core (reached {max_vcpus_per_core:n2}), memory "
        "overcommit at most {memory_cap:n2} (reached {max_memory_ratio:n2}); limiting resource {resource:code}.",
    ),
    "limit.cpu": ("processeur (demande)", "CPU (demand)"),
    "limit.memory": ("mémoire (demande)", "memory (demand)"),
    "limit.vcpu_ratio": ("vCPU par cœur", "vCPUs per core"),
    "limit.memory_overcommit": ("surallocation mémoire", "memory overcommit"),
    "warning.ha_shortfall": (
        "Réserve HA incomplète : {have:n0} hôte(s) sur {expected:n0} demandés (plus d'hôte existant libre).",
        "HA reserve short: {have:n0} host(s) of {expected:n0} asked for (no spare existing host left).",
    ),
    "warning.plan_costs_more": (
        "Le plan de renouvellement coûte {extra_eur:eur} de plus que conserver le parc sur l'horizon.",
        "The replacement plan costs {extra_eur:eur} more than keeping the estate over the horizon.",
    ),
    "warning.plan_costs_more_capped": (
        "Le plan de renouvellement coûte {extra_eur:eur} de plus que conserver le parc sur l'horizon "
        "(plafond d'investissement annuel trop bas ?).",
        "The replacement plan costs {extra_eur:eur} more than keeping the estate over the horizon "
        "(yearly investment cap too low?).",
    ),
    "warning.repack_cheapest": (
        "Consolider sur les hôtes existants coûte {repack_eur:eur} sur l'horizon, moins que la meilleure offre "
        "({offer} : {offer_eur:eur}) : c'est l'option la moins chère.",
        "Repacking onto the hosts already owned costs {repack_eur:eur} over the horizon, less than the best "
        "offer ({offer}: {offer_eur:eur}): it is the cheapest option.",
    ),
    "warning.more_hosts_at_end": (
        "En {year}, le plan compte plus d'hôtes ({scenario:n0}) que le parc actuel ({baseline:n0}).",
        "In {year}, the plan has more hosts ({scenario:n0}) than the current estate ({baseline:n0}).",
    ),
    "warning.plan_costs_more_than_renewal": (
        "Le plan de renouvellement coûte {extra_eur:eur} de plus que renouveler le parc à l'identique sur l'horizon.",
        "The replacement plan costs {extra_eur:eur} more than renewing the estate like for like over the horizon.",
    ),
    "warning.keep_out_of_support": (
        "Conserver le parc en {year} : {n_warranty:n0} hôte(s) hors garantie et {n_age:n0} au-delà de l'âge "
        "de remplacement.",
        "Keeping the estate in {year}: {n_warranty:n0} host(s) out of warranty and {n_age:n0} past the "
        "replacement age.",
    ),
    "warning.demand_growth": (
        "Demande supposée croître de {growth:pct} par an : {n:n0} hôte(s) acheté(s) en plus pour la croissance "
        "(le maintien du parc est seulement chiffré, sans nouveau placement).",
        "Demand assumed to grow by {growth:pct} a year: {n:n0} host(s) bought on top for the growth "
        "(keeping the estate is only costed, not re-packed).",
    ),
    # --- refused requests (PlanError) ----------------------------------------------------------
    "error.empty_inventory": (
        "l'inventaire est vide : collectez ou importez un parc (ou `parcimonie demo`)",
        "the inventory is empty: collect or import an estate (or `parcimonie demo`)",
    ),
    "error.reclaim_removes_all": (
        "la récupération retire toutes les VM du parc ({n:n0} zombies ou inactives) : il ne reste rien à "
        "placer ; planifiez sans la récupération ou revoyez ses seuils (docs/assumptions.md, Reclamation)",
        "reclamation removes every VM of the estate ({n:n0} zombie or idle): nothing is left to place; plan "
        "without reclamation or review its thresholds (docs/assumptions.md, Reclamation)",
    ),
    "error.only_physical": (
        "l'inventaire ne compte que {n:n0} serveur(s) physique(s) sans hyperviseur (par ex. {example}) : "
        "aucune VM à consolider ; collectez ou importez les hôtes de virtualisation, ou virtualisez ces serveurs "
        "sur une offre du catalogue (plan --p2v)",
        "the inventory holds only {n:n0} physical server(s) without a hypervisor (e.g. {example}): no VM to "
        "consolidate; collect or import the virtualisation hosts, or virtualise these servers onto a catalogue "
        "offer (plan --p2v)",
    ),
    "error.empty_inventory_unsized": (
        "aucune VM n'a de taille connue : {n:n0} VM sans vCPU ou sans mémoire (par ex. {example}) ; "
        "complétez l'import (colonnes vCPU et mémoire) ou collectez le vCenter",
        "no VM has a known size: {n:n0} VMs lack vCPUs or memory (e.g. {example}); "
        "complete the import (vCPU and memory columns) or collect the vCenter",
    ),
    "error.empty_catalogue": (
        "le catalogue d'offres est vide : lancez `parcimonie init`",
        "the offer catalogue is empty: run `parcimonie init`",
    ),
    "error.unknown_offers": (
        "offre(s) inconnue(s) : {unknown:list} ; connues : {known:list}",
        "unknown offer(s): {unknown:list}; known: {known:list}",
    ),
    "error.assumption.unknown": (
        "hypothèses invalides : hypothèse inconnue {field}",
        "invalid assumptions: unknown assumption {field}",
    ),
    "error.assumption.not_bool": (
        "hypothèses invalides : {name:code} attend oui ou non, reçu {value}",
        "invalid assumptions: {name:code} expects yes or no, got {value}",
    ),
    "error.assumption.not_finite": (
        "hypothèses invalides : {name:code} attend un nombre fini, reçu {value}",
        "invalid assumptions: {name:code} expects a finite number, got {value}",
    ),
    "error.assumption.not_integer": (
        "hypothèses invalides : {name:code} attend un nombre entier, reçu {value}",
        "invalid assumptions: {name:code} expects a whole number, got {value}",
    ),
    "error.assumption.negative": (
        "hypothèses invalides : {name:code} doit être positif ou nul, reçu {value}",
        "invalid assumptions: {name:code} must be zero or more, got {value}",
    ),
    "error.assumption.not_choice": (
        "hypothèses invalides : {name:code} attend l'une des valeurs {choices}, reçu {value}",
        "invalid assumptions: {name:code} expects one of {choices}, got {value}",
    ),
    "error.assumption.out_of_range": (
        "hypothèses invalides : {name:code} doit être dans {range}, reçu {value}",
        "invalid assumptions: {name:code} must lie in {range}, got {value}",
    ),
    "error.policy.out_of_range": (
        "politique invalide : {name:code} hors des bornes, reçu {value}",
        "invalid policy: {name:code} out of range, got {value}",
    ),
    "error.policy.not_integer": (
        "politique invalide : {name:code} attend un nombre entier, reçu {value}",
        "invalid policy: {name:code} expects a whole number, got {value}",
    ),
    "error.policy.negative": (
        "politique invalide : {name:code} doit être positif ou nul, reçu {value}",
        "invalid policy: {name:code} must be zero or more, got {value}",
    ),
    "error.policy.unknown_scope": (
        "politique invalide : périmètre inconnu {value} (cluster ou estate)",
        "invalid policy: unknown scope {value} (cluster or estate)",
    ),
    "error.policy.unknown_demand": (
        "politique invalide : demande inconnue {value} (p95 ou profile)",
        "invalid policy: unknown demand {value} (p95 or profile)",
    ),
    "error.input.empty_estate": (
        "l'inventaire est vide : collectez ou importez un parc (ou `parcimonie demo`)",
        "the inventory is empty: collect or import an estate (or `parcimonie demo`)",
    ),
    "error.input.no_target_host": (
        "aucun hôte cible : ni hôte existant ni offre",
        "no target host: neither an existing host nor an offer",
    ),
    "error.input.unknown_method": ("méthode inconnue : {method}", "unknown method: {method}"),
    "error.input.bad_time_limit": ("limite de temps invalide : {time_limit_s}", "invalid time limit: {time_limit_s}"),
    "error.input.no_offer": ("aucune offre à étudier", "no offer to study"),
    "error.input.offer_mismatch": ("offre sans rapport avec ce plan", "offer unrelated to this plan"),
    "error.input.bad_investment_cap": (
        "plafond d'investissement invalide : il doit être positif",
        "invalid investment cap: it must be positive",
    ),
    "error.bad_input": ("données invalides pour le plan : {detail}", "invalid plan input: {detail}"),
    "error.unknown_format": (
        "format de plan inconnu ({format}) : mettez Parcimonie à jour",
        "unknown plan format ({format}): upgrade Parcimonie",
    ),
    # --- what explains a replacement plan's ratio ----------------------------------------------
    "drivers.sentence": (
        "{n_hosts_replaced:n0} hôtes remplacés par {n_hosts_new:n0} (ratio {ratio:n1}), VM par hôte "
        "{vms_per_host_before:n1} → {vms_per_host_after:n1} ; ressource limitante {resource:code}, utilisation CPU "
        "{cpu_utilisation_before:pct} → {cpu_utilisation_after:pct}, performance par cœur ×{per_core_perf_gain:n2}, "
        "cœurs par hôte ×{core_count_gain:n2} ; facteur principal : {driver:code}.",
        "{n_hosts_replaced:n0} hosts replaced by {n_hosts_new:n0} (ratio {ratio:n1}), VMs per host "
        "{vms_per_host_before:n1} → {vms_per_host_after:n1}; binding resource {resource:code}, CPU utilisation "
        "{cpu_utilisation_before:pct} → {cpu_utilisation_after:pct}, per-core performance ×{per_core_perf_gain:n2}, "
        "cores per host ×{core_count_gain:n2}; main driver: {driver:code}.",
    ),
    "driver.utilisation": ("le taux d'utilisation", "utilisation"),
    "driver.cpu_generation": ("le gain de génération CPU", "the CPU generation gain"),
    "driver.host_size": ("la taille des nouveaux hôtes", "the size of the new hosts"),
    "driver.none": ("aucun (aucun hôte remplacé)", "none (no host replaced)"),
    "resource.cpu": ("processeur", "CPU"),
    "resource.memory": ("mémoire", "memory"),
    "resource.none": ("aucune (aucun hôte remplacé)", "none (no host replaced)"),
    # --- budget lines --------------------------------------------------------------------------
    "line.energy_eur": ("énergie", "energy"),
    "line.maintenance_eur": ("maintenance", "maintenance"),
    "line.licences_eur": ("licences", "licences"),
    "line.staff_eur": ("personnel", "staff"),
    "line.rack_eur": ("hébergement", "rack space"),
    "line.investissement_eur": ("investissement", "investment"),
    "line.fctva_eur": ("FCTVA", "FCTVA"),
    "line.transition_eur": ("transition (rebut, migration, formation)", "transition (disposal, migration, training)"),
    "line.residual_value_eur": ("valeur résiduelle", "residual value"),
    # --- assumptions (the workbook's Hypothèses sheet, the dashboard's panel) ------------------
    "assumption.horizon_years": ("Horizon (années)", "Horizon (years)"),
    "assumption.discount_rate": ("Taux d'actualisation", "Discount rate"),
    "assumption.energy_price_escalation_per_year": (
        "Hausse annuelle réelle du prix de l'électricité",
        "Real yearly rise of the electricity price",
    ),
    "assumption.residual_value_share": (
        "Valeur résiduelle (part de la valeur nette comptable)",
        "Residual value (share of net book value)",
    ),
    "assumption.residual_value_in_savings": (
        "Valeur résiduelle comptée dans les économies",
        "Residual value counted in the savings",
    ),
    "assumption.disposal_eur_per_host": (
        "Mise au rebut par hôte : effacement et collecte DEEE (€ HT)",
        "Disposal per host: erasure and WEEE collection (€ excl. VAT)",
    ),
    "assumption.migration_hours_per_vm": ("Migration (heures par VM déplacée)", "Migration (hours per VM moved)"),
    "assumption.training_eur": ("Formation, une fois (€ HT)", "Training, once (€ excl. VAT)"),
    "assumption.staff_savings_are_cash": (
        "Heures libérées comptées comme économies budgétaires",
        "Freed staff hours counted as cash savings",
    ),
    "assumption.rack_savings_are_cash": (
        "Unités de baie libérées comptées comme économies budgétaires",
        "Freed rack units counted as cash savings",
    ),
    "assumption.depreciation_years": ("Durée d'amortissement du matériel (années)", "Hardware depreciation (years)"),
    "assumption.vat_rate": ("Taux de TVA", "VAT rate"),
    "assumption.fctva_enabled": ("FCTVA récupéré", "FCTVA recovered"),
    "assumption.fctva_rate": ("Taux de FCTVA", "FCTVA rate"),
    "assumption.fctva_delay_years": ("Délai de versement du FCTVA (années)", "FCTVA payment delay (years)"),
    "assumption.electricity_eur_per_kwh": ("Prix de l'électricité (€ TTC/kWh)", "Electricity price (€ incl. VAT/kWh)"),
    "assumption.pue": ("PUE de la salle", "Server room PUE"),
    "assumption.grid_kgco2e_per_kwh": (
        "Facteur carbone de l'électricité (kgCO2e/kWh)",
        "Electricity carbon factor (kgCO2e/kWh)",
    ),
    "assumption.embodied_kgco2e_per_server": (
        "Carbone de fabrication par serveur, par défaut (kgCO2e)",
        "Embodied carbon per server, default (kgCO2e)",
    ),
    "assumption.embodied_lifetime_years": (
        "Durée d'amortissement du carbone de fabrication (années)",
        "Embodied carbon amortisation (years)",
    ),
    "assumption.install_eur_per_host": (
        "Installation par hôte, par défaut (€ HT)",
        "Installation per host (€ excl. VAT)",
    ),
    "assumption.default_server_price_eur": (
        "Prix d'un serveur au prix inconnu (€ HT)",
        "Price of a server of unknown price (€ excl. VAT)",
    ),
    "assumption.default_warranty_years": ("Garantie par défaut (années)", "Default warranty (years)"),
    "assumption.support_rate_per_year": (
        "Contrat de support après garantie (part du prix d'achat par an)",
        "Support contract after warranty (share of purchase price per year)",
    ),
    "assumption.support_rate_increase_per_year": ("Hausse annuelle du taux de support", "Yearly support rate increase"),
    "assumption.vsphere_enabled": ("Abonnement vSphere compté", "vSphere subscription counted"),
    "assumption.vsphere_model": (
        "vSphere : mode de licence (per_core, per_host, per_socket, contract, none)",
        "vSphere: licensing model (per_core, per_host, per_socket, contract, none)",
    ),
    "assumption.vsphere_min_cores_per_order": (
        "vSphere : cœurs minimum par commande (parc entier)",
        "vSphere: minimum cores per order (whole estate)",
    ),
    "assumption.vsphere_eur_per_host_per_year": (
        "vSphere (€ HT par hôte et par an)",
        "vSphere (€ excl. VAT per host per year)",
    ),
    "assumption.vsphere_eur_per_socket_per_year": (
        "vSphere (€ HT par processeur et par an)",
        "vSphere (€ excl. VAT per CPU socket per year)",
    ),
    "assumption.vsphere_contract_eur_per_year": (
        "vSphere : montant annuel du contrat en cours (€ HT, tout le parc)",
        "vSphere: yearly amount of the current contract (€ excl. VAT, whole estate)",
    ),
    "assumption.vsphere_contract_end_year": (
        "vSphere : dernière année couverte par le contrat",
        "vSphere: last year covered by the contract",
    ),
    "assumption.windows_licences_owned_cores": (
        "Windows : cœurs Datacenter déjà détenus et transférables",
        "Windows: Datacenter cores already owned and transferable",
    ),
    "assumption.vsphere_eur_per_core_per_year": (
        "vSphere (€ HT par cœur et par an)",
        "vSphere (€ excl. VAT per core per year)",
    ),
    "assumption.vsphere_min_cores_per_cpu": (
        "vSphere : cœurs minimum comptés par processeur",
        "vSphere: minimum cores counted per CPU",
    ),
    "assumption.windows_enabled": ("Licences Windows Server Datacenter comptées", "Windows Server Datacenter counted"),
    "assumption.windows_datacenter_eur_per_core": (
        "Windows Server Datacenter (€ HT par cœur)",
        "Windows Server Datacenter (€ excl. VAT per core)",
    ),
    "assumption.windows_min_cores_per_cpu": (
        "Windows : cœurs minimum par processeur",
        "Windows: minimum cores per CPU",
    ),
    "assumption.windows_min_cores_per_server": (
        "Windows : cœurs minimum par serveur",
        "Windows: minimum cores per server",
    ),
    "assumption.windows_amortisation_years": (
        "Windows : durée d'amortissement des licences (années)",
        "Windows: licence amortisation (years)",
    ),
    "assumption.windows_software_assurance_rate": (
        "Windows : Software Assurance (part du prix par an)",
        "Windows: Software Assurance (share of price per year)",
    ),
    "assumption.staff_hours_per_host_per_year": (
        "Temps d'administration par hôte (heures par an)",
        "Administration time per host (hours per year)",
    ),
    "assumption.staff_eur_per_hour": ("Coût horaire chargé de l'administration (€)", "Loaded hourly staff cost (€)"),
    "assumption.rack_eur_per_u_per_year": (
        "Hébergement (€ par unité de baie et par an)",
        "Rack space (€ per U per year)",
    ),
    "assumption.utilisation_ceiling": ("Plafond d'utilisation", "Utilisation ceiling"),
    "assumption.ha_reserve_hosts": ("Réserve HA (hôtes par groupe)", "HA reserve (hosts per group)"),
    "assumption.cpu_comfort_factor": ("Facteur de confort CPU", "CPU comfort factor"),
    "assumption.cpu_unknown_fraction": (
        "Demande CPU d'une VM sans mesure (part de l'allocation)",
        "CPU demand of an unmeasured VM (share of allocation)",
    ),
    "assumption.sample_safety_factor": (
        "Facteur de sécurité d'un relevé ponctuel d'usage",
        "Safety factor on a point-in-time usage figure",
    ),
    "assumption.confidence_min_days": (
        "Durée de mesure d'un P95 pleinement fiable (jours)",
        "Window of a fully trusted P95 (days)",
    ),
    "assumption.demand_growth_per_year": (
        "Croissance annuelle de la demande (part par an)",
        "Yearly demand growth (share per year)",
    ),
    "assumption.reclaim_powered_off_days": (
        "VM zombie : éteinte depuis au moins (jours)",
        "Zombie VM: powered off for at least (days)",
    ),
    "assumption.idle_cpu_share": (
        "VM inactive : CPU P95 sous (part de l'allocation)",
        "Idle VM: CPU P95 under (share of allocation)",
    ),
    "assumption.idle_cpu_mhz": ("VM inactive : CPU P95 sous (MHz)", "Idle VM: CPU P95 under (MHz)"),
    "assumption.idle_memory_share": (
        "VM inactive : mémoire active sous (part de l'allocation)",
        "Idle VM: active memory under (share of allocation)",
    ),
    "assumption.rightsize_headroom": ("Marge du redimensionnement (sur le P95)", "Right-sizing headroom (on P95)"),
    "assumption.vm_licence_eur_per_vcpu_per_year": (
        "Licences par vCPU (€ HT par vCPU et par an)",
        "Per-vCPU licences (€ HT per vCPU per year)",
    ),
    "assumption.replacement_age_years": ("Âge de remplacement (années)", "Replacement age (years)"),
    "assumption.reference_year": ("Année de référence", "Reference year"),
    "assumption.commissioning_month": (
        "Mois de mise en service des nouveaux hôtes",
        "Commissioning month of new hosts",
    ),
    "assumption.parallel_run_months": ("Mois de fonctionnement en parallèle", "Months of parallel running"),
    "policy.ceiling": ("Plafond d'utilisation", "Utilisation ceiling"),
    "policy.ha_reserve_hosts": ("Réserve HA (hôtes par groupe)", "HA reserve (hosts per group)"),
    "policy.scope": ("Périmètre de la consolidation", "Consolidation scope"),
    "policy.use_memory_p95": ("Mémoire dimensionnée sur le P95 consommé", "Memory sized on consumed P95"),
    "policy.include_powered_off": ("VM éteintes comptées", "Powered-off VMs counted"),
    "policy.vcpu_ratio": ("vCPU par cœur physique (plafond)", "vCPUs per physical core (cap)"),
    "policy.memory_overcommit": ("Surallocation mémoire (plafond)", "Memory overcommit (cap)"),
    "policy.demand": (
        "Demande CPU dimensionnée (P95 ou profils d'usage)",
        "CPU demand sized on (P95 or usage profiles)",
    ),
    "policy.include_templates": ("Modèles de VM comptés", "Templates counted"),
    "value.yes": ("oui", "yes"),
    "value.no": ("non", "no"),
    "value.beyond_horizon": ("au-delà de l'horizon", "beyond the horizon"),
    # --- reclamation and right-sizing (parcimonie.planning.reclaim) ----------------------------
    "reclaim.category.zombie": ("VM zombie", "Zombie VM"),
    "reclaim.category.idle": ("VM inactive", "Idle VM"),
    "reclaim.category.oversized": ("VM surdimensionnée", "Oversized VM"),
    "reclaim.reason.powered_off": ("éteinte depuis {days:n0} jours", "powered off for {days:n0} days"),
    "reclaim.reason.missing": ("sa source ne la signale plus", "its source no longer reports it"),
    "reclaim.reason.idle": (
        "CPU P95 de {cpu_mhz:n0} MHz et mémoire peu active",
        "CPU P95 of {cpu_mhz:n0} MHz and little memory activity",
    ),
    "reclaim.reason.oversized": (
        "{vcpus:n0} → {recommended_vcpus:n0} vCPU, {memory_gib:n0} → {recommended_memory_gib:n0} Gio",
        "{vcpus:n0} → {recommended_vcpus:n0} vCPUs, {memory_gib:n0} → {recommended_memory_gib:n0} GiB",
    ),
    "reclaim.reason.oversized_memory_kept": (
        "{vcpus:n0} → {recommended_vcpus:n0} vCPU ; mémoire conservée ({memory_gib:n0} Gio) : ballooning ou swap",
        "{vcpus:n0} → {recommended_vcpus:n0} vCPUs; memory kept ({memory_gib:n0} GiB): ballooning or swapping",
    ),
    "reclaim.note.vcpus": (
        "Retirer des vCPU libère de l'allocation et des licences par vCPU ou par cœur, pas de demande CPU.",
        "Removing vCPUs frees allocation and per-vCPU or per-core licences, not CPU demand.",
    ),
    "reclaim.note.templates": (
        "Les modèles ne sont jamais classés : l'inventaire ne sait pas quand un modèle a servi pour la dernière fois.",
        "Templates are never classified: the inventory does not know when a template was last used.",
    ),
    "reclaim.note.memory_signals": (
        "Mémoire active, ballooning et swap non collectés : l'activité mémoire est lue sur le P95 consommé "
        "(un majorant de la mémoire active) et une VM qui ballonne ou swappe ne peut pas être repérée.",
        "Active memory, ballooning and swapping not collected: memory activity is read from the consumed "
        "P95 (an upper bound of active memory) and a VM that balloons or swaps cannot be told.",
    ),
    "reclaim.none": ("Aucune VM à récupérer ({n:n0} VM examinées).", "No VM to reclaim ({n:n0} VMs examined)."),
    "reclaim.total": (
        "{n:n0} VM à récupérer : {vcpus:n0} vCPU, {memory_gib:n0} Gio, {hosts:n2} hôte(s) libérés ; "
        "{eur:eur} par an (énergie et licences, TTC), {kgco2e:n0} kgCO2e par an",
        "{n:n0} VMs to reclaim: {vcpus:n0} vCPUs, {memory_gib:n0} GiB, {hosts:n2} host(s) freed; "
        "{eur:eur} a year (energy and licences, incl. VAT), {kgco2e:n0} kgCO2e a year",
    ),
    "reclaim.applied": (
        "Plan après récupération : {removed:n0} VM retirées (zombies et inactives), {resized:n0} "
        "redimensionnées, {vcpus:n0} vCPU et {memory_gib:n0} Gio libérés.",
        "Plan after reclamation: {removed:n0} VMs removed (zombie and idle), {resized:n0} right-sized, "
        "{vcpus:n0} vCPUs and {memory_gib:n0} GiB freed.",
    ),
    # --- time-aligned consolidation (parcimonie/planning/profile_plan.py, docs/profiles.md) -------
    "plan.demand.profile": (
        "Dimensionné sur les profils d'usage ({share:pct} des VMs) : à chaque créneau, la charge cumulée "
        "des VMs d'un hôte reste sous le plafond (pic des sommes, pas somme des P95).",
        "Sized on usage profiles ({share:pct} of the VMs): at every time slot the summed load of a "
        "host's VMs stays under the ceiling (peak of sums, not sum of P95s).",
    ),
    "plan.demand.profile_p95_kept": (
        "Dimensionné sur les profils d'usage ({share:pct} des VMs) : à chaque créneau, la charge cumulée "
        "des VMs d'un hôte reste sous le plafond ; P95 conservé pour {n:n0} groupe(s), où les profils "
        "demandaient plus d'hôtes.",
        "Sized on usage profiles ({share:pct} of the VMs): at every time slot the summed load of a "
        "host's VMs stays under the ceiling; P95 kept for {n:n0} group(s), where the profiles needed "
        "more hosts.",
    ),
    "plan.demand.p95": (
        "Dimensionné sur le P95 CPU de chaque VM (somme des P95 ; {share:pct} des VMs ont un profil d'usage).",
        "Sized on each VM's CPU P95 (sum of P95s; {share:pct} of the VMs have a usage profile).",
    ),
    "warning.fleet_mix_on_p95": (
        "Le mélange d'offres est cherché sur les P95 (des dizaines d'empilements : trop long sur les "
        "profils) : son TCO est celui d'un dimensionnement P95, les offres seules celui des profils.",
        "The mix of offers is searched on P95s (dozens of packings: too slow on profiles): its TCO is "
        "that of a P95 sizing, the single offers' that of the profiles.",
    ),
    "profiles.title": (
        "Consolidation alignée sur le temps : {offer}, plafond {ceiling:pct}, tout le parc, réserve HA non comprise",
        "Time-aligned consolidation: {offer}, ceiling {ceiling:pct}, whole estate, HA reserve not included",
    ),
    "profiles.answer": (
        "{label:code} : {hosts:n0} hôtes (borne prouvée {bound:n0}), TCO {tco:eur} ; rejeu : {overflow:n0} "
        "min/mois au-delà de 100 %, {above:n0} au-delà du plafond, hôte le plus chargé {worst:pct}",
        "{label:code}: {hosts:n0} hosts (proven bound {bound:n0}), TCO {tco:eur}; replay: {overflow:n0} "
        "min/month above 100 %, {above:n0} above the ceiling, busiest host {worst:pct}",
    ),
    "profiles.p95": ("P95 scalaire", "scalar P95"),
    "profiles.profile": ("profils d'usage", "usage profiles"),
    "profiles.kept": (
        "Retenu : {demand:code} ({with_profile:n0} VM sur {n:n0} ont un profil).",
        "Kept: {demand:code} ({with_profile:n0} of {n:n0} VMs have a profile).",
    ),
    "profiles.p95_kept": (
        "Les profils demandent plus d'hôtes que le P95 dans certains groupes : le P95 y est conservé.",
        "The profiles need more hosts than the P95 in some groups: the P95 packing is kept there.",
    ),
    "profiles.fit": (
        "Ajusté sur {fit:n0} créneaux de {fit_min:n0} min, rejoué sur {replay:n0} créneaux de {replay_min:n0} min "
        "non vus à l'ajustement.",
        "Fitted on {fit:n0} slots of {fit_min:n0} min, replayed on {replay:n0} slots of {replay_min:n0} min "
        "not seen in the fit.",
    ),
    "profiles.in_sample": (
        "Sans profil hebdomadaire, le rejeu porte sur le jour ajusté : le risque est sous-estimé.",
        "Without week profiles the replay is the fitted day itself: the risk is understated.",
    ),
    "profiles.curve": (
        "Courbe de risque (plafond : hôtes profils / P95, TCO profils, minutes au-delà de 100 % par mois) :",
        "Risk curve (ceiling: hosts profiles / P95, TCO profiles, minutes above 100 % per month):",
    ),
    "profiles.point": (
        "  {ceiling:pct} : {hosts:n0} / {hosts_p95:n0} hôtes, {tco:eur}, {overflow:n0} / {overflow_p95:n0} min/mois",
        "  {ceiling:pct}: {hosts:n0} / {hosts_p95:n0} hosts, {tco:eur}, {overflow:n0} / {overflow_p95:n0} min/month",
    ),
    # --- the plan's own consolidation replayed per cluster (parcimonie/planning/plan_backtest.py) ----------
    "backtest.title": (
        "Rejeu du plan, par cluster, sur {replay:n0} créneaux de {minutes:n0} min non vus à l'ajustement "
        "(plafond {ceiling:pct} ; {with_profile:n0} VM sur {n:n0} ont un profil, les autres à plat à leur P95) :",
        "The plan replayed per cluster on {replay:n0} slots of {minutes:n0} min not seen in the fit "
        "(ceiling {ceiling:pct}; {with_profile:n0} of {n:n0} VMs have a profile, the others flat at their P95):",
    ),
    "backtest.title_in_sample": (
        "Rejeu du plan, par cluster, sur le jour ajusté ({replay:n0} créneaux de {minutes:n0} min : risque "
        "sous-estimé ; plafond {ceiling:pct} ; {with_profile:n0} VM sur {n:n0} ont un profil, les autres à plat à "
        "leur P95) :",
        "The plan replayed per cluster on the fitted day ({replay:n0} slots of {minutes:n0} min: risk understated; "
        "ceiling {ceiling:pct}; {with_profile:n0} of {n:n0} VMs have a profile, the others flat at their P95):",
    ),
    "backtest.row": (
        "  {group}, {side:code} : {hosts:n0} hôtes ; au-delà de 100 % : {cap:n0} min/mois ({cap_host:n0} par "
        "hôte) ; au-delà du plafond : {ceil:n0} ({ceil_host:n0} par hôte) ; hôte le plus chargé {worst} ({peak:pct})",
        "  {group}, {side:code}: {hosts:n0} hosts; above 100 %: {cap:n0} min/month ({cap_host:n0} per host); "
        "above the ceiling: {ceil:n0} ({ceil_host:n0} per host); busiest host {worst} ({peak:pct})",
    ),
    "backtest.before": ("avant", "before"),
    "backtest.after": ("après", "after"),
    "backtest.cluster": ("cluster {n}", "cluster {n}"),
    "backtest.no_cluster": ("sans cluster", "no cluster"),
    "backtest.estate": ("parc entier", "whole estate"),
    # --- who prepared a workbook or a note (parcimonie/planning/provenance.py) ------------------
    "provenance.line": (
        "Établi par {author}, le {when}, hypothèses modifiées : {changed}.",
        "Prepared by {author} on {when}, assumptions changed: {changed}.",
    ),
    "provenance.none": ("aucune", "none"),
    "provenance.sheet": ("Traçabilité", "Provenance"),
    "provenance.author": ("Établi par", "Prepared by"),
    "provenance.when": ("Le", "On"),
    "provenance.changed": ("Hypothèses modifiées", "Assumptions changed"),
    # --- the cheapest mix of offers (parcimonie/planning/fleet_mix.py) -------------------------
    "fleet_mix.line": (
        "Flotte la moins chère en mélangeant les offres : {name}, TCO {tco_eur:eur} sur l'horizon ; "
        "meilleure offre seule ({single}) : {single_eur:eur}, soit {savings_eur:eur} d'écart ; aucune flotte "
        "de ce catalogue ne peut coûter moins de {bound_eur:eur} (borne prouvée : la flotte mixte est au plus "
        "{gap_pct:n1} % au-dessus).",
        "Cheapest fleet mixing offers: {name}, TCO {tco_eur:eur} over the horizon; best single offer "
        "({single}): {single_eur:eur}, a difference of {savings_eur:eur}; no fleet of this catalogue can cost "
        "less than {bound_eur:eur} (proven bound: the mixed fleet is at most {gap_pct:n1} % above it).",
    ),
    "warning.fleet_mix_skipped": (
        "Mélange d'offres non recherché : {n_vms:n0} VM, au-delà de {max:n0} (recherche trop longue) ; "
        "les offres sont comparées une à une.",
        "Mix of offers not searched: {n_vms:n0} VMs, beyond {max:n0} (search too long); offers are compared "
        "one at a time.",
    ),
    "warning.fleet_mix_none": (
        "Aucun mélange d'offres ne convient ({reason:code}) : les offres sont comparées une à une.",
        "No mix of offers fits ({reason:code}): offers are compared one at a time.",
    ),
    "warning.fleet_mix_windows": (
        "La flotte mixte réserve {n:n0} hôte(s) sur {total:n0} aux VM Windows (seuls licenciés Windows Server "
        "Datacenter) : une règle DRS VM-hôte doit les y maintenir.",
        "The mixed fleet keeps {n:n0} host(s) of {total:n0} for the Windows VMs (the only ones licensed for "
        "Windows Server Datacenter): a DRS VM-host rule must keep them there.",
    ),
    "error.input.nothing_to_place": (
        "aucune VM à placer : la politique les écarte toutes",
        "no VM to place: the policy leaves every one out",
    ),
    "error.input.no_offer_fits": ("aucune VM ne tient sur aucune offre", "no VM fits any offer"),
    "error.input.no_feasible_mix": (
        "un groupe qu'aucune combinaison d'offres ne porte avec sa réserve HA",
        "a group no combination of offers carries with its HA reserve",
    ),
}


class Message(BaseModel):
    """A fact to tell a person: a code of ``MESSAGES`` and the figures its sentence needs."""

    model_config = ConfigDict(frozen=True)

    code: str
    params: dict[str, float | int | str | list[str] | None] = Field(default_factory=dict)


class _Formatter(string.Formatter):
    def __init__(self, language: str) -> None:
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> str:
        if value is None:
            return MISSING
        if format_spec in ("n0", "n1", "n2"):
            return format_number(float(value), decimals=int(format_spec[1]), language=self.language)
        if format_spec == "eur":
            return format_eur(float(value), language=self.language)
        if format_spec == "pct":
            return format_percent(float(value), language=self.language)
        if format_spec == "code":
            return text(str(value), self.language)
        if format_spec == "list":
            return ", ".join(str(v) for v in value)
        return str(value)


MESSAGES.update(MOVES_MESSAGES)  # placement rules and migrations


def text(code: str, language: str = "fr", **params: Any) -> str:
    """The sentence of ``code`` in ``language`` with ``params``; an unknown code reads as itself."""
    templates = MESSAGES.get(code)
    if templates is None:
        return code
    template = templates[LANGUAGES.index(language) if language in LANGUAGES else 0]
    try:
        return _Formatter(language).format(template, **params)
    except (KeyError, IndexError, ValueError, TypeError):
        return template  # a message saved by another version, with other figures: the words still help


def render(message: Message, language: str = "fr") -> str:
    """``message`` in ``language``."""
    return text(message.code, language, **message.params)


def label(prefix: str, name: str, language: str = "fr") -> str:
    """The label of ``name`` under ``prefix`` (e.g. ``assumption``, ``line``), or the name itself."""
    key = f"{prefix}.{name}"
    return text(key, language) if key in MESSAGES else name


def value_text(value: Any, language: str = "fr") -> str:
    """A parameter value as a reader expects it: oui/non, a decimal comma in French, — for none."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return text("value.yes" if value else "value.no", language)
    if isinstance(value, float):
        shown = f"{value:g}"
        return shown.replace(".", ",") if language == "fr" else shown
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={value_text(v, language)}" for k, v in value.items()) or MISSING
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(value_text(v, language) for v in value) or MISSING
    return str(value)


def euros(value: float | None, language: str = "fr") -> str:
    """An amount in whole euros (``1 234 567 €``)."""
    return format_eur(value, language=language)


def num(value: float | None, digits: int = 1, language: str = "fr") -> str:
    """A number with ``digits`` decimals (``1 234,5``)."""
    return format_number(value, decimals=digits, language=language)
