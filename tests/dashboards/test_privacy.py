"""Disclosure control (dashboards.privacy) on organisations Hypothesis generates: no two figures a suppressed role can
see differ by fewer than k people, along filters, periods, segments and the unit hierarchy."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import duckdb
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboards import privacy
from dashboards.roles import ROLES

DIMENSIONS = ("department", "team", "manager_id", "location")
SOURCE = privacy.Microdata("people_weeks", "employee_id", "week", DIMENSIONS, breakdown="segment")
MEASURES = {"headcount": "count(DISTINCT employee_id)", "minutes": "sum(minutes)"}


def test_each_role_reads_from_its_own_cache_partition_and_only_analysts_unrestricted() -> None:
    audiences = {role: privacy.audience(role) for role in ROLES}

    assert len(set(audiences.values())) == len(ROLES)
    assert [role for role, name in audiences.items() if name == privacy.UNRESTRICTED] == ["hr_analyst"]
    assert [role for role in ROLES if privacy.sees_individuals(role)] == ["hr_analyst"]


def test_a_mart_is_person_level_when_its_model_says_so_and_when_no_model_says_anything() -> None:
    assert privacy.is_person_level("mart_gamification_leaderboard")  # meta.disclosure.shape: people
    assert privacy.is_person_level("mart_daily_activity")  # events: a person's rows per day and verb
    assert not privacy.is_person_level("mart_social_help_network")
    assert not privacy.is_person_level("mart_lci_unit_quarter")
    assert privacy.is_person_level("mart_no_model_declares"), "a table nothing declares is closed"


def test_a_unit_table_no_model_declares_is_shown_to_no_one_but_the_analysts() -> None:
    rows = pd.DataFrame(
        [
            {
                "unit_level": "department",
                "unit_name": name,
                "quarter_start": pd.Timestamp("2026-07-01"),
                "headcount": 40,
                "is_suppressed": False,
                "figure": 1.0,
            }
            for name in ("A", "B")
        ]
    )
    visibility = privacy.unit_visibility({"mart_no_model_declares": rows}, 5)

    assert privacy.unit_table(rows, privacy.audience("executive"), 5, visibility, "mart_no_model_declares").empty
    assert len(privacy.unit_table(rows, privacy.UNRESTRICTED, 5, visibility, "mart_no_model_declares")) == 2


# --- person-week rows -----------------------------------------------------------------------------------------


@st.composite
def organisations(draw: st.DrawFn) -> pd.DataFrame:
    """People in departments, teams (one manager each, or none), locations; employed for some of 4 weeks, in a
    segment each week, with some learning minutes."""
    rows = []
    for number in range(draw(st.integers(4, 26))):
        department = draw(st.sampled_from("AB"))
        team = f"{department}{draw(st.integers(1, 2))}"
        first = draw(st.integers(1, 4))
        last = draw(st.integers(first, 4))
        manager = None if team == "B2" else f"M-{team}"
        location = draw(st.sampled_from(("Ams", "Rot", "Utr")))
        for week in range(first, last + 1):
            rows.append(
                {
                    "employee_id": f"E{number:02d}",
                    "week": week,
                    "department": department,
                    "team": team,
                    "manager_id": manager,
                    "location": location,
                    "segment": draw(st.sampled_from(("active", "inactive"))),
                    "minutes": draw(st.integers(0, 500)),
                }
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class View:
    filters: tuple[tuple[str, tuple[str, ...]], ...]
    by: str | None
    weeks: tuple[int, int]


@st.composite
def views(draw: st.DrawFn, org: pd.DataFrame) -> View:
    filters = []
    for dimension in draw(st.lists(st.sampled_from(DIMENSIONS), max_size=2, unique=True)):
        values = sorted(org[dimension].dropna().unique())
        if values:
            filters.append((dimension, tuple(draw(st.lists(st.sampled_from(values), min_size=1, unique=True)))))
    first = draw(st.integers(1, 4))
    return View(
        tuple(filters),
        draw(st.sampled_from((None, *DIMENSIONS, "week", "segment"))),
        (first, draw(st.integers(first, 4))),
    )


def matching(org: pd.DataFrame, view: View) -> pd.DataFrame:
    rows = org[(org["week"] >= view.weeks[0]) & (org["week"] <= view.weeks[1])]
    for dimension, values in view.filters:
        rows = rows[rows[dimension].isin(values)]
    if view.by == "segment" and not rows.empty:
        rows = rows[rows["week"] == rows["week"].max()]  # segments are counted in the last week, as the explorer does
    return rows


def figures(con: duckdb.DuckDBPyConnection, org: pd.DataFrame, published: pd.DataFrame, view: View) -> list[frozenset]:
    """The (person, week) rows behind every figure the view shows."""
    rows = matching(org, view)
    weeks = view.weeks
    if view.by == "segment" and not rows.empty:
        weeks = (int(rows["week"].min()), int(rows["week"].max()))
    shown = privacy.aggregate(
        con, SOURCE, published, measures=MEASURES, by=view.by, filters=view.filters, periods=weeks
    )
    behind = []
    for unit in shown["unit"] if view.by else [None] * len(shown):
        cell = rows if view.by is None else rows[rows[view.by].isna() if pd.isna(unit) else rows[view.by] == unit]
        behind.append(frozenset(zip(cell["employee_id"], cell["week"])))
    return behind


def people(rows: frozenset) -> int:
    return len({person for person, _week in rows})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), org=organisations(), k=st.integers(2, 4))
def test_no_two_views_differ_by_fewer_than_k_people(data: st.DataObject, org: pd.DataFrame, k: int) -> None:
    con = duckdb.connect()
    con.register("people_weeks", org)
    published = privacy.catalogue(con, SOURCE, k)
    seen = [figure for _ in range(4) for figure in figures(con, org, published, data.draw(views(org)))]

    for figure in seen:
        assert people(figure) >= k
    for bigger, smaller in itertools.permutations(seen, 2):
        if smaller < bigger:
            assert people(bigger - smaller) >= k, (sorted(bigger - smaller), k)


def test_the_complement_of_a_filter_is_not_given_away() -> None:
    """The finding: a department unfiltered, then without one location, differed by one person's exact figures."""
    org = pd.DataFrame(
        [
            {
                "employee_id": f"E{i}",
                "week": 1,
                "department": "CS",
                "team": "CS1",
                "manager_id": "M",
                "location": "Ams" if i == 0 else "Rot",
                "segment": "active",
                "minutes": 10 * i,
            }
            for i in range(8)
        ]
    )
    con = duckdb.connect()
    con.register("people_weeks", org)
    published = privacy.catalogue(con, SOURCE, 5)

    whole = privacy.aggregate(con, SOURCE, published, measures=MEASURES, by="department")
    without = privacy.aggregate(
        con, SOURCE, published, measures=MEASURES, by="department", filters=(("location", ("Rot",)),)
    )

    assert whole["headcount"].tolist() == [8]
    assert without.empty and without.attrs["hidden"] == 1
    unrestricted = privacy.aggregate(
        con, SOURCE, None, measures=MEASURES, by="department", filters=(("location", ("Rot",)),)
    )
    assert unrestricted["headcount"].tolist() == [7]  # analysts keep every figure


