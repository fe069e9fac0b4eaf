"""The briefing on the executive overview: the same PDF `leerstroom deliver` sends, made on a permitted click from
the snapshot the page shows (dashboards/downloads.py audits it and serves it once)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards import downloads, i18n
from dashboards.briefing.build import make
from dashboards.briefing.figures import Snapshot
from dashboards.connection import certified_lake
from dashboards.frame import PageContext


def button(context: PageContext, month: date | pd.Timestamp) -> None:
    month = pd.Timestamp(month).date()
    language = context.viewer.language
    run = context.certification
    snapshot = Snapshot(run.snapshot_id, run.certified_at, run.run_id)

    def pdf() -> bytes:
        cursor = certified_lake(context.catalog, snapshot.snapshot_id).cursor()
        try:
            return make(context.settings, cursor, snapshot, month=month, unit=None, language=language).pdf
        finally:
            cursor.close()

    dataset = f"briefing-{month:%Y-%m}-{language}"
    downloads.file_button(
        context.t("overview.briefing"),
        context.settings,
        context.page,
        dataset,
        pdf,
        file_name=f"{dataset}.pdf",
        mime="application/pdf",
        snapshot_id=snapshot.snapshot_id,
        filters=f"month={month:%Y-%m} language={language}",
        key=f"download-{context.page}-briefing",
    )
    st.caption(context.t("overview.briefing_note", month=i18n.month(month, language)))
