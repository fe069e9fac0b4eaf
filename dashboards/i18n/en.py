"""English messages of the dashboards."""

SCORES = {
    "t1_continuous_learning": (
        "T1 Continuous learning",
        "Share of people active in at least 9 of the last 13 weeks.",
        "Learning that happens every few weeks, not once a year, is what keeps skills current; "
        "this sub-score is the share of headcount active in at least 9 of the last 13 weeks.",
    ),
    "t2_development_facilitated": (
        "T2 Development facilitated",
        "People with a path or goal, and how soon assigned learning starts.",
        "Development is facilitated when people have a learning path or a goal, and when "
        "assigned learning starts soon: the share with a path or goal, and the median days "
        "from assignment to first launch (fewer is better).",
    ),
    "t3_mistakes_as_learning": (
        "T3 Mistakes as learning",
        "Failed attempts retried within 14 days, and passes after a fail.",
        "A culture that treats mistakes as learning retries: the share of failed attempts "
        "retried within 14 days and the eventual pass rate after a fail.",
    ),
    "t4_leadership_active": (
        "T4 Leadership active",
        "Managers who learn themselves, and their touchpoints with their people.",
        "People learn when their leaders do: the share of managers who learned this quarter "
        "and manager touchpoints (mentoring, assignments) per direct report.",
    ),
    "t5_diverse_resources": (
        "T5 Diverse resources",
        "How evenly people use video, audio, reading, quizzes, courses and live or social learning.",
        "Access to diverse resources shows in use: the mean normalised evenness (Shannon) of "
        "the six resource kinds (video, audio, reading, interactive, course, live/social) each "
        "learner uses; the kinds are fixed, so connecting another tool changes no score by "
        "itself.",
    ),
    "l1_microlearning": (
        "L1 Microlearning",
        "Share of short sessions and micro-items per active learner.",
        "Short learning fits into a working day: the share of sessions of at most 10 minutes (or "
        "media of at most 5 minutes) and micro-items per active learner.",
    ),
    "l2_gamification": (
        "L2 Gamification",
        "People earning badges or certificates, and badges per learner.",
        "Recognition motivates: the share of people earning at least one badge or certificate and "
        "badges per active learner. The leaderboard shows only people who opted in.",
    ),
    "l3_personalised_paths": (
        "L3 Personalised paths",
        "Path enrolment, progress, and uptake of recommendations.",
        "Personal paths give direction: path enrolment rate, median progress, and the share of "
        "launches within 7 days of a recommendation.",
    ),
    "l4_social_learning": (
        "L4 Social learning",
        "People who post or reply, replies per post, peer reviews.",
        "People learn from each other: the share who post or reply, replies per post and peer "
        "reviews per learner; the help network shows which teams help which.",
    ),
    "l5_tied_to_performance": (
        "L5 Tied to performance",
        "Goals linked to review cycles, and how many are completed.",
        "Learning that counts in performance conversations sticks: the share with a goal "
        "linked to a review cycle and the goal completion rate.",
    ),
}