def test_a_department_minus_its_visible_teams_does_not_give_away_a_small_team() -> None:
    sizes = {"T1": 6, "T2": 6, "T3": 2}
    org = pd.DataFrame(
        [
            {
                "employee_id": f"{team}-{i}",
                "week": 1,
                "department": "D",
                "team": team,
                "manager_id": None,
                "location": "Ams",
                "segment": "active",
                "minutes": 1,
            }
            for team, size in sizes.items()
            for i in range(size)
        ]
        + [
            {
                "employee_id": f"X-{i}",
                "week": 1,
                "department": "X",
                "team": "X1",
                "manager_id": None,
                "location": "Ams",
                "segment": "active",
                "minutes": 1,
            }
            for i in range(6)
        ]
    )
    con = duckdb.connect()
    con.register("people_weeks", org)

    teams = privacy.aggregate(
        con, SOURCE, privacy.catalogue(con, SOURCE, 5), measures=MEASURES, by="team", filters=(("department", ("D",)),)
    )

    # T3 (2) is under k; with T1 and T2 both shown, D (14) minus them would be T3: one of them goes too.
    assert len(teams) == 1 and teams.attrs["hidden"] == 2


# --- unit tables ----------------------------------------------------------------------------------------------


@st.composite
def unit_marts(draw: st.DrawFn) -> pd.DataFrame:
    """An organisation's units over two quarters: headcount and managers per team, summed upwards, plus T4 and the
    LCI as a unit mart has them."""
    rows = []
    for quarter in ("2026-07-01", "2026-10-01"):
        teams = {
            f"D{d} / T{t}": (draw(st.integers(1, 12)), draw(st.integers(0, 2)))
            for d in range(draw(st.integers(1, 3)))
            for t in range(draw(st.integers(1, 3)))
        }
        units = {("team", name): size for name, size in teams.items()}
        for name, (people, managers) in teams.items():
            for key in (("department", name.split(" / ")[0]), ("organisation", "organisation")):
                before = units.get(key, (0, 0))
                units[key] = (before[0] + people, before[1] + managers)
        for (level, name), (people, managers) in units.items():
            rows.append(
                {
                    "unit_level": level,
                    "unit_name": name,
                    "quarter_start": pd.Timestamp(quarter),
                    "headcount": people,
                    "is_suppressed": people < 5,
                    "managers": managers,
                    "t4_leadership_active": 50.0 if managers else None,
                    "t1_continuous_learning": 40.0,
                    "lci": 45.0,
                    "lci_change": 1.0,
                }
            )
    return pd.DataFrame(rows)


