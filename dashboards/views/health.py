"""Data and pipeline health (admins): certification, ingest rate, outbox, Kafka lag, refusals, quarantine, quality."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import charts, frame, health, i18n

context = frame.start("health", "health.title", needs_certified=False)
t, lang = context.t, context.viewer.language
report = health.safe_status(context.catalog, context.settings)
activity = health.lake_activity(context.catalog, context.settings)
certification = health.certification_state(
    context.catalog, context.settings.certification_max_age_hours, context.settings
)
if certification is not None and not certification.healthy:
    st.error(f"{t('health.not_certified')} {certification.message()}")

st.subheader(t("health.freshness"))
fresh = activity.get("freshness")
newest = (
    None
    if fresh is None or fresh.empty or pd.isna(fresh["newest_stored_at"].iloc[0])
    else fresh["newest_stored_at"].iloc[0]
)
store = report.get("lrs_store") or {}
ingest_col, lake_col, outbox_col, certified_col = st.columns(4)
lake_col.metric(
    t("health.lake_statements"), i18n.number(0 if fresh is None or fresh.empty else fresh["statements"].iloc[0], lang)
)
ingest_col.metric(t("health.newest_statement"), i18n.age(newest, lang))
outbox_col.metric(
    t("health.outbox_backlog"), i18n.number(store.get("outbox_unpublished"), lang) if store.get("available") else "–"
)
certified_col.metric(
    t("health.last_certified"), i18n.age(context.latest.certified_at, lang) if context.latest else t("age.never")
)
if not store.get("available", False):
    st.caption(t("health.no_lrs", reason=store.get("reason", report.get("error", "?"))))

st.subheader(t("health.per_minute"))
per_minute = activity.get("per_minute")
if per_minute is None or per_minute.empty:
    st.info(t("health.no_statements"))
else:
    charts.trend(per_minute, "minute", "statements", x_title=t("axis.minute"), y_title=t("health.statements"))

st.subheader(t("health.kafka_lag"))
kafka = report.get("kafka") or {}
lag = health.lag_rows(report)
if lag.empty:
    st.info(t("health.no_broker", reason=kafka.get("broker_error") or kafka.get("reason") or "?"))
else:
    st.caption(t("health.lag_note"))
    st.dataframe(lag, hide_index=True, width="stretch")


def section(title_key: str, rows: pd.DataFrame | None, empty_key: str) -> None:
    st.subheader(t(title_key))
    if rows is None or rows.empty:
        st.info(t(empty_key))
    else:
        st.dataframe(rows, hide_index=True, width="stretch")


section("health.dead_letters", activity.get("dead_letters"), "health.no_dead_letters")
section("health.rejections", health.rejections_per_tool(context.catalog, context.settings), "health.no_rejections")
st.caption(t("health.rejections_note", days=context.settings.lrs_rejected_days))
for tool, dropped, last_dropped_at in health.rejection_drops(context.catalog, context.settings):
    st.warning(
        t(
            "health.rejections_dropped",
            tool=tool,
            dropped=dropped,
            cap=context.settings.lrs_rejected_per_tool,
            last=last_dropped_at,
        )
    )
section("health.runs", activity.get("runs"), "data.nothing_certified")

quarantined = health.quarantine_state(context.catalog, context.settings)
section("health.quarantine", quarantined.get("counts"), "health.no_quarantine")
judged = quarantined.get("last_judged")
if judged:
    st.metric(
        t("health.quarantine_share"),
        t(
            "health.quarantine_share_value",
            quarantined=i18n.number(judged.get("quarantined", 0), lang),
            screened=i18n.number(judged.get("screened", 0), lang),
            share=f"{judged.get('share', 0):.2%}",
            limit=f"{context.settings.quality_quarantine_max_share:.0%}",
        ),
    )
st.caption(t("health.quarantine_note"))

st.subheader(t("health.quality"))
quality = activity.get("quality")
if quality is None:
    st.info(t("health.no_quality"))
else:
    certified_run = context.latest.run_id if context.latest else None
    shown = quality[quality["run_id"] == certified_run] if certified_run in set(quality["run_id"]) else quality
    passed = int(shown["success"].sum())
    st.metric(t("health.checks_passed"), f"{passed} / {len(shown)}")
    st.dataframe(shown, hide_index=True, width="stretch")

# Briefings and alerts: a block of its own, read from lake.meta.deliveries (leerstroom/delivery/store.py).
st.subheader(t("health.delivery"))
deliveries = health.delivery_state(context.catalog, context.settings)
if deliveries.empty:
    st.info(t("health.delivery_none"))
else:
    failing = deliveries[deliveries["status"] == "failed"]
    if not failing.empty:
        st.error(t("health.delivery_failing", n=len(failing), error=failing["error"].iloc[0]))
    else:
        st.success(t("health.delivery_ok"))
    sent = deliveries[(deliveries["status"] == "sent") & (deliveries["kind"] == "briefing")]
    if not sent.empty:
        st.caption(
            t(
                "health.delivery_last_briefing",
                delivery=sent["delivery_key"].iloc[0],
                when=i18n.moment_text(sent["recorded_at"].iloc[0], lang),
            )
        )
    st.dataframe(deliveries, hide_index=True, width="stretch")
