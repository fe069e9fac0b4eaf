"""English messages of the dashboards."""

SCORES = {
    "t1_continuous_learning": ("T1 Continuous learning",
                               "Share of people active in at least 9 of the last 13 weeks.",
                               "Learning that happens every few weeks, not once a year, is what keeps skills current; "
                               "this sub-score is the share of headcount active in at least 9 of the last 13 weeks."),
    "t2_development_facilitated": ("T2 Development facilitated",
                                   "People with a path or goal, and how soon assigned learning starts.",
                                   "Development is facilitated when people have a learning path or a goal, and when "
                                   "assigned learning starts soon: the share with a path or goal, and the median days "
                                   "from assignment to first launch (fewer is better)."),
    "t3_mistakes_as_learning": ("T3 Mistakes as learning",
                                "Failed attempts retried within 14 days, and passes after a fail.",
                                "A culture that treats mistakes as learning retries: the share of failed attempts "
                                "retried within 14 days and the eventual pass rate after a fail."),
    "t4_leadership_active": ("T4 Leadership active",
                             "Managers who learn themselves, and their touchpoints with their people.",
                             "People learn when their leaders do: the share of managers who learned this quarter "
                             "and manager touchpoints (mentoring, assignments) per direct report."),
    "t5_diverse_resources": ("T5 Diverse resources",
                             "How evenly people use video, audio, articles, courses and quizzes.",
                             "Access to diverse resources shows in use: the mean normalised evenness (Shannon) of "
                             "the activity types each learner uses."),
    "l1_microlearning": ("L1 Microlearning",
                         "Share of short sessions and micro-items per active learner.",
                         "Short learning fits into a working day: the share of sessions of at most 10 minutes (or "
                         "media of at most 5 minutes) and micro-items per active learner."),
    "l2_gamification": ("L2 Gamification",
                        "People earning badges or certificates, and badges per learner.",
                        "Recognition motivates: the share of people earning at least one badge or certificate and "
                        "badges per active learner. The leaderboard shows only people who opted in."),
    "l3_personalised_paths": ("L3 Personalised paths",
                              "Path enrolment, progress, and uptake of recommendations.",
                              "Personal paths give direction: path enrolment rate, median progress, and the share of "
                              "launches within 7 days of a recommendation."),
    "l4_social_learning": ("L4 Social learning",
                           "People who post or reply, replies per post, peer reviews.",
                           "People learn from each other: the share who post or reply, replies per post and peer "
                           "reviews per learner; the help network shows which teams help which."),
    "l5_tied_to_performance": ("L5 Tied to performance",
                               "Goals linked to review cycles, and how many are completed.",
                               "Learning that counts in performance conversations sticks: the share with a goal "
                               "linked to a review cycle and the goal completion rate."),
}

