"""RVTools vMemory feeds the reclamation's memory signals: active MiB, and ballooned or swapped MiB."""

from pathlib import Path

import numpy as np
from sqlalchemy import Engine
from sqlmodel import Session

from collectors.runner import run_rvtools
from inventory import RunStatus
from parcimonie.planning import load_estate
from parcimonie.planning.reclaim_inputs import load_vm_signals
from tests.collectors.imports.test_rvtools import workbook
from tests.collectors.imports.test_rvtools_usage import USAGE, VMEMORY


def test_vmemory_figures_reach_the_reclamation_signals(sqlite_engine: Engine, tmp_path: Path) -> None:
    # app01 balloons 256 MiB with 1 200 MiB active; db01 has no vMemory row; a second VM swaps.
    vmem = (VMEMORY[0], [*VMEMORY[1], ["db01", 16384, 9000, 4000, 0, 512, "5010-0002"]])
    run, _ = run_rvtools(sqlite_engine, workbook(tmp_path / "usage.xlsx", {**USAGE, "vMemory": vmem}))
    assert run.status == RunStatus.SUCCEEDED
    with Session(sqlite_engine) as session:
        inputs = load_estate(session)
        signals = load_vm_signals(session, inputs.vms)
    by_name = dict(zip(inputs.vms.names, range(inputs.vms.n_vms), strict=True))
    app, db, tpl = by_name["app01"], by_name["db01"], by_name["tpl-w2022"]
    assert signals.memory_pressure[app] and signals.memory_active_mib[app] == 1200
    assert signals.memory_pressure[db] and signals.memory_active_mib[db] == 4000  # swaps 512 MiB
    assert not signals.memory_pressure[tpl] and np.isnan(signals.memory_active_mib[tpl])
