"""Benchmark of the inventory write path and of reading it back for the optimizer.

Prints, for a demo estate of N VMs in a fresh SQLite file: generation time, first load (inserts),
second load (updates of the same estate), estate summary and optimizer inputs read time.

Usage:
    python bench/bench_inventory.py           # 100 000 VMs
    python bench/bench_inventory.py --small   # CI: 10 000 VMs
"""

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collectors.demo import generate_demo_estate  # noqa: E402
from inventory import estate_summary, make_engine, record_run, upgrade_database  # noqa: E402
from parcimonie.planning.estate_inputs import load_estate  # noqa: E402

TODAY = date(2026, 11, 23)


def main() -> int:
    """Run the benchmark and print one line per step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="10 000 VMs instead of 100 000")
    parser.add_argument("--vms", type=int, default=None, help="number of VMs")
    args = parser.parse_args()
    n_vms = args.vms or (10_000 if args.small else 100_000)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade_database(engine)
        t0 = time.perf_counter()
        estate = generate_demo_estate(n_vms=n_vms, today=TODAY)
        t_gen = time.perf_counter() - t0
        timings = {}
        for label in ("first load (inserts)", "second load (updates)"):
            t0 = time.perf_counter()
            run = record_run(engine, source="demo", kind="demo", collect=lambda: estate)
            timings[label] = time.perf_counter() - t0
            if run.status != "succeeded":
                print(f"run failed: {run.error}", file=sys.stderr)
                return 1
        t0 = time.perf_counter()
        with Session(engine) as session:
            summary = estate_summary(session, today=TODAY)
        t_summary = time.perf_counter() - t0
        t0 = time.perf_counter()
        with Session(engine) as session:
            inputs = load_estate(session)
        t_inputs = time.perf_counter() - t0
        with engine.connect() as conn:  # SQLite's dbstat: bytes of each profile table, indexes included
            stored = conn.exec_driver_sql(
                "SELECT tbl_name, sum(pgsize) FROM dbstat JOIN sqlite_schema USING (name) "
                "WHERE tbl_name IN ('usage_profile', 'host_usage_profile') GROUP BY tbl_name"
            ).all()
        engine.dispose()
    print(f"estate: {len(estate.hosts)} hosts, {n_vms} VMs (summary: {summary.n_hosts} hosts, {summary.n_vms} VMs)")
    print(f"generation: {t_gen:.2f} s")
    for label, seconds in timings.items():
        print(f"{label}: {seconds:.2f} s, {n_vms / seconds:,.0f} VMs/s")
    print(f"estate summary: {t_summary:.2f} s")
    print(f"optimizer inputs ({inputs.hosts.n_hosts} hosts, {inputs.vms.n_vms} VMs): {t_inputs:.2f} s")
    rows = {"usage_profile": len(estate.profiles), "host_usage_profile": len(estate.host_profiles)}
    for table, size in stored:
        print(f"{table}: {rows[table]} rows (day, week), {size / 1e6:.1f} MB, {size / max(rows[table], 1):.0f} B a row")
    return 0


if __name__ == "__main__":
    sys.exit(main())
