"""Fixtures of the collector tests: govmomi's vCenter simulator, built once per session."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.vcsim import Simulator, build_vcsim, start_vcsim


@pytest.fixture(scope="session")
def vcsim_binary() -> Path:
    """The simulator binary. In CI (env CI set) a missing Go or govmomi is a failure, not a skip."""
    try:
        return build_vcsim()
    except RuntimeError as err:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(err))


@pytest.fixture
def vcsim(vcsim_binary: Path, tmp_path: Path) -> Iterator[Callable[..., Simulator]]:
    """Start simulators with chosen counts; all are stopped at the end of the test."""
    started: list[Simulator] = []

    def start(**counts: Any) -> Simulator:
        simulator = start_vcsim(vcsim_binary, workdir=tmp_path / f"vcsim{len(started)}", **counts)
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        simulator.stop()


@pytest.fixture
def vcsim_password(monkeypatch: pytest.MonkeyPatch) -> str:
    """The simulator's password in PARCIMONIE_VSPHERE_PASSWORD."""
    from tests.support.vcsim import PASSWORD

    monkeypatch.setenv("PARCIMONIE_VSPHERE_PASSWORD", PASSWORD)
    return PASSWORD
