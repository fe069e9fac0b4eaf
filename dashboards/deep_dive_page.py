"""The page body every culture deep dive shares: the sub-score's meaning, trend, value per unit and evidence marts."""

from __future__ import annotations

import streamlit as st

from dashboards import charts, frame, measured, privacy, queries
from dashboards.deep_dives import BY_KEY


def render(key: str) -> None:
    """One deep-dive page: the sub-score's meaning, its trend, its value per unit, and every evidence mart."""
    dive = BY_KEY[key]
    context = frame.start(f"dive-{key}", f"dive.{key}.title")
    st.markdown(context.t(f"score.{dive.score}.explain"))

    st.subheader(context.t("dive.trend"))
    monthly = queries.lci_org_month(context.catalog, context.snapshot_id, context.viewer.audience, context.k)
    not_measured = context.t("metric.not_measured")
    if monthly.empty or dive.score not in monthly.columns:
        frame.not_yet(context, "mart_lci_org_month")
    elif monthly[dive.score].isna().all():
        st.info(context.t("metric.none_measured"))
    else:
        charts.trend(
            monthly,
            "month_start",
            dive.score,
            x_title=context.t("axis.month"),
            y_title=context.t(f"score.{dive.score}"),
            zero_to_hundred=True,
            monthly=True,
        )

    st.subheader(context.t("dive.by_unit"))
    units = queries.unit_rows(
        context.catalog,
        context.snapshot_id,
        context.viewer.audience,
        context.k,
        "mart_lci_unit_quarter",
        where="unit_level <> 'organisation'",
        order="quarter_start DESC, unit_level, unit_name",
    )
    if units.empty or dive.score not in units.columns:
        frame.not_yet(context, "mart_lci_unit_quarter")
    else:
        newest = units[units["quarter_start"] == units["quarter_start"].max()]
        shown = newest[
            [
                c
                for c in ("unit_level", "unit_name", "headcount", "is_suppressed", dive.score, privacy.WITHHELD)
                if c in newest.columns
            ]
        ]
        scored = shown.dropna(subset=[dive.score])
        if scored.empty:
            st.info(context.t("metric.none_measured"))
        else:
            charts.bars(
                scored[scored["unit_level"] == "department"]
                if (scored["unit_level"] == "department").any()
                else scored,
                "unit_name",
                dive.score,
                category_title=context.t("axis.unit"),
                value_title=context.t(f"score.{dive.score}"),
                zero_to_hundred=True,
            )
        # A unit's missing sub-score reads "not measured" on screen and in the CSV, never an empty cell.
        frame.table(context, measured.with_not_measured(shown, not_measured, (dive.score,)), f"{key}_by_unit")

    if not dive.evidence:
        return  # no mart holds this sub-score's evidence apart from the index itself
    st.subheader(context.t("dive.evidence"))
    marts = [mart for mart in dive.evidence if queries.has_mart(context.catalog, context.snapshot_id, mart)]
    if not marts:
        frame.not_yet(context, context.t("dive.evidence_marts", prefixes=", ".join(dive.evidence)))
    for mart in marts:
        st.markdown(f"**{context.t('dive.mart', mart=mart)}**")
        individual = privacy.is_person_level(mart)
        rows = queries.unit_rows(context.catalog, context.snapshot_id, context.viewer.audience, context.k, mart)
        if individual and not privacy.sees_individuals(context.viewer.role):
            st.info(context.t("privacy.individuals_hidden"))
            continue
        if rows.empty:
            st.info(context.t("table.empty_after_suppression", k=context.k))
            continue
        frame.table(context, measured.with_not_measured(rows, not_measured), mart, individual=individual)
