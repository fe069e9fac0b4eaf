"""`leerstroom roster import`: HRIS exports validated row by row, stored as versions in a real lake."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.privacy.pseudonyms import pseudonymous_key
from ingest.roster import RosterInvalid, import_roster, load_mapping
from ingest.xapi.identity import actor_key
from leerstroom import lake
from leerstroom.settings import Settings

HEADER = (
    "employee_id,display_name,identities,department,team,manager_id,job_role,location,hire_date,"
    "termination_date,exit_voluntary,satisfaction,overtime_hours,last_promotion_date,leaderboard_opt_in"
)
GOOD = [
    "E1,Anna Bos,mailto:anna@x.example|account:https://lms.x.example::u1,Sales,Benelux,,Team lead,Utrecht,"
    "2019-03-01,,,4.2,3,2023-01-01,true",
    "E2,Bram Vos,mailto:bram@x.example,Sales,Benelux,E1,Account executive,Remote,2021-06-15,2026-05-31,true,"
    "2.5,12.5,,false",
    "E3,Cas Smit,mbox_sha1sum:" + "a" * 40 + "|openid:https://id.x.example/cas,Sales,DACH,E1,Account executive,"
    "Utrecht,2022-01-10,,,,,,",
]


def write_csv(folder: Path, rows: list[str], header: str = HEADER, name: str = "roster.csv") -> Path:
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def lake_rows(settings: Settings, sql: str) -> list[tuple]:
    con = lake.connect(settings, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def refused(settings: Settings, path: Path, mapping=None) -> list[str]:
    with pytest.raises(RosterInvalid) as caught:
        import_roster(settings, path, mapping)
    return [str(p) for p in caught.value.problems]


def test_import_stores_employees_identities_as_actor_keys_and_attributes(settings: Settings, tmp_path: Path) -> None:
    summary = import_roster(settings, write_csv(tmp_path, GOOD))

    assert (summary.employees, summary.identities) == (3, 5)
    roster = lake_rows(
        settings,
        "SELECT employee_id, manager_id, termination_date::VARCHAR, exit_voluntary, "
        "attributes FROM lake.raw.roster ORDER BY employee_id",
    )
    assert [r[:4] for r in roster] == [
        ("E1", None, None, None),
        ("E2", "E1", "2026-05-31", True),
        ("E3", "E1", None, None),
    ]
    assert json.loads(roster[0][4]) == {
        "satisfaction": 4.2,
        "overtime_hours": 3,
        "last_promotion_date": "2023-01-01",
        "leaderboard_opt_in": True,
    }
    assert json.loads(roster[2][4]) == {}
    keys = lake_rows(settings, "SELECT employee_id, actor_key FROM lake.raw.roster_identities ORDER BY 1, 2")
    # The same strings the sink writes for statements from these people.
    assert keys == sorted(
        [
            ("E1", actor_key({"mbox": "mailto:anna@x.example"})),
            ("E1", actor_key({"account": {"homePage": "https://lms.x.example", "name": "u1"}})),
            ("E2", actor_key({"mbox": "mailto:bram@x.example"})),
            ("E3", actor_key({"mbox_sha1sum": "a" * 40})),
            ("E3", actor_key({"openid": "https://id.x.example/cas"})),
        ]
    )


def test_identities_are_stored_as_the_pseudonyms_the_sink_writes_when_pseudonymisation_is_on(
    settings: Settings, tmp_path: Path
) -> None:
    keyed = settings.model_copy(update={"pseudonymisation_key": "k3y-for-this-test"})
    import_roster(keyed, write_csv(tmp_path, GOOD[:1]))

    keys = {r[0] for r in lake_rows(settings, "SELECT actor_key FROM lake.raw.roster_identities")}
    assert keys == {
        pseudonymous_key(actor_key({"mbox": "mailto:anna@x.example"}), "k3y-for-this-test"),
        pseudonymous_key(
            actor_key({"account": {"homePage": "https://lms.x.example", "name": "u1"}}), "k3y-for-this-test"
        ),
    }
    assert not any("anna@" in key for key in keys)


def test_reimport_is_a_new_version_and_history_is_kept(settings: Settings, tmp_path: Path) -> None:
    first = import_roster(settings, write_csv(tmp_path, GOOD))
    second = import_roster(settings, write_csv(tmp_path, GOOD[:2], name="later.csv"))

    imports = lake_rows(settings, "SELECT import_id, employee_count FROM lake.raw.roster_imports ORDER BY imported_at")
    assert imports == [(first.import_id, 3), (second.import_id, 2)]
    per_import = dict(lake_rows(settings, "SELECT import_id, count(*) FROM lake.raw.roster GROUP BY 1"))
    assert per_import == {first.import_id: 3, second.import_id: 2}


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (GOOD[0].replace("E1,Anna", "E2,Anna"), "row 2, column 'employee_id': duplicate employee id 'E2'"),
        (GOOD[0].replace(",,Team lead", ",E9,Team lead"), "row 2, column 'manager_id': unknown manager id 'E9'"),
        (
            GOOD[0].replace("2019-03-01", "01/03/2019"),
            "row 2, column 'hire_date': bad date '01/03/2019': expected the format %Y-%m-%d",
        ),
        (
            GOOD[0].replace("2019-03-01,,", "2019-03-01,2018-01-01,"),
            "row 2, column 'termination_date': termination 2018-01-01 lies before hire 2019-03-01",
        ),
        (
            GOOD[0].replace("mailto:anna@x.example", "anna@x.example"),
            "row 2, column 'identities': identity 'anna@x.example' has no known format",
        ),
        (
            GOOD[0].replace("account:https://lms.x.example::u1", "account:lms::u1"),
            "row 2, column 'identities': identity 'account:lms::u1': "
            "an account identity is account:<homePage URL>::<name>",
        ),
        (GOOD[0].replace("mailto:anna@x.example", "mailto:bram@x.example"), "already belongs to employee 'E1'"),
        (
            GOOD[0].replace("2019-03-01,,", "2019-03-01,,maybe"),
            "row 2, column 'exit_voluntary': 'maybe' is neither a yes",
        ),
        (
            GOOD[0].replace(",,Team lead", ",E1,Team lead"),
            "row 2, column 'manager_id': an employee cannot be their own manager",
        ),
    ],
)
def test_each_rule_refuses_the_whole_file_naming_row_column_and_rule(
    settings: Settings, tmp_path: Path, row: str, expected: str
) -> None:
    problems = refused(settings, write_csv(tmp_path, [row, *GOOD[1:]]))

    assert any(expected in p for p in problems), problems
    assert not lake.exists(settings) or lake_rows(settings, "SELECT count(*) FROM lake.raw.roster") == [(0,)]


def test_missing_identity_column_is_a_file_level_problem(settings: Settings, tmp_path: Path) -> None:
    header = HEADER.replace("identities,", "email,")
    problems = refused(settings, write_csv(tmp_path, GOOD, header=header))

    assert problems == ["file, column 'identities': required column for identities is missing from the header"]


def test_mapping_renames_columns_reformats_dates_and_builds_identities(settings: Settings, tmp_path: Path) -> None:
    export = tmp_path / "hris.csv"
    export.write_text(
        "Personnel no;Full name;Work e-mail;LMS login;Org unit;Manager no;Entry date;Exit date;Exit reason;Engagement\n"
        "100;Dirk Bakker;dirk@x.example;d100;Finance;;01.02.2020;;;7\n"
        "101;Eva Mulder;eva@x.example;e101;Finance;100;15.09.2021;30.04.2026;resignation;5\n"
    )
    mapping_file = tmp_path / "map.yml"
    mapping_file.write_text(
        "delimiter: ';'\n"
        "columns:\n"
        "  employee_id: Personnel no\n  display_name: Full name\n  identities: [Work e-mail, LMS login]\n"
        "  department: Org unit\n  manager_id: Manager no\n  hire_date: Entry date\n"
        "  termination_date: Exit date\n  exit_voluntary: Exit reason\n"
        "identity_templates:\n  Work e-mail: 'mailto:{value}'\n  LMS login: 'account:https://lms.x.example::{value}'\n"
        "date_format: '%d.%m.%Y'\n"
        "true_values: [resignation]\nfalse_values: [dismissal]\n"
        "attributes:\n  satisfaction: Engagement\n"
    )

    summary = import_roster(settings, export, load_mapping(mapping_file))

    assert summary.identities == 4
    rows = lake_rows(
        settings,
        "SELECT employee_id, department, manager_id, hire_date::VARCHAR, exit_voluntary, "
        "attributes->>'satisfaction' FROM lake.raw.roster ORDER BY 1",
    )
    assert rows == [
        ("100", "Finance", None, "2020-02-01", None, "7"),
        ("101", "Finance", "100", "2021-09-15", True, "5"),
    ]
    assert ("101", "account:https://lms.x.example::e101") in lake_rows(
        settings, "SELECT employee_id, actor_key FROM lake.raw.roster_identities"
    )


def test_cli_prints_every_problem_and_exits_1(settings: Settings, tmp_path: Path) -> None:
    bad = write_csv(tmp_path, [GOOD[0].replace("2019-03-01", "2019-13-01"), GOOD[1].replace("E2,", "E1,")])
    env = {
        "LEERSTROOM_DATA_DIR": str(settings.data_dir),
        "LEERSTROOM_LRS_DATABASE": settings.lrs_database,
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-m", "leerstroom.cli.main", "roster", "import", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )

    assert done.returncode == 1
    assert "row 2, column 'hire_date': bad date '2019-13-01'" in done.stderr
    assert "row 3, column 'employee_id': duplicate employee id 'E1'" in done.stderr
    assert "nothing imported" in done.stderr
