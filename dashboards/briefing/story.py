"""The briefing's sentences: the state, what moved it and why, and what to do next, in the reader's language."""

from __future__ import annotations

from dashboards import i18n
from dashboards.briefing.figures import Briefing, Score
from dashboards.briefing.levers import Levers
from dashboards.briefing.texts import score_name, text


def unit_label(briefing: Briefing, language: str) -> str:
    if briefing.unit_level == "organisation":
        return text(language, "unit.organisation")
    return briefing.unit_name


def month_label(briefing: Briefing, language: str, month=None) -> str:
    return i18n.month(month or briefing.month, language)


def _count(value: float | None) -> int:
    return int(value or 0)


def _who(briefing: Briefing, language: str) -> str:
    split = briefing.split
    parts = []
    detailed = all(
        split.get(c) is not None for c in ("joined_organisation", "moved_in", "left_organisation", "moved_out")
    )
    if detailed:
        for column, key in (
            ("joined_organisation", "who.joined"),
            ("left_organisation", "who.left"),
            ("moved_in", "who.moved_in"),
            ("moved_out", "who.moved_out"),
        ):
            if _count(split[column]):
                parts.append(text(language, key, n=i18n.number(split[column], language)))
    else:
        for column, key in (("arrived", "who.arrived"), ("departed", "who.departed")):
            if _count(split.get(column)):
                parts.append(text(language, key, n=i18n.number(split[column], language)))
    return ", ".join(parts)


def what_moved(briefing: Briefing, language: str) -> list[str]:
    """One sentence on who is in the unit, one on what its people do, and one on coverage when that changed."""
    unit, split = unit_label(briefing, language), briefing.split
    if briefing.lci_withheld:
        return [text(language, "moved.withheld", unit=unit)]
    if briefing.lci_change is None:
        return [text(language, "moved.no_change", month=month_label(briefing, language))]
    if split.get("stayers") is None or split.get("composition_change") is None:
        return [text(language, "moved.composition_hidden", k=briefing.k)]
    sentences = []
    if not (_count(split["arrived"]) or _count(split["departed"])):
        sentences.append(text(language, "moved.composition_none", unit=unit))
    else:
        sentences.append(
            text(
                language,
                "moved.composition",
                unit=unit,
                who=_who(briefing, language),
                by=i18n.signed(split["composition_change"], language, 1),
            )
        )
    if _count(split["stayers"]) == 0 or split.get("behaviour_change") is None:
        sentences.append(text(language, "moved.behaviour_none", unit=unit))
    else:
        sentences.append(
            text(
                language,
                "moved.behaviour",
                unit=unit,
                stayers=i18n.number(split["stayers"], language),
                by=i18n.signed(split["behaviour_change"], language, 1),
            )
        )
    coverage = split.get("coverage_change")
    if coverage is not None and round(coverage, 1) != 0:
        which = []
        if briefing.coverage_gained:
            which.append(
                text(
                    language, "who.gained", scores=", ".join(score_name(language, s) for s in briefing.coverage_gained)
                )
            )
        if briefing.coverage_lost:
            which.append(
                text(language, "who.lost", scores=", ".join(score_name(language, s) for s in briefing.coverage_lost))
            )
        sentences.append(
            text(language, "moved.coverage", which="; ".join(which) or "–", by=i18n.signed(coverage, language, 1))
        )
    return sentences


def moved_most(briefing: Briefing, language: str) -> str:
    moved: list[Score] = briefing.most_moved
    if not moved:
        return text(language, "scores.none_moved")
    return text(
        language,
        "scores.moved",
        list=", ".join(
            f"{score_name(language, score.key)} {i18n.signed(score.change, language, 1)}" for score in moved
        ),
    )


def levers(briefing: Briefing, language: str, texts: Levers) -> list[str]:
    if not briefing.levers:
        return [text(language, "levers.none", threshold=i18n.number(texts.weak_below, language))]
    return [
        text(
            language,
            "levers.item",
            score=score_name(language, score),
            value=i18n.number(value, language),
            text=texts.text(score, language),
        )
        for score, value in briefing.levers
    ]


def outlook(briefing: Briefing, language: str) -> str:
    found = briefing.outlook
    if found is None:
        return text(language, "outlook.off")
    if found.status is None:
        return text(language, "outlook.no_model")
    if not found.shown:
        return text(language, "outlook.not_validated", note=found.note or "")
    if found.expected_total is None and found.rows.empty:
        return text(language, "outlook.hidden", k=briefing.k)
    expected = i18n.number(
        found.expected_total if found.expected_total is not None else found.rows["expected"].sum(), language, 0
    )
    date = i18n.day(found.scoring_date, language)
    if found.last_year_total is None:
        return text(language, "outlook.sentence_no_last_year", date=date, expected=expected)
    return text(
        language,
        "outlook.sentence",
        date=date,
        expected=expected,
        actual=i18n.number(found.last_year_total, language, 0),
    )
