"""The dashboards' colours, shared by the pages' charts and the briefing's, so a reader learns them once."""

PRIMARY = "#1F6F8B"
ACCENT = "#E07A5F"
MUTED = "#9AA5B1"
GRID = "#ECEFF1"
# Segments always wear the same colours.
SEGMENT_COLOURS = {
    "highly_engaged": "#1F6F8B",
    "active": "#7FB7BE",
    "struggling": "#F2CC8F",
    "disengaging": "#E07A5F",
    "inactive": "#9AA5B1",
}
