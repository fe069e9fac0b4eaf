"""Disclosure control: the one place that decides which aggregate a role may see.

Outside the HR-analyst role no figure may describe fewer than k people, either on its
own or as the difference between two figures a reader can see. Every aggregate the
dashboards show (pages, CSV downloads, and any briefing built on the same queries)
comes out of one of the three shapes below, and each shape has its rules here:

- **Person-period rows** (`Microdata`: one row per person and week, say). A reader
  filters and groups them freely, so the set of figures is unbounded, and a rule on
  the size of each figure alone cannot stop differencing: the unit with and without
  one location differs by the people the filter left out. Instead, per period, the
  groups a figure may describe are fixed in advance (`catalogue`): the organisation,
  each value of each dimension, and each of those split by the breakdown (engagement
  segment). A group is published only when it has at least k people and, for each
  kind of group, the published ones lying inside it (the teams of a department, a
  team that happens to sit in one location) leave 0 or at least k of its people
  unaccounted for (secondary suppression; one of them alone is the two-figure case).
  A filtered figure is shown only when, in every period it covers, its people are
  exactly one published group (`aggregate`). Two nested figures then differ, period
  by period, by nothing or by at least k people.
- **Unit tables** (`unit_table`): marts with a row per organisation, department and
  team. Which marts these are, and which of their columns name the unit, the period and
  its people, each mart declares in its model's YAML (`meta.disclosure`, read through
  transform/marts.py); a mart that declares nothing is shown to no one. The same rules
  run over the unit hierarchy, once for the people of a unit and once for its managers:
  a figure about a team's managers (T4, manager participation) is a figure about one
  person when the team has one lead. A derived
  figure (the LCI, a change on the period before) is hidden with what it is made of. A month's change split by
  who was in the unit (mart_lci_unit_month: stayers, arrivals, departures) is shown only where each of those
  groups is 0 or at least k: the stayers' change is the unit's less what a handful of comers and goers did.
- **Event breakdowns** (`event_breakdowns`): rows that are not one per person (a
  person's statements per day and verb). A category (a day, a verb) needs k distinct
  people, and so do the categories hidden together, the rest of the total once one
  category is taken out, and a category that lies wholly inside another.

Left as they are, for every role that may open their page: figures of the whole
organisation that no reader can narrow down. These are the retention model's quality per
backtest cutoff (its snapshots and exits in the organisation, AUC, Brier) and its term
weights, on the model page (HR analysts and admins); the filter choices of the explorer
(the names of departments, teams, managers, job roles and locations, as the organisation
chart has them: which of them shows figures is decided here); and the time of the newest
statement. A figure per unit or per tenth of risk always goes through a function here.

HR analysts read individual-level data (METRICS.md, Privacy), so for them (the
`unrestricted` audience) every function returns figures unchanged. Nothing here uses
Streamlit: the dashboards cache these results per snapshot and audience in
`dashboards.queries`, and a briefing can call the same functions on a lake connection.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from dashboards.deep_dives import SUB_SCORES
from dashboards.roles import HR_ANALYST
from transform import marts as mart_contracts
from transform.marts import Disclosure

log = logging.getLogger(__name__)

UNRESTRICTED = "unrestricted"

# What is derived from the sub-scores of the Learning Culture Index (dashboards.deep_dives.SUB_SCORES).
DERIVED_FROM_SUB_SCORES = ("lci", "lci_change")
# Figures about a unit's managers rather than its people; a team has one lead, so these describe one person.
ABOUT_MANAGERS = frozenset(
    {"t4_leadership_active", "managers_learning", "manager_touchpoints", "touchpoints_per_report"}
)
# A month's change split by who was in the unit (mart_lci_unit_month): the people there both months (stayers), those
# who arrived and those who departed, each also split by how. Each group is a partition of a figure a reader sees
# (the headcount, the month before's headcount, or arrived/departed), so its parts are shown together or not at all.
POPULATION_PARTS = (
    ("stayers", "arrived"),
    ("stayers", "departed"),
    ("arrived", "joined_organisation", "moved_in"),
    ("departed", "left_organisation", "moved_out"),
)
# The change's parts: the stayers' own change and what the arrivals, departures and coverage did.
CHANGE_SPLIT = ("behaviour_change", "composition_change", "coverage_change")
# A unit table's column naming, per row, the figures emptied here: measured, but not to be shown to this role.
WITHHELD = "withheld"
ORGANISATION = "organisation"
UNIT_PARENT_SEPARATOR = " / "  # team units are named "<department> / <team>"

_NULL = "⟂null"  # how a missing dimension value is keyed (the SQL IN of a filter never selects it)
_ALL = "⟂all"  # the breakdown part of a whole group
_SPLIT = "⟂split"  # family key of a group's breakdown parts


def sees_individuals(role: str) -> bool:
    """Only HR analysts see rows about one person (risk lists, reasons, named leaderboards)."""
    return role == HR_ANALYST


def audience(role: str) -> str:
    """What a role may read, and the cache partition it reads from: analysts see everything, every other role the
    suppressed view, each role in a partition of its own so cached results never cross roles."""
    return UNRESTRICTED if role == HR_ANALYST else f"suppressed:{role}"


def disclosure(mart: str) -> Disclosure | None:
    """How a mart may be shown, as its model declares it; None for a table that declares nothing (shown to no one)."""
    contract = mart_contracts.marts().get(mart)
    return contract.disclosure if contract is not None else None


def is_person_level(mart: str) -> bool:
    """Whether the mart's rows are about one person each (or repeat a person): HR analysts only."""
    declared = disclosure(mart)
    return declared is None or declared.shape in ("people", "events")


