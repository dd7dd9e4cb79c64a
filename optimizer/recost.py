"""Re-cost a replacement plan's decisions under other prices, without packing the estate again.

The tornado (``parcimonie.planning.sensitivity``) moves one assumption at a time; most are prices,
rates, energy or staff figures the yearly moves never read. For those the moves are kept and only the
accounts are redone (``account_replacement``). Whether the moves still hold is not taken on trust:
every input of the decisions (demand, utilisation, the order of priorities, due years, growth, years, the new
host's capacity and, under an investment cap, what a year can buy) is recomputed under the new
assumptions and compared with the plan's; any difference gives None and the caller packs again.
"""

import dataclasses

import numpy as np

from optimizer.assumptions import Assumptions
from optimizer.demand import compute_demand, offer_capacity
from optimizer.estate import Offer
from optimizer.fleet import current_cpu_utilisation
from optimizer.ledger import account_replacement
from optimizer.limits import packed_sizes
from optimizer.new_fleet import offer_licence_eur_ht, owned_host_licences
from optimizer.replacement import _priority
from optimizer.replacement_plan import ReplacementPacking, ReplacementPlan
from optimizer.tco import offer_unit_eur_ht


def _same_decisions(packing: ReplacementPacking, a: Assumptions, offer: Offer) -> bool:
    """Whether the plan's moves would be decided the same under ``a`` with ``offer``."""
    before, old = packing.assumptions, packing.inputs
    year0 = old.years[0]
    if (
        tuple(range(year0, year0 + a.horizon_years)) != old.years
        or a.replacement_age_years != before.replacement_age_years
        or a.demand_growth_per_year != before.demand_growth_per_year
        or not np.array_equal(offer_capacity(offer=offer, ceiling=1.0), old.raw_new)
    ):
        return False
    demand = compute_demand(hosts=packing.hosts, vms=old.vms, assumptions=a, policy=old.policy)
    # The packed sizes as `replacement._prepare` builds them: demand, then the policy's caps.
    sizes = packed_sizes(demand=demand, vms=old.vms, policy=old.policy)
    if not np.array_equal(sizes, old.sizes):
        return False
    util = current_cpu_utilisation(hosts=packing.hosts, vms=old.vms, assumptions=a)
    if not np.array_equal(util, old.util_old, equal_nan=True):
        return False
    # Priorities only order the hosts due in a year: the same order, the same moves.
    priority = _priority(hosts=old.hosts, util=util, start_year=year0, a=a)
    if not np.array_equal(np.argsort(-priority, kind="stable"), np.argsort(-old.priority, kind="stable")):
        return False
    if old.yearly_investment_cap_eur is None:
        return True
    # Under a cap, what a year can buy depends on the prices of a host and of its licence.
    return (
        offer_unit_eur_ht(offer=offer, assumptions=a) * (1 + a.vat_rate) == old.unit_eur_ttc
        and offer_licence_eur_ht(offer=offer, a=a) * (1 + a.vat_rate)
        == offer_licence_eur_ht(offer=old.offer, a=before) * (1 + before.vat_rate)
        and owned_host_licences(offer=offer, a=a) == owned_host_licences(offer=old.offer, a=before)
    )


def recost_replacement(
    packing: ReplacementPacking, *, assumptions: Assumptions, offer: Offer | None = None
) -> ReplacementPlan | None:
    """The plan of ``packing``'s moves costed under ``assumptions`` (and ``offer``, a repriced offer
    of the same model); None when those would change the moves themselves (pack again then)."""
    old = packing.inputs
    new_offer = old.offer if offer is None else offer
    if not _same_decisions(packing, assumptions, new_offer):
        return None
    renewal = tuple(new_offer if o.name == old.offer.name else o for o in old.renewal_offers)
    year0, util = old.years[0], old.util_old
    inputs = dataclasses.replace(
        old,
        priority=_priority(hosts=old.hosts, util=util, start_year=year0, a=assumptions),
        offer=new_offer,
        unit_eur_ttc=offer_unit_eur_ht(offer=new_offer, assumptions=assumptions) * (1 + assumptions.vat_rate),
        renewal_offers=renewal,
    )
    return account_replacement(a=assumptions, inputs=inputs, moves=packing.moves)
