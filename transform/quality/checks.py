"""What the gate expects of each data set: one entry per expectation, in words a reader can check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a check is run: the quarantine's SQL uses only the patterns below
    import great_expectations as gx

# An absolute IRI: a scheme, a colon and no white space (xAPI verb ids are IRIs).
IRI = r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$"
# The actor keys ingest.xapi.identity.actor_key writes for identified agents and groups.
IDENTIFIED_ACTOR = (
    r"^(?:mbox:mailto:[^\s@]+@[^\s@]+|mbox_sha1sum:[0-9a-fA-F]{40}|openid:\S+|account:\S+::.+|group:[0-9a-f]{40})$"
)
LCI_SCORES = (
    "t1_continuous_learning",
    "t2_development_facilitated",
    "t3_mistakes_as_learning",
    "t4_leadership_active",
    "t5_diverse_resources",
    "l1_microlearning",
    "l2_gamification",
    "l3_personalised_paths",
    "l4_social_learning",
    "l5_tied_to_performance",
    "lci",
)


@dataclass(frozen=True)
class Check:
    dataset: str
    kind: str  # the GX expectation class name
    kwargs: dict = field(default_factory=dict)

    @property
    def column(self) -> str:
        return str(self.kwargs.get("column") or ",".join(self.kwargs.get("column_list", [])))

    def label(self) -> str:
        return f"{self.dataset}.{self.column}: {self.kind}"

    def expectation(self) -> gx.expectations.Expectation:
        import great_expectations

        return getattr(great_expectations.expectations, self.kind)(**self.kwargs)


def _between(dataset: str, column: str, low: float, high: float) -> Check:
    return Check(dataset, "ExpectColumnValuesToBeBetween", {"column": column, "min_value": low, "max_value": high})


def raw_checks(max_quarantined_share: float, freshness_error_hours: float) -> list[Check]:
    """Checks on the whole of what arrived: ids new since the last certification, the quarantined share, newest load.

    Row-level problems (a timestamp in the future, an unidentified actor, ...) never fail the gate: the
    quarantine sets those statements aside first (transform/quality/quarantine.py). Only their share can.
    """
    return [
        Check("raw_statements_changed", "ExpectColumnValuesToBeUnique", {"column": "statement_id"}),
        _between("raw_quarantine", "share_of_new_statements_quarantined", 0, max_quarantined_share),
        _between("raw_freshness", "hours_since_last_load", 0, freshness_error_hours),
    ]


MART_CHECKS = [
    Check("roster_current", "ExpectColumnValuesToBeUnique", {"column": "employee_id"}),
    _between("mart_engagement_weekly", "engagement_index", 0, 100),
    Check("mart_engagement_weekly", "ExpectCompoundColumnsToBeUnique", {"column_list": ["employee_id", "week_start"]}),
    _between("mart_engagement_unit_weekly", "avg_engagement_index", 0, 100),
    *[_between("mart_lci_unit_quarter", column, 0, 100) for column in LCI_SCORES],
    _between("mart_lci_org_month", "lci", 0, 100),
    Check(
        "mart_retention_features", "ExpectCompoundColumnsToBeUnique", {"column_list": ["employee_id", "snapshot_date"]}
    ),
    _between("retention_scores", "risk_score", 0, 1),
    Check(
        "retention_scores",
        "ExpectColumnValuesToBeInSet",
        {"column": "risk_band", "value_set": ["high", "medium", "low"]},
    ),
    Check("retention_scores", "ExpectColumnValuesToBeUnique", {"column": "employee_id"}),
]
