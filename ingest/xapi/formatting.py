"""The three ways a statement can be returned: exact (as stored), ids (identifiers only), canonical (one language)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ingest.xapi.identity import IFI_PROPERTIES

FORMATS = ("exact", "ids", "canonical")
LANGUAGE_MAP_KEYS = ("display", "name", "description")


def ids_format(statement: dict) -> dict:
    """Agents, Groups, Activities and Verbs reduced to what identifies them."""
    return _rewrite(
        statement,
        actor=_actor_ids,
        activity=lambda activity: {"id": activity["id"]},
        verb=lambda verb: {"id": verb["id"]},
    )


def canonical_format(
    statement: dict, languages: Sequence[str], definitions: Callable[[str], dict | None] = lambda _: None
) -> dict:
    """Activities with the LRS's canonical definition and every language map cut to the best language."""

    def activity(item: dict) -> dict:
        definition = definitions(item["id"]) or item.get("definition")
        result = {key: value for key, value in item.items() if key != "definition"}
        if definition:
            result["definition"] = _pick_languages(definition, languages)
        return result

    def verb(item: dict) -> dict:
        return _pick_languages(item, languages)

    rewritten = _rewrite(statement, actor=lambda actor: actor, activity=activity, verb=verb)
    for holder in (rewritten, rewritten["object"]):
        if isinstance(holder, dict) and isinstance(holder.get("attachments"), list):
            holder["attachments"] = [_pick_languages(item, languages) for item in holder["attachments"]]
    return rewritten


def accepted_languages(header: str | None) -> list[str]:
    """Language tags of an Accept-Language header, best first."""
    ranked = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        if not tag:
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(ranked) if tag]


def _pick_languages(value: Any, languages: Sequence[str]) -> Any:
    if isinstance(value, list):
        return [_pick_languages(item, languages) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        if key in LANGUAGE_MAP_KEYS and isinstance(item, dict) and all(isinstance(text, str) for text in item.values()):
            result[key] = _one_language(item, languages)
        elif key in ("choices", "scale", "source", "target", "steps"):
            result[key] = _pick_languages(item, languages)
        else:
            result[key] = item
    return result


def _one_language(language_map: dict[str, str], languages: Sequence[str]) -> dict[str, str]:
    if not language_map:
        return language_map
    lowered = {tag.lower(): tag for tag in language_map}
    for wanted in languages:
        if wanted == "*":
            break
        wanted = wanted.lower()
        if wanted in lowered:
            return {lowered[wanted]: language_map[lowered[wanted]]}
        for tag_lower, tag in lowered.items():
            if tag_lower.split("-")[0] == wanted.split("-")[0]:
                return {tag: language_map[tag]}
    for fallback in ("und", "en-us", "en"):
        if fallback in lowered:
            return {lowered[fallback]: language_map[lowered[fallback]]}
    first = next(iter(language_map))
    return {first: language_map[first]}


def _actor_ids(actor: dict) -> dict:
    result = {"objectType": actor.get("objectType", "Agent")}
    result.update((key, actor[key]) for key in IFI_PROPERTIES if key in actor)
    if result["objectType"] == "Group" and len(result) == 1 and isinstance(actor.get("member"), list):
        result["member"] = [_actor_ids(member) for member in actor["member"]]
    return result


def _rewrite(
    statement: dict, *, actor: Callable[[dict], dict], activity: Callable[[dict], dict], verb: Callable[[dict], dict]
) -> dict:
    result = dict(statement)
    result["actor"] = actor(statement["actor"])
    result["verb"] = verb(statement["verb"])
    target = statement["object"]
    object_type = target.get("objectType", "Activity")
    if object_type == "Activity":
        result["object"] = activity(target)
    elif object_type in ("Agent", "Group"):
        result["object"] = actor(target)
    elif object_type == "SubStatement":
        result["object"] = _rewrite(target, actor=actor, activity=activity, verb=verb)
    if isinstance(statement.get("authority"), dict):
        result["authority"] = actor(statement["authority"])
    context = statement.get("context")
    if isinstance(context, dict):
        context = dict(context)
        for role in ("instructor", "team"):
            if isinstance(context.get(role), dict):
                context[role] = actor(context[role])
        activities = context.get("contextActivities")
        if isinstance(activities, dict):
            context["contextActivities"] = {
                kind: [activity(item) for item in (items if isinstance(items, list) else [items])]
                for kind, items in activities.items()
            }
        for key, role in (("contextAgents", "agent"), ("contextGroups", "group")):
            if isinstance(context.get(key), list):
                context[key] = [{**entry, role: actor(entry[role])} for entry in context[key]]
        result["context"] = context
    return result
