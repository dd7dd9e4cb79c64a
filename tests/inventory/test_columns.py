"""Column readers give what SQLAlchemy's rows give, on SQLite and PostgreSQL, odd rows included."""

import math
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from inventory import Cluster, Host, Site, VirtualMachine
from inventory.columns import core_table, fetch_columns
from inventory.enums import LifecycleStatus
from inventory.frames import column_array, columns_frame
from inventory.queries import HOST_COLUMNS, VM_COLUMNS, _vm_load_per_host, host_frame, vm_frame
from inventory.types import as_utc, plain_timestamp, spans
from tests.conftest import TODAY
from tests.inventory.odd_estate import odd_estate


@pytest.fixture
def odd_engine(engine: Engine) -> Engine:
    """The odd estate, once on each backend."""
    odd_estate(engine)
    return engine


def test_columns_are_the_rows_values(odd_engine: Engine) -> None:
    vm = core_table(VirtualMachine).c
    statement = select(*vm).order_by(vm.id)  # every type: UTC timestamps, booleans, enums as text, floats
    host = core_table(Host).c
    with Session(odd_engine) as session:
        for query in (statement, select(*host).order_by(host.id)):
            rows = session.execute(query).all()
            columns = fetch_columns(session, query)
            assert list(columns) == list(query.selected_columns.keys())
            for i, name in enumerate(columns):
                expected = [row[i] for row in rows]
                assert [type(v) for v in columns[name]] == [type(v) for v in expected], name
                assert [_same(v) for v in columns[name]] == [_same(v) for v in expected], name


