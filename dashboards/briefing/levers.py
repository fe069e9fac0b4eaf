"""The lever suggested for each weak sub-score: texts an operator edits (levers.yml), read and checked here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from dashboards.briefing import BriefingError
from dashboards.privacy import SUB_SCORES
from leerstroom.settings import Settings

DEFAULT_FILE = Path(__file__).resolve().parent / "levers.yml"
LANGUAGES = ("en", "nl")


@dataclass(frozen=True)
class Levers:
    weak_below: float
    at_most: int
    texts: dict[str, dict[str, str]]  # sub-score -> language -> text

    def text(self, score: str, language: str) -> str:
        return self.texts[score][language]

    def weakest(self, scores: dict[str, float | None]) -> list[tuple[str, float]]:
        """The measured sub-scores under the threshold, weakest first, at most `at_most`."""
        weak = sorted(
            (value, score) for score, value in scores.items() if value is not None and value < self.weak_below
        )
        return [(score, value) for value, score in weak[: self.at_most]]


def file_of(settings: Settings) -> Path:
    return Path(settings.briefing_levers_file) if settings.briefing_levers_file.strip() else DEFAULT_FILE


def load(settings: Settings) -> Levers:
    path = file_of(settings)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise BriefingError(f"lever texts {path}: cannot be read: {err}") from err
    texts = data.get("levers") or {}
    for score in SUB_SCORES:
        for language in LANGUAGES:
            text = (texts.get(score) or {}).get(language)
            if not isinstance(text, str) or not text.strip():
                raise BriefingError(
                    f"lever texts {path}: levers.{score}.{language} is missing or empty; every "
                    f"sub-score needs a text in {' and '.join(LANGUAGES)}"
                )
    try:
        weak_below, at_most = float(data.get("weak_below", 50)), int(data.get("at_most", 3))
    except (TypeError, ValueError) as err:
        raise BriefingError(f"lever texts {path}: weak_below must be a number and at_most a whole number") from err
    if not 0 <= weak_below <= 100 or at_most < 0:
        raise BriefingError(f"lever texts {path}: weak_below must lie in 0..100 and at_most be 0 or more")
    return Levers(
        weak_below, at_most, {score: {lang: texts[score][lang].strip() for lang in LANGUAGES} for score in SUB_SCORES}
    )
