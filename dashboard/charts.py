"""Plotly figures built from the loaders' frames: no data access, no optimisation maths.

Axis and legend labels come in through arguments (already translated); numbers use the
current language's separators through ``separators``.
"""

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import current_language

PALETTE = ("#2E7D32", "#1565C0", "#EF6C00", "#6A1B9A", "#C62828", "#00838F", "#9E9D24", "#5D4037", "#AD1457")
RED, GREEN, GREY = "#C62828", "#2E7D32", "#9E9E9E"
#: One colour per budget line, the same on every chart (energy is never FCTVA's colour).
LINE_COLOURS = {
    "tca": "#1565C0",
    "energy_eur": "#EF6C00",
    "maintenance_eur": "#6A1B9A",
    "licences_eur": "#00838F",
    "staff_eur": "#9E9D24",
    "rack_eur": "#5D4037",
    "investissement_materiel_eur": "#1565C0",
    "investissement_licences_eur": "#AD1457",
    "fctva_eur": "#2E7D32",
}
#: Worst hosts listed under the utilisation strip.
WORST_HOSTS = 10


def eur_hover(field: str) -> str:
    """Plotly hover text of an amount held in ``field`` ("x", "y"…), the euro sign in the language's place."""
    return f"%{{{field}:,.0f}}\u00a0€" if current_language() == "fr" else f"€%{{{field}:,.0f}}"


def pct_unit() -> str:
    """The percent sign as the language writes it after a number (French: narrow no-break space first)."""
    return "\u202f%" if current_language() == "fr" else "%"


def colon() -> str:
    """A colon as the language writes it between a label and its value."""
    return "\u202f: " if current_language() == "fr" else ": "


def pct_hover(field: str) -> str:
    """Plotly hover text of a percentage held in ``field`` (values already × 100)."""
    return f"%{{{field}:.0f}}{pct_unit()}"


def _layout(fig: go.Figure, *, title: str, x: str, y: str, height: int = 340, money: str | None = None) -> go.Figure:
    """Titles, legend and the language's separators; ``money`` ("x" or "y"): the axis in euros.

    Plotly's default ticks read "10M" (SI prefix glued to the number): money axes show whole
    amounts with the language's thousands separator instead (``10 000 000`` in French).
    """
    fig.update_layout(
        title=title,
        xaxis_title=x,
        yaxis_title=y,
        height=height,
        margin=dict(l=10, r=10, t=50, b=40),
        separators=",\u202f" if current_language() == "fr" else ".,",
        legend=dict(orientation="h", yanchor="top", y=-0.18, xanchor="left", x=0),
    )
    if money == "x":
        fig.update_xaxes(tickformat=",.0f", hoverformat=",.0f")
    elif money == "y":
        fig.update_yaxes(tickformat=",.0f", hoverformat=",.0f")
    return fig


