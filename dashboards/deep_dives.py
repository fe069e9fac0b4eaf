"""The ten culture deep dives (five traits, five levers): what each sub-score means and which marts hold its evidence."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeepDive:
    key: str          # page file name and URL, e.g. 'microlearning'
    score: str        # the sub-score column in mart_lci_unit_quarter / mart_lci_org_month
    evidence: tuple[str, ...]  # mart name prefixes holding this trait's or lever's evidence


DEEP_DIVES = (
    DeepDive("continuous_learning", "t1_continuous_learning", ("mart_continuous", "mart_learning_weeks")),
    DeepDive("development", "t2_development_facilitated", ("mart_development", "mart_assignments")),
    DeepDive("mistakes", "t3_mistakes_as_learning", ("mart_mistakes",)),
    DeepDive("leadership", "t4_leadership_active", ("mart_manager", "mart_leadership", "mart_mentoring")),
    DeepDive("diverse_resources", "t5_diverse_resources", ("mart_resources", "mart_diverse", "mart_content")),
    DeepDive("microlearning", "l1_microlearning", ("mart_microlearning", "mart_media")),
    DeepDive("gamification", "l2_gamification", ("mart_gamification", "mart_badges")),
    DeepDive("paths", "l3_personalised_paths", ("mart_paths", "mart_recommendation")),
    DeepDive("social", "l4_social_learning", ("mart_social",)),
    DeepDive("performance", "l5_tied_to_performance", ("mart_goals", "mart_performance")),
)
SUB_SCORES = tuple(dive.score for dive in DEEP_DIVES)
BY_KEY = {dive.key: dive for dive in DEEP_DIVES}