def shown_units(mart: pd.DataFrame, k: int) -> pd.DataFrame:
    visibility = privacy.unit_visibility({"mart_manager_participation": mart}, k)
    return privacy.unit_table(mart, privacy.audience("executive"), k, visibility, "mart_manager_participation")


def ancestors(level: str, name: str) -> list[tuple[str, str]]:
    if level == "team":
        return [("department", name.split(" / ")[0]), ("organisation", "organisation")]
    return [("organisation", "organisation")] if level == "department" else []


@settings(max_examples=100, deadline=None)
@given(mart=unit_marts(), k=st.integers(2, 5))
def test_no_unit_figure_is_recovered_along_the_hierarchy(mart: pd.DataFrame, k: int) -> None:
    shown = shown_units(mart, k)

    for _, rows in shown.groupby("quarter_start"):
        for count, figure in (("headcount", "t1_continuous_learning"), ("managers", "t4_leadership_active")):
            visible = {(r.unit_level, r.unit_name): r[count] for _, r in rows.iterrows() if pd.notna(r[figure])}
            for (level, name), size in visible.items():
                assert size >= k, (level, name, count)
                for ancestor in ancestors(level, name):
                    if ancestor in visible:
                        assert visible[ancestor] - size == 0 or visible[ancestor] - size >= k, (name, ancestor, count)
            for parent, size in visible.items():
                for child_level in ("department", "team"):
                    children = [
                        size for (lvl, n), size in visible.items() if lvl == child_level and parent in ancestors(lvl, n)
                    ]
                    if children:
                        left = size - sum(children)
                        assert left == 0 or left >= k, (parent, child_level, count, left)


def test_a_team_leads_own_learning_is_not_shown_and_takes_the_lci_with_it() -> None:
    mart = pd.DataFrame(
        [
            {
                "unit_level": level,
                "unit_name": name,
                "quarter_start": pd.Timestamp("2026-10-01"),
                "headcount": people,
                "is_suppressed": False,
                "managers": managers,
                "t4_leadership_active": 100.0,
                "t1_continuous_learning": 40.0,
                "lci": 70.0,
                "lci_change": None,
            }
            for level, name, people, managers in (
                ("organisation", "organisation", 40, 6),
                ("department", "D", 40, 6),
                ("team", "D / T1", 8, 1),
                ("team", "D / T2", 32, 5),
            )
        ]
    )

    shown = shown_units(mart, 5).set_index("unit_name")

    assert shown.loc["D / T1", "t1_continuous_learning"] == 40.0  # the team's people: 8, shown
    assert pd.isna(shown.loc["D / T1", "t4_leadership_active"]) and pd.isna(shown.loc["D / T1", "lci"])
    # T2's 5 managers would leave the department's 6 minus 5 = T1's one lead: secondary suppression.
    assert pd.isna(shown.loc["D / T2", "t4_leadership_active"]) and pd.isna(shown.loc["D / T2", "lci"])
    assert shown.loc["D", "t4_leadership_active"] == 100.0


