"""The retention model: trained, validated over time and scored inside `leerstroom transform`."""

from transform.risk.step import RISK_TABLES, RiskOutcome, run_risk_step

__all__ = ["RISK_TABLES", "RiskOutcome", "run_risk_step"]
