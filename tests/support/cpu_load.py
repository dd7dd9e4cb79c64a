"""Busy child processes that load every core while a test runs: what a shared CI machine does."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cpu_load(n_procs: int | None = None) -> Iterator[None]:
    """Spin `n_procs` (default: one per core) Python processes for the duration of the block."""
    count = n_procs or os.cpu_count() or 2
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for p in procs:
            p.kill()
        for p in procs:
            p.wait()
