"""A cluster's DRS rules as Parcimonie placement rules (``inventory.rules.RuleRow``).

Read from ``ClusterComputeResource.configurationEx`` as typed pyVmomi objects (the property
collector's plain dicts lose the rule's type, and an affinity rule looks like an anti-affinity one):

- ``ClusterAntiAffinityRuleSpec`` (enabled): the VMs never share a host → "anti_affinity";
- ``ClusterAffinityRuleSpec`` (enabled): the VMs share a host → "together";
- ``ClusterVmHostRuleInfo`` (enabled, mandatory, "must run on" a host group of exactly one host):
  each VM of the VM group → "pin" to that host. "Should" rules, host groups of several hosts and
  "must not run on" rules have no Parcimonie equivalent and are left out (counted in the log).

Group names are "cluster/rule" so rules of two clusters never merge. Disabled rules are ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from pyVmomi import vim

from inventory.rules import RuleRow

__all__ = ["drs_rules"]

logger = logging.getLogger(__name__)


def _names(refs: Sequence[Any] | None, name_of: Mapping[str, str]) -> list[str]:
    return [name_of[r._moId] for r in refs or () if r._moId in name_of]


def _groups(config: Any) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """VM groups and host groups of a cluster configuration, by name."""
    vm_groups: dict[str, list[Any]] = {}
    host_groups: dict[str, list[Any]] = {}
    for group in getattr(config, "group", None) or ():
        if isinstance(group, vim.cluster.VmGroup):
            vm_groups[group.name] = list(group.vm or ())
        elif isinstance(group, vim.cluster.HostGroup):
            host_groups[group.name] = list(group.host or ())
    return vm_groups, host_groups


def drs_rules(
    cluster: str, config: Any, *, vm_name_of: Mapping[str, str], host_name_of: Mapping[str, str]
) -> list[RuleRow]:
    """The placement rules of one cluster's configuration (``configurationEx``, typed)."""
    vm_groups, host_groups = _groups(config)
    rows: list[RuleRow] = []
    skipped = 0
    for rule in getattr(config, "rule", None) or ():
        if not rule.enabled:
            continue
        group = f"{cluster}/{rule.name}"
        if isinstance(rule, vim.cluster.AntiAffinityRuleSpec):
            rows += [RuleRow("anti_affinity", group, vm) for vm in _names(rule.vm, vm_name_of)]
        elif isinstance(rule, vim.cluster.AffinityRuleSpec):
            rows += [RuleRow("together", group, vm) for vm in _names(rule.vm, vm_name_of)]
        elif isinstance(rule, vim.cluster.VmHostRuleInfo) and rule.mandatory and rule.affineHostGroupName:
            hosts = _names(host_groups.get(rule.affineHostGroupName), host_name_of)
            if len(hosts) == 1:
                vms = _names(vm_groups.get(rule.vmGroupName or ""), vm_name_of)
                rows += [RuleRow("pin", None, vm, hosts[0]) for vm in vms]
            else:
                skipped += 1
        else:
            skipped += 1
    if skipped:
        logger.info("%s: %d DRS rule(s) without a Parcimonie equivalent left out", cluster, skipped)
    return rows


def collect_drs_rules(
    client: Any, clusters: Sequence[tuple[str, str]], *, vms: Any, hosts: Any
) -> list[RuleRow] | None:
    """The DRS rules of every cluster (``(ref, name)``), one typed read per cluster; None (stored
    rules untouched) when one cannot be read: a rule read never fails a collection."""
    vm_name_of = {v.ref: str(v.props.get("name")) for v in vms if v.props.get("name")}
    host_name_of = {h.ref: str(h.props.get("name")) for h in hosts if h.props.get("name")}
    rows: list[RuleRow] = []
    for ref, name in clusters:
        try:
            config = client.entity(vim.ClusterComputeResource, ref).configurationEx
        except Exception as err:  # noqa: BLE001  (logged; the inventory itself was read)
            logger.warning("%s: DRS rules unreadable (%r); stored rules kept", name, err)
            return None
        rows += drs_rules(name, config, vm_name_of=vm_name_of, host_name_of=host_name_of)
    return rows
