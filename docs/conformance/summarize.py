"""Reduces an ADL conformance suite log to its summary and the titles of failed tests (no requests, no credentials)."""

import json
import sys


def failures(node: dict, path: list[str]) -> list[dict]:
    children = node.get("tests") or []
    if children:
        return [failure for child in children for failure in failures(child, path + [node.get("title", "")])]
    if node.get("status") == "failed" or node.get("error"):
        return [{"requirement": path[-1], "test": node.get("title"), "error": str(node.get("error")).split("\n")[0]}]
    return []


with open(sys.argv[1]) as fh:
    log = json.load(fh)
print(json.dumps({"summary": log["summary"], "failed": failures(log.get("log", {}), [])}, indent=2))