def utilisation_histogram(hosts: pd.DataFrame, labels: Mapping[str, str]) -> go.Figure:
    """Distribution of hosts' CPU and memory utilisation (P95 over capacity), 5-point bins."""
    fig = go.Figure()
    for column, name, colour in (
        ("cpu_utilisation", labels["cpu"], PALETTE[1]),
        ("memory_utilisation", labels["memory"], PALETTE[2]),
    ):
        values = (hosts[column].dropna().clip(upper=1.5) * 100).round(1)
        fig.add_trace(
            go.Histogram(
                x=values,
                name=name,
                marker_color=colour,
                xbins=dict(start=0, end=150, size=5),
                hovertemplate=f"{name} %{{x}}{pct_unit()}<br>{labels['y']}{colon()}%{{y}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="group", bargap=0.1)
    return _layout(fig, title=labels["title"], x=labels["x"], y=labels["y"])


def age_pyramid(hosts: pd.DataFrame, labels: Mapping[str, str]) -> go.Figure:
    """Hosts per age (whole years), split in two wings: under warranty left, out of warranty right."""
    ages = hosts.assign(age=hosts["age_years"].fillna(-1).astype(float).clip(lower=-1).astype(int))
    known = ages[ages["age"] >= 0]
    buckets = sorted(known["age"].unique())
    under = known[known["out_of_warranty"] == 0].groupby("age").size()
    out = known[known["out_of_warranty"] == 1].groupby("age").size()
    unknown = known[known["out_of_warranty"].isna()].groupby("age").size()
    y = [f"{b}–{b + 1}" for b in buckets]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=y,
            x=[-int(under.get(b, 0)) for b in buckets],
            orientation="h",
            name=labels["under"],
            marker_color=GREEN,
            customdata=[int(under.get(b, 0)) for b in buckets],
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(y=y, x=[int(out.get(b, 0)) for b in buckets], orientation="h", name=labels["out"], marker_color=RED)
    )
    if len(unknown):
        fig.add_trace(
            go.Bar(
                y=y,
                x=[int(unknown.get(b, 0)) for b in buckets],
                orientation="h",
                name=labels["unknown"],
                marker_color=GREY,
            )
        )
    fig.update_layout(barmode="relative")
    fig.update_xaxes(tickformat="d", tickprefix="")
    top = max([1, *(int(under.get(b, 0)) for b in buckets), *(int(out.get(b, 0)) for b in buckets)])
    ticks = [v for v in range(-top, top + 1) if v % max(1, top // 4) == 0]
    fig.update_xaxes(tickvals=ticks, ticktext=[str(abs(v)) for v in ticks])
    return _layout(fig, title=labels["title"], x=labels["x"], y=labels["y"], height=380)


def warranty_timeline(hosts: pd.DataFrame, *, as_of_year: int, labels: Mapping[str, str]) -> go.Figure:
    """Hosts whose warranty ends each year: past years in red, coming ones in green."""
    years = pd.to_datetime(hosts["warranty_end"]).dt.year.dropna().astype(int)
    counts = years.value_counts().sort_index()
    colours = [RED if y < as_of_year else (PALETTE[2] if y == as_of_year else GREEN) for y in counts.index]
    fig = go.Figure(go.Bar(x=[str(y) for y in counts.index], y=counts.values, marker_color=colours, name=labels["y"]))
    return _layout(fig, title=labels["title"], x=labels["x"], y=labels["y"])


def cluster_utilisation(clusters: pd.DataFrame, labels: Mapping[str, str]) -> go.Figure:
    """CPU and memory utilisation per cluster, side by side."""
    fig = go.Figure()
    for column, name, colour in (
        ("cpu_utilisation", labels["cpu"], PALETTE[1]),
        ("memory_utilisation", labels["memory"], PALETTE[2]),
    ):
        fig.add_trace(
            go.Bar(
                x=clusters["cluster"],
                y=clusters[column] * 100,
                name=name,
                marker_color=colour,
                hovertemplate=f"%{{x}}<br>{name}{colon()}{pct_hover('y')}<extra></extra>",
            )
        )
    fig.update_layout(barmode="group")
    return _layout(fig, title=labels["title"], x=labels["x"], y=labels["y"])


def limiting_utilisation(hosts: pd.DataFrame) -> pd.Series:
    """Each host's higher utilisation of CPU and memory (the resource that limits its packing)."""
    return hosts[["cpu_utilisation", "memory_utilisation"]].max(axis=1)


def host_utilisation_strip(hosts: pd.DataFrame, *, ceiling: float, labels: Mapping[str, str]) -> go.Figure:
    """Hosts after consolidation as one heat strip per cluster, fullest first: readable at 40 hosts and at 2 000.

    Each cell is a host coloured by its limiting utilisation (the higher of CPU and memory) on a scale
    whose middle is the ceiling; the hover names the host with both utilisations in percent.
    """
    frame = hosts.assign(limit=limiting_utilisation(hosts) * 100).sort_values("limit", ascending=False)
    clusters = list(frame.groupby("cluster", sort=False)["limit"].max().sort_values().index)  # fullest on top
    width = int(frame.groupby("cluster").size().max()) if len(frame) else 0
    # One cell per host: its cluster's row, its rank in the cluster (fullest first); padding elsewhere.
    row = frame["cluster"].map({c: i for i, c in enumerate(clusters)}).to_numpy(dtype=np.int64)
    col = frame.groupby("cluster", sort=False).cumcount().to_numpy(dtype=np.int64)
    z = np.full((len(clusters), width), None, dtype=object)
    z[row, col] = list(frame["limit"].clip(upper=100).round(1))
    text = np.full((len(clusters), width, 3), "", dtype=object)
    text[row, col, 0] = [str(h) for h in frame["host"]]
    text[row, col, 1] = [f"{c * 100:.0f}" for c in frame["cpu_utilisation"]]
    text[row, col, 2] = [f"{m * 100:.0f}" for m in frame["memory_utilisation"]]
    unit = pct_unit()
    fig = go.Figure(
        go.Heatmap(
            z=z,
            y=[str(c) for c in clusters],
            x=list(range(1, width + 1)),
            customdata=text,
            zmin=0,
            zmax=100,
            colorscale=[[0, GREEN], [min(max(ceiling, 0.05), 0.95), "#F9A825"], [1, RED]],  # amber at the ceiling
            colorbar=dict(title=labels["y"], ticksuffix=unit),
            xgap=1 if width <= 200 else 0,
            ygap=2,
            hovertemplate=(
                f"%{{customdata[0]}} (%{{y}})<br>{labels['cpu']}{colon()}%{{customdata[1]}}{unit}"
                f"<br>{labels['memory']}{colon()}%{{customdata[2]}}{unit}<extra></extra>"
            ),
        )
    )
    fig.update_yaxes(type="category")
    fig.update_xaxes(showgrid=False, zeroline=False, tickformat=",d", dtick=1 if width <= 20 else None)  # ranks
    height = min(900, 160 + 28 * len(clusters))
    return _layout(fig, title=labels["title"], x=labels["x"], y="", height=height)


def cumulative_costs(series: pd.DataFrame, labels: Mapping[str, str]) -> go.Figure:
    """Cumulative cost per scenario over the horizon: columns ``scenario``, ``year``, ``cumulative``."""
    fig = go.Figure()
    dashed = series.get("is_baseline", pd.Series(False, index=series.index))
    for i, (name, part) in enumerate(series.groupby("scenario", sort=False)):
        baseline = bool(dashed[part.index].any())
        fig.add_trace(
            go.Scatter(
                x=part["year"].astype(str),
                y=part["cumulative"],
                name=str(name),
                mode="lines+markers",
                line=dict(color=PALETTE[i % len(PALETTE)], dash="dash" if baseline else "solid"),
                hovertemplate=f"{name}<br>%{{x}}{colon()}{eur_hover('y')}<extra></extra>",
            )
        )
    fig.update_xaxes(type="category")  # budget years, never 2027,5
    return _layout(fig, title=labels["title"], x=labels["x"], y=labels["y"], height=400, money="y")


def stacked_bars(
    frame: pd.DataFrame, *, x: str, parts: Mapping[str, str], labels: Mapping[str, str], horizontal: bool = False
) -> go.Figure:
    """One bar per row of ``frame`` (column ``x``), stacked by the columns in ``parts`` (column → label).

    Amounts in euros; a budget line keeps its colour of ``LINE_COLOURS`` on every chart.
    """
    fig = go.Figure()
    for i, (column, name) in enumerate(parts.items()):
        colour = LINE_COLOURS.get(column, PALETTE[i % len(PALETTE)])
        if horizontal:
            hover = f"{name}<br>%{{y}}{colon()}{eur_hover('x')}<extra></extra>"
            fig.add_trace(
                go.Bar(
                    y=frame[x], x=frame[column], name=name, orientation="h", marker_color=colour, hovertemplate=hover
                )
            )
        else:
            hover = f"{name}<br>%{{x}}{colon()}{eur_hover('y')}<extra></extra>"
            fig.add_trace(go.Bar(x=frame[x], y=frame[column], name=name, marker_color=colour, hovertemplate=hover))
    fig.update_layout(barmode="relative")
    return _layout(
        fig, title=labels["title"], x=labels["x"], y=labels["y"], height=380, money="x" if horizontal else "y"
    )


def line_chart(
    frame: pd.DataFrame, *, x: str, lines: Mapping[str, str], labels: Mapping[str, str], money_y: bool = False
) -> go.Figure:
    """One line per column in ``lines`` (column → label) over ``x``; ``money_y``: the y axis in euros."""
    fig = go.Figure()
    value = eur_hover("y") if money_y else "%{y:,.0f}"
    for i, (column, name) in enumerate(lines.items()):
        fig.add_trace(
            go.Scatter(
                x=frame[x],
                y=frame[column],
                name=name,
                mode="lines+markers",
                line=dict(color=PALETTE[i % len(PALETTE)]),
                hovertemplate=f"{name}<br>%{{x}}{colon()}{value}<extra></extra>",
            )
        )
    return _layout(fig, title=labels["title"], x=labels["x"], y=labels["y"], money="y" if money_y else None)


def tornado(bars: pd.DataFrame, *, base_eur: float, labels: Mapping[str, str]) -> go.Figure:
    """The plan's saving with each assumption 20 % down and up: one horizontal bar pair per row.

    ``bars`` has ``label``, ``savings_low_eur`` and ``savings_high_eur``, widest swing first (drawn on
    top); both bars start at ``base_eur``, the plan's own saving.
    """
    rows = bars.iloc[::-1]  # plotly draws the first row at the bottom
    fig = go.Figure()
    for column, name, colour in (
        ("savings_low_eur", labels["low"], PALETTE[1]),
        ("savings_high_eur", labels["high"], PALETTE[2]),
    ):
        fig.add_trace(
            go.Bar(
                y=rows["label"],
                x=rows[column].astype(float) - base_eur,
                base=base_eur,
                orientation="h",
                name=name,
                marker_color=colour,
                customdata=rows[column].astype(float),
                hovertemplate=f"%{{y}} ({name}){colon()}{eur_hover('customdata')}<extra></extra>",
            )
        )
    fig.add_vline(x=base_eur, line_color=GREY, line_dash="dash")
    fig.update_layout(barmode="overlay")
    return _layout(fig, title=labels["title"], x=labels["x"], y="", height=120 + 50 * len(bars), money="x")
