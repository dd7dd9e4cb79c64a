"""`parcimonie import usage`: samples resampled to the day and week grids, errors named, nothing half-written."""

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from collectors.demo import generate_demo_estate
from collectors.imports.usage_csv import import_usage, read_usage_csv, to_host_profiles, to_profiles
from inventory import Host, HostRecord, InvalidSourceData, Snapshot, record_run
from inventory.host_profiles import load_host_profile_rows
from inventory.profiles import load_profiles
from parcimonie.cli import app
from tests.conftest import TODAY

runner = CliRunner()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_samples_are_averaged_into_their_slot(tmp_path: Path) -> None:
    # Two samples in the 10:00 five-minute slot (1 000 and 1 200,5: mean 1 100,25), one at 10:05.
    f = _write(
        tmp_path / "u.csv",
        "horodatage;VM;CPU MHz;Mémoire MiB\n"
        "23/11/2026 10:00:00;app-1;1000;2048\n"
        "23/11/2026 10:02:30;app-1;1200,5;2048\n"
        "2026-11-23T10:05:00;app-1;400;\n",
    )
    samples = read_usage_csv(f)
    assert samples.n_rows == 3
    (day, week) = to_profiles(samples, {"app-1": 7})
    assert day.period == "day" and day.cpu_mhz.size == 288 and week.cpu_mhz.size == 336
    assert day.cpu_mhz[-1] == 400.0 and day.cpu_mhz[-2] == pytest.approx(1100.25)
    assert np.isnan(day.cpu_mhz[:-2]).all()
    # The week's last 30-minute slot (10:00-10:30) holds all three: (1 000 + 1 200,5 + 400) / 3.
    assert week.cpu_mhz[-1] == pytest.approx(2600.5 / 3)
    assert week.memory_mib is not None and week.memory_mib[-1] == 2048.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("horodatage;VM;CPU MHz\nhier;app-1;10\n", "ligne 2, colonne 'horodatage'"),
        ("horodatage;VM;CPU MHz\n23/11/2026 10:00;app-1;-5\n", "ligne 2, colonne 'CPU MHz'"),
        ("horodatage;VM\n23/11/2026 10:00;app-1\n", "colonnes absentes : cpu"),
    ],
)
def test_bad_cells_name_file_line_and_column(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InvalidSourceData, match=message):
        read_usage_csv(_write(tmp_path / "bad.csv", text))


def test_import_matches_names_and_counts_unknown_vms(sqlite_engine: Engine, tmp_path: Path) -> None:
    snapshot = generate_demo_estate(n_vms=20, today=TODAY)
    record_run(sqlite_engine, source="demo", kind="demo", collect=lambda: snapshot)
    vm = snapshot.vms[0]
    f = _write(
        tmp_path / "u.csv",
        f'timestamp,vm,cpu_mhz\n2026-11-22T10:00:00,{vm.name},"1234,5"\n2026-11-22T10:00:00,ghost,1\n'
        f"2026-11-22T11:00:00,{vm.external_id.upper()},99\n",
    )
    report = import_usage(sqlite_engine, f)
    assert report.n_rows == 3 and report.n_vms == 2 and report.unknown == ["ghost"]
    with Session(sqlite_engine) as session:
        week = load_profiles(session, "week")
    assert any(np.nanmax(p.cpu_mhz) == pytest.approx(1234.5, rel=1e-4) for p in week.values())


def test_cli_exit_2_and_nothing_written(tmp_path: Path) -> None:
    env = {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}
    assert runner.invoke(app, ["demo", "--no-serve", "--vms", "20"], env=env).exit_code == 0
    bad = _write(tmp_path / "bad.csv", "horodatage;VM;CPU MHz\n23/11/2026 10:00;a;1\n23/11/2026 10:05;b;x\n")
    result = runner.invoke(app, ["import", "usage", str(bad)], env=env)
    assert result.exit_code == 2 and "ligne 3" in result.output and "Traceback" not in result.output
    good = _write(tmp_path / "good.csv", "horodatage;VM;CPU MHz\n23/11/2026 10:00;[red]x;1\n")
    result = runner.invoke(app, ["import", "usage", str(good)], env=env)
    assert result.exit_code == 0, result.output
    assert "1 VM inconnues" in result.output and "[red]x" in result.output


def test_type_column_names_hosts_and_refuses_an_unknown_type(tmp_path: Path) -> None:
    # Same key as a VM and as a host: two objects. Host rows of 10:00 and 10:03 share a 5-minute slot.
    f = _write(
        tmp_path / "u.csv",
        "horodatage;nom;CPU MHz;type\n"
        "23/11/2026 10:00;esx1;100;vm\n"
        "23/11/2026 10:00;esx1;5000;host\n"
        "23/11/2026 10:03;esx1;7000;Hôte\n"
        "23/11/2026 10:05;app;10;\n",
    )
    samples = read_usage_csv(f)
    assert samples.n_rows == 4 and set(samples.stamps) == {"esx1", "app"}
    assert samples.hosts is not None and samples.host_lines == {"esx1": 3}
    (day, _week) = to_host_profiles(samples.hosts, {"esx1": 4})
    assert day.host_id == 4 and day.cpu_mhz[-2] == 6000.0 and np.isnan(day.cpu_mhz[-1])
    bad = _write(tmp_path / "bad.csv", "horodatage;nom;CPU MHz;type\n23/11/2026 10:00;a;1;\n23/11/2026 10:05;b;1;san\n")
    with pytest.raises(InvalidSourceData, match="ligne 3, colonne 'type' : 'san' n'est ni vm ni host"):
        read_usage_csv(bad)


def test_import_host_rows_and_refuse_an_ambiguous_host_name(sqlite_engine: Engine, tmp_path: Path) -> None:
    snapshot = generate_demo_estate(n_vms=20, today=TODAY)
    record_run(sqlite_engine, source="demo", kind="demo", collect=lambda: snapshot)
    host = snapshot.hosts[0]
    f = _write(
        tmp_path / "u.csv",
        f"timestamp,vm,cpu_mhz,type\n2026-11-22T10:00:00,{host.name.upper()},4321,host\n"
        "2026-11-22T10:00:00,esx-ghost,1,host\n",
    )
    report = import_usage(sqlite_engine, f)
    assert (report.n_hosts, report.n_vms, report.unknown_hosts) == (1, 0, ["esx-ghost"])
    with Session(sqlite_engine) as session:
        week = load_host_profile_rows(session, "week")
        host_id = session.exec(select(Host.id).where(Host.name == host.name)).one()
    # The demo's own host profiles are replaced for this host only (its source is now the import).
    assert np.nanmax(week[host_id].cpu_mhz) == pytest.approx(4321.0, rel=1e-4)
    assert np.isnan(week[host_id].cpu_mhz[:-1]).all()
    # A second source reports a host of the same name: that name no longer says which host.
    twin = HostRecord(external_id="x", name=host.name)
    record_run(sqlite_engine, source="vc2", kind="vsphere", collect=lambda: Snapshot(hosts=[twin], complete=False))
    g = _write(
        tmp_path / "g.csv",
        f"timestamp,vm,cpu_mhz,type\n2026-11-22T10:00:00,app,1,vm\n2026-11-22T10:05:00,{host.name},9,host\n",
    )
    with pytest.raises(InvalidSourceData, match=f"g.csv, ligne 3 : l'hôte '{host.name}' désigne plusieurs hôtes"):
        import_usage(sqlite_engine, g)
    with Session(sqlite_engine) as session:
        assert np.nanmax(load_host_profile_rows(session, "week")[host_id].cpu_mhz) == pytest.approx(4321.0, rel=1e-4)
