"""Executive overview: the Learning Culture Index, its ten sub-scores, engagement, retention risk and what changed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import charts, frame, i18n, queries
from dashboards.deep_dives import SUB_SCORES

context = frame.start("overview", "overview.title")
t, lang = context.t, context.viewer.language

monthly = queries.lci_org_month(context.catalog, context.snapshot_id, context.viewer.audience, context.k)
if monthly.empty:
    frame.not_yet(context, "mart_lci_org_month")
else:
    current = monthly.iloc[-1]
    previous = monthly.iloc[-2] if len(monthly) > 1 else None
    change = current.get("lci_change")
    if pd.isna(change) and previous is not None:
        change = current["lci"] - previous["lci"]
    headline, trend = st.columns([1, 3])
    headline.metric(t("overview.lci"), i18n.number(current["lci"], lang, 1),
                    delta=None if pd.isna(change) else i18n.signed(change, lang, 1))
    headline.caption(t("overview.lci_month", month=i18n.month(current["month_start"], lang)))
    headline.caption(t("overview.lci_explain"))
    with trend:
        charts.trend(monthly, "month_start", "lci", x_title=t("axis.month"), y_title=t("overview.lci"),
                     zero_to_hundred=True, monthly=True)

    st.subheader(t("overview.sub_scores"))
    for row in (SUB_SCORES[:5], SUB_SCORES[5:]):
        for column, score in zip(st.columns(5), row):
            value = current.get(score)
            before = None if previous is None else previous.get(score)
            delta = None if value is None or before is None or pd.isna(value) or pd.isna(before) else value - before
            column.metric(t(f"score.{score}"), i18n.number(value, lang, 0),
                          delta=None if delta is None else i18n.signed(delta, lang, 1))
            column.caption(t(f"score.{score}.short"))

    st.subheader(t("overview.changed"))
    if previous is None:
        st.info(t("overview.no_previous"))
    else:
        changes = pd.DataFrame([
            {"sub_score": t(f"score.{score}"), "previous": previous.get(score), "current": current.get(score),
             "change": (current.get(score) - previous.get(score))
             if pd.notna(current.get(score)) and pd.notna(previous.get(score)) else None}
            for score in ("lci", *SUB_SCORES) if score in monthly.columns
        ])
        movers = changes.dropna(subset=["change"]).sort_values("change")
        if not movers.empty:
            st.markdown(t("overview.changed_sentence",
                          previous=i18n.month(previous["month_start"], lang), current=i18n.month(current["month_start"], lang),
                          up=movers.iloc[-1]["sub_score"], up_by=i18n.signed(movers.iloc[-1]["change"], lang, 1),
                          down=movers.iloc[0]["sub_score"], down_by=i18n.signed(movers.iloc[0]["change"], lang, 1)))
        frame.table(context, changes.round(1), "lci_changes")

st.subheader(t("overview.engagement"))
engagement = queries.engagement_org_weekly(context.catalog, context.snapshot_id, context.viewer.audience, context.k)
if engagement.empty:
    frame.not_yet(context, "mart_engagement_unit_weekly")
else:
    latest = engagement.iloc[-1]
    st.metric(t("overview.engagement_now"), i18n.number(latest["avg_engagement_index"], lang, 1),
              delta=None if len(engagement) < 2 else i18n.signed(
                  latest["avg_engagement_index"] - engagement.iloc[-2]["avg_engagement_index"], lang, 1))
    charts.trend(engagement, "week_start", "avg_engagement_index", x_title=t("axis.week"),
                 y_title=t("overview.engagement_index"), zero_to_hundred=True)

if context.retention_scoring and context.has("retention_scores"):
    st.subheader(t("overview.risk"))
    risk = queries.risk_by_department(context.catalog, context.snapshot_id, context.viewer.audience, context.k)
    if risk.empty:
        st.info(t("table.empty_after_suppression", k=context.k))
    else:
        overall = (risk["share_high"] * risk["people"]).sum() / risk["people"].sum()
        st.metric(t("overview.risk_share"), i18n.percent(overall, lang, 1))
        st.caption(t("overview.risk_explain", date=i18n.day(risk["snapshot_date"].iloc[0], lang), k=context.k))
        charts.bars(risk, "department", "share_high", category_title=t("axis.department"),
                    value_title=t("overview.risk_share"), percent=True)
        frame.table(context, risk[["department", "people", "share_high"]], "risk_by_department")
