"""Coverage end to end: an organisation whose only tools are Moodle and a cmi5 player (the real corpora in
tests/fixtures/corpus), through the real transform, read on the executive overview by an HR analyst.

Moodle's statements carry no timestamp, so they count from when the LRS stored them: here in mid-October 2026, and
the cmi5 player's (dated 2016 and 2018 by their own timestamps) arrive later, so October is the last complete month.
Neither tool sends goals, learning paths, recommendations or peer reviews: those sub-scores must read "not
measured", never 0, and the overview must say how many of the ten are measured. The corpora hold three Moodle
learners, so the privacy threshold is 2 here (suppression has tests of its own).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from dashboards.deep_dives import SUB_SCORES
from dashboards.i18n import text
from leerstroom import lake
from leerstroom.settings import Settings
from tests.dashboards.app_session import create_users, open_page, sign_in
from tests.fixtures.data import corpus_statements
from tests.transform.lake_rows import append_raw
from transform.runner import run_transform

MOODLE_STORED = datetime(2026, 10, 14, 9, 0, tzinfo=timezone.utc)
CMI5_STORED = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)


def moodle_and_cmi5() -> list[dict]:
    statements: dict[str, dict] = {}
    for number, statement in enumerate(corpus_statements("moodle-logstore-xapi.ndjson")):
        statements[f"moodle-{number}"] = {
            **statement,
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"moodle-{number}")),
            "stored": (MOODLE_STORED + timedelta(minutes=number)).isoformat(),
        }
    for statement in corpus_statements("cmi5-spec-samples.ndjson"):
        # The samples repeat some ids; the LRS keeps the first.
        statements.setdefault(statement["id"].lower(), {**statement, "stored": CMI5_STORED.isoformat()})
    return list(statements.values())


@pytest.fixture(scope="module")
def corpora_lake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("moodle-cmi5") / "data", privacy_k=2)
    append_raw(settings, moodle_and_cmi5())
    result = run_transform(settings)
    assert result.certified, result.details
    create_users(settings)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEERSTROOM_DATA_DIR", str(settings.data_dir))
        patch.setenv("LEERSTROOM_PRIVACY_K", "2")
        yield settings


def october(settings: Settings) -> dict:
    con = lake.connect(settings, read_only=True)
    try:
        snapshot = lake.last_certified(con)["snapshot_id"]
    finally:
        con.close()
    con = lake.connect(settings, snapshot=snapshot)
    try:
        row = con.execute("SELECT * FROM lake.marts.mart_lci_org_month WHERE month_start = '2026-10-01'").df()
    finally:
        con.close()
    assert len(row) == 1
    return row.iloc[0].to_dict()


def test_the_overview_says_how_many_sub_scores_are_measured_and_shows_none_unmeasured_as_zero(corpora_lake) -> None:
    month = october(corpora_lake)
    unmeasured = [score for score in SUB_SCORES if month[score] != month[score]]  # NaN: not measured
    # No goals, paths, recommendations or managers: T2, L3 and L5 at least are not measured; the LCI is the mean
    # of the rest.
    assert {"t2_development_facilitated", "l3_personalised_paths", "l5_tied_to_performance"} <= set(unmeasured)
    assert month["is_complete"] and month["measured_sub_scores"] == 10 - len(unmeasured) < 10
    measured = [month[score] for score in SUB_SCORES if score not in unmeasured]
    assert month["lci"] == pytest.approx(sum(measured) / len(measured), abs=0.11)

    at = open_page(sign_in(corpora_lake, "hr_analyst"), "overview")
    assert not at.exception and not at.error
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics[text("en", "overview.lci")] == f"{month['lci']:.1f}"
    captions = " ".join(caption.value for caption in at.caption)
    assert text("en", "metric.measured", measured=month["measured_sub_scores"]) in captions
    for score in SUB_SCORES:
        label = text("en", f"score.{score}")
        if score in unmeasured:
            assert metrics[label] == "not measured", score
        else:
            assert metrics[label] == f"{month[score]:,.0f}", score
    # The changes table and its CSV say "not measured" too, never an empty cell or a 0.
    changes = next(frame for frame in (element.value for element in at.dataframe) if "sub_score" in frame.columns)
    current = dict(zip(changes["sub_score"], changes["current"]))
    assert all(current[text("en", f"score.{score}")] == "not measured" for score in unmeasured)


def test_a_deep_dive_of_an_unmeasured_sub_score_says_so_in_its_chart_and_table(corpora_lake) -> None:
    # L5 (tied to performance) needs goals; neither tool sends any, in any period.
    at = open_page(sign_in(corpora_lake, "hr_analyst"), "performance")
    assert not at.exception and not at.error
    assert text("en", "metric.none_measured") in [info.value for info in at.info]
    by_unit = next(
        frame
        for frame in (element.value for element in at.dataframe)
        if "l5_tied_to_performance" in frame.columns and "unit_name" in frame.columns
    )
    assert not by_unit.empty and set(by_unit["l5_tied_to_performance"]) == {"not measured"}
