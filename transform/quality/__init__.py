"""The quality gate: Great Expectations checkpoints on what changed in the raw statements and on the key marts.

Great Expectations is imported only by transform/quality/gate.py, when the gate runs: the health check, the
dashboards and the quarantine commands use the other modules here without paying for it.
"""
