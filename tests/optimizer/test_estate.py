import numpy as np
import pytest

from optimizer import HostTable, Offer, VmTable, complete_host_estimates
from tests.optimizer.estates import make_offer


def test_build_fills_optional_columns() -> None:
    hosts = HostTable.build(n_cores=[16, 32], cpu_mhz=[2000, 2400], memory_mib=[1024, 2048])
    assert hosts.n_hosts == 2 and hosts.ids == ("h0", "h1")
    assert (hosts.cluster == -1).all() and np.isnan(hosts.purchase_year).all()
    vms = VmTable.build(n_vcpus=[1], memory_mib=[512], host=[0])
    assert vms.powered_on.all() and not vms.is_template.any()


@pytest.mark.parametrize(
    "kw, word",
    [
        ({"n_cores": [0], "cpu_mhz": [2000], "memory_mib": [1024]}, "n_cores"),
        ({"n_cores": [8], "cpu_mhz": [2000], "memory_mib": [-1]}, "memory_mib"),
        ({"n_cores": [8], "cpu_mhz": [2000, 1], "memory_mib": [1]}, "cpu_mhz"),
        (
            {
                "n_cores": [8],
                "cpu_mhz": [2000],
                "memory_mib": [1],
                "power_idle_w": [300],
                "power_max_w": [200],
            },
            "power_max_w",
        ),
    ],
)
def test_bad_hosts_raise(kw: dict[str, list[float]], word: str) -> None:
    with pytest.raises(ValueError, match=word):
        HostTable.build(**kw)  # type: ignore[arg-type]


def test_bad_vms_raise() -> None:
    with pytest.raises(ValueError, match="memory_mib"):
        VmTable.build(n_vcpus=[1], memory_mib=[-5], host=[0])
    with pytest.raises(ValueError, match="cpu_p95_mhz"):
        VmTable.build(n_vcpus=[1], memory_mib=[5], host=[0], cpu_p95_mhz=[-1])


def test_zero_capacity_offer_raises() -> None:
    with pytest.raises(ValueError, match="zero-capacity"):
        make_offer(memory_mib=0.0)
    with pytest.raises(ValueError, match="power_max_w"):
        make_offer(power_idle_w=900.0)
    assert isinstance(make_offer(), Offer)


def test_complete_estimates_flags_estimated_hosts() -> None:
    hosts = HostTable.build(
        n_cores=[16, 16],
        cpu_mhz=[2000, 2000],
        memory_mib=[1, 1],
        perf_per_core=[0.7, np.nan],
        power_idle_w=[100, np.nan],
        power_max_w=[300, np.nan],
        purchase_year=[2015, 2015],
    )
    done, estimated = complete_host_estimates(hosts=hosts)
    assert estimated.tolist() == [False, True]
    assert done.perf_per_core[0] == 0.7 and 0 < done.perf_per_core[1] < 1
    assert done.power_max_w[1] > done.power_idle_w[1] > 0
