"""Typed observations that collectors and imports hand to the inventory.

A record says what one source reports about one object, keyed by ``external_id`` in that source.
Only the fields a collector sets explicitly are written (pydantic's ``model_fields_set``): a vSphere
collection that knows nothing of purchase prices leaves the prices an import entered untouched.
References to other objects use their external ids in the same source.
"""

from datetime import datetime

from sqlmodel import Field, SQLModel

from inventory.models import HostBase, VirtualMachineBase
from inventory.rules import RuleRow


class SiteRecord(SQLModel):
    """A datacenter or server room as a source reports it."""

    external_id: str
    name: str
    organisation: str | None = None


class ClusterRecord(SQLModel):
    """A cluster as a source reports it."""

    external_id: str
    name: str
    site_external_id: str | None = None
    ha_enabled: bool | None = None
    ha_host_failures_tolerated: int | None = None
    drs_enabled: bool | None = None


class HostRecord(HostBase):
    """A physical server as a source reports it."""

    external_id: str
    site_external_id: str | None = None
    cluster_external_id: str | None = None


class VirtualMachineRecord(VirtualMachineBase):
    """A virtual machine as a source reports it."""

    external_id: str
    host_external_id: str | None = None
    cluster_external_id: str | None = None


class DatastoreRecord(SQLModel):
    """A datastore as a source reports it."""

    external_id: str
    name: str
    site_external_id: str | None = None
    kind: str | None = None
    capacity_gib: float | None = None
    free_gib: float | None = None


class ProfileSeries(SQLModel):
    """One VM's usage over one profile period ("day": 288 x 300 s, "week": 336 x 1 800 s).

    Slot ``k`` covers ``start_at + k * slot`` to the next slot; NaN where no sample came. Written
    by the same transaction as the run (``inventory.profiles.store_profiles``).
    """

    vm_external_id: str
    period: str
    start_at: datetime
    cpu_mhz: list[float]
    memory_mib: list[float] | None = None


class HostProfileSeries(SQLModel):
    """One host's usage over one profile period, on the grid of ``ProfileSeries`` (NaN: no sample)."""

    host_external_id: str
    period: str
    start_at: datetime
    cpu_mhz: list[float]
    memory_mib: list[float] | None = None


class Snapshot(SQLModel):
    """Everything one source reported in one run.

    ``complete`` says the snapshot is the source's whole view: objects of that source that it does
    not list are then marked missing. A partial import (say, lifecycle data for a few hosts) sets it
    to False and marks nothing.
    """

    sites: list[SiteRecord] = Field(default_factory=list)
    clusters: list[ClusterRecord] = Field(default_factory=list)
    hosts: list[HostRecord] = Field(default_factory=list)
    vms: list[VirtualMachineRecord] = Field(default_factory=list)
    datastores: list[DatastoreRecord] = Field(default_factory=list)
    profiles: list[ProfileSeries] = Field(default_factory=list)
    host_profiles: list[HostProfileSeries] = Field(default_factory=list)
    complete: bool = True
    #: The source's placement rules (vCenter DRS rules), replacing those it gave before; None: the
    #: source says nothing about rules (an import), stored ones stay.
    placement_rules: list[RuleRow] | None = None