# --- the rule every shape shares ------------------------------------------------------------------------------


def suppress(
    sizes: Mapping[Any, int], edges: Iterable[tuple[Any, Any, Any]], k: int, hidden_already: Iterable[Any] = ()
) -> set:
    """Which groups to hide. `sizes`: group -> people; `edges`: (child, parent, family) where the child lies in the
    parent, and the children of one family under one parent are disjoint; `hidden_already`: hidden for another
    reason. Returns the hidden groups (see `_suppress`).
    """
    keys = list(sizes)
    code = {key: i for i, key in enumerate(keys)}
    frame = pd.DataFrame(
        [(code[c], code[p], f) for c, p, f in edges if c in code and p in code], columns=["child", "parent", "family"]
    )
    frame["family"] = pd.factorize(frame["family"])[0]
    frame = frame.astype("int64")
    initially = pd.Series(False, index=range(len(keys)))
    initially[[code[key] for key in hidden_already if key in code]] = True
    hidden = _suppress(pd.Series([int(sizes[key]) for key in keys], dtype="int64"), frame, k, initially)
    return {keys[i] for i in hidden}


def _suppress(n: pd.Series, edges: pd.DataFrame, k: int, hidden_already: pd.Series | None = None) -> set[int]:
    """The rule itself, over groups numbered 0.. (`n`: people per group; `edges`: integer child, parent, family).

    A group under k is hidden. Where the visible children of one family leave 1..k-1 of their parent's people
    unaccounted for, the smallest of them is hidden too, until nothing changes. That covers one child alone: the
    parent minus one visible child is what is left plus the other visible children, each 0 or at least k.
    """
    hidden = (n < k).to_numpy(copy=True)
    if hidden_already is not None:
        hidden |= hidden_already.to_numpy()
    edges = edges[edges["child"] != edges["parent"]].drop_duplicates()
    edges = edges[~hidden[edges["child"].to_numpy()] & ~hidden[edges["parent"].to_numpy()]].copy()
    edges["n_child"] = n.to_numpy()[edges["child"].to_numpy()]
    edges["n_parent"] = n.to_numpy()[edges["parent"].to_numpy()]
    while not edges.empty:
        edges = edges[~hidden[edges["child"].to_numpy()] & ~hidden[edges["parent"].to_numpy()]]
        sums = edges.groupby(["parent", "family"], sort=False).agg(
            covered=("n_child", "sum"), n_parent=("n_parent", "first")
        )
        left = sums["n_parent"] - sums["covered"]
        short = sums[(left > 0) & (left < k)].reset_index()[["parent", "family"]]
        if short.empty:
            break
        candidates = edges.merge(short, on=["parent", "family"])
        smallest = candidates.sort_values(["n_child", "child"]).drop_duplicates(["parent", "family"])["child"]
        hidden[smallest.to_numpy()] = True
    return set(map(int, hidden.nonzero()[0]))


