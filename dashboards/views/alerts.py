"""Alerts (admins): what `leerstroom deliver` raised for the HR channel, newest first, and how each was delivered."""

from __future__ import annotations

import streamlit as st

from dashboards import frame, health
from dashboards.briefing.alerts import rules_file

context = frame.start("alerts", "alerts.title", needs_certified=False)
st.caption(
    context.t(
        "alerts.note", rules=rules_file(context.settings), recipients=context.settings.recipients_file, k=context.k
    )
)
raised = health.raised_alerts(context.catalog, context.settings)
if raised.empty:
    st.info(context.t("alerts.empty"))
else:
    frame.table(
        context,
        raised.drop(columns=["alert_key"]),
        "alerts",
        column_config={"link": st.column_config.LinkColumn("link")},
    )
