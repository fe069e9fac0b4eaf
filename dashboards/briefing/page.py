"""The briefing as one A4 page (PDF): the state, the change and why, where to act, and the retention outlook.

Text stays text (TrueType fonts embedded, so the PDF can be searched, copied and read aloud);
the charts are vector drawings. Drawn with matplotlib's own DejaVu Sans, which has the
letters of both languages, so nothing depends on the fonts of the machine.
"""

from __future__ import annotations

import io
import logging
import textwrap
from datetime import timedelta

import matplotlib
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from dashboards import i18n
from dashboards.briefing import charts, story
from dashboards.briefing.figures import Briefing
from dashboards.briefing.levers import Levers
from dashboards.briefing.texts import text
from dashboards.palette import ACCENT, MUTED, PRIMARY

# Embedding a font subset logs every table it touches at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

A4_INCHES = (8.27, 11.69)
LEFT, RIGHT = 0.06, 0.96
INK = charts.TEXT


def _heading(fig: Figure, y: float, words: str, x: float = LEFT) -> None:
    fig.text(x, y, words, fontsize=11, fontweight="bold", color=PRIMARY, va="top")


def _paragraphs(
    fig: Figure, x: float, y: float, sentences: list[str], width: int, size: float = 8.0, gap: float = 0.006
) -> float:
    """Write sentences as wrapped paragraphs from (x, y) down; return where the next line would start."""
    line = size / 72 / A4_INCHES[1] * 1.35
    for sentence in sentences:
        lines = textwrap.wrap(sentence, width=width) or [""]
        fig.text(x, y, "\n".join(lines), fontsize=size, color=INK, va="top", linespacing=1.35)
        y -= line * len(lines) + gap
    return y


def render(briefing: Briefing, language: str, levers: Levers) -> bytes:
    """The page as PDF bytes."""
    # TrueType fonts embedded (type 42), so the text can be searched and copied.
    with matplotlib.rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans"}):
        fig = Figure(figsize=A4_INCHES)
        _header(fig, briefing, language)
        _state(fig, briefing, language)
        _change(fig, briefing, language)
        _action(fig, briefing, language, levers)
        _outlook(fig, briefing, language)
        fig.text(LEFT, 0.018, text(language, "footer", k=briefing.k), fontsize=6.5, color=MUTED)
        out = io.BytesIO()
        fig.savefig(
            out,
            format="pdf",
            metadata={
                "Title": f"{text(language, 'title')} {briefing.month:%Y-%m} {briefing.unit_name}",
                "Subject": f"certified snapshot {briefing.snapshot.snapshot_id}",
                "Creator": "Leerstroom",
            },
        )
    return out.getvalue()


def _header(fig: Figure, briefing: Briefing, language: str) -> None:
    fig.text(LEFT, 0.975, text(language, "title"), fontsize=18, fontweight="bold", color=INK, va="top")
    fig.text(
        RIGHT,
        0.975,
        text(
            language, "subtitle", unit=story.unit_label(briefing, language), month=story.month_label(briefing, language)
        ),
        fontsize=12,
        color=PRIMARY,
        va="top",
        ha="right",
    )
    fig.text(
        LEFT,
        0.947,
        text(
            language,
            "snapshot",
            snapshot=briefing.snapshot.snapshot_id,
            certified=i18n.moment_text(briefing.snapshot.certified_at, language),
            until=i18n.day(briefing.data_until, language),
        ),
        fontsize=7,
        color=MUTED,
        va="top",
    )
    fig.add_artist(Line2D([LEFT, RIGHT], [0.935, 0.935], color=MUTED, linewidth=0.6))


def _state(fig: Figure, briefing: Briefing, language: str) -> None:
    _heading(fig, 0.925, text(language, "lci"))
    if briefing.lci_withheld or briefing.lci is None:
        _paragraphs(fig, LEFT, 0.895, [text(language, "lci.withheld", k=briefing.k)], width=40)
    else:
        fig.text(
            LEFT, 0.905, i18n.number(briefing.lci, language, 1), fontsize=40, fontweight="bold", color=INK, va="top"
        )
        before = briefing.month.replace(day=1) - timedelta(days=1)
        change = (
            text(
                language,
                "lci.change",
                change=i18n.signed(briefing.lci_change, language, 1),
                before=i18n.month(before, language),
            )
            if briefing.lci_change is not None
            else text(language, "lci.no_change")
        )
        colour = ACCENT if (briefing.lci_change or 0) < 0 else PRIMARY
        fig.text(LEFT, 0.848, change, fontsize=9, color=colour, va="top")
    notes = []
    if briefing.measured_sub_scores is not None:
        notes.append(text(language, "lci.measured", measured=briefing.measured_sub_scores))
    if briefing.is_history_short:
        notes.append(text(language, "lci.history_short"))
    _paragraphs(fig, LEFT, 0.830, notes, width=42, size=7.5)
    fig.text(0.42, 0.925, text(language, "trend.title", n=len(briefing.trend)), fontsize=8, color=INK, va="top")
    charts.trend(fig.add_axes((0.42, 0.775, 0.54, 0.125)), briefing, language)


def _change(fig: Figure, briefing: Briefing, language: str) -> None:
    _heading(fig, 0.715, text(language, "moved.title"))
    y = _paragraphs(fig, LEFT, 0.692, story.what_moved(briefing, language), width=62)
    _paragraphs(fig, LEFT, y - 0.002, [story.moved_most(briefing, language)], width=62)
    split = briefing.split
    if briefing.lci_change is not None and not briefing.lci_withheld and split.get("composition_change") is not None:
        charts.waterfall(fig.add_axes((0.08, 0.47, 0.40, 0.105)), briefing, language)
    fig.text(
        0.53,
        0.715,
        text(language, "scores.title", month=story.month_label(briefing, language)),
        fontsize=8,
        color=INK,
        va="top",
    )
    charts.scores(fig.add_axes((0.74, 0.45, 0.21, 0.245)), briefing, language)


def _action(fig: Figure, briefing: Briefing, language: str, levers: Levers) -> None:
    _heading(fig, 0.405, text(language, "drops.title"))
    if briefing.drops.empty:
        _paragraphs(fig, LEFT, 0.38, [text(language, "drops.none", k=briefing.k)], width=55)
    else:
        charts.drops(fig.add_axes((0.22, 0.25, 0.25, 0.125)), briefing, language)
    _heading(fig, 0.405, text(language, "levers.title"), x=0.53)
    _paragraphs(fig, 0.53, 0.38, story.levers(briefing, language, levers), width=58, size=7.6, gap=0.008)


def _outlook(fig: Figure, briefing: Briefing, language: str) -> None:
    _heading(fig, 0.205, text(language, "outlook.title"))
    y = _paragraphs(fig, LEFT, 0.182, [story.outlook(briefing, language)], width=120)
    found = briefing.outlook
    if found is not None and found.shown and not found.rows.empty:
        charts.outlook(fig.add_axes((0.22, 0.05, 0.45, min(0.11, y - 0.065))), briefing, language)