# --- person-period rows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Microdata:
    """One row per person and period, behind every aggregate of one source."""

    relation: str  # a table name or a parenthesised query
    person: str  # the column naming the person
    period: str  # the column of the period (a week, a scoring date)
    dimensions: tuple[str, ...]  # the columns a view may filter or group by
    breakdown: str | None = None  # a column a view may count people by inside a group (engagement segment)

    def groupable(self) -> tuple[str, ...]:
        return (*self.dimensions, self.period, *((self.breakdown,) if self.breakdown else ()))


def _fingerprint(person: str) -> str:
    # The set of people a group holds, as comparable integers: its size and two sums of 64-bit hashes.
    return (
        f"count(*) AS n, (sum(hash({person}))::HUGEINT % 9223372036854775807)::BIGINT AS fa, "
        f"(bit_xor(hash({person} || '#')) >> 1)::BIGINT AS fb"
    )


def _keyed(column: str) -> str:
    return f"coalesce(CAST({column} AS VARCHAR), '{_NULL}')"


def _rows(source: Microdata) -> str:
    part = _keyed(source.breakdown) if source.breakdown else f"'{_ALL}'"
    dims = "".join(f", {_keyed(d)} AS d{i}" for i, d in enumerate(source.dimensions))
    return (
        f"(SELECT {source.period}::VARCHAR AS period, {source.person} AS person, {part} AS part{dims} "
        f"FROM {source.relation})"
    )


def _grouped(source: Microdata, columns: str) -> str:
    """Group by `columns` within each period, and also by breakdown part when the source has one."""
    if source.breakdown is None:
        return f"GROUP BY period, {columns}part"
    return f"GROUP BY GROUPING SETS ((period, {columns}part), (period{', ' + columns[:-2] if columns else ''}))"


