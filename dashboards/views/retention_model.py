"""The retention model (HR analysts and admins): how good it is, on which data, how calibrated, what drives it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import charts, frame, i18n, queries, roles

context = frame.start("retention-model", "model.title")
t, lang = context.t, context.viewer.language
if context.viewer.role not in (roles.HR_ANALYST, roles.ADMIN):
    # app.py offers this page to analysts and admins only; a reader who reaches it anyway sees nothing of it.
    st.info(t("model.not_for_role"))
    st.stop()
if not context.retention_scoring:
    st.info(t("model.switched_off"))
    st.stop()
model = queries.retention_model(context.catalog, context.snapshot_id)
if model is None:
    frame.not_yet(context, "retention_model_metrics")
    st.stop()


def share(value: float | None, decimals: int = 1) -> str:
    return i18n.percent(None if value is None or pd.isna(value) else float(value), lang, decimals)


def figure(value: float, low: float, high: float, decimals: int = 3) -> str:
    return t(
        "model.interval",
        value=i18n.number(value, lang, decimals),
        low=i18n.number(low, lang, decimals),
        high=i18n.number(high, lang, decimals),
    )


st.info(model["caveat"])
status = model["status"]
if status == "validated":
    st.success(t("model.status.validated"))
else:  # the transform's own words on what is missing or suspicious
    st.warning(t(f"model.status.{status}", note=model["note"]))
trained, scored = st.columns(2)
trained.metric(t("model.trained"), i18n.age(model["trained_at"], lang))
trained.caption(i18n.moment_text(model["trained_at"], lang))
if status == "validated":
    scored.metric(t("model.scored_people"), i18n.number(model["scored_people"], lang))
    scored.caption(t("model.scored_on", date=i18n.day(model["scored_snapshot_date"], lang)))

st.subheader(t("model.window"))
st.markdown(
    t(
        "model.window_text",
        first=i18n.month(model["first_snapshot_date"], lang),
        last=i18n.month(model["last_snapshot_date"], lang),
        snapshots=i18n.number(model["snapshots"], lang),
        labelled_first=i18n.month(model["first_labelled_date"], lang),
        labelled_last=i18n.month(model["last_labelled_date"], lang),
        labelled=i18n.number(model["labelled_rows"], lang),
        people=i18n.number(model["labelled_people"], lang),
        exits=i18n.number(model["labelled_exits"], lang),
        base_rate=share(model["base_rate"]),
    )
)
if pd.isna(model["hr_records_from"]):
    st.markdown(t("model.window_no_hr"))
else:
    st.markdown(
        t(
            "model.window_hr",
            first=i18n.day(model["hr_records_from"], lang),
            last=i18n.day(model["hr_records_until"], lang),
            share=share(model["snapshots_with_hr_record"] / model["snapshots"], 0),
        )
    )

backtest = queries.retention_backtest(context.catalog, context.snapshot_id)
if status == "too_short" or backtest.empty:
    st.stop()

st.subheader(t("model.figures"))
st.markdown(
    t(
        "model.figures_how",
        cutoffs=int(model["cutoffs"]),
        first=i18n.day(model["first_cutoff"], lang),
        last=i18n.day(model["last_cutoff"], lang),
        groups=int(model["person_groups"]),
    )
)
pooled = backtest[backtest["scope"] == "pooled"].iloc[0]
roc, pr, skill = st.columns(3)
roc.metric(t("model.roc_auc"), i18n.number(pooled["roc_auc"], lang, 3))
roc.caption(t("model.roc_auc_note", interval=figure(pooled["roc_auc"], pooled["roc_auc_low"], pooled["roc_auc_high"])))
pr.metric(t("model.pr_auc"), i18n.number(pooled["pr_auc"], lang, 3))
pr.caption(
    t(
        "model.pr_auc_note",
        interval=figure(pooled["pr_auc"], pooled["pr_auc_low"], pooled["pr_auc_high"]),
        base_rate=i18n.number(pooled["base_rate"], lang, 3),
    )
)
skill.metric(t("model.brier_skill"), share(pooled["brier_skill"]))
skill.caption(
    t(
        "model.brier_skill_note",
        low=share(pooled["brier_skill_low"]),
        high=share(pooled["brier_skill_high"]),
        brier=i18n.number(pooled["brier"], lang, 4),
        reference=i18n.number(pooled["brier_reference"], lang, 4),
    )
)
per_cutoff = pd.DataFrame(
    {
        "cutoff_date": backtest["cutoff_date"].map(lambda d: t("model.pooled") if pd.isna(d) else i18n.day(d, lang)),
        "trained_on": [
            t("model.trained_on", start=i18n.month(r.train_start, lang), end=i18n.month(r.train_end, lang))
            for r in backtest.itertuples()
        ],
        "people": backtest["people"],
        "exits": backtest["exits"],
        "expected_exits": backtest["expected_exits"].round(1),
        "roc_auc": [figure(r.roc_auc, r.roc_auc_low, r.roc_auc_high) for r in backtest.itertuples()],
        "pr_auc": [figure(r.pr_auc, r.pr_auc_low, r.pr_auc_high) for r in backtest.itertuples()],
        "base_rate": backtest["base_rate"].round(3),
        "brier_skill": [
            figure(100 * r.brier_skill, 100 * r.brier_skill_low, 100 * r.brier_skill_high, 1)
            for r in backtest.itertuples()
        ],
    }
)
frame.table(context, per_cutoff, "retention_backtest")

st.subheader(t("model.calibration"))
st.markdown(
    t(
        "model.calibration_how",
        intercept=i18n.number(model["calibration_intercept"], lang, 2),
        slope=i18n.number(model["calibration_slope"], lang, 2),
    )
)
calibration = queries.retention_calibration(context.catalog, context.snapshot_id, context.viewer.audience, context.k)
if calibration.empty:
    st.info(t("table.empty_after_suppression", k=context.k))
else:
    charts.calibration(calibration, predicted_title=t("model.predicted"), observed_title=t("model.observed"))
    frame.table(context, calibration, "retention_calibration")
st.markdown(t("model.departments"))
departments = queries.retention_department_exits(
    context.catalog, context.snapshot_id, context.viewer.audience, context.k
)
if departments.empty:
    st.info(t("table.empty_after_suppression", k=context.k))
else:
    frame.table(context, departments, "retention_department_exits")

st.subheader(t("model.bands"))
st.markdown(
    t(
        "model.bands_how",
        base_rate=share(model["base_rate"]),
        high=i18n.number(model["high_ratio"], lang, 1),
        medium=i18n.number(model["medium_ratio"], lang, 1),
        high_rate=share(model["base_rate"] * model["high_ratio"]),
        medium_rate=share(model["base_rate"] * model["medium_ratio"]),
    )
)
if status == "validated":
    st.markdown(
        t(
            "model.bands_now",
            high=i18n.number(model["high_band_people"], lang),
            medium=i18n.number(model["medium_band_people"], lang),
            people=i18n.number(model["scored_people"], lang),
        )
    )

st.subheader(t("model.features"))
st.markdown(t("model.features_how"))
effects = queries.retention_feature_effects(context.catalog, context.snapshot_id)
if not effects.empty:
    charts.signed_bars(
        effects, "description", "coefficient", category_title=t("model.term"), value_title=t("model.coefficient")
    )
    frame.table(context, effects.drop(columns=["term"]).round(3), "retention_feature_effects")
