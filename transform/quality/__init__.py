"""The quality gate: Great Expectations checkpoints on what changed in the raw statements and on the key marts.

Great Expectations is imported only when the gate runs: the health check, the dashboards and the quarantine
commands use the quarantine and certification modules here without paying for it.
"""

from transform.quality.results import insert_quality_results

__all__ = ["QualityOutcome", "insert_quality_results", "run_quality_gate"]


def __getattr__(name: str):
    if name in ("QualityOutcome", "run_quality_gate"):
        from transform.quality import gate

        return getattr(gate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