def catalogue(con: duckdb.DuckDBPyConnection, source: Microdata, k: int) -> pd.DataFrame:
    """The groups that may be published: one row per period and group (`period`, and the fingerprint `n`, `fa`,
    `fb` of its people). See the module docstring for the rule.

    Each group is first known by its label (period, dimension, value, breakdown part); labels with the same
    people are one group, shown or hidden together. How two labels nest is read from how many people they share.
    """
    rows = _rows(source)
    labelled = [("*", "'*'", ""), *[(d, f"d{i}", f"d{i}, ") for i, d in enumerate(source.dimensions)]]
    singles = " UNION ALL ".join(
        f"SELECT period, '{label}' AS dim, {value} AS value, coalesce(part, '{_ALL}') AS part, "
        f"{_fingerprint('person')} FROM {rows} {_grouped(source, columns)}"
        for label, value, columns in labelled
    )
    pairs = " UNION ALL ".join(
        f"SELECT period, '{a}' AS dim_a, d{i} AS value_a, '{b}' AS dim_b, d{j} AS value_b, "
        f"coalesce(part, '{_ALL}') AS part, count(*) AS c FROM {rows} {_grouped(source, f'd{i}, d{j}, ')}"
        for i, a in enumerate(source.dimensions)
        for j, b in enumerate(source.dimensions)
        if i < j
    ) or (
        "SELECT NULL::VARCHAR AS period, NULL::VARCHAR AS dim_a, NULL::VARCHAR AS value_a, NULL::VARCHAR AS dim_b, "
        "NULL::VARCHAR AS value_b, NULL::VARCHAR AS part, 0 AS c WHERE FALSE"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE disclosure_labels AS WITH singles AS ({singles}), "
        f"groups AS (SELECT DISTINCT period, n, fa, fb FROM singles) "
        f"SELECT singles.*, dense_rank() OVER (ORDER BY period, n, fa, fb) - 1 AS id "
        f"FROM singles JOIN groups USING (period, n, fa, fb)"
    )
    try:
        groups = con.execute("SELECT DISTINCT id, period, n, fa, fb FROM disclosure_labels ORDER BY id").df()
        edges = con.execute(f"""
            WITH labels AS (SELECT * FROM disclosure_labels),
            pairs AS ({pairs}),
            both_ways AS (
                SELECT period, dim_a, value_a, dim_b, value_b, part, c FROM pairs
                UNION ALL SELECT period, dim_b, value_b, dim_a, value_a, part, c FROM pairs
            ),
            nested AS (  -- every group lies in the organisation, in its share of its category, and in its whole
                SELECT g.id AS child, o.id AS parent, g.dim || '|' || g.part AS family
                FROM labels g JOIN labels o ON o.period = g.period AND o.dim = '*' AND o.part = g.part
                WHERE g.dim <> '*'
                UNION ALL
                SELECT g.id, w.id, g.dim || '|{_SPLIT}'
                FROM labels g JOIN labels w ON w.period = g.period AND w.dim = g.dim AND w.value = g.value
                                          AND w.part = '{_ALL}'
                WHERE g.part <> '{_ALL}'
                UNION ALL
                SELECT g.id, o.id, g.dim || '|{_SPLIT}'
                FROM labels g JOIN labels o ON o.period = g.period AND o.dim = '*' AND o.part = '{_ALL}'
                WHERE g.dim <> '*' AND g.part <> '{_ALL}'
                UNION ALL  -- a group whose people (in its category, or all of them) all lie in another group
                SELECT a.id, b.id, p.dim_a || '|' || p.part
                FROM both_ways p
                JOIN labels a ON (a.period, a.dim, a.value, a.part) = (p.period, p.dim_a, p.value_a, p.part)
                JOIN labels b ON (b.period, b.dim, b.value, b.part) = (p.period, p.dim_b, p.value_b, p.part)
                WHERE a.n = p.c
                UNION ALL
                SELECT a.id, b.id, p.dim_a || '|{_SPLIT}'
                FROM both_ways p
                JOIN labels a ON (a.period, a.dim, a.value, a.part) = (p.period, p.dim_a, p.value_a, p.part)
                JOIN labels b ON (b.period, b.dim, b.value, b.part) = (p.period, p.dim_b, p.value_b, '{_ALL}')
                WHERE a.n = p.c AND p.part <> '{_ALL}'
            )
            SELECT DISTINCT nested.child, nested.parent, dense_rank() OVER (ORDER BY family) AS family
            FROM nested
            JOIN (SELECT DISTINCT id, n FROM labels) c ON c.id = nested.child
            JOIN (SELECT DISTINCT id, n FROM labels) p ON p.id = nested.parent
            WHERE nested.child <> nested.parent AND c.n >= {int(k)} AND p.n >= {int(k)}
        """).df()
    finally:
        con.execute("DROP TABLE IF EXISTS disclosure_labels")
    hidden = _suppress(groups["n"], edges.astype("int64"), k)
    shown = groups.drop(index=list(hidden)).drop(columns="id")
    return shown.reset_index(drop=True)


def filter_sql(
    source: Microdata, filters: Sequence[tuple[str, Sequence[Any]]], periods: tuple[Any, Any], alias: str = ""
) -> tuple[str, list]:
    clauses: list[str] = ["TRUE"]
    params: list[Any] = []
    prefix = f"{alias}." if alias else ""
    for dimension, values in filters:
        if dimension not in source.dimensions:
            raise ValueError(f"unknown filter dimension {dimension!r}")
        if values:
            clauses.append(f"{prefix}{dimension} IN ({', '.join('?' for _ in values)})")
            params.extend(values)
    first, last = periods
    if first is not None:
        clauses.append(f"{prefix}{source.period} >= ?")
        params.append(first)
    if last is not None:
        clauses.append(f"{prefix}{source.period} <= ?")
        params.append(last)
    return " AND ".join(clauses), params


