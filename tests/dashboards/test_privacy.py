"""The privacy rules as SQL: who sees individuals, the floors of small groups, and cache partitions per role."""

from __future__ import annotations

import duckdb

from dashboards import privacy

ROLES = ("executive", "hr_analyst", "admin")


def test_each_role_reads_from_its_own_cache_partition_and_only_analysts_unrestricted() -> None:
    audiences = {role: privacy.audience(role) for role in ROLES}

    assert len(set(audiences.values())) == len(ROLES)
    assert [role for role, name in audiences.items() if name == privacy.UNRESTRICTED] == ["hr_analyst"]
    assert [role for role in ROLES if privacy.sees_individuals(role)] == ["hr_analyst"]


def test_unit_filter_drops_units_under_k_and_flagged_units_outside_analysts() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE units AS SELECT * FROM (VALUES ('a', 4, FALSE), ('b', 5, FALSE), ('c', 9, TRUE), "
                "('d', 12, NULL)) t(unit_name, headcount, is_suppressed)")
    columns = ("unit_name", "headcount", "is_suppressed")

    def kept(audience: str) -> list[str]:
        condition = privacy.unit_filter(audience, 5, columns)
        return [row[0] for row in con.execute(f"SELECT unit_name FROM units WHERE {condition} ORDER BY 1").fetchall()]

    assert kept(privacy.audience("executive")) == ["b"]  # an unknown flag counts as suppressed
    assert kept(privacy.audience("hr_analyst")) == ["a", "b", "c", "d"]
    assert privacy.group_floor(privacy.audience("admin"), 5) == 5
    assert privacy.group_floor(privacy.audience("hr_analyst"), 5) == 1


def test_rows_naming_a_person_are_person_level() -> None:
    assert privacy.is_person_level(("employee_id", "badges"))
    assert privacy.is_person_level(("display_name", "team"))
    assert not privacy.is_person_level(("helper_team", "helped_team", "replies", "is_suppressed"))
