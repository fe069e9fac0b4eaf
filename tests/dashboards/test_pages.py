"""Every dashboard page under every role, rendered by AppTest on a generated organisation in a real lake."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

from dashboards import audit, i18n
from leerstroom import lake
from tests.dashboards.app_session import (
    ADMIN_ONLY,
    PAGE_FILES,
    PERSON_COLUMNS,
    ROLES_OF,
    create_users,
    frames,
    open_page,
    point_at,
    sign_in,
)
from tests.dashboards.org_lake import OrgLake

ROLES = ("executive", "hr_analyst", "admin")


@pytest.fixture(scope="module")
def org(org_lake: OrgLake) -> Iterator[OrgLake]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEERSTROOM_DATA_DIR", str(org_lake.settings.data_dir))
        yield org_lake


def mart(org: OrgLake, sql: str, snapshot: int | None = None) -> pd.DataFrame:
    con = lake.connect(org.settings, snapshot=snapshot or org.certified)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def department_sizes(org: OrgLake) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for person in org.people:
        sizes[person.department] = sizes.get(person.department, 0) + 1
    return sizes


def test_wrong_password_is_refused_and_nothing_is_shown(org: OrgLake) -> None:
    at = sign_in(org.settings, "executive", password="not-the-password")

    assert not at.exception
    assert [error.value for error in at.error] == ["Sign-in failed: unknown user name or wrong password."]
    assert not at.metric and not at.dataframe


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_for_each_role_without_individuals_outside_analysts(org: OrgLake, role: str) -> None:
    at = sign_in(org.settings, role)
    k = org.settings.privacy_k
    for page in PAGE_FILES:
        if role not in ROLES_OF[page]:
            continue
        at = open_page(at, page)
        assert not at.exception, (page, at.exception)
        assert not at.error, (page, [e.value for e in at.error])
        for frame in frames(at):
            if role != "hr_analyst" and page not in ADMIN_ONLY:
                assert not PERSON_COLUMNS & set(frame.columns), (page, list(frame.columns))
                for column in ("headcount", "people"):
                    if column in frame.columns:
                        assert (frame[column].dropna() >= k).all(), (page, column, frame[column].tolist())


def test_admin_pages_are_not_offered_to_other_roles(org: OrgLake) -> None:
    for role in ("executive", "hr_analyst"):
        at = sign_in(org.settings, role)
        with pytest.raises(ValueError, match="Could not find a navigation page"):  # not in this reader's navigation
            open_page(at, "audit")


def test_overview_shows_the_lci_and_risk_of_the_marts(org: OrgLake) -> None:
    monthly = mart(org, "SELECT * FROM lake.marts.mart_lci_org_month ORDER BY month_start")
    at = open_page(sign_in(org.settings, "executive"), "overview")

    metrics = {metric.label: metric for metric in at.metric}
    # The headline is the last complete month (the running one is shown "so far" beside it).
    complete = monthly[monthly["is_complete"]]
    assert metrics["Learning Culture Index"].value == i18n.number(complete["lci"].iloc[-1], "en", 1)
    assert metrics["T1 Continuous learning"].value == i18n.number(complete["t1_continuous_learning"].iloc[-1], "en", 0)
    captions = " ".join(caption.value for caption in at.caption)
    assert f"Certified snapshot {org.certified}" in captions
    assert "Share of people at high risk" in metrics
    risk = next(frame for frame in frames(at) if "share_high" in frame.columns)
    sizes = department_sizes(org)
    small = {department for department, size in sizes.items() if size < org.settings.privacy_k}
    assert small, "the generated organisation needs a department below k for this test"
    assert not small & set(risk["department"])


def test_small_groups_are_suppressed_for_executives_and_shown_to_analysts(org: OrgLake) -> None:
    small = {d for d, size in department_sizes(org).items() if size < org.settings.privacy_k}
    expected = mart(
        org,
        """
        SELECT department, round(avg(engagement_index), 1) AS avg_index, count(DISTINCT employee_id) AS headcount
        FROM lake.marts.mart_engagement_weekly GROUP BY department
    """,
    ).set_index("department")

    shown = {}
    for role in ("executive", "hr_analyst"):
        at = open_page(sign_in(org.settings, role), "explorer")
        comparison = frames(at)[0]
        shown[role] = comparison.set_index("unit")
    assert not small & set(shown["executive"].index)
    assert small <= set(shown["hr_analyst"].index)
    for department, row in shown["executive"].iterrows():
        assert row["avg_engagement_index"] == expected.loc[department, "avg_index"]
        assert row["headcount"] == expected.loc[department, "headcount"]


def test_analyst_sees_the_risk_list_with_three_reasons_and_every_view_is_audited(org: OrgLake) -> None:
    before = len(audit.recent(org.settings))
    at = open_page(sign_in(org.settings, "hr_analyst"), "explorer")

    risk = next(frame for frame in frames(at) if "risk_score" in frame.columns)
    newest = mart(
        org,
        """
        SELECT employee_id, risk_score FROM lake.marts.retention_scores
        WHERE snapshot_date = (SELECT max(snapshot_date) FROM lake.marts.retention_scores)
        ORDER BY risk_score DESC, employee_id
    """,
    )
    assert risk["employee_id"].tolist() == newest["employee_id"].tolist()[: len(risk)]
    assert risk[["reason_1", "reason_2", "reason_3"]].notna().all().all()
    events = audit.recent(org.settings)
    assert len(events) > before
    assert "retention_risk" in set(events["dataset"])
    assert set(events["user_name"]) >= {"hr-analyst-user"}

    admin = open_page(sign_in(org.settings, "admin"), "audit")
    logged = frames(admin)[0]
    assert "retention_risk" in set(logged["dataset"])


def test_executive_never_gets_the_risk_list_or_people(org: OrgLake) -> None:
    at = open_page(sign_in(org.settings, "executive"), "explorer")
    at.selectbox(key="drill-department").select("Engineering").run()
    at.selectbox(key="drill-team").select("Platform").run()

    assert not at.exception
    assert all(not PERSON_COLUMNS & set(frame.columns) for frame in frames(at))
    assert "Individual-level data is shown to HR analysts only." in [info.value for info in at.info]


def test_leaderboard_lists_only_people_who_opted_in(org: OrgLake) -> None:
    at = open_page(sign_in(org.settings, "hr_analyst"), "gamification")

    board = next(frame for frame in frames(at) if "employee_id" in frame.columns)  # the page's one person-level table
    roster = mart(
        org,
        """
        SELECT employee_id,
               coalesce(try_cast(json_extract_string(attributes, '$.leaderboard_opt_in') AS BOOLEAN), FALSE) AS opted_in
        FROM lake.raw.roster WHERE import_id = (SELECT import_id FROM lake.raw.roster_imports
                                               ORDER BY imported_at DESC LIMIT 1)
    """,
    )
    opted_in = set(roster.loc[roster["opted_in"], "employee_id"])
    assert 0 < len(opted_in) < len(roster)
    assert len(board) > 0
    assert set(board["employee_id"]) <= opted_in


def test_dutch_switches_words_and_number_formats(org: OrgLake) -> None:
    # The headline is the last complete month.
    monthly = mart(org, "SELECT lci FROM lake.marts.mart_lci_org_month WHERE is_complete ORDER BY month_start")
    at = sign_in(org.settings, "executive")
    at.selectbox(key="language").select("nl").run()
    at = open_page(at, "overview")

    assert at.header[0].value == "Directieoverzicht"
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Leercultuurindex"] == i18n.number(monthly["lci"].iloc[-1], "nl", 1)
    assert "," in metrics["Leercultuurindex"] or float(monthly["lci"].iloc[-1]).is_integer()


def test_as_of_an_earlier_snapshot_shows_that_snapshot_and_says_so(org: OrgLake) -> None:
    earlier = mart(
        org, "SELECT sum(statement_count) AS n FROM lake.marts.mart_daily_activity", snapshot=org.first_certified
    )["n"].iloc[0]
    at = sign_in(org.settings, "executive")
    at.selectbox(key="as_of").select(org.first_certified).run()
    at = open_page(at, "activity")

    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Statements"] == i18n.number(earlier, "en")
    assert any(f"earlier snapshot ({org.first_certified})" in warning.value for warning in at.warning)
    assert any(f"Certified snapshot {org.first_certified}" in caption.value for caption in at.caption)


def test_retention_scoring_off_leaves_no_trace_of_it(org: OrgLake, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEERSTROOM_RETENTION_SCORING", "false")
    for role in ("executive", "hr_analyst"):
        at = sign_in(org.settings, role)
        for page in ("overview", "explorer"):
            at = open_page(at, page)
            texts = " ".join(
                str(element.value) for element in [*at.markdown, *at.subheader, *at.metric, *at.info, *at.caption]
            ).lower()
            assert "risk" not in texts and "retention" not in texts, (role, page)
            assert all("risk_score" not in frame.columns and "share_high" not in frame.columns for frame in frames(at))


def test_pages_before_any_certification_say_so(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    create_users(settings)
    point_at(settings)
    at = sign_in(settings, "admin")
    for page in ("overview", "explorer", "social", "health"):
        at = open_page(at, page)
        assert not at.exception, (page, at.exception)
        assert "No certified data yet: run `leerstroom transform`" in [info.value for info in at.info]


def test_a_team_leads_own_learning_is_withheld_not_called_unmeasured(org: OrgLake) -> None:
    """T4 of a team is its one lead's learning: executives get an empty, withheld cell; analysts the figure."""
    tables = {}
    for role in ("executive", "hr_analyst"):
        at = open_page(sign_in(org.settings, role), "leadership")
        tables[role] = next(
            frame
            for frame in frames(at)
            if "t4_leadership_active" in frame.columns
            and "unit_name" in frame.columns
            and "quarter_start" not in frame.columns
        )
    executive = tables["executive"].set_index("unit_name")
    teams = [name for name in executive.index if " / " in name]
    assert teams, "the executive still sees the teams themselves"
    for team in teams:
        assert pd.isna(executive.loc[team, "t4_leadership_active"]), team
        assert "t4_leadership_active" in executive.loc[team, "withheld"], team
    analyst = tables["hr_analyst"].set_index("unit_name")
    assert analyst.loc[teams, "t4_leadership_active"].map(lambda value: isinstance(value, float)).all()


def test_the_lci_validation_is_shown_to_hr_analysts_only_and_the_running_month_so_far(org: OrgLake) -> None:
    title = i18n.text("en", "validation.title")
    monthly = mart(org, "SELECT * FROM lake.marts.mart_lci_org_month ORDER BY month_start")
    running = monthly[~monthly["is_complete"]]
    assert not running.empty and pd.notna(running["lci"].iloc[-1]), "the generated organisation learns this month"
    for role in ("hr_analyst", "executive", "admin"):
        at = open_page(sign_in(org.settings, role), "overview")
        shown = [header.value for header in at.subheader]
        assert (title in shown) == (role == "hr_analyst"), (role, shown)
        if role == "hr_analyst":
            # Either the correlation with its n and interval, or the plain statement that there is too little history.
            said = " ".join([m.value for m in at.markdown] + [i.value for i in at.info])
            assert "r = " in said or "Too little history to tell yet" in said
        # The running month is never the headline, but is shown beside it, marked as not complete.
        texts = " ".join(
            [caption.value for caption in at.caption]
            + [metric.help or "" for metric in at.metric]
            + [str(metric.value) for metric in at.metric]
            + [m.value for m in at.markdown]
        )
        assert "so far" in texts, role
