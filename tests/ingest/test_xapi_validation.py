"""The statement validator: real tools' statements pass, each broken rule is named by field and rule."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ingest.xapi.comparison import content_hash
from ingest.xapi.exceptions import StatementInvalid
from ingest.xapi.validation import validate_batch, validate_statement
from tests.fixtures.data import corpus_statements

ACTIVITY = "http://example.org/courses/geology"


def good() -> dict[str, Any]:
    return {
        "actor": {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
        "object": {
            "objectType": "Activity",
            "id": ACTIVITY,
            "definition": {"name": {"en": "Geology"}, "type": "http://adlnet.gov/expapi/activities/course"},
        },
        "result": {"score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10}, "success": True, "duration": "PT1H2M3.5S"},
        "context": {
            "registration": "8c59cfbb-223b-4c60-b27c-6b04540d9740",
            "language": "en-GB",
            "contextActivities": {"parent": [{"id": "http://example.org/programmes/earth"}]},
        },
        "timestamp": "2024-05-01T09:30:00.123Z",
    }


def changed(path: str, value: Any) -> dict[str, Any]:
    """good() with the dotted `path` set to `value` (or removed when value is REMOVE)."""
    statement = good()
    *parents, last = path.split(".")
    holder: Any = statement
    for part in parents:
        holder = holder[int(part)] if isinstance(holder, list) else holder[part]
    if value is REMOVE:
        del holder[last]
    else:
        holder[last] = value
    return statement


REMOVE = object()
UUID = "3f1b8f7e-0a4c-4d8e-9d4c-2a1f3b5c6d7e"

# (case, statement, field named in the error, words the rule must contain)
INVALID = [
    ("missing actor", changed("actor", REMOVE), "actor", "required"),
    ("missing verb", changed("verb", REMOVE), "verb", "required"),
    ("missing object", changed("object", REMOVE), "object", "required"),
    ("verb id without scheme", changed("verb.id", "completed"), "verb.id", "IRI"),
    ("verb id with spaces", changed("verb.id", "http://example.org/my verb"), "verb.id", "IRI"),
    ("mbox without mailto", changed("actor.mbox", "ada@example.org"), "actor.mbox", "mailto"),
    ("mbox_sha1sum not hex", changed("actor", {"mbox_sha1sum": "xyz"}), "actor.mbox_sha1sum", "SHA-1"),
    ("two IFIs", changed("actor.openid", "http://openid.example.org/ada"), "actor.openid", "only one"),
    ("no IFI", changed("actor", {"name": "Ada"}), "actor", "exactly one"),
    ("account without homePage", changed("actor", {"account": {"name": "ada"}}), "actor.account.homePage", "required"),
    ("timestamp not ISO 8601", changed("timestamp", "01/05/2024 09:30"), "timestamp", "ISO 8601"),
    ("timestamp with unknown offset", changed("timestamp", "2024-05-01T09:30:00-00:00"), "timestamp", "ISO 8601"),
    ("timestamp impossible date", changed("timestamp", "2024-02-30T09:30:00Z"), "timestamp", "ISO 8601"),
    ("unknown top-level property", changed("mood", "happy"), "mood", "not a property"),
    ("wrong case of a key", changed("Actor", {"mbox": "mailto:a@example.org"}), "Actor", "not a property"),
    ("null value", changed("result.response", None), "result.response", "null"),
    ("id not a UUID", changed("id", "not-a-uuid"), "id", "UUID"),
    ("success as a string", changed("result.success", "true"), "result.success", "boolean"),
    ("raw score as a string", changed("result.score.raw", "5"), "result.score.raw", "number"),
    ("scaled above 1", changed("result.score.scaled", 1.5), "result.score.scaled", "between -1 and 1"),
    ("raw above max", changed("result.score.raw", 11), "result.score.raw", "greater than max"),
    ("min not below max", changed("result.score.min", 10), "result.score.min", "less than max"),
    ("duration not ISO 8601", changed("result.duration", "90 minutes"), "result.duration", "ISO 8601 duration"),
    ("weeks combined with days", changed("result.duration", "P4W1D"), "result.duration", "ISO 8601 duration"),
    (
        "language map key not a tag",
        changed("verb.display", {"english language": "completed"}),
        "verb.display.english language",
        "RFC 5646",
    ),
    ("language map value not a string", changed("verb.display", {"en": 5}), "verb.display.en", "string"),
    ("context language not a tag", changed("context.language", "en_GB"), "context.language", "RFC 5646"),
    ("registration not a UUID", changed("context.registration", "reg-1"), "context.registration", "UUID"),
    (
        "unknown context activity kind",
        changed("context.contextActivities", {"sibling": []}),
        "context.contextActivities.sibling",
        "not a property",
    ),
    ("objectType in the wrong case", changed("object.objectType", "activity"), "object.objectType", "exact case"),
    (
        "agent object without objectType",
        changed("object", {"mbox": "mailto:b@example.org"}),
        "object.objectType",
        "required when an Agent",
    ),
    ("statement ref with bad id", changed("object", {"objectType": "StatementRef", "id": "x"}), "object.id", "UUID"),
    (
        "interaction type unknown",
        changed("object.definition.interactionType", "essay"),
        "object.definition.interactionType",
        "one of",
    ),
    (
        "component list without interaction type",
        changed("object.definition.choices", [{"id": "a"}]),
        "object.definition.interactionType",
        "required",
    ),
    (
        "revision with an agent object",
        {**changed("object", {"objectType": "Agent", "mbox": "mailto:b@example.org"}), "context": {"revision": "2"}},
        "context.revision",
        "Activity",
    ),
    (
        "anonymous group without members",
        changed("actor", {"objectType": "Group", "name": "Team"}),
        "actor.member",
        "required",
    ),
    (
        "group inside a group",
        changed("actor", {"objectType": "Group", "member": [{"objectType": "Group", "member": []}]}),
        "actor.member[0].objectType",
        "Agents",
    ),
    (
        "substatement with an id",
        changed(
            "object",
            {
                "objectType": "SubStatement",
                "id": UUID,
                "actor": {"mbox": "mailto:b@example.org"},
                "verb": {"id": "http://example.org/v"},
                "object": {"id": ACTIVITY},
            },
        ),
        "object.id",
        "SubStatement",
    ),
    (
        "nested substatement",
        changed(
            "object",
            {
                "objectType": "SubStatement",
                "actor": {"mbox": "mailto:b@example.org"},
                "verb": {"id": "http://example.org/v"},
                "object": {
                    "objectType": "SubStatement",
                    "actor": {"mbox": "mailto:b@example.org"},
                    "verb": {"id": "http://example.org/v"},
                    "object": {"id": ACTIVITY},
                },
            },
        ),
        "object.object.objectType",
        "another SubStatement",
    ),
    (
        "voiding an activity",
        changed("verb.id", "http://adlnet.gov/expapi/verbs/voided"),
        "object.objectType",
        "StatementRef",
    ),
    (
        "extension key not an IRI",
        changed("result.extensions", {"score-note": 1}),
        "result.extensions.score-note",
        "IRI",
    ),
    ("statement version 0.95", changed("version", "0.95"), "version", "1.0."),
    (
        "2.0 context agents in a 1.0 statement",
        changed("context.contextAgents", [{"objectType": "contextAgent", "agent": {"mbox": "mailto:b@example.org"}}]),
        "context.contextAgents",
        "not a property",
    ),
    (
        "attachment without sha2",
        changed(
            "attachments",
            [
                {
                    "usageType": "http://example.org/cert",
                    "display": {"en": "c"},
                    "contentType": "application/pdf",
                    "length": 10,
                }
            ],
        ),
        "attachments[0].sha2",
        "required",
    ),
]


@pytest.mark.parametrize("case, statement, field, rule_words", INVALID, ids=[case[0] for case in INVALID])
def test_invalid_statement_names_field_and_rule(case: str, statement: dict, field: str, rule_words: str) -> None:
    with pytest.raises(StatementInvalid) as caught:
        validate_statement(statement)
    assert caught.value.field == field
    assert rule_words in caught.value.rule
    assert str(caught.value) == f"{field}: {caught.value.rule}"


def test_a_complete_statement_is_valid() -> None:
    validate_statement(good())


def test_2_0_statement_may_use_context_agents() -> None:
    statement = changed(
        "context.contextAgents",
        [
            {
                "objectType": "contextAgent",
                "agent": {"mbox": "mailto:b@e.org"},
                "relevantTypes": ["http://example.org/types/coach"],
            }
        ],
    )
    validate_statement(statement, allow_2_0=True)
    statement["version"] = "2.0.0"
    validate_statement(statement)


def test_batch_with_the_same_id_twice_is_rejected_whole() -> None:
    first, second = good(), good()
    first["id"] = UUID
    second["id"] = UUID.upper()
    with pytest.raises(StatementInvalid) as caught:
        validate_batch([first, second])
    assert caught.value.field == "[1].id"
    assert "unique" in caught.value.rule


def test_batch_errors_name_the_statement_position() -> None:
    broken = changed("actor.mbox", "nobody")
    with pytest.raises(StatementInvalid) as caught:
        validate_batch([good(), broken])
    assert caught.value.field == "[1].actor.mbox"


@pytest.mark.parametrize("name", ["moodle-logstore-xapi.ndjson", "cmi5-spec-samples.ndjson"])
def test_every_corpus_statement_is_valid(name: str) -> None:
    statements = corpus_statements(name)
    assert len(statements) > 100
    for statement in statements:
        validate_statement(statement)


def test_comparison_ignores_what_the_spec_lets_change() -> None:
    original = good()
    variant = copy.deepcopy(original)
    variant["verb"]["display"] = {"de": "abgeschlossen"}
    variant["object"]["definition"] = {"name": {"en": "Rocks"}}
    variant["actor"]["mbox"] = "mailto:ada@EXAMPLE.org"
    variant["context"]["contextActivities"]["parent"] = {"id": "http://example.org/programmes/earth"}
    variant.update(
        id=UUID, stored="2024-06-01T00:00:00Z", version="1.0.0", authority={"mbox": "mailto:lrs@example.org"}
    )
    assert content_hash(variant) == content_hash(original)


def test_comparison_sees_a_different_result() -> None:
    assert content_hash(changed("result.success", False)) != content_hash(good())
    assert content_hash(changed("result.duration", "PT1H2M3S")) != content_hash(good())
