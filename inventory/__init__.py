"""The inventory: SQLModel tables of the estate and the one write path into them.

Nothing here imports collectors, optimizer or dashboard: they all depend on the inventory.
"""

from inventory.catalogue import DEFAULT_OFFERS, ensure_default_catalogue, list_offers
from inventory.database import (
    downgrade_database,
    is_initialised,
    make_engine,
    session_scope,
    upgrade_database,
)
from inventory.enums import LifecycleStatus, PowerState, RunStatus
from inventory.errors import (
    CollectionError,
    InvalidSourceData,
    SourceAuthFailed,
    SourceUnavailable,
)
from inventory.models import (
    Cluster,
    CollectionRun,
    Datastore,
    Host,
    HostModel,
    Scenario,
    Site,
    VirtualMachine,
    utcnow,
)
from inventory.queries import (
    LatestRun,
    cluster_frame,
    host_frame,
    host_names,
    latest_run,
    run_frame,
    runs_version,
    scenarios_version,
    vm_frame,
)
from inventory.records import (
    ClusterRecord,
    DatastoreRecord,
    HostRecord,
    SiteRecord,
    Snapshot,
    VirtualMachineRecord,
)
from inventory.repository import SyncReport, TableSync, upsert_observations
from inventory.runs import RunRecorder, finish_run, recent_runs, record_run, recorded_run, start_run
from inventory.scenarios import delete_scenario, get_scenario, list_scenarios, save_scenario
from inventory.schedule_store import SCHEDULER_JOBS_TABLE, next_run_times
from inventory.summary import EstateSummary, estate_summary

__all__ = [
    "host_names",
    "SCHEDULER_JOBS_TABLE",
    "next_run_times",
    "vm_frame",
    "scenarios_version",
    "runs_version",
    "run_frame",
    "latest_run",
    "host_frame",
    "cluster_frame",
    "LatestRun",
    "DEFAULT_OFFERS",
    "Cluster",
    "ClusterRecord",
    "CollectionError",
    "CollectionRun",
    "Datastore",
    "DatastoreRecord",
    "EstateSummary",
    "Host",
    "HostModel",
    "HostRecord",
    "InvalidSourceData",
    "LifecycleStatus",
    "PowerState",
    "RunRecorder",
    "RunStatus",
    "Scenario",
    "Site",
    "SiteRecord",
    "Snapshot",
    "SourceAuthFailed",
    "SourceUnavailable",
    "SyncReport",
    "TableSync",
    "VirtualMachine",
    "VirtualMachineRecord",
    "delete_scenario",
    "downgrade_database",
    "ensure_default_catalogue",
    "estate_summary",
    "finish_run",
    "get_scenario",
    "is_initialised",
    "list_offers",
    "list_scenarios",
    "make_engine",
    "recent_runs",
    "record_run",
    "recorded_run",
    "save_scenario",
    "session_scope",
    "start_run",
    "upgrade_database",
    "upsert_observations",
    "utcnow",
]
