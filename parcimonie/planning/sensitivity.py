"""Which assumptions move the replacement plan's saving most: a tornado, ±20 % each.

The plan's costing is run again (the same estate, policy, horizon and start year, the same offer)
with one assumption moved 20 % down, then 20 % up, for a fixed list of eight candidates (sixteen
runs); a value that leaves the plan's moves unchanged (a price, a rate, energy, staff: checked by
``optimizer.recost``, not assumed) re-costs them without packing the estate again, and one that
changes demand or capacity packs again; the five with the widest swing of the saving over
the horizon are kept, widest first. The offer is the plan's: the tornado says how far *this* plan's
saving moves, not which offer would win.

The discount rate is not a candidate: it moves the NPV, not the saving over the horizon.

Also: the saving leaving the licence lines out (subscriptions and assurance in fonctionnement,
perpetual licences in investissement), from the plan's own budget lines.
"""

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from optimizer import Offer, ReplacementPlan
from optimizer.recost import recost_replacement
from parcimonie.planning.document import PlanDocument, Replacement, TornadoBar
from parcimonie.planning.messages import label

if TYPE_CHECKING:
    from parcimonie.planning.estate_inputs import EstateInputs
    from parcimonie.planning.service import PlanOutcome, PlanRequest

    RunPlan = Callable[[EstateInputs, PlanRequest], PlanOutcome]

OFFER_PRICE = "offer_price_eur_ttc"
#: The candidates, in the order they are tried (ties keep this order).
CANDIDATES: tuple[str, ...] = (
    "electricity_eur_per_kwh",
    "pue",
    "vsphere_eur_per_core_per_year",
    "windows_datacenter_eur_per_core",
    "windows_software_assurance_rate",
    "support_rate_per_year",
    "staff_hours_per_host_per_year",
    OFFER_PRICE,
)
STEP = 0.20
TOP = 5
#: Bounds the moved value stays within (a PUE under 1, a rate over 100 % mean nothing).
_BOUNDS: dict[str, tuple[float, float]] = {
    "pue": (1.0, 3.0),
    "windows_software_assurance_rate": (0.0, 1.0),
    "support_rate_per_year": (0.0, 1.0),
    "electricity_eur_per_kwh": (0.0, 5.0),
}
_OFFER_LABELS = {"fr": "Prix du serveur de l'offre (€ TTC)", "en": "Price of the offer's server (€ incl. VAT)"}


def bar_label(name: str, language: str = "fr") -> str:
    """What a tornado bar is called: the assumption's label, or the offer's price."""
    if name == OFFER_PRICE:
        return _OFFER_LABELS.get(language, _OFFER_LABELS["fr"])
    return label("assumption", name, language)


def licence_savings_eur(replacement: Replacement) -> float:
    """What the plan saves on licences: fonctionnement lines plus perpetual licences bought (2051)."""
    running = replacement.savings_by_category_eur.get("licences_eur") or 0.0
    bought = sum(
        (base.investissement_licences_eur or 0.0) - (plan.investissement_licences_eur or 0.0)
        for base, plan in zip(replacement.budget_baseline, replacement.budget_scenario, strict=True)
    )
    return float(running + bought)


def saving_without_licences_eur(replacement: Replacement) -> float | None:
    """The saving over the horizon with the licence lines left out (EUR TTC, to the cent)."""
    if replacement.totals.savings_eur is None:
        return None
    return round(replacement.totals.savings_eur - licence_savings_eur(replacement), 2)


def _moved(name: str, value: float, factor: float) -> float:
    low, high = _BOUNDS.get(name, (0.0, float("inf")))
    return round(min(max(value * factor, low), high), 10)


def _saving(outcome: "PlanOutcome", run: "RunPlan", name: str, value: float, *, recost: bool) -> float | None:
    """The plan's saving with ``name`` set to ``value`` (None when the run is refused).

    With ``recost``, the plan's moves are re-costed when the value leaves them unchanged (prices,
    rates, energy, staff): the same saving as packing again, to the cent, without the packing.
    """
    from parcimonie.planning.service import PlanError  # the service imports this module

    request, inputs = outcome.request, outcome.inputs
    offer = outcome.target_offer
    assert offer is not None
    overrides = {**request.overrides, "reference_year": outcome.assumptions.reference_year}
    if name == OFFER_PRICE:
        priced = dataclasses.replace(offer, price_eur_ttc=value)
        inputs = dataclasses.replace(inputs, offers=tuple(priced if o is offer else o for o in inputs.offers))
        offer = priced
    else:
        overrides[name] = value
    again = dataclasses.replace(
        request,
        offers=(offer.name,),
        start_year=outcome.start_year,
        with_replacement=True,
        with_sensitivity=False,
        overrides=overrides,
    )
    try:
        replacement = _recosted(outcome, again, offer) if recost else None
        if replacement is None:  # the moved assumption changes demand or capacity: pack again
            replacement = run(inputs, again).replacement
    except PlanError:
        return None
    return None if replacement is None else round(replacement.comparison.total_savings_eur, 2)


def _recosted(outcome: "PlanOutcome", again: "PlanRequest", offer: Offer) -> ReplacementPlan | None:
    """The plan's own moves costed under ``again``'s assumptions and ``offer`` (``optimizer.recost``);
    None when they would change the moves (or the plan kept none, or reclaimed VMs first)."""
    from parcimonie.planning.service import PlanError, build_assumptions

    packing = outcome.replacement.packing if outcome.replacement is not None else None
    if packing is None or again.after_reclaim:
        return None
    day = date(outcome.assumptions.reference_year, 1, 1)
    try:
        return recost_replacement(packing, assumptions=build_assumptions(again, today=day), offer=offer)
    except ValueError as err:  # the optimizer refused the moved value: as the full run would
        raise PlanError("error.bad_input", detail=str(err)) from err


def tornado(
    outcome: "PlanOutcome", run: "RunPlan", *, step: float = STEP, top: int = TOP, recost: bool = True
) -> list[TornadoBar]:
    """The ``top`` candidates moving the plan's saving most, each ``step`` down and up, widest first.

    ``recost`` False packs the estate again for every value (the reference the re-costing is tested
    against)."""
    if outcome.replacement is None or outcome.target_offer is None:
        return []
    bars = []
    for name in CANDIDATES:
        base = outcome.target_offer.price_eur_ttc if name == OFFER_PRICE else getattr(outcome.assumptions, name)
        low, high = _moved(name, float(base), 1 - step), _moved(name, float(base), 1 + step)
        at_low = _saving(outcome, run, name, low, recost=recost)
        at_high = _saving(outcome, run, name, high, recost=recost)
        swing = abs(at_high - at_low) if at_low is not None and at_high is not None else 0.0
        bars.append(
            TornadoBar(
                name=name,
                base_value=float(base),
                low_value=low,
                high_value=high,
                savings_low_eur=at_low,
                savings_high_eur=at_high,
                swing_eur=round(swing, 2),
            )
        )
    bars.sort(key=lambda b: -b.swing_eur)  # stable: ties keep the candidates' order
    return bars[:top]


def with_sensitivity(document: PlanDocument, outcome: "PlanOutcome", run: "RunPlan") -> PlanDocument:
    """``document`` with its tornado and its saving without licences (a plan with a replacement)."""
    if document.replacement is None:
        return document
    return document.model_copy(
        update={
            "tornado": tornado(outcome, run),
            "saving_without_licences_eur": saving_without_licences_eur(document.replacement),
        }
    )