def test_a_change_on_a_hidden_period_is_hidden() -> None:
    rows = [
        {
            "unit_level": "organisation",
            "unit_name": "organisation",
            "quarter_start": pd.Timestamp(q),
            "headcount": 20,
            "is_suppressed": False,
            "managers": managers,
            "t4_leadership_active": 60.0,
            "lci": 50.0,
            "lci_change": 2.0,
        }
        for q, managers in (("2026-07-01", 2), ("2026-10-01", 6))
    ]

    shown = shown_units(pd.DataFrame(rows), 5)

    assert pd.isna(shown.loc[0, "lci"])  # July: two managers, so T4 and the LCI made of it are hidden
    assert shown.loc[1, "lci"] == 50.0 and pd.isna(shown.loc[1, "lci_change"])  # October's change would give July's


def test_a_team_by_team_table_shows_a_quarter_only_when_every_pair_reaches_k() -> None:
    pairs = pd.DataFrame(
        [
            {
                "quarter_start": pd.Timestamp(q),
                "helper_team": a,
                "helped_team": b,
                "is_suppressed": False,
                "replies": 9,
                "helpers": helpers,
                "people_helped": 6,
            }
            for q, a, b, helpers in (
                ("2026-07-01", "A", "B", 6),
                ("2026-07-01", "A", "C", 1),
                ("2026-10-01", "A", "B", 5),
                ("2026-10-01", "B", "A", 7),
            )
        ]
    )

    shown = privacy.unit_table(pairs, privacy.audience("executive"), 5, {}, "mart_social_help_network")

    assert shown["quarter_start"].astype(str).unique().tolist() == ["2026-10-01"]
    assert len(privacy.unit_table(pairs, privacy.UNRESTRICTED, 5, {}, "mart_social_help_network")) == 4


def test_rows_that_split_a_whole_hide_enough_that_the_whole_minus_the_rest_gives_nothing_away() -> None:
    exits = pd.DataFrame({"department": ["A", "B", "C"], "people": [6, 7, 2], "actual_exits": [1, 2, 1]})

    shown = privacy.partition_table(exits, privacy.audience("admin"), 5, "people")

    # C alone (2) would be the organisation's total minus A and B: A, the smaller of them, goes too.
    assert shown["department"].tolist() == ["B"] and shown.attrs["hidden"] == 2
    assert len(privacy.partition_table(exits, privacy.UNRESTRICTED, 5, "people")) == 3


# --- event breakdowns -----------------------------------------------------------------------------------------


