"""The vSphere collector: one vCenter → one ``Snapshot``, in a handful of bulk calls.

One PropertyCollector retrieval over a ContainerView per object type (datacenters, folders,
compute resources, hosts, datastores, VMs), then QueryPerf in batches for usage. Parents are
resolved in memory from the ``parent`` properties, never by walking objects one by one.
"""

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pyVmomi import vim

from collectors.sources import VSphereSource
from collectors.vsphere.client import RawObject, VSphereClient
from collectors.vsphere.drs_rules import collect_drs_rules
from collectors.vsphere.mapping import (
    CLUSTER_PATHS,
    DATASTORE_EXTRA_PATHS,
    DATASTORE_FIELDS,
    HOST_EXTRA_PATHS,
    HOST_FIELDS,
    VM_EXTRA_PATHS,
    VM_FIELDS,
    map_cluster,
    map_datastore,
    map_host,
    map_site,
    map_vm,
    paths_of,
    vm_external_id,
)
from collectors.vsphere.profiles import collect_all_profiles
from collectors.vsphere.usage import UsageQuery, collect_usage
from inventory.records import HostProfileSeries, ProfileSeries, Snapshot

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class UsageOptions:
    """How much usage history to read: ``window_h`` hours, ``0`` to skip statistics."""

    window_h: float = 24.0
    max_query_metrics: int = 64
    workers: int = 4
    profiles: bool = True  # also read each VM's day and week profile (collectors/vsphere/profiles.py)


def _parents(*groups: list[RawObject]) -> tuple[dict[str, str], dict[str, str]]:
    """(object id → parent id, object id → type) over the retrieved objects."""
    parent: dict[str, str] = {}
    kind: dict[str, str] = {}
    for group in groups:
        for obj in group:
            kind[obj.ref] = obj.type
            if obj.props.get("parent"):
                parent[obj.ref] = obj.props["parent"]
    return parent, kind


def _ancestor(ref: str | None, of_type: str, parent: Mapping[str, str], kind: Mapping[str, str]) -> str | None:
    seen = 0
    while ref is not None and seen < 64:
        if kind.get(ref) == of_type:
            return ref
        ref = parent.get(ref)
        seen += 1
    return None


def collect_vsphere(
    source: VSphereSource,
    *,
    usage: UsageOptions = UsageOptions(),
    progress: Progress | None = None,
) -> Snapshot:
    """Everything one vCenter reports, as a complete snapshot of ``source.source``.

    Raises ``SourceAuthFailed`` (password, TLS), ``SourceUnavailable`` (network, timeouts after
    retries) or ``InvalidSourceData``; nothing is written here.
    """
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    password = source.read_password()
    say(f"{source.source}: connexion à {source.address}")
    with VSphereClient(source, password=password) as client:
        say(f"{source.source}: lecture de l'inventaire")
        datacenters = client.retrieve(vim.Datacenter, ["name", "parent"])
        folders = client.retrieve(vim.Folder, ["parent"])
        computes = client.retrieve(
            vim.ComputeResource, ["name", "parent"], extra={vim.ClusterComputeResource: CLUSTER_PATHS}
        )
        hosts = client.retrieve(vim.HostSystem, paths_of(HOST_FIELDS, HOST_EXTRA_PATHS))
        datastores = client.retrieve(vim.Datastore, paths_of(DATASTORE_FIELDS, DATASTORE_EXTRA_PATHS))
        vms = client.retrieve(vim.VirtualMachine, paths_of(VM_FIELDS, VM_EXTRA_PATHS))
        clusters = [(c.ref, str(c.props.get("name"))) for c in computes if c.type == "ClusterComputeResource"]
        rules = collect_drs_rules(client, clusters, vms=vms, hosts=hosts)
        figures = {}
        profiles: list[ProfileSeries] = []
        host_profiles: list[HostProfileSeries] = []
        if usage.window_h > 0:
            say(f"{source.source}: statistiques d'usage de {len(hosts)} hôtes et {len(vms)} VM")
            entities = [(vim.HostSystem, h.ref) for h in hosts] + [
                (vim.VirtualMachine, v.ref) for v in vms if v.props.get("config.template") is not True
            ]
            fetched: list[UsageQuery] = []
            figures = collect_usage(
                client,
                entities,
                window_h=usage.window_h,
                max_query_metrics=usage.max_query_metrics,
                workers=usage.workers,
                fetched=fetched,
            )
            if usage.profiles:
                say(f"{source.source}: profils d'usage (jour, semaine) de {len(vms)} VM et {len(hosts)} hôtes")
                vm_ids = {
                    v.ref: vm_external_id(v.ref, v.props) for v in vms if v.props.get("config.template") is not True
                }
                host_ids = {h.ref: h.ref for h in hosts}  # a host's external id is its managed object id (map_host)
                profiles, host_profiles = collect_all_profiles(
                    client, vm_ids, host_ids, reuse=fetched[0] if fetched else None
                )
    parent, kind = _parents(datacenters, folders, computes, hosts, datastores)
    host_cluster: dict[str, str | None] = {}
    for host in hosts:
        host_cluster[host.ref] = _ancestor(host.props.get("parent"), "ClusterComputeResource", parent, kind)
    snapshot = Snapshot(
        sites=[map_site(dc.ref, dc.props) for dc in datacenters],
        clusters=[
            map_cluster(c.ref, c.props, site=_ancestor(c.ref, "Datacenter", parent, kind))
            for c in computes
            if c.type == "ClusterComputeResource"
        ],
        hosts=[
            map_host(
                h.ref,
                h.props,
                site=_ancestor(h.ref, "Datacenter", parent, kind),
                cluster=host_cluster[h.ref],
                usage=figures.get(h.ref),
            )
            for h in hosts
        ],
        datastores=[
            map_datastore(d.ref, d.props, site=_ancestor(d.ref, "Datacenter", parent, kind)) for d in datastores
        ],
        vms=[
            map_vm(
                v.ref,
                v.props,
                host=v.props.get("runtime.host") if v.props.get("runtime.host") in host_cluster else None,
                cluster=host_cluster.get(v.props.get("runtime.host") or ""),
                usage=figures.get(v.ref),
            )
            for v in vms
        ],
        profiles=profiles,
        host_profiles=host_profiles,
        complete=True,
        placement_rules=rules,
    )
    logger.info(
        "%s: collected %d hosts, %d VMs, %d datastores (%d with usage) in %.2f s",
        source.source,
        len(snapshot.hosts),
        len(snapshot.vms),
        len(snapshot.datastores),
        len(figures),
        time.perf_counter() - started,
    )
    return snapshot
