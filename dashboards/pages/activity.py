"""Daily activity page: statements per day and per verb, from the last certified snapshot."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import queries
from dashboards.connection import catalog_key
from dashboards.formatting import age_text, utc_text

NOTHING_CERTIFIED = "No certified data yet: run `leerstroom transform`"

st.header("Daily activity")

catalog = catalog_key()
certified = queries.certification(catalog)
if certified is None:
    st.info(NOTHING_CERTIFIED)
    st.stop()

headline = queries.activity_headline(catalog, certified.snapshot_id)
st.caption(
    f"Certified snapshot {certified.snapshot_id} (raw data as of lake snapshot {certified.raw_snapshot_id}), "
    f"certified {utc_text(certified.certified_at)} ({age_text(certified.certified_at)}). "
    f"Newest statement: {utc_text(headline['newest_statement_at'])} ({age_text(headline['newest_statement_at'])}). "
    "Voided statements and voiding statements are not counted."
)

statements, learners, days = st.columns(3)
statements.metric("Statements", f"{headline['statements']:,}")
learners.metric("Active learners", f"{headline['learners']:,}")
days.metric("Active days", f"{headline['active_days']:,}")

per_day = queries.statements_per_day(catalog, certified.snapshot_id)
st.subheader("Statements per day (UTC)")
if per_day.empty:
    st.info("The certified snapshot holds no statements.")
else:
    st.altair_chart(
        alt.Chart(per_day).mark_bar().encode(
            x=alt.X("activity_date:T", title="Day"),
            y=alt.Y("statements:Q", title="Statements"),
            tooltip=["activity_date:T", "statements:Q", "learners:Q"],
        ),
        width="stretch",
    )

st.subheader("Per verb")
st.dataframe(
    queries.statements_per_verb(catalog, certified.snapshot_id),
    hide_index=True,
    width="stretch",
    column_config={
        "verb": "Verb",
        "statements": "Statements",
        "learners": "Learners",
        "active_days": "Active days",
        "last_statement_at": st.column_config.DatetimeColumn("Last statement (UTC)", format="YYYY-MM-DD HH:mm"),
    },
)
