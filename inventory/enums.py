"""Enumerations shared by the inventory tables and the records collectors produce."""

from enum import StrEnum


class LifecycleStatus(StrEnum):
    """Where an asset stands in its life (as asset managers such as GLPI or NetBox keep it)."""

    IN_SERVICE = "in_service"
    TO_RETIRE = "to_retire"
    RETIRED = "retired"


class PowerState(StrEnum):
    """Power state as vSphere reports it, normalised."""

    ON = "on"
    OFF = "off"
    SUSPENDED = "suspended"
    UNKNOWN = "unknown"


class RunStatus(StrEnum):
    """Outcome of one collection or import run."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class UsageSource(StrEnum):
    """Where a usage figure comes from, from the most to the least trusted.

    ``measured_p95``: the 95th percentile of vSphere statistics over a window (``usage_period_*``);
    ``sample``: one point-in-time reading (an RVTools export); ``host_apportioned``: the host's usage
    shared among its VMs; ``estimated``: no usage at all, sized from the allocation.
    """

    MEASURED_P95 = "measured_p95"
    SAMPLE = "sample"
    HOST_APPORTIONED = "host_apportioned"
    ESTIMATED = "estimated"