def _same(value: Any) -> Any:
    """A value NaN-proof for equality, with its zone where it is a timestamp."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, datetime):
        return (value, value.tzinfo)
    return value


def test_columns_of_no_rows_and_of_orm_statements(engine: Engine) -> None:
    with Session(engine) as session:
        assert fetch_columns(session, select(core_table(Site).c.id, core_table(Site).c.name)) == {"id": [], "name": []}
        session.add(Site(source="s", external_id="1", name="Mairie"))  # pending: flushed first, as for a query
        assert fetch_columns(session, select(col(Site.name)))["name"] == ["Mairie"]


def test_spans_are_those_between_the_utc_timestamps(odd_engine: Engine) -> None:
    vm = core_table(VirtualMachine).c
    pairs = (("usage_period_start", "usage_period_end"), ("powered_off_since", "last_seen_at"))
    with Session(odd_engine) as session:
        for start, end in pairs:
            aware = fetch_columns(session, select(vm[start], vm[end]))
            plain = fetch_columns(
                session, select(plain_timestamp(vm[start]).label("s"), plain_timestamp(vm[end]).label("e"))
            )
            pairs_read = zip(aware[start], aware[end], strict=True)
            expected = [None if s is None or e is None else e - s for s, e in pairs_read]
            assert spans(plain["s"], plain["e"]) == expected
            assert sum(v is not None for v in expected) >= 3


def test_spans_of_naive_aware_and_mixed_pairs() -> None:
    paris = timezone(timedelta(hours=1))
    naive = datetime(2026, 11, 1, 12, 0)
    pairs = [
        (naive, naive + timedelta(days=2)),
        (naive.replace(tzinfo=paris), naive.replace(tzinfo=UTC)),
        (naive, naive.replace(tzinfo=paris)),  # naive is UTC: 1 h later than Paris noon is... earlier
        (naive.replace(tzinfo=paris), naive),
        (None, naive),
        (naive, None),
    ]
    expected = [None if s is None or e is None else as_utc(e) - as_utc(s) for s, e in pairs]
    assert spans([s for s, _ in pairs], [e for _, e in pairs]) == expected
    assert expected[2] == timedelta(hours=-1) and expected[3] == timedelta(hours=1)


#: Columns of every kind pandas infers a dtype for: ints, floats, None, NaN, booleans, text, big ints.
ODD_COLUMNS: tuple[list[Any], ...] = (
    [1, 2, 3],
    [1, None, 3],
    [1.5, None],
    [1, 2.5],
    [1, 2.5, None, math.nan],
    [None, None],
    [math.nan, math.nan],
    [True, False],
    [True, None],
    [True, 2],
    ["a", None],
    ["a", "b"],
    ["a", 1],
    [2**63, 1],
    [2**70, None],
    [-(2**63), 5],
    [datetime(2026, 1, 1, tzinfo=UTC), None],
)


@pytest.mark.parametrize("values", ODD_COLUMNS, ids=repr)
def test_frames_built_a_column_at_a_time_are_those_of_rows(values: list[Any]) -> None:
    rows = [(v, i) for i, v in enumerate(values)]
    expected = pd.DataFrame(rows, columns=["v", "i"])
    got = columns_frame({"v": values, "i": list(range(len(values)))}, ("v", "i"))
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert [type(v) for v in got["v"]] == [type(v) for v in expected["v"]]
    assert isinstance(column_array(values), list) or column_array(values).dtype == expected["v"].dtype


def test_frames_of_no_rows() -> None:
    pd.testing.assert_frame_equal(columns_frame({"a": [], "b": []}, ("a", "b")), pd.DataFrame([], columns=["a", "b"]))


def test_vm_frame_is_that_of_joined_rows(odd_engine: Engine) -> None:
    """``vm_frame`` as it was built: ORM rows with the names joined, then a frame of the rows."""
    statement = (
        select(
            col(VirtualMachine.id), col(VirtualMachine.name), col(VirtualMachine.host_id),
            col(VirtualMachine.cluster_id), col(Host.name), col(Cluster.name), col(VirtualMachine.power_state),
            col(VirtualMachine.is_template), col(VirtualMachine.guest_os), col(VirtualMachine.n_vcpus),
            col(VirtualMachine.memory_mib), col(VirtualMachine.storage_provisioned_gib),
            col(VirtualMachine.cpu_usage_p95_mhz), col(VirtualMachine.memory_usage_p95_mib),
        )
        .join(Host, col(VirtualMachine.host_id) == col(Host.id), isouter=True)
        .join(Cluster, col(VirtualMachine.cluster_id) == col(Cluster.id), isouter=True)
        .where(col(VirtualMachine.missing_since).is_(None))
        .order_by(col(VirtualMachine.name))
    )  # fmt: skip
    with Session(odd_engine) as session:
        expected = pd.DataFrame(session.execute(statement).all(), columns=list(VM_COLUMNS))
        got = vm_frame(session)
    expected["power_state"] = expected["power_state"].astype(str)
    expected["is_template"] = expected["is_template"].astype(bool)
    expected["memory_gib"] = expected["memory_mib"].astype(float) / 1024
    expected["memory_p95_gib"] = expected["memory_p95_mib"].astype(float) / 1024
    _assert_same_frames(got, expected)
    assert got["host"].isna().sum() >= 2 and got["cluster"].isna().sum() >= 2


def test_host_frame_reads_the_rows_and_loads_of_joined_rows(odd_engine: Engine) -> None:
    """``host_frame``'s rows and VM loads per host as ORM rows gave them (its figures follow from them)."""
    statement = (
        select(
            col(Host.id), col(Host.name), col(Cluster.name), col(Site.name), col(Host.vendor), col(Host.model),
            col(Host.cpu_model), col(Host.n_sockets), col(Host.n_cores_per_socket), col(Host.cpu_mhz),
            col(Host.memory_mib), col(Host.power_state), col(Host.status), col(Host.purchase_date),
            col(Host.purchase_price_eur), col(Host.warranty_end), col(Host.support_cost_eur_per_year),
            col(Host.cpu_usage_p95_mhz), col(Host.memory_usage_p95_mib), col(Host.hypervisor_version),
        )
        .join(Cluster, col(Host.cluster_id) == col(Cluster.id), isouter=True)
        .join(Site, col(Host.site_id) == col(Site.id), isouter=True)
        .where(col(Host.missing_since).is_(None), col(Host.status) != LifecycleStatus.RETIRED)
        .order_by(col(Host.name))
    )  # fmt: skip
    load = (
        select(
            col(VirtualMachine.host_id), func.count(col(VirtualMachine.id)),
            func.sum(col(VirtualMachine.cpu_usage_p95_mhz)), func.sum(col(VirtualMachine.memory_usage_p95_mib)),
            func.sum(col(VirtualMachine.n_vcpus)),
        )
        .where(col(VirtualMachine.missing_since).is_(None), col(VirtualMachine.is_template).is_(False))
        .where(col(VirtualMachine.host_id).is_not(None))
        .group_by(col(VirtualMachine.host_id))
    )  # fmt: skip
    load_columns = ["id", "n_vms", "vm_cpu_p95_mhz", "vm_memory_p95_mib", "n_vcpus"]
    with Session(odd_engine) as session:
        rows = pd.DataFrame(session.execute(statement).all(), columns=list(HOST_COLUMNS))
        loads = pd.DataFrame(session.execute(load).all(), columns=load_columns)
        got = host_frame(session, today=TODAY)
        got_loads = _vm_load_per_host(session)
    _assert_same_frames(got[list(HOST_COLUMNS)], rows)
    types = {"id": "int64"} | dict.fromkeys(load_columns[1:], "float64")
    by_host = ["id"]
    _assert_same_frames(
        got_loads.sort_values(by_host, ignore_index=True), loads.astype(types).sort_values(by_host, ignore_index=True)
    )
    assert got["cluster"].isna().any() and got["site"].isna().any() and got["purchase_date"].isna().any()


def _assert_same_frames(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    for name in got.columns[[dtype == "object" for dtype in got.dtypes]]:
        assert [type(v) for v in got[name]] == [type(v) for v in expected[name]], name
