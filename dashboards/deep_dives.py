"""The ten culture deep dives (five traits, five levers): one per sub-score of the Learning Culture Index.

Which marts hold a deep dive's evidence, each mart declares in its model's YAML (`meta.evidence_for`, read
through transform/marts.py), so a mart is named once, where dbt builds it.
"""

from __future__ import annotations

from dataclasses import dataclass

from transform import marts


@dataclass(frozen=True)
class DeepDive:
    key: str  # page file name and URL, e.g. 'microlearning'
    score: str  # the sub-score column in mart_lci_unit_quarter / mart_lci_org_month

    @property
    def evidence(self) -> tuple[str, ...]:
        """The marts that declare they hold this sub-score's evidence."""
        return tuple(mart.name for mart in marts.evidence_for(self.score))


DEEP_DIVES = (
    DeepDive("continuous_learning", "t1_continuous_learning"),
    DeepDive("development", "t2_development_facilitated"),
    DeepDive("mistakes", "t3_mistakes_as_learning"),
    DeepDive("leadership", "t4_leadership_active"),
    DeepDive("diverse_resources", "t5_diverse_resources"),
    DeepDive("microlearning", "l1_microlearning"),
    DeepDive("gamification", "l2_gamification"),
    DeepDive("paths", "l3_personalised_paths"),
    DeepDive("social", "l4_social_learning"),
    DeepDive("performance", "l5_tied_to_performance"),
)
SUB_SCORES = tuple(dive.score for dive in DEEP_DIVES)
BY_KEY = {dive.key: dive for dive in DEEP_DIVES}
