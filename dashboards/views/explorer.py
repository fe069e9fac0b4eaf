"""HR explorer: filter the organisation, compare units, drill down to teams and people, segments and retention risk."""

from __future__ import annotations

import functools
from datetime import timedelta

import streamlit as st

from dashboards import charts, frame, i18n, privacy, queries
from dashboards.queries import DIMENSIONS

context = frame.start("explorer", "explorer.title")
t, lang, audience = context.t, context.viewer.language, context.viewer.audience
if not context.has("mart_engagement_weekly"):
    frame.not_yet(context, "mart_engagement_weekly")
    st.stop()

options = queries.explorer_options(context.catalog, context.snapshot_id)
names = options["manager_names"]


def dimension_label(dimension: str, value: object) -> str:
    return names.get(value, str(value)) if dimension == "manager_id" else str(value)


if not privacy.sees_individuals(context.viewer.role):
    st.caption(t("privacy.whole_units_note", k=context.k))

selected = {}
filter_columns = st.columns([1] * len(DIMENSIONS) + [2])  # a date range needs room for two dates
for column, dimension in zip(filter_columns, DIMENSIONS):
    selected[dimension] = column.multiselect(
        t(f"dim.{dimension}"),
        options[dimension],
        key=f"filter-{dimension}",
        format_func=functools.partial(dimension_label, dimension),
    )
first_week, last_week = options["weeks"]
period = filter_columns[-1].date_input(
    t("explorer.period"),
    value=(first_week, last_week),
    min_value=first_week,
    max_value=last_week + timedelta(days=6),
    key="filter-period",
)
week_from, week_to = period if isinstance(period, tuple) and len(period) == 2 else (first_week, last_week)
filters = tuple((dimension, tuple(values)) for dimension, values in selected.items() if values)
args = (context.catalog, context.snapshot_id, audience, context.k, filters, week_from, week_to)
st.caption(t("explorer.period_line", start=i18n.day(week_from, lang), end=i18n.day(week_to, lang)))

st.subheader(t("explorer.compare"))
by = st.selectbox(t("explorer.compare_by"), DIMENSIONS, format_func=lambda d: t(f"dim.{d}"), key="compare-by")
comparison = queries.unit_comparison(*args, by=by)
if comparison.empty:
    st.info(t("table.empty_after_suppression", k=context.k))
else:
    comparison["unit"] = [dimension_label(by, value) for value in comparison["unit"]]
    charts.bars(
        comparison,
        "unit",
        "avg_engagement_index",
        category_title=t(f"dim.{by}"),
        value_title=t("overview.engagement_index"),
        zero_to_hundred=True,
    )
    frame.table(context, comparison, f"comparison_by_{by}", filters=(filters, week_from, week_to))

st.subheader(t("explorer.trend"))
trend = queries.engagement_trend(*args)
if trend.empty:
    st.info(t("table.empty_after_suppression", k=context.k))
else:
    charts.trend(
        trend,
        "week_start",
        "avg_engagement_index",
        x_title=t("axis.week"),
        y_title=t("overview.engagement_index"),
        zero_to_hundred=True,
    )
    frame.hidden_note(context, trend)

st.subheader(t("explorer.drill"))
all_units = t("explorer.all")
drill_department, drill_team = st.columns(2)
department = drill_department.selectbox(
    t("dim.department"), [all_units, *options["department"]], key="drill-department"
)
team = all_units
if department != all_units:
    team = drill_team.selectbox(
        t("dim.team"), [all_units, *options["teams_by_department"].get(department, [])], key="drill-team"
    )
drill_filters = dict(filters)
if department != all_units:
    drill_filters["department"] = (department,)
if team != all_units:
    drill_filters["team"] = (team,)
drill_args = (
    context.catalog,
    context.snapshot_id,
    audience,
    context.k,
    tuple(drill_filters.items()),
    week_from,
    week_to,
)
if team != all_units:
    st.markdown(t("explorer.level_people", team=team))
    if privacy.sees_individuals(context.viewer.role):
        people = queries.people(
            context.catalog, context.snapshot_id, audience, tuple(drill_filters.items()), week_from, week_to
        )
        frame.table(
            context, people, "people", individual=True, filters=(tuple(drill_filters.items()), week_from, week_to)
        )
    else:
        st.info(t("privacy.individuals_hidden"))
        team_row = queries.unit_comparison(*drill_args, by="team")
        if team_row.empty:
            st.info(t("table.empty_after_suppression", k=context.k))
        else:
            frame.table(context, team_row, "team_summary")
else:
    level = "team" if department != all_units else "department"
    st.markdown(t("explorer.level_units", level=t(f"dim.{level}")))
    units = queries.unit_comparison(*drill_args, by=level)
    if units.empty:
        st.info(t("table.empty_after_suppression", k=context.k))
    else:
        frame.table(context, units, f"drill_{level}")

st.subheader(t("explorer.segments"))
segment_rows = queries.segments(*args)
if segment_rows.empty:
    st.info(t("table.empty_after_suppression", k=context.k))
else:
    segment_rows["segment_label"] = [t(f"segment.{segment}") for segment in segment_rows["segment"]]
    charts.segment_bars(segment_rows, segment_title=t("explorer.segment"), people_title=t("explorer.people"))
    frame.table(context, segment_rows[["segment", "segment_label", "people", "week_start"]], "segments")

if context.retention_scoring and context.has("retention_scores"):
    st.subheader(t("explorer.risk"))
    if privacy.sees_individuals(context.viewer.role):
        st.caption(t("explorer.risk_note"))
        st.page_link("views/retention_model.py", label=t("model.link"), icon=":material/query_stats:")
        risk = queries.risk_list(context.catalog, context.snapshot_id, audience, filters)
        frame.table(context, risk, "retention_risk", individual=True, filters=filters)
    else:
        st.info(t("privacy.individuals_hidden"))
elif (
    context.retention_scoring
    and context.has("retention_model_metrics")
    and privacy.sees_individuals(context.viewer.role)
):
    st.subheader(t("explorer.risk"))
    st.info(t("explorer.risk_not_scored"))
    st.page_link("views/retention_model.py", label=t("model.link"), icon=":material/query_stats:")
