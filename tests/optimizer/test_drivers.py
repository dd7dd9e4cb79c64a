import numpy as np
import pytest

from optimizer import MainDriver, Offer, explain_ratio


def _offer(*, n_cores: int, raw_cpu: float, memory_mib: float) -> Offer:
    """A model with this raw capacity at perf 1.0 (prices and power play no part here)."""
    return Offer(
        name="new",
        n_sockets=2,
        n_cores=n_cores,
        cpu_mhz=raw_cpu / n_cores,
        memory_mib=memory_mib,
        perf_per_core=1.0,
        price_eur_ttc=0.0,
        power_idle_w=0.0,
        power_max_w=0.0,
    )


def test_utilisation_driven_ratio() -> None:
    # 10 old hosts half the size of a new one, 10 % memory used; new hosts filled to 80 %.
    old_cap = np.tile([50_000.0, 256_000.0], (10, 1))
    old_load = np.tile([2_000.0, 25_600.0], (10, 1))
    new_load = np.array([[20_000.0, 256_000.0 * 2 * 0.5]])
    d = explain_ratio(
        old_raw_capacity=old_cap,
        old_load=old_load,
        old_perf_per_core=np.full(10, 0.9),
        old_n_cores=np.full(10, 16),
        offer=_offer(n_cores=32, raw_cpu=100_000.0, memory_mib=512_000.0),
        new_load=new_load,
        n_vms=50,
        n_hosts_new_total=2,
    )
    assert d.ratio == 5.0 and d.binding_resource == "memory"
    assert d.memory_utilisation_before == pytest.approx(0.1)
    assert d.memory_utilisation_after == pytest.approx(0.5)
    assert d.ratio_from_utilisation == pytest.approx(5.0) and d.ratio_from_capacity == 2.0
    assert d.main_driver == MainDriver.UTILISATION == "utilisation"
    assert d.per_core_perf_gain == pytest.approx(1 / 0.9) and d.core_count_gain == 2.0
    assert d.vms_per_host_before == 5.0 and d.vms_per_host_after == 50.0


def test_nothing_replaced() -> None:
    d = explain_ratio(
        old_raw_capacity=np.zeros((0, 2)),
        old_load=np.zeros((0, 2)),
        old_perf_per_core=np.zeros(0),
        old_n_cores=np.zeros(0, np.int64),
        offer=_offer(n_cores=8, raw_cpu=1.0, memory_mib=1.0),
        new_load=np.zeros((0, 2)),
        n_vms=0,
        n_hosts_new_total=0,
    )
    assert d.main_driver == MainDriver.NONE and d.ratio == 0.0 and d.binding_resource == "none"
