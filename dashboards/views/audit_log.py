"""Audit log (admins): every view and download of individual-level data, newest first."""

from __future__ import annotations

import streamlit as st

from dashboards import audit, frame

context = frame.start("audit", "audit.title", needs_certified=False)
st.caption(context.t("audit.explain"))
events = audit.recent(context.settings)
if events.empty:
    st.info(context.t("audit.empty"))
else:
    frame.table(context, events, "audit")
