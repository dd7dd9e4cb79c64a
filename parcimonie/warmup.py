"""Compute the dashboard's recommended plan ahead, where the work happens anyway.

After a successful collection, import, the demo and each nightly run, and in the background when
``parcimonie dashboard`` starts, the recommended plan and its tornado are computed and stored in the
inventory (``parcimonie.planning.plan_cache``): the first browser reads them instead of waiting.
A warm-up never fails the command it follows: an error is logged and the dashboard computes the
plan itself on the first visit.
"""

import logging
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from inventory import CollectionRun

logger = logging.getLogger(__name__)


def warm_plan(engine: "Engine") -> bool:
    """Store the recommended plan and its tornado for the current snapshot; True when computed here."""
    from parcimonie.planning.plan_cache import warm

    try:
        return warm(engine)
    except Exception as err:  # a warm-up is a convenience: the dashboard computes the plan itself otherwise
        logger.warning("recommended plan not computed ahead: %s", err)
        return False


def warm_after_runs(engine: "Engine", runs: Sequence["CollectionRun"]) -> bool:
    """``warm_plan`` when at least one of ``runs`` succeeded (a new snapshot to plan)."""
    from inventory import RunStatus

    if not any(run.status == RunStatus.SUCCEEDED for run in runs):
        return False
    return warm_plan(engine)


def warm_url(url: str) -> bool:
    """``warm_plan`` on the database at ``url``, if it exists: never creates nor upgrades a database."""
    from inventory import is_initialised, make_engine
    from inventory.database import missing_sqlite_file

    if missing_sqlite_file(url) is not None:
        return False
    try:
        engine = make_engine(url)
        ready = is_initialised(engine)
    except Exception as err:  # an unusable database: the dashboard says so itself
        logger.warning("recommended plan not computed ahead: %s", err)
        return False
    try:
        return ready and warm_plan(engine)
    finally:
        engine.dispose()


def release_claims(url: str) -> None:
    """Release what an unfinished warm-up of this process claimed (``parcimonie dashboard`` stopping)."""
    from inventory import make_engine
    from parcimonie.planning.plan_cache import release_claims as release

    try:
        engine = make_engine(url)
        try:
            release(engine)
        finally:
            engine.dispose()
    except Exception as err:  # the claim then goes stale by itself
        logger.warning("plan computation claim not released: %s", err)


def warm_in_background(url: str) -> threading.Thread:
    """Start ``warm_url`` on a daemon thread (``parcimonie dashboard`` serves meanwhile)."""
    thread = threading.Thread(target=warm_url, args=(url,), name="plan-warm-up", daemon=True)
    thread.start()
    return thread
