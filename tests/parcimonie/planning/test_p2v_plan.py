"""`plan --p2v`: physical servers placed like VMs, listed apart with the savings of their retirement."""

import json

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from collectors.demo import generate_demo_estate
from inventory import HostRecord, Snapshot, ensure_default_catalogue, session_scope, upsert_observations
from optimizer import Assumptions
from optimizer.p2v import p2v_yearly_savings
from parcimonie.cli import app
from parcimonie.planning import EXISTING, EstateInputs, PlanRequest, load_estate, run_plan
from tests.conftest import TODAY

runner = CliRunner()
GIB = 1024.0


def _servers() -> list[HostRecord]:
    """A measured file server (8 cores at 2 100 MHz, 4 200 MHz P95, 12 GiB used of 64) and an
    unmeasured one (its demand estimated)."""
    base = {"n_sockets": 1, "n_cores_per_socket": 8, "cpu_mhz": 2100.0, "memory_mib": 64 * GIB}
    return [
        HostRecord(
            external_id="srv-fichiers",
            name="srv-fichiers",
            hypervisor_version="Microsoft Windows Server 2019",
            cpu_usage_p95_mhz=4200.0,
            memory_usage_p95_mib=12 * GIB,
            perf_per_core=0.6,
            power_idle_w=90.0,
            power_max_w=250.0,
            **base,
        ),
        HostRecord(external_id="srv-vieux", name="srv-vieux", hypervisor_version="Debian 9", **base),
    ]


def _seed(engine: Engine) -> None:
    estate = generate_demo_estate(n_vms=100, today=TODAY)
    estate.hosts.extend(_servers())
    with session_scope(engine) as session:
        ensure_default_catalogue(session)
        upsert_observations(session=session, source="demo", snapshot=Snapshot.model_validate(estate.model_dump()))


@pytest.fixture
def inputs(sqlite_engine: Engine) -> EstateInputs:
    _seed(sqlite_engine)
    with Session(sqlite_engine) as session:
        return load_estate(session)


def test_servers_stay_out_unless_asked(inputs: EstateInputs) -> None:
    assert inputs.physical_servers is not None  # the demo's own two servers, and these two
    assert {"srv-fichiers", "srv-vieux"} <= set(inputs.physical_servers.names)
    doc = run_plan(inputs, PlanRequest(offers=(EXISTING,), with_replacement=False), today=TODAY).document()
    assert doc.p2v is None and not doc.request.p2v
    assert "srv-fichiers" not in [m.vm for m in doc.consolidation.placement]


def test_p2v_places_the_servers_and_lists_their_savings(inputs: EstateInputs) -> None:
    request = PlanRequest(offers=(EXISTING,), with_replacement=False, p2v=True)
    outcome = run_plan(inputs, request, today=TODAY)
    doc = outcome.document()
    assert doc.request.p2v and doc.p2v is not None
    assert doc.estate.n_vms == inputs.vms.n_vms  # the servers are listed apart, not counted as VMs
    by_name = {s.name: s for s in doc.p2v.servers}
    measured, old = by_name["srv-fichiers"], by_name["srv-vieux"]
    # 4 200 MHz of cores scoring 0.6: 2 520 reference MHz; memory in use, 12 GiB.
    assert measured.cpu_ref_mhz == pytest.approx(2520.0) and measured.memory_mib == 12 * GIB
    assert not measured.cpu_estimated and not measured.memory_estimated
    assert old.cpu_ref_mhz is None and old.cpu_estimated and old.memory_estimated and old.memory_mib == 64 * GIB
    assert measured.to_host in inputs.hosts.names and old.to_host in inputs.hosts.names
    assert {m.to_host for m in doc.consolidation.placement if m.vm == "srv-fichiers"} == {measured.to_host}
    savings = p2v_yearly_savings(servers=inputs.physical_servers, year=doc.start_year, assumptions=outcome.assumptions)  # type: ignore[arg-type]
    assert [s.savings_eur_per_year for s in doc.p2v.servers] == pytest.approx(savings.tolist())
    assert doc.p2v.n_placed == len(
        doc.p2v.servers
    ) == inputs.physical_servers.n_hosts and doc.p2v.savings_eur_per_year == pytest.approx(float(savings.sum()))
    assert doc.p2v.savings_over_horizon_eur == pytest.approx(float(savings.sum()) * Assumptions().horizon_years)


