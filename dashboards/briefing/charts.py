"""The briefing's charts, drawn with matplotlib on axes the page lays out, in the dashboards' colours."""

from __future__ import annotations

from typing import Literal

import pandas as pd
from matplotlib.axes import Axes

from dashboards import i18n
from dashboards.briefing.figures import Briefing
from dashboards.briefing.texts import score_name, text
from dashboards.palette import ACCENT, GRID, MUTED, PRIMARY

SMALL = 7
TEXT = "#263238"


def _frame(ax: Axes, *, grid_axis: Literal["both", "x", "y"] = "y") -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(MUTED)
    ax.tick_params(colors=TEXT, labelsize=SMALL, length=2)
    ax.grid(axis=grid_axis, color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)


def trend(ax: Axes, briefing: Briefing, language: str) -> None:
    """The index month by month, the briefing's month marked, with how many sub-scores each month measured."""
    rows = briefing.trend.dropna(subset=["lci"])
    _frame(ax)
    if rows.empty:
        ax.set_xticks([])
        ax.set_yticks([])
        return
    x = list(range(len(rows)))
    values = rows["lci"].astype(float).tolist()
    ax.plot(x, values, color=PRIMARY, linewidth=2, marker="o", markersize=3.5)
    ax.plot([x[-1]], [values[-1]], marker="o", markersize=7, color=ACCENT, zorder=3)
    ax.annotate(
        i18n.number(values[-1], language, 1),
        (x[-1], values[-1]),
        textcoords="offset points",
        xytext=(0, 7),
        ha="center",
        fontsize=SMALL + 1,
        color=ACCENT,
        fontweight="bold",
    )
    low, high = min(values), max(values)
    pad = max(3.0, (high - low) * 0.35)
    ax.set_ylim(max(0.0, low - pad), min(100.0, high + pad))
    ax.set_xticks(x)
    ax.set_xticklabels([i18n.month(m, language) for m in rows["month_start"]], rotation=45, ha="right")
    ax.set_xlim(-0.5, len(rows) - 0.5)
    for i, measured in zip(x, rows["measured_sub_scores"]):
        if pd.notna(measured):
            ax.annotate(
                str(int(measured)),
                (i, ax.get_ylim()[0]),
                textcoords="offset points",
                xytext=(0, 2),
                ha="center",
                fontsize=SMALL - 1.5,
                color=MUTED,
            )


def waterfall(ax: Axes, briefing: Briefing, language: str) -> None:
    """The month before's index, what each part of the change did, and this month's index."""
    split, before = briefing.split, (briefing.lci or 0) - (briefing.lci_change or 0)
    parts = [("composition_change", "waterfall.composition"), ("behaviour_change", "waterfall.behaviour")]
    if split.get("coverage_change") not in (None, 0.0):
        parts.append(("coverage_change", "waterfall.coverage"))
    previous = (pd.Timestamp(briefing.month) - pd.DateOffset(months=1)).date()
    labels = [i18n.month(previous, language)]
    bottoms, heights, colours = [0.0], [before], [MUTED]
    level = before
    for column, key in parts:
        change = float(split.get(column) or 0.0)
        labels.append(text(language, key))
        bottoms.append(level if change >= 0 else level + change)
        heights.append(abs(change))
        colours.append(PRIMARY if change >= 0 else ACCENT)
        level += change
    labels.append(i18n.month(briefing.month, language))
    bottoms.append(0.0)
    heights.append(float(briefing.lci or 0))
    colours.append(PRIMARY)
    _frame(ax)
    x = range(len(labels))
    ax.bar(x, heights, bottom=bottoms, color=colours, width=0.6)
    low = min(before, briefing.lci or 0, *(b for b in bottoms[1:-1]))
    high = max(before, briefing.lci or 0, *(b + h for b, h in zip(bottoms[1:-1], heights[1:-1])))
    pad = max(1.0, (high - low) * 0.6)
    ax.set_ylim(max(0.0, low - pad), min(100.0, high + pad))
    for i, (column, _key) in enumerate(parts, start=1):
        change = split.get(column)
        ax.annotate(
            i18n.signed(change, language, 1),
            (i, bottoms[i] + heights[i]),
            textcoords="offset points",
            xytext=(0, 2),
            ha="center",
            fontsize=SMALL,
            color=TEXT,
        )
    for i, value in ((0, before), (len(labels) - 1, briefing.lci or 0)):
        ax.annotate(
            i18n.number(value, language, 1),
            (i, value),
            textcoords="offset points",
            xytext=(0, 2),
            ha="center",
            fontsize=SMALL,
            color=TEXT,
        )
    ax.set_xticks(list(x))
    ax.set_xticklabels(labels, fontsize=SMALL - 0.5)


