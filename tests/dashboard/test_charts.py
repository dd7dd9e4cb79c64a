"""Charts a person can read: the host strip at 40 and 2 000 hosts, units in every tooltip, one colour
per budget line."""

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import charts, tables
from tests.dashboard.conftest import RunPage

LABELS = {"title": "t", "x": "x", "y": "y", "cpu": "CPU", "memory": "Mémoire", "low": "−20 %", "high": "+20 %"}


def _targets(n_hosts: int, n_clusters: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "host": [f"esx{i:04d}" for i in range(n_hosts)],
            "cluster": [f"CL-{i % n_clusters:02d}" for i in range(n_hosts)],
            "kind": "new",
            "n_vms": rng.integers(1, 40, n_hosts),
            "cpu_utilisation": rng.uniform(0.05, 0.8, n_hosts),
            "memory_utilisation": rng.uniform(0.05, 0.8, n_hosts),
        }
    )


@pytest.mark.parametrize(("n_hosts", "n_clusters"), [(40, 5), (2_000, 40)])
def test_host_strip_is_one_row_per_cluster_fullest_first(n_hosts: int, n_clusters: int) -> None:
    hosts = _targets(n_hosts, n_clusters)
    fig = charts.host_utilisation_strip(hosts, ceiling=0.8, labels=LABELS)
    assert [trace.type for trace in fig.data] == ["heatmap"]  # never one bar per host
    strip = fig.data[0]
    assert len(strip.y) == n_clusters and fig.layout.height <= 900
    cells = [[v for v in row if v is not None] for row in strip.z]
    assert sum(len(row) for row in cells) == n_hosts
    assert all(row == sorted(row, reverse=True) for row in cells)  # fullest host first in each cluster
    assert [row[0] for row in cells] == sorted(row[0] for row in cells)  # fullest cluster drawn on top
    limit = charts.limiting_utilisation(hosts) * 100
    assert max(max(row) for row in cells) == pytest.approx(limit.max(), abs=0.05)
    by_name = hosts.set_index("host")
    for values, hovers in zip(strip.z, strip.customdata, strict=True):  # each cell's hover names its own host
        for value, (host, cpu, memory) in zip(values, hovers, strict=True):
            if value is None:
                assert host == cpu == memory == ""
                continue
            row = by_name.loc[host]
            assert value == pytest.approx(min(100.0, 100 * max(row.cpu_utilisation, row.memory_utilisation)), abs=0.05)
            assert (cpu, memory) == (f"{row.cpu_utilisation * 100:.0f}", f"{row.memory_utilisation * 100:.0f}")


def test_worst_hosts_are_the_fullest_with_their_limiting_resource() -> None:
    hosts = _targets(2_000, 40)
    worst = tables.worst_hosts(hosts, 10)
    limit = charts.limiting_utilisation(hosts)
    assert list(worst["host"]) == list(hosts.loc[limit.sort_values(ascending=False).index[:10], "host"])
    first = hosts.set_index("host").loc[worst["host"].iloc[0]]
    expected = "Mémoire" if first["memory_utilisation"] > first["cpu_utilisation"] else "CPU"
    assert worst["resource"].iloc[0] == expected
    assert worst["cpu_utilisation"].str.endswith("\u202f%").all()  # text in the dashboard's format


def _money_charts() -> list[go.Figure]:
    years = pd.DataFrame({"year": [2027, 2028], "a": [1000.0, 2000.0], "b": [500.0, 700.0]})
    curves = pd.DataFrame({"scenario": ["A", "A"], "year": [2027, 2028], "cumulative": [1.0, 2.0]})
    bars = pd.DataFrame({"label": ["Prix"], "savings_low_eur": [90.0], "savings_high_eur": [110.0]})
    return [
        charts.cumulative_costs(curves, LABELS),
        charts.stacked_bars(years, x="year", parts={"a": "A", "b": "B"}, labels=LABELS),
        charts.stacked_bars(years, x="year", parts={"a": "A"}, labels=LABELS, horizontal=True),
        charts.line_chart(years, x="year", lines={"a": "A"}, labels=LABELS, money_y=True),
        charts.tornado(bars, base_eur=100.0, labels=LABELS),
    ]


def test_tooltips_give_units() -> None:
    for fig in _money_charts():
        for trace in fig.data:
            assert "\u00a0€" in trace.hovertemplate, fig.layout.title.text
    hosts = _targets(40, 5).assign(age_years=3.0, out_of_warranty=0)
    clusters = pd.DataFrame({"cluster": ["A"], "cpu_utilisation": [0.3], "memory_utilisation": [0.5]})
    for fig in (
        charts.utilisation_histogram(hosts, LABELS),
        charts.cluster_utilisation(clusters, LABELS),
        charts.host_utilisation_strip(hosts, ceiling=0.4, labels=LABELS),
    ):
        for trace in fig.data:
            assert "\u202f%" in trace.hovertemplate


def test_budget_lines_keep_one_colour_each() -> None:
    parts = (
        "energy_eur",
        "licences_eur",
        "maintenance_eur",
        "staff_eur",
        "rack_eur",
        "investissement_materiel_eur",
        "investissement_licences_eur",
        "fctva_eur",
    )
    frame = pd.DataFrame({"scenario": ["A"], **{p: [1.0] for p in parts}})
    fig = charts.stacked_bars(frame, x="scenario", parts={p: p for p in parts}, labels=LABELS, horizontal=True)
    colours = {trace.name: trace.marker.color for trace in fig.data}
    assert colours["energy_eur"] != colours["fctva_eur"]
    assert len(set(colours.values())) == len(parts)  # the Scénarios split: eight lines, eight colours
    finances = charts.stacked_bars(frame.assign(tca=1.0), x="scenario", parts={"energy_eur": "E"}, labels=LABELS)
    assert finances.data[0].marker.color == colours["energy_eur"]  # the same line, the same colour everywhere


def test_consolidation_shows_the_strip_and_the_fullest_hosts(run_page: RunPage, demo_url: str) -> None:
    at = run_page("consolidation", demo_url)
    assert not at.exception
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    strip = next(s for s in specs if "ressource limitante" in s["layout"]["title"]["text"])
    assert [trace["type"] for trace in strip["data"]] == ["heatmap"]
    assert any("hôtes les plus chargés après consolidation" in m.value for m in at.markdown)
    worst = next(df.value for df in at.dataframe if "resource" in df.value.columns)
    assert 1 <= len(worst) <= charts.WORST_HOSTS
