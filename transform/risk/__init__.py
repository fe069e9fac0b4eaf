"""The retention model: backtested over time, trained and scored inside `leerstroom transform`."""

from transform.risk.step import RiskOutcome, run_risk_step
from transform.risk.tables import RISK_TABLES

__all__ = ["RISK_TABLES", "RiskOutcome", "run_risk_step"]