def aggregate(
    con: duckdb.DuckDBPyConnection,
    source: Microdata,
    published: pd.DataFrame | None,
    *,
    measures: Mapping[str, str],
    by: str | None = None,
    filters: Sequence[tuple[str, Sequence[Any]]] = (),
    periods: tuple[Any, Any] = (None, None),
    order: str | None = None,
) -> pd.DataFrame:
    """Figures (`measures`: name -> SQL aggregate) over the filtered rows, one row per value of `by` (as `unit`).

    `published` is `catalogue(...)` for a suppressed audience and None for the unrestricted one. A row whose
    people are not one published group in every period it covers is left out; `.attrs["hidden"]` counts them.
    """
    if by is not None and by not in source.groupable():
        raise ValueError(f"cannot group by {by!r}")
    where, params = filter_sql(source, filters, periods)
    key = _keyed(by) if by else "'*'"
    figures = con.execute(
        f"SELECT {f'{by} AS unit, ' if by else ''}{key} AS group_key, "
        f"{', '.join(f'{sql} AS {name}' for name, sql in measures.items())} FROM {source.relation} WHERE {where} "
        f"GROUP BY ALL HAVING count(*) > 0{f' ORDER BY {order}' if order else ''}",
        params,
    ).df()
    hidden = 0
    if published is not None and not figures.empty:
        con.register("disclosure_published", published)
        try:
            shown = dict(
                con.execute(
                    f"WITH cells AS (SELECT {key} AS group_key, {source.period}::VARCHAR AS period, "
                    f"{_fingerprint(source.person)} FROM {source.relation} WHERE {where} GROUP BY ALL) "
                    f"SELECT group_key, bool_and(p.n IS NOT NULL) FROM cells LEFT JOIN disclosure_published p "
                    f"USING (period, n, fa, fb) GROUP BY group_key",
                    params,
                ).fetchall()
            )
        finally:
            con.unregister("disclosure_published")
        keep = figures["group_key"].map(lambda group: bool(shown.get(group, False)))
        hidden = int((~keep).sum())
        figures = figures[keep].reset_index(drop=True)
    figures = figures.drop(columns="group_key")
    figures.attrs["hidden"] = hidden
    return figures


# --- unit tables ----------------------------------------------------------------------------------------------


def _parent(level: str, name: str) -> str | None:
    if level == "team":
        return name.split(UNIT_PARENT_SEPARATOR, 1)[0] if UNIT_PARENT_SEPARATOR in name else None
    return ORGANISATION if level == "department" else None


def _hierarchy(units: pd.DataFrame, count: str, k: int, hidden_already: AbstractSet = frozenset()) -> set:
    """Hidden (level, name, period) keys of one population (`count` people per unit) over the unit hierarchy."""
    units = units.dropna(subset=[count])
    keys = list(zip(units["unit_level"], units["unit_name"], units["period"]))
    sizes = dict(zip(keys, units[count].astype(int)))
    flagged = {
        key
        for key, flag in zip(keys, units.get("is_suppressed", pd.Series(False, index=units.index)))
        if pd.isna(flag) or bool(flag)
    }
    edges = []
    for level, name, period in keys:
        at_level, at_name = level, name
        while (parent := _parent(at_level, at_name)) is not None:
            at_level, at_name = ("department" if at_level == "team" else ORGANISATION), parent
            edges.append(((level, name, period), (at_level, at_name, period), level))
    return suppress(sizes, edges, k, flagged | hidden_already) | flagged | hidden_already


