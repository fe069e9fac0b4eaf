"""The columns dbt needs, unpacked from a stored statement. The full JSON travels beside them."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ingest.xapi.identity import actor_key

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


class NotAStatement(ValueError):
    """The message cannot be stored as a statement; the text names the field."""


def parse_timestamp(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise NotAStatement(f"{field}: must be an ISO 8601 timestamp string")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as err:
        raise NotAStatement(f"{field}: {value!r} is not an ISO 8601 timestamp") from err
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def statement_columns(statement: Any) -> dict[str, Any]:
    """Unpack a statement as the LRS stored it (id, stored, timestamp and authority present)."""
    if not isinstance(statement, dict):
        raise NotAStatement("statement: must be a JSON object")
    for field in ("id", "actor", "verb", "object", "stored"):
        if field not in statement:
            raise NotAStatement(f"{field}: required in a stored statement")
    verb = statement["verb"]
    if not isinstance(verb, dict) or not isinstance(verb.get("id"), str):
        raise NotAStatement("verb.id: required IRI string")
    obj = statement["object"]
    if not isinstance(obj, dict):
        raise NotAStatement("object: must be an object")
    object_type = obj.get("objectType") or "Activity"
    if object_type in ("Activity", "StatementRef"):
        object_id = obj.get("id")
    elif object_type in ("Agent", "Group"):
        object_id = actor_key(obj)
    else:
        object_id = None
    try:
        key = actor_key(statement["actor"])
    except ValueError as err:
        raise NotAStatement(f"actor: {err}") from err
    stored = parse_timestamp(statement["stored"], "stored")
    timestamp = parse_timestamp(statement["timestamp"], "timestamp") if "timestamp" in statement else stored
    context = statement.get("context") if isinstance(statement.get("context"), dict) else {}
    voided = obj.get("id") if verb["id"] == VOIDED and object_type == "StatementRef" else None
    return {
        "statement_id": str(statement["id"]).lower(),
        "actor_key": key,
        "verb_id": verb["id"],
        "object_id": object_id,
        "object_type": object_type,
        "registration": context.get("registration"),
        "voided_statement_id": voided,
        "statement_timestamp": timestamp,
        "stored_at": stored,
    }
