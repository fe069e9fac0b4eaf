"""Leerstroom's dashboards: the Streamlit entrypoint that frames every page (`leerstroom dashboard` serves it)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).resolve().parent / "pages"

st.set_page_config(page_title="Leerstroom", layout="wide")
page = st.navigation([
    st.Page(PAGES / "activity.py", title="Daily activity", url_path="activity", default=True),
])
st.sidebar.title("Leerstroom")
st.sidebar.caption("Learning analytics from the last certified snapshot.")
page.run()