MESSAGES = {
    "age.never": "never",
    "age.now": "just now",
    "age.minutes": "{count} min ago",
    "age.hours": "{count} h ago",
    "age.days": "{count} days ago",
    "signin.title": "Sign in",
    "signin.name": "User name",
    "signin.password": "Password",
    "signin.submit": "Sign in",
    "signin.intro": "Leerstroom's dashboards show learning data of your organisation; sign in with the account "
    "your administrator created for you.",
    "signin.throttled": "Too many failed sign-ins: try again in {seconds} s.",
    "signin.failed": "Sign-in failed: unknown user name or wrong password.",
    "signin.oidc": "Sign in with your organisation's account",
    "signin.oidc_unknown": "{email} is signed in with the identity provider but has no dashboard role; "
    "ask an administrator to add it with `leerstroom users add`.",
    "signin.oidc_unverified": "{email} is signed in with the identity provider, but the provider does not say the "
    "address is verified, so it cannot open the dashboards.",
    "access.not_for_role": "This page is not open to your role.",
    "download.refused": "This download is not open to you (any more): sign in again.",
    "privacy.hidden_rows": "{n} more left out: fewer than {k} people, or comparing them with another figure here "
    "would single out fewer than {k}.",
    "privacy.whole_units_note": "Figures are shown for whole groups only (the organisation, a department, team, "
    "manager's team, location or job role), each of at least {k} people. A filter "
    "that cuts across groups hides them: compared with the whole group, it would "
    "give away the people it leaves out.",
    "role.executive": "executive",
    "role.hr_analyst": "HR analyst",
    "role.admin": "administrator",
    "sidebar.signed_in": "Signed in as {name} ({role})",
    "sidebar.sign_out": "Sign out",
    "sidebar.language": "Language",
    "sidebar.as_of": "As of certified snapshot",
    "sidebar.snapshot_option": "#{snapshot} · {certified}",
    "nav.overview": "Overview",
    "nav.deep_dives": "Culture deep dives",
    "nav.operations": "Operations",
    "data.nothing_certified": "No certified data yet: run `leerstroom transform`",
    "data.snapshot_line": "Certified snapshot {snapshot} (raw data as of lake snapshot {raw}), certified {certified} "
    "({certified_age}). Newest statement: {newest} ({newest_age}).",
    "data.as_of_earlier": "You are looking at an earlier snapshot ({snapshot}); the newest certified one is {latest}.",
    "data.not_yet": "The data for this part is not there yet: {what} is not in the certified snapshot.",
    "table.download": "Download CSV",
    "table.empty_after_suppression": "Nothing to show: every group here has fewer than {k} people, or would single "
    "out fewer than {k} when compared with another figure.",
    "privacy.individuals_hidden": "Individual-level data is shown to HR analysts only.",
    "axis.day": "Day",
    "axis.week": "Week",
    "axis.month": "Month",
    "axis.minute": "Minute (UTC)",
    "axis.unit": "Unit",
    "axis.department": "Department",
    "dim.department": "Department",
    "dim.team": "Team",
    "dim.manager_id": "Manager",
    "dim.job_role": "Job role",
    "dim.location": "Location",
    "overview.title": "Executive overview",
    "overview.lci": "Learning Culture Index",
    "overview.lci_month": "{month}, the last complete month; change against the complete month before.",
    "overview.lci_explain": "0–100: the mean of the sub-scores below that the connected tools measure. Higher means "
    "learning is part of how the organisation works.",
    "overview.sub_scores": "The ten sub-scores",
    "overview.changed": "What changed since the previous month",
    "overview.no_previous": "There is no previous month to compare with yet.",
    "overview.changed_sentence": "From {previous} to {current}: **{up}** moved most up ({up_by}), **{down}** "
    "moved most down ({down_by}).",
    "overview.engagement": "Engagement",
    "overview.engagement_index": "Engagement index (0–100)",
    "overview.engagement_now": "Engagement index, last complete week",
    "overview.risk": "Retention risk",
    "overview.risk_share": "Share of people at high risk",
    "overview.risk_explain": "Scored on {date}; high risk is a probability of leaving of at least 3× the "
    "organisation's usual rate. Departments of fewer than {k} people are not shown.",
    "explorer.title": "HR explorer",
    "explorer.period": "Period",
    "explorer.period_line": "Weeks from {start} to {end}.",
    "explorer.compare": "Compare units",
    "explorer.compare_by": "Compare by",
    "explorer.trend": "Engagement over the period",
    "explorer.drill": "Drill down: organisation → team → person",
    "explorer.all": "All",
    "explorer.level_units": "Per {level}:",
    "explorer.level_people": "People in team {team}:",
    "explorer.segments": "Engagement segments (last week of the period)",
    "explorer.segment": "Segment",
    "explorer.people": "People",
    "explorer.risk": "Retention risk: who may be drifting away, and why",
    "explorer.risk_note": "A probability from an explainable model with each person's three strongest reasons. "
    "It starts a conversation; it decides nothing. Every view and download is logged.",
    "segment.highly_engaged": "Highly engaged",
    "segment.active": "Active",
    "segment.struggling": "Struggling",
    "segment.disengaging": "Disengaging",
    "segment.inactive": "Inactive",
    "activity.title": "Daily activity",
    "activity.statements": "Statements",
    "activity.learners": "Active learners",
    "activity.active_days": "Active days",
    "activity.per_day": "Statements per day (UTC)",
    "activity.per_verb": "Per verb",
    "activity.verb": "Verb",
    "activity.last_statement": "Last statement (UTC)",
    "activity.empty": "The certified snapshot holds no statements.",
    "activity.voided_note": "Voided statements and voiding statements are not counted.",
    "metric.withheld": "withheld",
    "metric.withheld_explain": "Measured, but about fewer than {k} people (a handful of managers, say): shown to HR "
    "analysts only.",
    "metric.not_measured": "not measured",
    "metric.measured": "{measured} of 10 measured",
    "metric.not_measured_explain": "Not measured: no connected tool sends what {score} needs (e.g. badges, goals, "
    "learning paths). It is left out of the index, not counted as 0; an operator can "
    "declare a tool that is quiet for a while (transform/seeds/declared_signals.csv).",
    "metric.none_measured": "Not measured: no connected tool sends what this sub-score needs.",
    "metric.so_far": "{period} so far: {value}",
    "metric.so_far_explain": "The running period is not complete: it is shown so far, and headlines compare "
    "complete periods only.",
    "metric.history_short": "Less than a year of data: the 365-day windows of {period} reach back before the first "
    "data, so its figures rest on less history than a year.",
    "metric.no_complete_month": "No complete month yet: the figures below are {period} so far.",
    "metric.week_so_far": "This week so far ({week}): {value}",
    "validation.title": "Does the culture keep people? (HR analysts)",
    "validation.result": "Across {n} {level}-quarters, the LCI and the next quarter's retention correlate r = {r} "
    "(95 % interval {low} to {high}).",
    "validation.short": "Too little history to tell yet: {n} units with an LCI and a known next-quarter retention; "
    "a correlation and its interval need at least 4.",
    "validation.note": "A correlation is not a cause; on generated demo data it only shows what the generator built "
    "in. Per quarter below.",
    "level.department": "department",
    "level.team": "team",
    "dive.trend": "Organisation, month by month",
    "dive.by_unit": "Per unit, newest quarter",
    "dive.evidence": "Evidence",
    "dive.mart": "{mart}",
    "dive.evidence_marts": "the evidence marts ({prefixes}…)",
    "dive.continuous_learning.title": "Continuous learning",
    "dive.development.title": "Development facilitated",
    "dive.mistakes.title": "Mistakes and retries",
    "dive.leadership.title": "Managers and mentoring",
    "dive.diverse_resources.title": "Diverse resources",
    "dive.microlearning.title": "Microlearning",
    "dive.gamification.title": "Badges and certificates",
    "dive.paths.title": "Learning paths",
    "dive.social.title": "Social learning",
    "dive.performance.title": "Goals and reviews",
    "health.title": "Data and pipeline health",
    "health.freshness": "Freshness",
    "health.lake_statements": "Statements in the lake",
    "health.newest_statement": "Newest statement stored",
    "health.outbox_backlog": "Outbox backlog",
    "health.last_certified": "Last certified",
    "health.no_lrs": "LRS store: {reason}",
    "health.per_minute": "Statements per minute (last hour of arrivals)",
    "health.statements": "Statements",
    "health.no_statements": "No statements in the lake yet.",
    "health.kafka_lag": "Kafka lag per partition",
    "health.no_broker": "No broker to ask: {reason}",
    "health.lag_note": "published_not_in_lake is exact (from the outbox); the broker's end offset is approximate.",
    "health.dead_letters": "Sink dead letters (messages that are no statement)",
    "health.no_dead_letters": "No dead letters at the sink.",
    "health.rejections": "Refused requests per tool and reason",
    "health.no_rejections": "No refused requests kept.",
    "health.rejections_note": "Statements refused with 400 are kept {days} days with their body (dead letters). "
    "`leerstroom rejected list|show|export|replay` reads, repairs and replays them.",
    "health.rejections_dropped": "{tool}: {dropped} of its oldest refused requests were dropped to keep its newest "
    "{cap} (LEERSTROOM_LRS_REJECTED_PER_TOOL); the last on {last}. The tool got its 400 each time.",
    "health.runs": "Transform runs",
    "health.quality": "Quality results of the last certified run",
    "health.no_quality": "The quality gate has not recorded results yet.",
    "health.checks_passed": "Checks passed",
    "health.not_certified": "Dashboards are not current:",
    "health.quarantine": "Quarantine: statements set aside, per reason",
    "health.no_quarantine": "No statement was set aside.",
    "health.quarantine_note": "Set-aside statements count in no metric until released: "
    "`leerstroom quarantine list|show|release|void` (docs/operations.md).",
    "health.quarantine_share": "Set aside in the last judged run",
    "health.quarantine_share_value": "{quarantined} of {screened} new statements ({share}; limit {limit})",
    "audit.title": "Audit log",
    "alerts.title": "Alerts",
    "alerts.empty": "No alert has been raised yet.",
    "alerts.note": "Raised by `leerstroom deliver` from each certified snapshot under the rules in {rules}, once per "
    "rule, unit and period, and sent to the HR channel (recipients file {recipients}). A unit under "
    "{k} people raises none. Columns sent, owed and failing count recipients.",
    "health.delivery": "Briefings and alerts (leerstroom deliver)",
    "health.delivery_none": "Nothing has been owed to anyone yet (no recipients file, or no complete month).",
    "health.delivery_failing": "{n} deliveries are failing; they are tried again with backoff. Newest error: {error}",
    "health.delivery_ok": "Every delivery owed so far went through.",
    "health.delivery_last_briefing": "Last briefing sent: {delivery}, {when}.",
    "overview.briefing": "Download the monthly briefing (PDF)",
    "overview.briefing_note": "The one-page briefing of {month} in this language, from this certified snapshot: "
    "the same page `leerstroom deliver` sends.",
    "audit.explain": "Every view of individual-level data and every download: who, when, what, as of which snapshot.",
    "audit.empty": "Nobody has viewed individual-level data or downloaded anything yet.",
}
for _score, (_name, _short, _explain) in SCORES.items():
    MESSAGES[f"score.{_score}"] = _name
    MESSAGES[f"score.{_score}.short"] = _short
    MESSAGES[f"score.{_score}.explain"] = _explain
