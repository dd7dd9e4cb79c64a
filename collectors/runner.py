"""Running collectors into the inventory: one recorded ``CollectionRun`` per source.

A failing source never stops the others: ``record_run`` marks it failed with its message, and an
unexpected error (a bug) is logged with its traceback and recorded as an internal error.
"""

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from collectors.sources import VSphereSource
from inventory import CollectionError, CollectionRun, RunStatus, Snapshot, finish_run, record_run, start_run

if TYPE_CHECKING:
    from collectors.imports import RvtoolsImport

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


def run_vsphere(
    engine: Engine,
    source: VSphereSource,
    *,
    usage_window_h: float = 24.0,
    max_query_metrics: int = 64,
    progress: Progress | None = None,
) -> CollectionRun:
    """Collect one vCenter and record the run."""
    from collectors.vsphere import UsageOptions, collect_vsphere

    usage = UsageOptions(window_h=usage_window_h, max_query_metrics=max_query_metrics)
    return record_run(
        engine,
        source=source.source,
        kind="vsphere",
        collect=lambda: collect_vsphere(source, usage=usage, progress=progress),
    )


def run_local(engine: Engine, *, sample_s: float = 1.0, samples_path: Path | None = None) -> CollectionRun:
    """Record this machine as a host (usage over the rolling store at `samples_path` when given)."""
    from collectors.local import collect_local, local_source

    return record_run(
        engine,
        source=local_source(),
        kind="local",
        collect=lambda: collect_local(sample_s=sample_s, samples_path=samples_path),
    )


def run_all(
    engine: Engine,
    *,
    sources: Sequence[VSphereSource],
    include_local: bool = False,
    local_samples: Path | None = None,
    usage_window_h: float = 24.0,
    max_query_metrics: int = 64,
    progress: Progress | None = None,
) -> list[CollectionRun]:
    """Every configured source, one after the other; returns one run per source."""
    jobs: list[tuple[str, Callable[[], CollectionRun]]] = [
        (
            source.source,
            lambda source=source: run_vsphere(  # type: ignore[misc]
                engine,
                source,
                usage_window_h=usage_window_h,
                max_query_metrics=max_query_metrics,
                progress=progress,
            ),
        )
        for source in sources
    ]
    if include_local:
        jobs.append(("local", lambda: run_local(engine, samples_path=local_samples)))
    runs: list[CollectionRun] = []
    for name, job in jobs:
        try:
            runs.append(job())
        except Exception:  # noqa: BLE001  (record_run has recorded it failed; go on with the others)
            logger.exception("collection %s crashed", name)
    return runs


def _failing(err: CollectionError) -> Callable[[], Snapshot]:
    def collect() -> Snapshot:
        raise err

    return collect


def run_rvtools(
    engine: Engine,
    path: Path,
    *,
    source: str | None = None,
    decimal: str = ".",
    allow_shrink: bool = False,
    as_of: date | None = None,
) -> tuple[CollectionRun, "RvtoolsImport | None"]:
    """Import an RVTools export; a file that cannot be read is recorded as a failed run.

    An export with empty main tabs, or that would mark most of the source missing, is refused
    (``collectors.imports.guard``) unless ``allow_shrink``. An unexpected error (a bug) is recorded
    as a failed run too, then raised. ``as_of`` dates the run's capacity history (default: the
    file's modification date).
    """
    from collectors.imports import ParseOptions, import_rvtools
    from collectors.imports.guard import refuse_shrink

    name = f"rvtools:{source or path.stem}"
    try:
        result = import_rvtools(path, source=source, options=ParseOptions(decimal=decimal, date_format="iso"))
    except CollectionError as err:
        return record_run(engine, source=name, kind="rvtools", collect=_failing(err)), None
    except Exception as err:
        run_id = start_run(engine, source=name, kind="rvtools")
        finish_run(engine, run_id, status=RunStatus.FAILED, error=f"internal error: {err!r}")
        raise

    def collect() -> Snapshot:
        refuse_shrink(
            engine, result.source, result.snapshot, empty_tabs=result.empty_main_tabs, allow_shrink=allow_shrink
        )
        return result.snapshot

    day = as_of or datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date()
    run = record_run(engine, source=result.source, kind="rvtools", collect=collect, as_of=day)
    return run, (result if run.status == RunStatus.SUCCEEDED else None)
