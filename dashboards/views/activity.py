"""Daily activity page: statements per day and per verb, from the certified snapshot the reader chose."""

from __future__ import annotations

import streamlit as st

from dashboards import charts, frame, i18n, queries

context = frame.start("activity", "activity.title")
t, lang = context.t, context.viewer.language
if not context.has("mart_daily_activity"):
    frame.not_yet(context, "mart_daily_activity")
    st.stop()

args = (context.catalog, context.snapshot_id, context.viewer.audience, context.k)
headline = queries.activity_totals(*args)
st.caption(t("activity.voided_note"))
if headline is None:
    st.info(t("table.empty_after_suppression", k=context.k))
    st.stop()
statements, learners, days = st.columns(3)
statements.metric(t("activity.statements"), i18n.number(headline["statements"], lang))
learners.metric(t("activity.learners"), i18n.number(headline["learners"], lang))
days.metric(t("activity.active_days"), i18n.number(headline["active_days"], lang))

per_day = queries.statements_per_day(*args)
st.subheader(t("activity.per_day"))
if per_day.empty:
    st.info(t("activity.empty"))
else:
    charts.trend(
        per_day,
        "activity_date",
        "statements",
        x_title=t("axis.day"),
        y_title=t("activity.statements"),
        tooltip=["activity_date:T", "statements:Q", "learners:Q"],
    )
    frame.hidden_note(context, per_day)

st.subheader(t("activity.per_verb"))
frame.table(
    context,
    queries.statements_per_verb(*args),
    "statements_per_verb",
    column_config={
        "verb": t("activity.verb"),
        "statements": t("activity.statements"),
        "learners": t("activity.learners"),
        "active_days": t("activity.active_days"),
        "last_statement_at": st.column_config.DatetimeColumn(t("activity.last_statement"), format="YYYY-MM-DD HH:mm"),
    },
)
