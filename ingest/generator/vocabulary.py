"""The xAPI IRIs the demo tools use (the vocabulary in Leerstroom's metric catalogue)."""

ADL = "http://adlnet.gov/expapi/verbs/"
VIDEO = "https://w3id.org/xapi/video/verbs/"
CMI5 = "https://w3id.org/xapi/cmi5/"
TINCAN = "http://id.tincanapi.com/verb/"
ACROSSX = "https://w3id.org/xapi/acrossx/verbs/"

VERBS = {
    "initialized": ADL + "initialized",
    "played": VIDEO + "played",
    "paused": VIDEO + "paused",
    "completed": ADL + "completed",
    "terminated": ADL + "terminated",
    "viewed": TINCAN + "viewed",
    "attempted": ADL + "attempted",
    "answered": ADL + "answered",
    "passed": ADL + "passed",
    "failed": ADL + "failed",
    "launched": ADL + "launched",
    "earned": "http://specification.openbadges.org/xapi/verbs/earned",
    "posted": ACROSSX + "posted",
    "replied": TINCAN + "replied",
    "registered": ADL + "registered",
    "progressed": ADL + "progressed",
    "was-assigned": ACROSSX + "was-assigned",
    "recommended": "https://w3id.org/xapi/dod-isd/verbs/recommended",
    "defined": TINCAN + "defined",
    "mentored": TINCAN + "mentored",
    "voided": ADL + "voided",
}

TYPES = {
    "video": "https://w3id.org/xapi/video/activity-type/video",
    "audio": "https://w3id.org/xapi/audio/activity-type/audio",
    "article": "http://activitystrea.ms/schema/1.0/article",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "course": "http://adlnet.gov/expapi/activities/course",
    "badge": "http://activitystrea.ms/schema/1.0/badge",
    "discussion": "http://id.tincanapi.com/activitytype/discussion",
    "forum-reply": "http://id.tincanapi.com/activitytype/forum-reply",
    "learning-plan": "https://w3id.org/xapi/acrossx/activities/learning-plan",
    "goal": "http://id.tincanapi.com/activitytype/goal",
    "review": "http://activitystrea.ms/review",
    "meeting": "http://id.tincanapi.com/activitytype/meeting",
}

VIDEO_LENGTH = "https://w3id.org/xapi/video/extensions/length"
CMI5_PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"
