"""Executive overview: the Learning Culture Index, its ten sub-scores, engagement, retention risk and what changed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import charts, frame, i18n, measured, privacy, queries
from dashboards.briefing import download as briefing_download
from dashboards.deep_dives import SUB_SCORES

context = frame.start("overview", "overview.title")
t, lang = context.t, context.viewer.language

monthly = queries.lci_org_month(context.catalog, context.snapshot_id, context.viewer.audience, context.k)
if monthly.empty:
    frame.not_yet(context, "mart_lci_org_month")
else:
    # Headlines and changes compare complete months; the month still running is shown beside them, "so far".
    complete, running = measured.complete_and_running(monthly)
    if complete.empty:
        current, previous = monthly.iloc[-1], None
        st.info(t("metric.no_complete_month", period=i18n.month(current["month_start"], lang)))
    else:
        current = complete.iloc[-1]
        previous = complete.iloc[-2] if len(complete) > 1 else None
    change = current.get("lci_change")
    if pd.isna(change) and previous is not None:
        change = current["lci"] - previous["lci"]
    headline, trend = st.columns([1, 3])
    headline.metric(
        t("overview.lci"),
        i18n.number(current["lci"], lang, 1),
        delta=None if pd.isna(change) else i18n.signed(change, lang, 1),
    )
    headline.caption(t("overview.lci_month", month=i18n.month(current["month_start"], lang)))
    if pd.notna(current.get("measured_sub_scores")):
        headline.caption(t("metric.measured", measured=int(current["measured_sub_scores"])))
    if running is not None and not complete.empty:
        headline.caption(
            t(
                "metric.so_far",
                period=i18n.month(running["month_start"], lang),
                value=i18n.number(running["lci"], lang, 1),
            )
        )
    headline.caption(t("overview.lci_explain"))
    if bool(current.get("is_history_short", False)):
        st.caption(t("metric.history_short", period=i18n.month(current["month_start"], lang)))
    with trend:
        charts.trend(
            monthly,
            "month_start",
            "lci",
            x_title=t("axis.month"),
            y_title=t("overview.lci"),
            zero_to_hundred=True,
            monthly=True,
        )

    # Retention analytics switched off (LEERSTROOM_RETENTION_SCORING=false) leave no word of retention on a page.
    validation = (
        queries.lci_validation(context.catalog, context.snapshot_id, context.viewer.audience)
        if context.retention_scoring
        else pd.DataFrame()
    )
    if not validation.empty:
        st.subheader(t("validation.title"))
        for row in validation[validation["quarter_start"].isna()].itertuples():
            level = t(f"level.{row.unit_level}")
            if pd.isna(row.correlation_lci_next_quarter_retention):
                st.info(t("validation.short", n=int(row.units)))
            else:
                st.markdown(
                    t(
                        "validation.result",
                        n=int(row.units),
                        level=level,
                        r=i18n.number(row.correlation_lci_next_quarter_retention, lang, 2),
                        low=i18n.number(row.correlation_low_95, lang, 2),
                        high=i18n.number(row.correlation_high_95, lang, 2),
                    )
                )
        st.caption(t("validation.note"))
        frame.table(context, validation, "lci_validation")

    if not complete.empty and context.has("mart_lci_unit_month"):
        briefing_download.button(context, current["month_start"])

    st.subheader(t("overview.sub_scores"))
    not_measured = t("metric.not_measured")
    withheld = set(str(current.get(privacy.WITHHELD) or "").split(", "))
    for row in (SUB_SCORES[:5], SUB_SCORES[5:]):
        for column, score in zip(st.columns(5), row):
            value = current.get(score)
            if score in withheld:
                # Measured, but about fewer than k people (a handful of managers): not for this role.
                column.metric(t(f"score.{score}"), t("metric.withheld"), help=t("metric.withheld_explain", k=context.k))
            elif value is None or pd.isna(value):
                # Never a 0: no connected tool sends what this sub-score needs.
                column.metric(
                    t(f"score.{score}"), not_measured, help=t("metric.not_measured_explain", score=t(f"score.{score}"))
                )
            else:
                before = None if previous is None else previous.get(score)
                delta = None if before is None or pd.isna(before) else value - before
                column.metric(
                    t(f"score.{score}"),
                    i18n.number(value, lang, 0),
                    delta=None if delta is None else i18n.signed(delta, lang, 1),
                )
            column.caption(t(f"score.{score}.short"))

    st.subheader(t("overview.changed"))
    if previous is None:
        st.info(t("overview.no_previous"))
    else:
        was_withheld = set(str(previous.get(privacy.WITHHELD) or "").split(", "))
        changes = pd.DataFrame(
            [
                {
                    "sub_score": t(f"score.{score}"),
                    "previous": previous.get(score),
                    "current": current.get(score),
                    "change": (current.get(score) - previous.get(score))
                    if pd.notna(current.get(score)) and pd.notna(previous.get(score))
                    else None,
                    privacy.WITHHELD: ", ".join(
                        when for when, names in (("previous", was_withheld), ("current", withheld)) if score in names
                    )
                    or None,
                }
                for score in ("lci", *SUB_SCORES)
                if score in monthly.columns
            ]
        )
        movers = changes.dropna(subset=["change"]).sort_values("change")
        if not movers.empty:
            st.markdown(
                t(
                    "overview.changed_sentence",
                    previous=i18n.month(previous["month_start"], lang),
                    current=i18n.month(current["month_start"], lang),
                    up=movers.iloc[-1]["sub_score"],
                    up_by=i18n.signed(movers.iloc[-1]["change"], lang, 1),
                    down=movers.iloc[0]["sub_score"],
                    down_by=i18n.signed(movers.iloc[0]["change"], lang, 1),
                )
            )
        frame.table(
            context, measured.with_not_measured(changes.round(1), not_measured, ("previous", "current")), "lci_changes"
        )

st.subheader(t("overview.engagement"))
engagement = queries.engagement_org_weekly(context.catalog, context.snapshot_id, context.viewer.audience, context.k)
if engagement.empty:
    frame.not_yet(context, "mart_engagement_unit_weekly")
else:
    # The headline is the last complete week against the one before; the week still running is shown so far.
    complete_weeks, running_week = measured.complete_and_running(engagement)
    weeks = complete_weeks if not complete_weeks.empty else engagement
    latest = weeks.iloc[-1]
    st.metric(
        t("overview.engagement_now"),
        i18n.number(latest["avg_engagement_index"], lang, 1),
        delta=None
        if len(weeks) < 2
        else i18n.signed(latest["avg_engagement_index"] - weeks.iloc[-2]["avg_engagement_index"], lang, 1),
    )
    if running_week is not None:
        st.caption(
            t(
                "metric.week_so_far",
                week=i18n.day(running_week["week_start"], lang),
                value=i18n.number(running_week["avg_engagement_index"], lang, 1),
            )
        )
    charts.trend(
        engagement,
        "week_start",
        "avg_engagement_index",
        x_title=t("axis.week"),
        y_title=t("overview.engagement_index"),
        zero_to_hundred=True,
    )

if context.retention_scoring and context.has("retention_scores"):
    st.subheader(t("overview.risk"))
    risk = queries.risk_by_department(context.catalog, context.snapshot_id, context.viewer.audience, context.k)
    if risk.empty:
        st.info(t("table.empty_after_suppression", k=context.k))
    else:
        overall = (risk["share_high"] * risk["people"]).sum() / risk["people"].sum()
        st.metric(t("overview.risk_share"), i18n.percent(overall, lang, 1))
        st.caption(t("overview.risk_explain", date=i18n.day(risk["snapshot_date"].iloc[0], lang), k=context.k))
        charts.bars(
            risk,
            "department",
            "share_high",
            category_title=t("axis.department"),
            value_title=t("overview.risk_share"),
            percent=True,
        )
        frame.table(context, risk[["department", "people", "share_high"]], "risk_by_department")
