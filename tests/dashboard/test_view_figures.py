"""Consolidation's cached plan (``plans.consolidation_view``: a document without its per-VM lists, the
placement read from the optimizer's arrays, migrations on demand) shows the figures and rows of the
plan freshly computed whole, on new hosts and on a repack."""

import dataclasses

import pandas as pd
import pytest
from sqlmodel import Session

from inventory import make_engine
from optimizer import Policy
from parcimonie.planning import EXISTING, load_estate, run_plan
from tests.conftest import TODAY


@pytest.mark.parametrize("offers", ["catalogue", "existing"])
def test_view_equals_the_full_plan(demo_url: str, monkeypatch: pytest.MonkeyPatch, offers: str) -> None:
    from dashboard import consolidation_frames, data, plans

    monkeypatch.setattr("dashboard.plans.today", lambda: TODAY)
    snapshot = data.snapshot_key(demo_url)
    assert snapshot is not None
    names = (EXISTING,) if offers == "existing" else tuple(data.load_offers(demo_url)["name"])
    request = plans.consolidation_request(names, Policy(ceiling=0.6))
    view = plans.consolidation_view(demo_url, snapshot, request)
    with Session(make_engine(demo_url)) as session:
        inputs = load_estate(session)
    full = run_plan(inputs, request, today=TODAY).document()  # computed afresh, lists included
    lists = {"consolidation": {"placement", "migrations"}}
    assert view.plan.model_dump(exclude=lists) == full.model_dump(exclude=lists)
    hosts = data.load_hosts(demo_url, snapshot, TODAY)
    clusters = consolidation_frames.cluster_names(inputs, hosts)
    expected = consolidation_frames.consolidation_frames(
        full,
        hosts=hosts,
        clusters=clusters,
        vms=data.load_vms(demo_url, snapshot),
        hosts_before=consolidation_frames.hosts_per_cluster(inputs, clusters),
    )
    for field in dataclasses.fields(expected):
        shown, fresh = getattr(view.frames, field.name), getattr(expected, field.name)
        if isinstance(fresh, pd.DataFrame):
            pd.testing.assert_frame_equal(shown.reset_index(drop=True), fresh.reset_index(drop=True))
        else:
            assert shown == fresh, field.name
    assert len(view.frames.placement) == len(full.consolidation.placement) > 0
    moves = view.migrations
    assert len(moves) == view.plan.consolidation.n_migrations == len(full.consolidation.migrations) > 0
    assert moves.to_dict("records") == [m.model_dump() for m in full.consolidation.migrations]