def _periods(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.normalize()


def unit_visibility(tables: Mapping[str, pd.DataFrame], k: int) -> dict[str, pd.DataFrame]:
    """Per period column: each unit's people and managers hidden or not, decided once over every unit table.

    `tables`: mart name -> its rows; marts not declared as unit tables are passed over. A unit in a period reads the
    same in every table, so a figure hidden in one cannot be recovered from another. Managers are counted by the
    mart that declares a `managers` column.
    """
    by_period: dict[str, list[pd.DataFrame]] = {}
    managers = None
    for mart, rows in tables.items():
        declared = disclosure(mart)
        if declared is None or declared.shape != "units" or rows.empty:
            continue
        if declared.managers is not None:
            managers = (rows, declared)
        level, name = declared.unit or (None, None)
        by_period.setdefault(declared.period, []).append(
            pd.DataFrame(
                {
                    "unit_level": rows[level] if level else ORGANISATION,
                    "unit_name": rows[name] if name else ORGANISATION,
                    "period": _periods(rows[declared.period]),
                    "headcount": rows[declared.people[0]],
                    "is_suppressed": rows.get("is_suppressed", False),
                }
            )
        )
    result = {}
    for period, frames in by_period.items():
        units = (
            pd.concat(frames)
            .groupby(["unit_level", "unit_name", "period"], as_index=False)
            .agg(
                headcount=("headcount", "max"),
                is_suppressed=("is_suppressed", lambda s: s.isna().any() or s.fillna(True).astype(bool).any()),
            )
        )
        units["managers"] = _managers_of(units, managers)
        hidden_people = _hierarchy(units, "headcount", k)
        # A unit whose row is not shown shows no managers either: count them as hidden where others are subtracted.
        hidden_managers = _hierarchy(units.drop(columns="is_suppressed"), "managers", k, hidden_people)
        keys = list(zip(units["unit_level"], units["unit_name"], units["period"]))
        units["people_hidden"] = [key in hidden_people for key in keys]
        units["managers_hidden"] = [key in hidden_managers or pd.isna(m) for key, m in zip(keys, units["managers"])]
        result[period] = units
    return result


def _managers_of(units: pd.DataFrame, managers: tuple[pd.DataFrame, Disclosure] | None) -> pd.Series:
    """Managers per unit in the quarter its period falls in, from the mart that counts them (NA where unknown)."""
    if managers is None:
        return pd.Series(pd.NA, index=units.index, dtype="Float64")
    rows, declared = managers
    level, name = declared.unit
    counts = rows.assign(quarter=_periods(rows[declared.period])).set_index([level, name, "quarter"])[declared.managers]
    counts = counts[~counts.index.duplicated()]
    quarters = units["period"].dt.to_period("Q").dt.start_time
    keys = pd.MultiIndex.from_arrays([units["unit_level"], units["unit_name"], quarters])
    return pd.Series(counts.reindex(keys).to_numpy(), index=units.index, dtype="Float64")


def unit_table(
    rows: pd.DataFrame, audience_name: str, k: int, visibility: Mapping[str, pd.DataFrame], mart: str
) -> pd.DataFrame:
    """A unit mart's rows as `audience_name` may see them: hidden units dropped, figures about hidden managers and
    whatever is derived from a hidden figure emptied (and named in the row's `withheld` column, so that a page
    never calls them "not measured"). Rows of a mart not declared as unit table or unit pairs are refused."""
    if audience_name == UNRESTRICTED or rows.empty:
        return rows
    declared = disclosure(mart)
    if declared is not None and declared.shape == "unit_pairs":
        return _pair_table(rows, declared, k)
    if declared is None or declared.shape != "units" or declared.period not in visibility:
        log.warning("%s is not declared a unit table in its model's meta: shown to HR analysts only", mart)
        return rows.iloc[0:0]
    period = declared.period
    units = visibility[period].set_index(["unit_level", "unit_name", "period"])
    level_column, name_column = declared.unit or (None, None)
    level = rows[level_column] if level_column else pd.Series(ORGANISATION, index=rows.index)
    name = rows[name_column] if name_column else pd.Series(ORGANISATION, index=rows.index)
    keys = pd.MultiIndex.from_arrays([level, name, _periods(rows[period])])
    people_hidden = units["people_hidden"].reindex(keys).fillna(True).astype(bool).to_numpy()
    managers_hidden = units["managers_hidden"].reindex(keys).fillna(True).astype(bool).to_numpy()
    shown = rows.copy()
    emptied = pd.DataFrame(False, index=shown.index, columns=shown.columns)
    for column in ABOUT_MANAGERS & set(shown.columns):
        emptied[column] = managers_hidden & shown[column].notna().to_numpy()
    measured = [score for score in SUB_SCORES if score in shown.columns]
    any_score_emptied = emptied[measured].any(axis=1) if measured else pd.Series(False, index=shown.index)
    for column in DERIVED_FROM_SUB_SCORES:
        if column in shown.columns:
            emptied[column] = any_score_emptied & shown[column].notna()
    _empty_changes(shown, emptied, people_hidden, level, name, period)
    if "lci_change" in shown.columns and set(CHANGE_SPLIT) <= set(shown.columns):
        _empty_population_split(shown, emptied, k)
    for column in emptied.columns[emptied.any()]:
        shown[column] = shown[column].mask(emptied[column])
    if emptied.any().any():
        shown[WITHHELD] = [", ".join(emptied.columns[flags]) or None for flags in emptied.to_numpy()]
    return shown[~people_hidden].reset_index(drop=True)


def _empty_changes(
    rows: pd.DataFrame, emptied: pd.DataFrame, row_hidden, level: pd.Series, name: pd.Series, period: str
) -> None:
    """A change on the period before gives that period's figure away, given this one: empty it when either is hidden."""
    for column in [c for c in rows.columns if c.endswith("_change") and c[: -len("_change")] in rows.columns]:
        base = column[: -len("_change")]
        order = pd.DataFrame(
            {"level": level, "name": name, "period": rows[period], "hidden": emptied[base] | row_hidden}
        )
        order = order.sort_values("period")
        before = order.groupby(["level", "name"], sort=False)["hidden"].shift(1, fill_value=False)
        emptied[column] = emptied[column] | (
            (emptied[base] | before.reindex(rows.index).astype(bool)) & rows[column].notna()
        )


def _empty_population_split(rows: pd.DataFrame, emptied: pd.DataFrame, k: int) -> None:
    """Who stayed, arrived and departed, and the change's parts, shown only where none of them gives a group under k
    away. The stayers' change is the unit's change less what its arrivals and departures did: with 1..k-1 of either,
    the difference is about them. Shown only beside a shown change, so a unit whose index is withheld (a team's one
    lead) shows no split either."""
    counts = sorted({column for part in POPULATION_PARTS for column in part} & set(rows.columns))
    for i in rows.index:
        hidden = {c for c in counts if emptied.at[i, c] or (pd.notna(rows.at[i, c]) and 0 < rows.at[i, c] < k)}
        if emptied.at[i, "lci_change"] or pd.isna(rows.at[i, "lci_change"]):
            hidden = set(counts)
        changed = True
        while changed:
            changed = False
            for part in POPULATION_PARTS:
                if hidden & set(part) and not set(part) <= hidden:
                    hidden |= set(part)
                    changed = True
        if hidden & {"stayers", "arrived", "departed"}:
            hidden |= set(CHANGE_SPLIT)
        for column in hidden:
            if pd.notna(rows.at[i, column]):
                emptied.at[i, column] = True


def partition_table(rows: pd.DataFrame, audience_name: str, k: int, count: str) -> pd.DataFrame:
    """Rows that split one whole between them (the departments of the organisation, the tenths of a score), as
    `audience_name` may see them: each shown row has `count` of at least k, and the hidden rows together hold 0 or
    at least k, since the whole minus the shown rows would give them away."""
    if audience_name == UNRESTRICTED or rows.empty:
        return rows
    sizes = {"whole": int(rows[count].fillna(0).sum()), **{i: int(n) for i, n in rows[count].fillna(0).items()}}
    hidden = suppress(sizes, [(i, "whole", "rows") for i in rows.index], k)
    shown = rows.drop(index=[i for i in hidden if i != "whole"]).reset_index(drop=True)
    shown.attrs["hidden"] = len(rows) - len(shown)
    return shown


def _pair_table(rows: pd.DataFrame, declared: Disclosure, k: int) -> pd.DataFrame:
    """A team-by-team table: shown for a period only when every pair in it reaches k on both sides.

    Each team's totals are published elsewhere, so hiding some pairs would let the rest give them away; the
    people behind the hidden pairs cannot be counted from the table to prove otherwise.
    """
    period = declared.period
    fine = ~rows.get("is_suppressed", pd.Series(False, index=rows.index)).fillna(True).astype(bool)
    for column in declared.people:
        fine &= rows[column].fillna(0).astype(int) >= k
    whole_periods = fine.groupby(rows[period]).all()
    return rows[rows[period].map(whole_periods).astype(bool)].reset_index(drop=True)


# --- event breakdowns -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Breakdowns:
    """What of an event table may be published: the total, and per dimension the values (as text) that may be shown."""

    total: bool
    shown: dict[str, set[str]]

    def allows(self, dimension: str, value: str) -> bool:
        return self.total and value in self.shown.get(dimension, set())


def event_breakdowns(
    con: duckdb.DuckDBPyConnection, relation: str, person: str, dimensions: Sequence[str], k: int
) -> Breakdowns:
    """Which totals per value of each dimension (a day, a verb) may be shown over rows that repeat a person."""
    people = con.execute(f"SELECT count(DISTINCT {person}) FROM {relation}").fetchone()[0]
    sizes = {
        d: dict(con.execute(f"SELECT {d}, count(DISTINCT {person}) FROM {relation} GROUP BY 1").fetchall())
        for d in dimensions
    }
    as_text = {
        d: {
            value: str(text)
            for value, text in con.execute(f"SELECT DISTINCT {d}, CAST({d} AS VARCHAR) FROM {relation}").fetchall()
        }
        for d in dimensions
    }
    if people < k:
        return Breakdowns(False, {d: set() for d in dimensions})
    hidden = {d: {value for value, n in sizes[d].items() if n < k} for d in dimensions}

    def only(dimension: str, within: str | None = None) -> dict:
        """People whose rows (inside one value of `within`) all fall in one value of `dimension`."""
        outer = f"{within}, " if within else ""
        return {
            tuple(key): n
            for *key, n in con.execute(f"""
            SELECT {outer}single, count(*) FROM (
                SELECT {outer}{person}, min({dimension}) AS single FROM {relation} GROUP BY {outer}{person}
                HAVING count(DISTINCT {dimension}) = 1) GROUP BY ALL""").fetchall()
        }

    # The total without one value: the people who have rows elsewhere.
    for d in dimensions:
        for (value,), alone in only(d).items():
            if 0 < people - alone < k:
                hidden[d].add(value)
    # A value lying wholly inside a value of another dimension (a day with one verb): the rest of that one.
    for inner in dimensions:
        for outer in dimensions:
            if inner == outer:
                continue
            single_outer = dict(
                con.execute(
                    f"SELECT {inner}, min({outer}) FROM {relation} GROUP BY 1 HAVING count(DISTINCT {outer}) = 1"
                ).fetchall()
            )
            alone = only(inner, within=outer)  # (outer value, inner value) -> people with only that inner value
            for value, container in single_outer.items():
                rest = sizes[outer].get(container, 0) - alone.get((container, value), 0)
                if 0 < rest < k:
                    hidden[inner].add(value)
    # The hidden values of a dimension together, which the total minus the shown ones gives away.
    for d in dimensions:
        while hidden[d]:
            values = sorted(hidden[d], key=str)
            together = con.execute(
                f"SELECT count(DISTINCT {person}) FROM {relation} WHERE list_contains(?, {d})", [values]
            ).fetchone()[0]
            shown = {value: n for value, n in sizes[d].items() if value not in hidden[d]}
            if not (0 < together < k) or not shown:
                break
            hidden[d].add(min(shown, key=lambda value: (shown[value], str(value))))
    return Breakdowns(True, {d: {as_text[d][value] for value in set(sizes[d]) - hidden[d]} for d in dimensions})
