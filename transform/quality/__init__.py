"""The quality gate: Great Expectations checkpoints on what changed in the raw statements and on the key marts."""

from transform.quality.gate import QualityOutcome, run_quality_gate
from transform.quality.results import insert_quality_results

__all__ = ["QualityOutcome", "insert_quality_results", "run_quality_gate"]
