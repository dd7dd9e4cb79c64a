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