def test_cli_plan_p2v(sqlite_engine: Engine) -> None:
    url = sqlite_engine.url.render_as_string(hide_password=False)
    _seed(sqlite_engine)
    env = {"PARCIMONIE_DATABASE_URL": url, "PARCIMONIE_LOG_LEVEL": "WARNING"}
    result = runner.invoke(app, ["plan", "--offer", "existing", "--p2v", "--json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    names = [s["name"] for s in data["p2v"]["servers"]]
    assert data["request"]["p2v"] is True and {"srv-fichiers", "srv-vieux"} <= set(names)
    result = runner.invoke(app, ["plan", "--offer", "existing", "--p2v"], env=env, terminal_width=250)
    assert result.exit_code == 0, result.output
    n = len(names)
    assert f"À virtualiser : {n} serveur(s) physique(s), {n} placé(s)" in result.output
    assert "srv-fichiers" in result.output and "* estimé" in result.output
    plain = runner.invoke(app, ["plan", "--offer", "existing"], env=env, terminal_width=250)
    assert "hors du plan" in plain.output and "À virtualiser" not in plain.output


def test_workbook_lists_the_servers_to_virtualise(inputs: EstateInputs) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    from parcimonie.planning.workbook import workbook_bytes

    plain = run_plan(inputs, PlanRequest(offers=(EXISTING,), with_replacement=False), today=TODAY).document()
    assert "À virtualiser" not in load_workbook(BytesIO(workbook_bytes(plain))).sheetnames
    doc = run_plan(inputs, PlanRequest(offers=(EXISTING,), with_replacement=False, p2v=True), today=TODAY).document()
    sheet = load_workbook(BytesIO(workbook_bytes(doc)))["À virtualiser"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True) if r and r[0]}
    assert doc.p2v is not None
    for server in doc.p2v.servers:  # the same figures as the document
        row = rows[server.name]
        assert row[1] == server.cpu_ref_mhz and row[2] == pytest.approx(server.memory_mib / 1024)
        assert row[4] == server.to_host and row[5] == pytest.approx(server.savings_eur_per_year)
    assert rows["srv-vieux"][3] == "oui" and rows["srv-fichiers"][3] == "non"
    assert rows["Total"][5] == pytest.approx(doc.p2v.savings_eur_per_year)


def test_keeping_the_servers_costs_what_virtualising_them_saves(inputs: EstateInputs) -> None:
    base = PlanRequest(offers=(EXISTING,), with_replacement=False)
    without = run_plan(inputs, base, today=TODAY).document()
    doc = run_plan(inputs, PlanRequest(offers=(EXISTING,), with_replacement=False, p2v=True), today=TODAY).document()
    assert doc.p2v is not None and doc.p2v.n_placed == len(doc.p2v.servers)
    keep_before = next(o for o in without.options if o.kind == "keep")
    keep_after = next(o for o in doc.options if o.kind == "keep")
    assert keep_after.n_hosts == keep_before.n_hosts + len(doc.p2v.servers)
    # The same figure on every surface: the keep option grows by the section's horizon savings.
    assert keep_after.tco_eur - keep_before.tco_eur == pytest.approx(doc.p2v.savings_over_horizon_eur)
    assert doc.p2v.savings_over_horizon_eur >= doc.p2v.savings_eur_per_year * Assumptions().horizon_years * 0.99


def test_an_inventory_of_servers_only_is_virtualised_onto_an_offer(sqlite_engine: Engine) -> None:
    from inventory import record_run

    with session_scope(sqlite_engine) as session:
        ensure_default_catalogue(session)
    record_run(sqlite_engine, source="csv:parc", kind="csv", collect=lambda: Snapshot(hosts=_servers(), complete=False))
    env = {"PARCIMONIE_DATABASE_URL": sqlite_engine.url.render_as_string(hide_password=False)}
    env["PARCIMONIE_LOG_LEVEL"] = "WARNING"
    refused = runner.invoke(app, ["plan"], env=env, terminal_width=250)
    assert refused.exit_code == 2 and "ne compte que 2 serveur(s) physique(s)" in refused.output
    assert "plan --p2v" in refused.output
    result = runner.invoke(app, ["plan", "--p2v", "--json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["replacement"] is None  # no hypervisor to replace: the servers go onto new hosts
    assert {s["to_host"] for s in data["p2v"]["servers"]} <= {"nouveau-001", "nouveau-002"}
    assert data["p2v"]["n_placed"] == 2 and data["consolidation"]["offer"] is not None
    existing = runner.invoke(app, ["plan", "--p2v", "--offer", "existing"], env=env)
    assert existing.exit_code == 2  # no host of its own to repack onto: said, not a traceback