MESSAGES["score.lci"] = "Learning Culture Index"
MESSAGES.update(
    {
        f"col.{column}": label
        for column, label in {
            "unit": "Unit",
            "headcount": "Headcount",
            "active_learners": "Active learners",
            "avg_engagement_index": "Engagement index",
            "learning_minutes": "Learning minutes",
            "completions": "Completions",
            "social_actions": "Social actions",
            "segment": "Segment code",
            "segment_label": "Segment",
            "people": "People",
            "week_start": "Week",
            "department": "Department",
            "team": "Team",
            "job_role": "Job role",
            "location": "Location",
            "name": "Name",
            "employee_id": "Employee",
            "risk_score": "Risk (0–1)",
            "risk_band": "Risk band",
            "reason_1": "Reason 1",
            "reason_2": "Reason 2",
            "reason_3": "Reason 3",
            "snapshot_date": "Scored on",
            "share_high": "High risk",
            "sub_score": "Sub-score",
            "previous": "Previous month",
            "current": "This month",
            "change": "Change",
            "unit_level": "Level",
            "unit_name": "Unit",
            "active_days": "Active days",
            "quarter_start": "Quarter",
        }.items()
    }
)

# The retention model page and the risk list's link to it.
MESSAGES.update(
    {
        "model.title": "Retention model",
        "model.not_for_role": "The retention model's page is for HR analysts and administrators.",
        "model.switched_off": "Retention scoring is switched off (LEERSTROOM_RETENTION_SCORING=false): no model is "
        "trained and nobody is scored.",
        "model.status.validated": "Validated on a rolling-origin backtest: each cutoff trained only on outcomes known "
        "before it, and on other people than those it predicts.",
        "model.status.too_short": "Nobody is scored yet. {note}",
        "model.status.leakage_suspected": "Nobody is scored. {note}",
        "model.trained": "Last trained",
        "model.scored_people": "People scored",
        "model.scored_on": "at the newest snapshot, {date}",
        "model.window": "Data window",
        "model.window_text": "Month-end snapshots from {first} to {last}: {snapshots} snapshots of people while they "
        "were employed. The snapshots whose 180 days after are known to HR, from {labelled_first} to "
        "{labelled_last}, train and test the model: {labelled} snapshots of {people} people, {exits} "
        "of them followed by a voluntary exit within 180 days. The usual rate of leaving within "
        "180 days is {base_rate}.",
        "model.window_hr": "HR attributes (satisfaction, overtime, last promotion) come from the roster version in "
        "force at each snapshot: versions imported from {first} to {last}; {share} of the snapshots had one. "
        "Where none was in force, the attributes are unknown and the model treats them as unknown.",
        "model.window_no_hr": "No roster version was in force at any snapshot (the roster was imported after them), so "
        "the model uses no HR attributes: only learning signals and tenure.",
        "model.figures": "How good it is: the backtest",
        "model.figures_how": "A rolling-origin backtest at {cutoffs} month-ends from {first} to {last}. At each, the "
        "model is trained only on snapshots whose 180-day outcome was known before it, and people "
        "are split into {groups} groups so that nobody is predicted by a model that saw them. "
        "Intervals are 95 % bootstrap intervals over people.",
        "model.roc_auc": "ROC-AUC, pooled",
        "model.roc_auc_note": "{interval}. How often someone who left was ranked above someone who stayed; 0.5 is "
        "chance.",
        "model.pr_auc": "PR-AUC, pooled",
        "model.pr_auc_note": "{interval}, against {base_rate} for a model that knows nothing.",
        "model.brier_skill": "Brier skill, pooled",
        "model.brier_skill_note": "95 % interval {low} to {high}. Brier score {brier} against {reference} for always "
        "predicting the usual rate: above 0 % the probabilities do better than that.",
        "model.interval": "{value} [{low}, {high}]",
        "model.pooled": "pooled",
        "model.trained_on": "{start} – {end}",
        "model.calibration": "Calibration: predicted against observed",
        "model.calibration_how": "Each point is a tenth of the backtest's snapshots, ordered by predicted probability; "
        "on the dashed line the predicted rate of leaving is the rate observed. The model's "
        "probabilities are recalibrated before anyone sees them: each cutoff's here by a "
        "recalibration fitted on the other cutoffs, the risk list's by one fitted on all of them "
        "(intercept {intercept}, slope {slope}; 0 and 1 would change nothing).",
        "model.predicted": "Predicted rate of leaving within 180 days",
        "model.observed": "Observed rate",
        "model.departments": "Expected exits (the sum of the probabilities) against actual exits per department, over "
        "all cutoffs:",
        "model.bands": "Risk bands",
        "model.bands_how": "Bands compare a person's calibrated probability with the organisation's usual rate of "
        "{base_rate}: **high** from {high}× that ({high_rate}), **medium** from {medium}× "
        "({medium_rate}), **low** below. How many people fall in a band follows from the data, not "
        "from a fixed share.",
        "model.bands_now": "At the newest snapshot {high} of {people} people are high, {medium} medium.",
        "model.features": "What each feature contributes",
        "model.features_how": "Coefficients per standard deviation of a feature (log-odds): to the right it raises the "
        "risk, to the left it lowers it. A person's contribution is the coefficient × how many "
        "standard deviations they are from the average; their three largest risk-raising "
        "contributions are the reasons in the risk list. A feature that can be unknown has an "
        'indicator of its own ("… unknown") instead of a filled-in value. Min and max show how '
        "the coefficient moved over the backtest's cutoffs.",
        "model.term": "Feature",
        "model.coefficient": "Coefficient per standard deviation",
        "model.link": "How good is this model, and on which data? The retention model page",
        "explorer.risk_not_scored": "Nobody has a risk score in this snapshot; the retention model page says why.",
    }
)
MESSAGES.update(
    {
        f"col.{column}": label
        for column, label in {
            "relative_risk": "× usual rate",
            "cutoff_date": "Cutoff",
            "trained_on": "Trained on snapshots",
            "exits": "Exits",
            "expected_exits": "Expected exits",
            "roc_auc": "ROC-AUC [95 %]",
            "pr_auc": "PR-AUC [95 %]",
            "base_rate": "Base rate",
            "brier_skill": "Brier skill % [95 %]",
            "decile": "Tenth",
            "rows": "Snapshots",
            "mean_predicted": "Predicted",
            "observed_rate": "Observed",
            "snapshots": "Snapshots",
            "actual_exits": "Actual exits",
            "description": "Feature",
            "is_missing_indicator": "Unknown-indicator",
            "coefficient": "Coefficient",
            "odds_ratio_per_sd": "Odds ratio per SD",
            "coefficient_min": "Min over cutoffs",
            "coefficient_max": "Max over cutoffs",
            "share_among_reasons": "Share among reasons",
            "share_unknown": "Share unknown",
        }.items()
    }
)
