"""One visual language for every chart: the same palette, fonts, sizes and axis style on every page."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards.palette import ACCENT, GRID, MUTED, PRIMARY, SEGMENT_COLOURS

HEIGHT = 260


def _style(chart: alt.Chart) -> alt.Chart:
    return (
        chart.properties(height=HEIGHT)
        .configure_axis(labelFontSize=12, titleFontSize=12, gridColor=GRID, domainColor=MUTED)
        .configure_view(strokeWidth=0)
        .configure_legend(orient="bottom", labelFontSize=12, titleFontSize=12)
    )


def _only(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Just the plotted columns: a chart ships its whole data to the browser, so nothing else may ride along."""
    return frame[list(dict.fromkeys(columns))]


def show(chart: alt.Chart) -> None:
    st.altair_chart(_style(chart), width="stretch", theme=None)


def trend(
    frame: pd.DataFrame,
    x: str,
    y: str,
    *,
    x_title: str,
    y_title: str,
    zero_to_hundred: bool = False,
    tooltip: list[str] | None = None,
    monthly: bool = False,
) -> None:
    scale = alt.Scale(domain=[0, 100]) if zero_to_hundred else alt.Scale(zero=True)
    # Monthly series get one tick per month, labelled by month, not by the day the month starts.
    axis = alt.Axis(format="%b %Y", tickCount="month") if monthly else alt.Axis()
    fields = [field.split(":")[0] for field in tooltip or []]
    show(
        alt.Chart(_only(frame, x, y, *fields))
        .mark_line(point=True, color=PRIMARY, strokeWidth=2.5)
        .encode(
            x=alt.X(f"{x}:T", title=x_title, axis=axis),
            y=alt.Y(f"{y}:Q", title=y_title, scale=scale),
            tooltip=tooltip or [f"{x}:T", f"{y}:Q"],
        )
    )


def bars(
    frame: pd.DataFrame,
    category: str,
    value: str,
    *,
    category_title: str,
    value_title: str,
    percent: bool = False,
    zero_to_hundred: bool = False,
) -> None:
    axis = alt.Axis(format="%") if percent else alt.Axis()
    scale = alt.Scale(domain=[0, 100]) if zero_to_hundred else alt.Scale(zero=True)
    show(
        alt.Chart(_only(frame, category, value))
        .mark_bar(color=PRIMARY, cornerRadiusEnd=3)
        .encode(
            y=alt.Y(f"{category}:N", title=category_title, sort="-x"),
            x=alt.X(f"{value}:Q", title=value_title, axis=axis, scale=scale),
            tooltip=[f"{category}:N", alt.Tooltip(f"{value}:Q", format=".0%" if percent else ",.1f")],
        )
    )


def segment_bars(frame: pd.DataFrame, *, segment_title: str, people_title: str) -> None:
    show(
        alt.Chart(_only(frame, "segment", "segment_label", "people"))
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            y=alt.Y("segment_label:N", title=segment_title, sort="-x"),
            x=alt.X("people:Q", title=people_title),
            color=alt.Color(
                "segment:N",
                legend=None,
                scale=alt.Scale(domain=list(SEGMENT_COLOURS), range=list(SEGMENT_COLOURS.values())),
            ),
            tooltip=["segment_label:N", "people:Q"],
        )
    )


def calibration(frame: pd.DataFrame, *, predicted_title: str, observed_title: str) -> None:
    """Observed against predicted rate per tenth of predicted risk, with the diagonal where the two agree."""
    top = float(max(frame["mean_predicted"].max(), frame["observed_rate"].max()) * 1.05) or 1.0
    scale = alt.Scale(domain=[0, top])
    diagonal = (
        alt.Chart(pd.DataFrame({"x": [0.0, top], "y": [0.0, top]}))
        .mark_line(color=MUTED, strokeDash=[4, 4])
        .encode(x="x:Q", y="y:Q")
    )
    points = (
        alt.Chart(_only(frame, "decile", "mean_predicted", "observed_rate"))
        .mark_line(point=True, color=PRIMARY, strokeWidth=2.5)
        .encode(
            x=alt.X("mean_predicted:Q", title=predicted_title, scale=scale, axis=alt.Axis(format="%")),
            y=alt.Y("observed_rate:Q", title=observed_title, scale=scale, axis=alt.Axis(format="%")),
            tooltip=[
                "decile:O",
                alt.Tooltip("mean_predicted:Q", format=".1%"),
                alt.Tooltip("observed_rate:Q", format=".1%"),
            ],
        )
    )
    show(diagonal + points)


def signed_bars(frame: pd.DataFrame, category: str, value: str, *, category_title: str, value_title: str) -> None:
    """Bars left or right of zero: accent where a term raises the value, primary where it lowers it."""
    show(
        alt.Chart(_only(frame, category, value))
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            y=alt.Y(
                f"{category}:N",
                title=category_title,
                sort=alt.EncodingSortField(field=value, op="max", order="descending"),
            ),
            x=alt.X(f"{value}:Q", title=value_title),
            color=alt.condition(f"datum.{value} > 0", alt.value(ACCENT), alt.value(PRIMARY)),
            tooltip=[f"{category}:N", alt.Tooltip(f"{value}:Q", format="+.2f")],
        )
    )
