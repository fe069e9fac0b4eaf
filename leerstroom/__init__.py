"""Leerstroom: the foundation shared by ingest, transform and dashboards."""

__version__ = "0.1.0"
