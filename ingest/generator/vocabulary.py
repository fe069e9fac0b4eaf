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
    "seeked": VIDEO + "seeked",
    "completed": ADL + "completed",
    "terminated": ADL + "terminated",
    "viewed": TINCAN + "viewed",
    "read": "http://activitystrea.ms/read",
    "attempted": ADL + "attempted",
    "answered": ADL + "answered",
    "passed": ADL + "passed",
    "failed": ADL + "failed",
    "launched": ADL + "launched",
    # cmi5 defines these two in the ADL vocabulary's w3id namespace (cmi5 spec, section 9.3).
    "satisfied": "https://w3id.org/xapi/adl/verbs/satisfied",
    "abandoned": "https://w3id.org/xapi/adl/verbs/abandoned",
    "earned": "http://specification.openbadges.org/xapi/verbs/earned",
    "achieved": "https://w3id.org/xapi/tla/verbs/achieved",
    "posted": ACROSSX + "posted",
    "replied": TINCAN + "replied",
    "commented": ADL + "commented",
    "voted-up": TINCAN + "voted-up",
    "reviewed": TINCAN + "reviewed",
    "registered": ADL + "registered",
    "progressed": ADL + "progressed",
    "was-assigned": ACROSSX + "was-assigned",
    "recommended": "https://w3id.org/xapi/dod-isd/verbs/recommended",
    "defined": TINCAN + "defined",
    "mentored": TINCAN + "mentored",
    "assign": "http://activitystrea.ms/assign",
    "voided": ADL + "voided",
}

TYPES = {
    "video": "https://w3id.org/xapi/video/activity-type/video",
    "audio": "https://w3id.org/xapi/audio/activity-type/audio",
    "article": "http://activitystrea.ms/schema/1.0/article",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "badge": "http://activitystrea.ms/schema/1.0/badge",
    "certificate": "https://w3id.org/xapi/tla/activity-types/certificate",
    "discussion": "http://id.tincanapi.com/activitytype/discussion",
    "forum-reply": "http://id.tincanapi.com/activitytype/forum-reply",
    "learning-plan": "https://w3id.org/xapi/acrossx/activities/learning-plan",
    "goal": "http://id.tincanapi.com/activitytype/goal",
    "review": "http://activitystrea.ms/review",
    "meeting": "http://id.tincanapi.com/activitytype/meeting",
}

VIDEO_EXTENSIONS = "https://w3id.org/xapi/video/extensions/"
VIDEO_LENGTH = VIDEO_EXTENSIONS + "length"
VIDEO_SESSION = VIDEO_EXTENSIONS + "session-id"
# The Video Profile's statements name it as a category context activity.
VIDEO_PROFILE = "https://w3id.org/xapi/video"
CMI5_PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"
# cmi5: every statement of a session carries the cmi5 category; passed/failed/completed also "moveOn".
CMI5_CATEGORY = CMI5 + "context/categories/cmi5"
CMI5_MOVEON = CMI5 + "context/categories/moveon"
CMI5_SESSION = CMI5 + "context/extensions/sessionid"
