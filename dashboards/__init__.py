"""Dashboards: Streamlit pages that show the marts as of the last certified lake snapshot."""
