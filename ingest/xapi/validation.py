"""Checks xAPI statements against the specification's structure rules (1.0.x and 2.0.0).

Each check raises StatementInvalid naming the JSON path of the offending field and the
rule it broke, e.g. ("actor.mbox", "must be a mailto IRI"). Only structure is checked,
never meaning, as the specification asks of an LRS.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ingest.xapi import formats
from ingest.xapi.exceptions import StatementInvalid
from ingest.xapi.versions import is_statement_version

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"

STATEMENT_PROPERTIES = frozenset(
    {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority", "version", "attachments"}
)
SUBSTATEMENT_PROPERTIES = frozenset(
    {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
)
FORBIDDEN_IN_SUBSTATEMENT = ("id", "stored", "version", "authority")
IFI_PROPERTIES = ("mbox", "mbox_sha1sum", "openid", "account")
CONTEXT_PROPERTIES = frozenset(
    {
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "revision",
        "platform",
        "language",
        "statement",
        "extensions",
    }
)
CONTEXT_PROPERTIES_2_0 = CONTEXT_PROPERTIES | {"contextAgents", "contextGroups"}
CONTEXT_ACTIVITY_KINDS = frozenset({"parent", "grouping", "category", "other"})
INTERACTION_COMPONENT_LISTS = {
    "choice": ("choices",),
    "sequencing": ("choices",),
    "likert": ("scale",),
    "matching": ("source", "target"),
    "performance": ("steps",),
    "true-false": (),
    "fill-in": (),
    "long-fill-in": (),
    "numeric": (),
    "other": (),
}
ALL_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
DEFINITION_PROPERTIES = frozenset(
    {
        "name",
        "description",
        "type",
        "moreInfo",
        "extensions",
        "interactionType",
        "correctResponsesPattern",
        *ALL_COMPONENT_LISTS,
    }
)


def validate_statement(statement: Any, *, allow_2_0: bool = False, path: str = "") -> None:
    """Raise StatementInvalid if `statement` is not a valid xAPI statement.

    `allow_2_0` admits the properties xAPI 2.0.0 added (context agents and groups).
    `path` prefixes field names, e.g. "[3]" for the fourth statement of a batch.
    """
    declares_2_0 = isinstance(statement, dict) and str(statement.get("version", "")).startswith("2.")
    _Checker(allow_2_0 or declares_2_0).statement(statement, path)


def validate_actor(actor: Any, path: str) -> None:
    """Raise StatementInvalid if `actor` is not a valid Agent or Group (e.g. a query's agent parameter)."""
    _Checker(True).actor(actor, path)


def validate_batch(statements: Iterable[Any], *, allow_2_0: bool = False) -> None:
    """Validate each statement of one request and reject the request if two share an id."""
    seen: dict[str, int] = {}
    batch = list(statements)
    single = len(batch) == 1
    for index, statement in enumerate(batch):
        prefix = "" if single else f"[{index}]"
        validate_statement(statement, allow_2_0=allow_2_0, path=prefix)
        statement_id = statement.get("id")
        if statement_id is None:
            continue
        key = statement_id.lower()
        if key in seen:
            raise StatementInvalid(
                f"{_join(prefix, 'id')}",
                f"must be unique within one request (statement [{seen[key]}] has the same id)",
            )
        seen[key] = index


def _join(path: str, name: str) -> str:
    if not path:
        return name
    return f"{path}{name}" if name.startswith("[") else f"{path}.{name}"


class _Checker:
    """One pass over one statement; methods mirror the specification's objects."""

    def __init__(self, allow_2_0: bool) -> None:
        self.allow_2_0 = allow_2_0

    # -- generic shapes -------------------------------------------------------------

    def obj(self, value: Any, path: str, allowed: frozenset[str] | set[str], required: Iterable[str] = ()) -> dict:
        """An object whose keys are all known (in the exact case) and none null."""
        if not isinstance(value, dict):
            raise StatementInvalid(path or "statement", "must be a JSON object")
        for key, item in value.items():
            if key not in allowed:
                raise StatementInvalid(_join(path, key), "is not a property allowed here by the xAPI specification")
            if item is None:
                raise StatementInvalid(_join(path, key), "must not be null")
        for key in required:
            if key not in value:
                raise StatementInvalid(_join(path, key), "is required")
        return value

    @staticmethod
    def string(value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise StatementInvalid(path, "must be a string")
        return value

    @staticmethod
    def boolean(value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise StatementInvalid(path, "must be a boolean (true or false), not a string or number")
        return value

    @staticmethod
    def number(value: Any, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise StatementInvalid(path, "must be a number")
        return float(value)

    @staticmethod
    def iri(value: Any, path: str) -> None:
        if not formats.is_iri(value):
            raise StatementInvalid(path, "must be an IRI with a scheme (e.g. http://...) and no spaces")

    @staticmethod
    def uuid(value: Any, path: str) -> None:
        if not formats.is_uuid(value):
            raise StatementInvalid(path, "must be a UUID in its standard string form")

    @staticmethod
    def timestamp(value: Any, path: str) -> None:
        if formats.parse_timestamp(value) is None:
            raise StatementInvalid(path, "must be an ISO 8601 timestamp (e.g. 2024-05-01T09:30:00.000Z)")

    def language_map(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise StatementInvalid(path, "must be a language map (an object of RFC 5646 tags to strings)")
        for tag, text in value.items():
            if not formats.is_language_tag(tag):
                raise StatementInvalid(_join(path, tag), "key must be an RFC 5646 language tag")
            if not isinstance(text, str):
                raise StatementInvalid(_join(path, tag), "must be a string")

    def extensions(self, value: Any, path: str) -> None:
        # Values are free (null included): an LRS must not reject a statement for them.
        if not isinstance(value, dict):
            raise StatementInvalid(path, "must be an object of IRIs to values")
        for key in value:
            if not formats.is_iri(key):
                raise StatementInvalid(_join(path, key), "extension key must be an IRI")

    def array(self, value: Any, path: str) -> list:
        if not isinstance(value, list):
            raise StatementInvalid(path, "must be an array")
        return value

    # -- statements -----------------------------------------------------------------

    def statement(self, statement: Any, path: str) -> None:
        self.obj(statement, path, STATEMENT_PROPERTIES, ("actor", "verb", "object"))
        if "id" in statement:
            self.uuid(statement["id"], _join(path, "id"))
        self.actor(statement["actor"], _join(path, "actor"))
        self.verb(statement["verb"], _join(path, "verb"))
        object_type = self.statement_object(statement["object"], _join(path, "object"), nested=False)
        self.voiding(statement, path)
        self.common_parts(statement, path, object_type)
        if "stored" in statement:
            self.timestamp(statement["stored"], _join(path, "stored"))
        if "authority" in statement:
            self.authority(statement["authority"], _join(path, "authority"))
        if "version" in statement and not is_statement_version(statement["version"]):
            raise StatementInvalid(
                _join(path, "version"), "must be a supported xAPI version starting with 1.0. or 2.0."
            )

    def substatement(self, statement: dict, path: str) -> None:
        for key in FORBIDDEN_IN_SUBSTATEMENT:
            if key in statement:
                raise StatementInvalid(_join(path, key), "must not appear in a SubStatement")
        self.obj(statement, path, SUBSTATEMENT_PROPERTIES, ("actor", "verb", "object"))
        self.actor(statement["actor"], _join(path, "actor"))
        self.verb(statement["verb"], _join(path, "verb"))
        object_type = self.statement_object(statement["object"], _join(path, "object"), nested=True)
        self.common_parts(statement, path, object_type)

    def common_parts(self, statement: dict, path: str, object_type: str) -> None:
        if "result" in statement:
            self.result(statement["result"], _join(path, "result"))
        if "context" in statement:
            self.context(statement["context"], _join(path, "context"), object_type)
        if "timestamp" in statement:
            self.timestamp(statement["timestamp"], _join(path, "timestamp"))
        if "attachments" in statement:
            attachments = self.array(statement["attachments"], _join(path, "attachments"))
            for index, attachment in enumerate(attachments):
                self.attachment(attachment, _join(path, f"attachments[{index}]"))

    def voiding(self, statement: dict, path: str) -> None:
        if statement["verb"]["id"] != VOIDED_VERB:
            return
        target = statement["object"]
        if target.get("objectType") != "StatementRef":
            raise StatementInvalid(
                _join(path, "object.objectType"), "must be StatementRef in a voiding statement (verb voided)"
            )

    # -- actors ---------------------------------------------------------------------

    def actor(self, actor: Any, path: str) -> None:
        if isinstance(actor, dict) and actor.get("objectType") == "Group":
            self.group(actor, path)
        else:
            self.agent(actor, path)

    def agent(self, agent: Any, path: str, *, object_type_required: bool = False) -> None:
        self.obj(agent, path, {"objectType", "name", *IFI_PROPERTIES})
        if "objectType" in agent and agent["objectType"] != "Agent":
            raise StatementInvalid(_join(path, "objectType"), "must be Agent or Group (exact case)")
        if object_type_required and "objectType" not in agent:
            raise StatementInvalid(_join(path, "objectType"), "is required when an Agent is the object")
        if "name" in agent:
            self.string(agent["name"], _join(path, "name"))
        if self.ifis(agent, path) == 0:
            raise StatementInvalid(path, "an Agent needs exactly one of mbox, mbox_sha1sum, openid, account")

    def group(self, group: dict, path: str) -> None:
        self.obj(group, path, {"objectType", "name", "member", *IFI_PROPERTIES})
        if "name" in group:
            self.string(group["name"], _join(path, "name"))
        identified = self.ifis(group, path) == 1
        if not identified and "member" not in group:
            raise StatementInvalid(
                _join(path, "member"), "is required in an anonymous Group (one without an identifier)"
            )
        if "member" in group:
            members = self.array(group["member"], _join(path, "member"))
            for index, member in enumerate(members):
                member_path = _join(path, f"member[{index}]")
                if isinstance(member, dict) and member.get("objectType") == "Group":
                    raise StatementInvalid(
                        _join(member_path, "objectType"), "a Group's members must be Agents, not Groups"
                    )
                self.agent(member, member_path)

    def ifis(self, actor: dict, path: str) -> int:
        present = [prop for prop in IFI_PROPERTIES if prop in actor]
        if len(present) > 1:
            raise StatementInvalid(
                _join(path, present[1]),
                f"only one inverse functional identifier is allowed ({' and '.join(present)} given)",
            )
        if not present:
            return 0
        prop = present[0]
        value = actor[prop]
        where = _join(path, prop)
        if prop == "mbox" and not formats.is_mailto(value):
            raise StatementInvalid(where, "must be a mailto IRI (mailto:name@example.org)")
        if prop == "mbox_sha1sum" and not formats.is_sha1_hex(value):
            raise StatementInvalid(where, "must be the hex SHA-1 of a mailto IRI (40 hex digits)")
        if prop == "openid":
            self.iri(value, where)
        if prop == "account":
            self.obj(value, where, {"homePage", "name"}, ("homePage", "name"))
            self.iri(value["homePage"], _join(where, "homePage"))
            self.string(value["name"], _join(where, "name"))
        return 1

    def authority(self, authority: Any, path: str) -> None:
        self.actor(authority, path)
        if authority.get("objectType") == "Group":
            if any(prop in authority for prop in IFI_PROPERTIES):
                raise StatementInvalid(path, "an authority Group must be an anonymous Group of two Agents (OAuth)")
            members = authority.get("member")
            if not isinstance(members, list) or len(members) != 2:
                raise StatementInvalid(_join(path, "member"), "an authority Group must hold exactly two Agents (OAuth)")

    # -- verb and object ------------------------------------------------------------

    def verb(self, verb: Any, path: str) -> None:
        self.obj(verb, path, {"id", "display"}, ("id",))
        self.iri(verb["id"], _join(path, "id"))
        if "display" in verb:
            self.language_map(verb["display"], _join(path, "display"))

    def statement_object(self, target: Any, path: str, *, nested: bool) -> str:
        if not isinstance(target, dict):
            raise StatementInvalid(path, "must be a JSON object")
        if "objectType" not in target and any(key in target for key in (*IFI_PROPERTIES, "member")):
            raise StatementInvalid(_join(path, "objectType"), "is required when an Agent or Group is the object")
        object_type = target.get("objectType", "Activity")
        if object_type == "Activity":
            self.activity(target, path)
        elif object_type == "Agent":
            self.agent(target, path, object_type_required=True)
        elif object_type == "Group":
            self.group(target, path)
        elif object_type == "StatementRef":
            self.statement_ref(target, path)
        elif object_type == "SubStatement":
            if nested:
                raise StatementInvalid(
                    _join(path, "objectType"), "a SubStatement must not contain another SubStatement"
                )
            self.substatement(target, path)
        else:
            raise StatementInvalid(
                _join(path, "objectType"),
                "must be one of Activity, Agent, Group, StatementRef, SubStatement (exact case)",
            )
        return object_type

    def statement_ref(self, ref: Any, path: str) -> None:
        self.obj(ref, path, {"objectType", "id"}, ("objectType", "id"))
        if ref["objectType"] != "StatementRef":
            raise StatementInvalid(_join(path, "objectType"), "must be StatementRef")
        self.uuid(ref["id"], _join(path, "id"))

    def activity(self, activity: Any, path: str) -> None:
        self.obj(activity, path, {"objectType", "id", "definition"}, ("id",))
        if activity.get("objectType", "Activity") != "Activity":
            raise StatementInvalid(_join(path, "objectType"), "must be Activity")
        self.iri(activity["id"], _join(path, "id"))
        if "definition" in activity:
            self.definition(activity["definition"], _join(path, "definition"))

    def definition(self, definition: Any, path: str) -> None:
        self.obj(definition, path, DEFINITION_PROPERTIES)
        for key in ("name", "description"):
            if key in definition:
                self.language_map(definition[key], _join(path, key))
        for key in ("type", "moreInfo"):
            if key in definition:
                self.iri(definition[key], _join(path, key))
        if "extensions" in definition:
            self.extensions(definition["extensions"], _join(path, "extensions"))
        self.interaction(definition, path)

    def interaction(self, definition: dict, path: str) -> None:
        lists = [key for key in ALL_COMPONENT_LISTS if key in definition]
        kind = definition.get("interactionType")
        if kind is None:
            if lists or "correctResponsesPattern" in definition:
                raise StatementInvalid(
                    _join(path, "interactionType"),
                    "is required when correctResponsesPattern or component lists are given",
                )
            return
        if not isinstance(kind, str) or kind not in INTERACTION_COMPONENT_LISTS:
            raise StatementInvalid(
                _join(path, "interactionType"), "must be one of " + ", ".join(INTERACTION_COMPONENT_LISTS)
            )
        if "correctResponsesPattern" in definition:
            patterns = self.array(definition["correctResponsesPattern"], _join(path, "correctResponsesPattern"))
            for index, pattern in enumerate(patterns):
                self.string(pattern, _join(path, f"correctResponsesPattern[{index}]"))
        for key in lists:
            if key not in INTERACTION_COMPONENT_LISTS[kind]:
                raise StatementInvalid(_join(path, key), f"is not a component list of a {kind} interaction")
            self.components(definition[key], _join(path, key))

    def components(self, components: Any, path: str) -> None:
        seen: set[str] = set()
        for index, component in enumerate(self.array(components, path)):
            where = _join(path, f"[{index}]")
            self.obj(component, where, {"id", "description"}, ("id",))
            component_id = self.string(component["id"], _join(where, "id"))
            if not component_id:
                raise StatementInvalid(_join(where, "id"), "must not be empty")
            if component_id in seen:
                raise StatementInvalid(_join(where, "id"), "must be distinct within its component list")
            seen.add(component_id)
            if "description" in component:
                self.language_map(component["description"], _join(where, "description"))

    # -- result, context, attachments -----------------------------------------------

    def result(self, result: Any, path: str) -> None:
        self.obj(result, path, {"score", "success", "completion", "response", "duration", "extensions"})
        for key in ("success", "completion"):
            if key in result:
                self.boolean(result[key], _join(path, key))
        if "response" in result:
            self.string(result["response"], _join(path, "response"))
        if "duration" in result and not formats.is_duration(result["duration"]):
            raise StatementInvalid(_join(path, "duration"), "must be an ISO 8601 duration (e.g. PT1H30M5.2S)")
        if "extensions" in result:
            self.extensions(result["extensions"], _join(path, "extensions"))
        if "score" in result:
            self.score(result["score"], _join(path, "score"))

    def score(self, score: Any, path: str) -> None:
        self.obj(score, path, {"scaled", "raw", "min", "max"})
        values = {key: self.number(score[key], _join(path, key)) for key in score}
        if "scaled" in values and not -1 <= values["scaled"] <= 1:
            raise StatementInvalid(_join(path, "scaled"), "must be between -1 and 1 inclusive")
        low, high, raw = values.get("min"), values.get("max"), values.get("raw")
        if low is not None and high is not None and not low < high:
            raise StatementInvalid(_join(path, "min"), "must be less than max")
        if raw is not None and low is not None and raw < low:
            raise StatementInvalid(_join(path, "raw"), "must not be less than min")
        if raw is not None and high is not None and raw > high:
            raise StatementInvalid(_join(path, "raw"), "must not be greater than max")

    def context(self, context: Any, path: str, object_type: str) -> None:
        self.obj(context, path, CONTEXT_PROPERTIES_2_0 if self.allow_2_0 else CONTEXT_PROPERTIES)
        if "registration" in context:
            self.uuid(context["registration"], _join(path, "registration"))
        if "instructor" in context:
            self.actor(context["instructor"], _join(path, "instructor"))
        if "team" in context:
            team = context["team"]
            if not isinstance(team, dict) or team.get("objectType") != "Group":
                raise StatementInvalid(_join(path, "team.objectType"), "a team must be a Group (objectType Group)")
            self.group(team, _join(path, "team"))
        for key in ("revision", "platform"):
            if key in context:
                self.string(context[key], _join(path, key))
                if object_type != "Activity":
                    raise StatementInvalid(_join(path, key), "may only be used when the object is an Activity")
        if "language" in context and not formats.is_language_tag(context["language"]):
            raise StatementInvalid(_join(path, "language"), "must be an RFC 5646 language tag")
        if "statement" in context:
            self.statement_ref(context["statement"], _join(path, "statement"))
        if "extensions" in context:
            self.extensions(context["extensions"], _join(path, "extensions"))
        if "contextActivities" in context:
            self.context_activities(context["contextActivities"], _join(path, "contextActivities"))
        if "contextAgents" in context:
            self.context_actors(context["contextAgents"], _join(path, "contextAgents"), "contextAgent", "agent")
        if "contextGroups" in context:
            self.context_actors(context["contextGroups"], _join(path, "contextGroups"), "contextGroup", "group")

    def context_activities(self, value: Any, path: str) -> None:
        self.obj(value, path, CONTEXT_ACTIVITY_KINDS)
        for kind, activities in value.items():
            where = _join(path, kind)
            if isinstance(activities, dict):
                self.activity(activities, where)
                continue
            for index, activity in enumerate(self.array(activities, where)):
                self.activity(activity, _join(where, f"[{index}]"))

    def context_actors(self, value: Any, path: str, object_type: str, role: str) -> None:
        for index, entry in enumerate(self.array(value, path)):
            where = _join(path, f"[{index}]")
            self.obj(entry, where, {"objectType", role, "relevantTypes"}, ("objectType", role))
            if entry["objectType"] != object_type:
                raise StatementInvalid(_join(where, "objectType"), f"must be {object_type}")
            if role == "group":
                if not isinstance(entry[role], dict) or entry[role].get("objectType") != "Group":
                    raise StatementInvalid(_join(where, "group.objectType"), "must be Group")
                self.group(entry[role], _join(where, role))
            else:
                self.agent(entry[role], _join(where, role))
            if "relevantTypes" in entry:
                types = self.array(entry["relevantTypes"], _join(where, "relevantTypes"))
                if not types:
                    raise StatementInvalid(_join(where, "relevantTypes"), "must not be empty when present")
                for position, type_iri in enumerate(types):
                    self.iri(type_iri, _join(where, f"relevantTypes[{position}]"))

    def attachment(self, attachment: Any, path: str) -> None:
        self.obj(
            attachment,
            path,
            {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"},
            ("usageType", "display", "contentType", "length", "sha2"),
        )
        self.iri(attachment["usageType"], _join(path, "usageType"))
        self.language_map(attachment["display"], _join(path, "display"))
        if "description" in attachment:
            self.language_map(attachment["description"], _join(path, "description"))
        if not formats.is_media_type(attachment["contentType"]):
            raise StatementInvalid(_join(path, "contentType"), "must be an Internet media type (e.g. application/pdf)")
        length = attachment["length"]
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            raise StatementInvalid(_join(path, "length"), "must be a non-negative integer")
        if not formats.is_sha2_hex(attachment["sha2"]):
            raise StatementInvalid(_join(path, "sha2"), "must be a hex SHA-2 digest")
        if "fileUrl" in attachment:
            self.iri(attachment["fileUrl"], _join(path, "fileUrl"))