@st.composite
def events(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(
        st.lists(st.tuples(st.integers(0, 14), st.integers(1, 5), st.sampled_from("abcd")), min_size=1, max_size=60)
    )
    return pd.DataFrame(rows, columns=["person", "day", "verb"]).drop_duplicates()


def actors(frame: pd.DataFrame) -> int:
    return frame["person"].nunique()


@settings(max_examples=100, deadline=None)
@given(rows=events(), k=st.integers(2, 5))
def test_no_day_or_verb_total_is_recovered_from_the_others(rows: pd.DataFrame, k: int) -> None:
    con = duckdb.connect()
    con.register("activity", rows)
    allowed = privacy.event_breakdowns(con, "activity", "person", ("day", "verb"), k)

    if not allowed.total:
        assert actors(rows) < k
        return
    cells = {(d, v): rows[rows[d].astype(str) == v] for d in ("day", "verb") for v in allowed.shown[d]}
    everything = {("*", "*"): rows, **cells}
    for (d, _), cell in cells.items():
        assert actors(cell) >= k
        hidden = rows[rows[d].astype(str).isin(set(rows[d].astype(str)) - allowed.shown[d])]
        assert actors(hidden) == 0 or actors(hidden) >= k, (d, "the hidden ones together")
    for (key_a, a), (key_b, b) in itertools.permutations(everything.items(), 2):
        inside = b.merge(a, how="left", indicator=True)["_merge"].eq("both").all()
        if inside and len(b) < len(a):
            rest = a.merge(b, how="left", indicator=True)
            rest = rest[rest["_merge"] == "left_only"]
            assert actors(rest) >= k, (key_a, key_b)


def test_a_months_change_is_split_by_who_came_and_went_only_where_none_of_them_is_under_k() -> None:
    """mart_lci_unit_month: the stayers' change is the unit's less what its comers and goers did, so the split (and
    the counts that add up to a shown figure) is shown only where each group is 0 or at least k."""
    split = {
        "stayers": None,
        "arrived": None,
        "departed": None,
        "joined_organisation": None,
        "moved_in": None,
        "left_organisation": None,
        "moved_out": None,
        "behaviour_change": None,
        "composition_change": None,
        "coverage_change": None,
    }
    september = [
        ("organisation", "organisation", 84),
        ("department", "A", 28),
        ("department", "B", 30),
        ("department", "C", 26),
    ]
    october = [  # level, name, headcount, stayers, joined, moved in, left, moved out
        ("organisation", "organisation", 93, 79, 14, 0, 5, 0),
        ("department", "A", 30, 28, 2, 0, 0, 0),  # two joiners: the split would be about them
        ("department", "B", 31, 25, 6, 0, 5, 0),  # six joined, five left: every group reaches k
        ("department", "C", 32, 25, 3, 4, 0, 1),  # three joined, four moved in: the parts of 7 arrivals are small
    ]
    rows = [
        {
            "unit_level": level,
            "unit_name": name,
            "month_start": pd.Timestamp("2026-09-01"),
            "headcount": people,
            "is_suppressed": False,
            "lci": 50.0,
            "lci_change": None,
            **split,
        }
        for level, name, people in september
    ]
    rows += [
        {
            "unit_level": level,
            "unit_name": name,
            "month_start": pd.Timestamp("2026-10-01"),
            "headcount": people,
            "is_suppressed": False,
            "lci": 52.0,
            "lci_change": 2.0,
            "stayers": stayers,
            "arrived": joined + moved_in,
            "departed": left + moved_out,
            "joined_organisation": joined,
            "moved_in": moved_in,
            "left_organisation": left,
            "moved_out": moved_out,
            "behaviour_change": 1.5,
            "composition_change": 0.5,
            "coverage_change": 0.0,
        }
        for level, name, people, stayers, joined, moved_in, left, moved_out in october
    ]
    mart = pd.DataFrame(rows)

    shown = privacy.unit_table(
        mart,
        privacy.audience("executive"),
        5,
        privacy.unit_visibility({"mart_lci_unit_month": mart}, 5),
        "mart_lci_unit_month",
    )
    october_shown = shown[shown["month_start"] == pd.Timestamp("2026-10-01")].set_index("unit_name")

    assert october_shown.loc["organisation", ["stayers", "arrived", "departed", "behaviour_change"]].tolist() == [
        79,
        14,
        5,
        1.5,
    ]
    assert october_shown.loc["B", ["joined_organisation", "left_organisation", "composition_change"]].tolist() == [
        6,
        5,
        0.5,
    ]
    for name in ("A", "C"):
        assert (
            october_shown.loc[
                name,
                [
                    "stayers",
                    "arrived",
                    "departed",
                    "joined_organisation",
                    "moved_in",
                    "behaviour_change",
                    "composition_change",
                ],
            ]
            .isna()
            .all()
        ), name
        assert october_shown.loc[name, "lci_change"] == 2.0  # the unit's own change stays: it is about everyone
    assert "behaviour_change" in october_shown.loc["C", privacy.WITHHELD]
