"""The command line: the roof above ingest, transform and dashboards."""
