"""DRS rules become placement rules: the mapping by hand, then through govmomi's simulator."""

from collections.abc import Callable

import pytest
from pyVim.task import WaitForTask
from pyVmomi import vim
from sqlalchemy import Engine
from sqlmodel import Session

from collectors.runner import run_vsphere
from collectors.vsphere import VSphereClient
from collectors.vsphere.drs_rules import drs_rules
from inventory import RunStatus
from inventory.rules import RuleRow, load_rules
from tests.support.vcsim import Simulator

VM_NAMES = {"vm-1": "dc01", "vm-2": "dc02", "vm-3": "web", "vm-4": "db"}
HOST_NAMES = {"host-1": "esx1", "host-2": "esx2"}


def _vms(*refs: str) -> list[vim.VirtualMachine]:
    return [vim.VirtualMachine(r) for r in refs]


def test_mapping_of_each_kind_of_rule() -> None:
    config = vim.cluster.ConfigInfoEx(
        group=[
            vim.cluster.VmGroup(name="dbs", vm=_vms("vm-4")),
            vim.cluster.HostGroup(name="one", host=[vim.HostSystem("host-2")]),
            vim.cluster.HostGroup(name="two", host=[vim.HostSystem("host-1"), vim.HostSystem("host-2")]),
        ],
        rule=[
            vim.cluster.AntiAffinityRuleSpec(name="dc", enabled=True, vm=_vms("vm-1", "vm-2")),
            vim.cluster.AffinityRuleSpec(name="app", enabled=True, vm=_vms("vm-3", "vm-4")),
            vim.cluster.AffinityRuleSpec(name="off", enabled=False, vm=_vms("vm-1", "vm-3")),
            vim.cluster.VmHostRuleInfo(
                name="licence", enabled=True, mandatory=True, vmGroupName="dbs", affineHostGroupName="one"
            ),
            vim.cluster.VmHostRuleInfo(  # a host group of two hosts: no single-host pin
                name="wide", enabled=True, mandatory=True, vmGroupName="dbs", affineHostGroupName="two"
            ),
            vim.cluster.VmHostRuleInfo(  # "should": not a constraint
                name="soft", enabled=True, mandatory=False, vmGroupName="dbs", affineHostGroupName="one"
            ),
        ],
    )
    assert drs_rules("CL1", config, vm_name_of=VM_NAMES, host_name_of=HOST_NAMES) == [
        RuleRow("anti_affinity", "CL1/dc", "dc01"),
        RuleRow("anti_affinity", "CL1/dc", "dc02"),
        RuleRow("together", "CL1/app", "web"),
        RuleRow("together", "CL1/app", "db"),
        RuleRow("pin", None, "db", "esx2"),
    ]


def test_no_configuration_gives_no_rule() -> None:
    assert drs_rules("CL1", vim.cluster.ConfigInfoEx(), vm_name_of=VM_NAMES, host_name_of=HOST_NAMES) == []


@pytest.mark.vcsim
def test_simulator_drs_rules_are_stored(
    sqlite_engine: Engine, vcsim: Callable[..., Simulator], vcsim_password: str
) -> None:
    sim = vcsim(n_hosts=2, n_vms_per_host=2)
    source = sim.source()
    assert run_vsphere(sqlite_engine, source, usage_window_h=0).status == RunStatus.SUCCEEDED
    with Session(sqlite_engine) as session:
        assert load_rules(session) == []  # the simulator starts without rules
    with VSphereClient(source, password=source.read_password()) as client:
        cluster = client.retrieve(vim.ClusterComputeResource, ["name", "host"])[0]
        vms = client.retrieve(vim.VirtualMachine, ["name", "runtime.host"])
        pair = sorted(vms, key=lambda v: v.props["name"])[:2]
        spec = vim.cluster.ConfigSpecEx(
            rulesSpec=[
                vim.cluster.RuleSpec(
                    operation="add",
                    info=vim.cluster.AntiAffinityRuleSpec(
                        name="dc", enabled=True, vm=[client.entity(vim.VirtualMachine, v.ref) for v in pair]
                    ),
                )
            ]
        )
        entity = client.entity(vim.ClusterComputeResource, cluster.ref)
        WaitForTask(entity.ReconfigureComputeResource_Task(spec=spec, modify=True))
    assert run_vsphere(sqlite_engine, source, usage_window_h=0).status == RunStatus.SUCCEEDED
    with Session(sqlite_engine) as session:
        rows = load_rules(session)
    group = f"{cluster.props['name']}/dc"
    assert rows == [RuleRow("anti_affinity", group, v.props["name"]) for v in pair]
