"""Benchmark of the inventory write path and of reading it back for the optimizer.

Prints, for a demo estate of N VMs in a fresh SQLite file: generation time, first load (inserts),
second load (updates of the same estate), estate summary, then the reads the dashboard waits for
(best of three): the optimizer's inputs (``load_estate``) and the pages' VM and host frames
(``vm_frame`` and ``host_frame``, behind ``dashboard.data.load_vms`` and ``load_hosts``).

Usage:
    python bench/bench_inventory.py           # 100 000 VMs
    python bench/bench_inventory.py --small   # CI: 10 000 VMs
"""

import argparse
import math
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collectors.demo import generate_demo_estate  # noqa: E402
from inventory import estate_summary, make_engine, record_run, upgrade_database  # noqa: E402
from inventory.queries import host_frame, vm_frame  # noqa: E402
from parcimonie.planning.estate_inputs import EstateInputs, load_estate  # noqa: E402

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
        inputs, reads = _reads(engine)
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
    print(f"optimizer inputs ({inputs.hosts.n_hosts} hosts, {inputs.vms.n_vms} VMs): {reads['load_estate']:.3f} s")
    print(f"VM frame (load_vms): {reads['vm_frame']:.3f} s, host frame (load_hosts): {reads['host_frame']:.3f} s")
    rows = {"usage_profile": len(estate.profiles), "host_usage_profile": len(estate.host_profiles)}
    for table, size in stored:
        print(f"{table}: {rows[table]} rows (day, week), {size / 1e6:.1f} MB, {size / max(rows[table], 1):.0f} B a row")
    return 0


def _reads(engine: Engine, repeat: int = 3) -> tuple[EstateInputs, dict[str, float]]:
    """The optimizer's inputs, and the best of ``repeat`` times of each read the dashboard waits for."""
    reads: dict[str, Callable[[Session], object]] = {
        "load_estate": load_estate,
        "vm_frame": vm_frame,
        "host_frame": lambda session: host_frame(session, today=TODAY),
    }
    best: dict[str, float] = {}
    for name, read in reads.items():
        for _ in range(repeat):
            with Session(engine) as session:
                t0 = time.perf_counter()
                read(session)
                best[name] = min(best.get(name, math.inf), time.perf_counter() - t0)
    with Session(engine) as session:
        return load_estate(session), best


if __name__ == "__main__":
    sys.exit(main())