MESSAGES = {
    "age.never": "never", "age.now": "just now", "age.minutes": "{count} min ago", "age.hours": "{count} h ago",
    "age.days": "{count} days ago",
    "signin.title": "Sign in", "signin.name": "User name", "signin.password": "Password", "signin.submit": "Sign in",
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
    "role.executive": "executive", "role.hr_analyst": "HR analyst", "role.admin": "administrator",
    "sidebar.signed_in": "Signed in as {name} ({role})", "sidebar.sign_out": "Sign out",
    "sidebar.language": "Language", "sidebar.as_of": "As of certified snapshot",
    "sidebar.snapshot_option": "#{snapshot} · {certified}",
    "nav.overview": "Overview", "nav.deep_dives": "Culture deep dives", "nav.operations": "Operations",
    "data.nothing_certified": "No certified data yet: run `leerstroom transform`",
    "data.snapshot_line": "Certified snapshot {snapshot} (raw data as of lake snapshot {raw}), certified {certified} "
                          "({certified_age}). Newest statement: {newest} ({newest_age}).",
    "data.as_of_earlier": "You are looking at an earlier snapshot ({snapshot}); the newest certified one is "
                          "{latest}.",
    "data.not_yet": "The data for this part is not there yet: {what} is not in the certified snapshot.",
    "table.download": "Download CSV",
    "table.empty_after_suppression": "Nothing to show: every group here has fewer than {k} people, or would single "
                                     "out fewer than {k} when compared with another figure.",
    "privacy.individuals_hidden": "Individual-level data is shown to HR analysts only.",
    "axis.day": "Day", "axis.week": "Week", "axis.month": "Month", "axis.minute": "Minute (UTC)",
    "axis.unit": "Unit", "axis.department": "Department",
    "dim.department": "Department", "dim.team": "Team", "dim.manager_id": "Manager", "dim.job_role": "Job role",
    "dim.location": "Location",
    "overview.title": "Executive overview", "overview.lci": "Learning Culture Index",
    "overview.lci_month": "{month}, change against the month before.",
    "overview.lci_explain": "0–100: the mean of the ten sub-scores below. Higher means learning is part of how "
                            "the organisation works.",
    "overview.sub_scores": "The ten sub-scores",
    "overview.changed": "What changed since the previous month",
    "overview.no_previous": "There is no previous month to compare with yet.",
    "overview.changed_sentence": "From {previous} to {current}: **{up}** moved most up ({up_by}), **{down}** "
                                 "moved most down ({down_by}).",
    "overview.engagement": "Engagement", "overview.engagement_index": "Engagement index (0–100)",
    "overview.engagement_now": "Engagement index, last week",
    "overview.risk": "Retention risk", "overview.risk_share": "Share of people at high risk",
    "overview.risk_explain": "Scored on {date}; departments of fewer than {k} people are not shown.",
    "explorer.title": "HR explorer", "explorer.period": "Period",
    "explorer.period_line": "Weeks from {start} to {end}.",
    "explorer.compare": "Compare units", "explorer.compare_by": "Compare by",
    "explorer.trend": "Engagement over the period",
    "explorer.drill": "Drill down: organisation → team → person", "explorer.all": "All",
    "explorer.level_units": "Per {level}:", "explorer.level_people": "People in team {team}:",
    "explorer.segments": "Engagement segments (last week of the period)", "explorer.segment": "Segment",
    "explorer.people": "People",
    "explorer.risk": "Retention risk: who may be drifting away, and why",
    "explorer.risk_note": "A probability from an explainable model with each person's three strongest reasons. "
                          "It starts a conversation; it decides nothing. Every view and download is logged.",
    "segment.highly_engaged": "Highly engaged", "segment.active": "Active", "segment.struggling": "Struggling",
    "segment.disengaging": "Disengaging", "segment.inactive": "Inactive",
    "activity.title": "Daily activity", "activity.statements": "Statements", "activity.learners": "Active learners",
    "activity.active_days": "Active days", "activity.per_day": "Statements per day (UTC)",
    "activity.per_verb": "Per verb", "activity.verb": "Verb", "activity.last_statement": "Last statement (UTC)",
    "activity.empty": "The certified snapshot holds no statements.",
    "activity.voided_note": "Voided statements and voiding statements are not counted.",
    "dive.trend": "Organisation, month by month", "dive.by_unit": "Per unit, newest quarter",
    "dive.evidence": "Evidence", "dive.mart": "{mart}",
    "dive.evidence_marts": "the evidence marts ({prefixes}…)",
    "dive.continuous_learning.title": "Continuous learning", "dive.development.title": "Development facilitated",
    "dive.mistakes.title": "Mistakes and retries", "dive.leadership.title": "Managers and mentoring",
    "dive.diverse_resources.title": "Diverse resources", "dive.microlearning.title": "Microlearning",
    "dive.gamification.title": "Badges and certificates", "dive.paths.title": "Learning paths",
    "dive.social.title": "Social learning", "dive.performance.title": "Goals and reviews",
    "health.title": "Data and pipeline health", "health.freshness": "Freshness",
    "health.lake_statements": "Statements in the lake", "health.newest_statement": "Newest statement stored",
    "health.outbox_backlog": "Outbox backlog", "health.last_certified": "Last certified",
    "health.no_lrs": "LRS store: {reason}", "health.per_minute": "Statements per minute (last hour of arrivals)",
    "health.statements": "Statements", "health.no_statements": "No statements in the lake yet.",
    "health.kafka_lag": "Kafka lag per partition", "health.no_broker": "No broker to ask: {reason}",
    "health.lag_note": "published_not_in_lake is exact (from the outbox); the broker's end offset is approximate.",
    "health.dead_letters": "Dead letters", "health.no_dead_letters": "No dead letters.",
    "health.rejections": "Rejected requests per tool", "health.no_rejections": "No rejected requests recorded.",
    "health.runs": "Transform runs", "health.quality": "Quality results of the last certified run",
    "health.no_quality": "The quality gate has not recorded results yet.", "health.checks_passed": "Checks passed",
    "audit.title": "Audit log",
    "audit.explain": "Every view of individual-level data and every download: who, when, what, as of which "
                     "snapshot.",
    "audit.empty": "Nobody has viewed individual-level data or downloaded anything yet.",
}
for _score, (_name, _short, _explain) in SCORES.items():
    MESSAGES[f"score.{_score}"] = _name
    MESSAGES[f"score.{_score}.short"] = _short
    MESSAGES[f"score.{_score}.explain"] = _explain
MESSAGES["score.lci"] = "Learning Culture Index"
MESSAGES.update({f"col.{column}": label for column, label in {
    "unit": "Unit", "headcount": "Headcount", "active_learners": "Active learners",
    "avg_engagement_index": "Engagement index", "learning_minutes": "Learning minutes", "completions": "Completions",
    "social_actions": "Social actions", "segment": "Segment code", "segment_label": "Segment",
    "people": "People", "week_start": "Week", "department": "Department",
    "team": "Team", "job_role": "Job role", "location": "Location",
    "name": "Name", "employee_id": "Employee", "risk_score": "Risk (0–1)",
    "risk_band": "Risk band", "reason_1": "Reason 1", "reason_2": "Reason 2",
    "reason_3": "Reason 3", "snapshot_date": "Scored on", "share_high": "High risk",
    "sub_score": "Sub-score", "previous": "Previous month", "current": "This month",
    "change": "Change", "unit_level": "Level", "unit_name": "Unit",
    "active_days": "Active days", "quarter_start": "Quarter",
}.items()})