def scores(ax: Axes, briefing: Briefing, language: str) -> None:
    """Each sub-score this month (0-100), the three that moved most in the accent colour with their change."""
    moved = {score.key for score in briefing.most_moved}
    rows = list(reversed(briefing.scores))
    _frame(ax, grid_axis="x")
    y = range(len(rows))
    values = [score.value if score.value is not None else 0.0 for score in rows]
    colours = [ACCENT if score.key in moved else PRIMARY for score in rows]
    ax.barh(y, values, color=colours, height=0.62)
    ax.set_xlim(0, 100)
    ax.set_yticks(list(y))
    ax.set_yticklabels([score_name(language, score.key) for score in rows], fontsize=SMALL)
    for i, score in zip(y, rows):
        if score.value is None:
            label = text(language, "scores.withheld" if score.withheld else "scores.not_measured")
            ax.annotate(label, (1, i), va="center", fontsize=SMALL - 0.5, color=MUTED, style="italic")
            continue
        label = i18n.number(score.value, language, 0)
        if score.key in moved:
            label += f"  ({i18n.signed(score.change, language, 1)})"
        ax.annotate(
            label,
            (score.value, i),
            textcoords="offset points",
            xytext=(3, 0),
            va="center",
            fontsize=SMALL,
            color=ACCENT if score.key in moved else TEXT,
        )


def drops(ax: Axes, briefing: Briefing, language: str) -> None:
    """The units whose index fell most this month, in points."""
    rows = briefing.drops.iloc[::-1]
    _frame(ax, grid_axis="x")
    y = range(len(rows))
    ax.barh(y, rows["lci_change"].astype(float), color=ACCENT, height=0.55)
    ax.set_yticks(list(y))
    ax.set_yticklabels(rows["unit_name"].tolist(), fontsize=SMALL)
    ax.set_ylim(-0.6, max(len(rows), 4) - 0.4)  # one unit gets a bar, not the whole panel
    lowest = float(rows["lci_change"].min())
    ax.set_xlim(min(lowest * 1.35, -1.0), 0)
    for i, change in zip(y, rows["lci_change"]):
        ax.annotate(
            i18n.signed(change, language, 1),
            (change, i),
            textcoords="offset points",
            xytext=(-3, 0),
            ha="right",
            va="center",
            fontsize=SMALL,
            color=TEXT,
        )
    ax.set_xlabel(text(language, "drops.axis"), fontsize=SMALL, color=TEXT)


def outlook(ax: Axes, briefing: Briefing, language: str) -> None:
    """Expected voluntary leavers per department in the next six months, beside the same months a year earlier."""
    rows = briefing.outlook.rows.head(8).iloc[::-1]
    _frame(ax, grid_axis="x")
    y = list(range(len(rows)))
    height = 0.38
    ax.barh(
        [i + height / 2 for i in y],
        rows["expected"].astype(float).fillna(0),
        height=height,
        color=PRIMARY,
        label=text(language, "outlook.expected"),
    )
    ax.barh(
        [i - height / 2 for i in y],
        rows["last_year"].astype(float).fillna(0),
        height=height,
        color=MUTED,
        label=text(language, "outlook.last_year"),
    )
    ax.set_yticks(y)
    ax.set_yticklabels(rows["department"].tolist(), fontsize=SMALL)
    ax.set_ylim(-0.6, max(len(rows), 3) - 0.4)
    for i, expected, actual in zip(y, rows["expected"], rows["last_year"]):
        for offset, value in ((height / 2, expected), (-height / 2, actual)):
            if pd.notna(value):
                ax.annotate(
                    i18n.number(value, language, 1 if offset > 0 else 0),
                    (value, i + offset),
                    textcoords="offset points",
                    xytext=(2, 0),
                    va="center",
                    fontsize=SMALL - 0.5,
                    color=TEXT,
                )
    ax.legend(fontsize=SMALL, frameon=False, loc="center left", bbox_to_anchor=(1.02, 0.5))
