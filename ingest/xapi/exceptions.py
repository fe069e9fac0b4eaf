"""Errors of the xAPI statement model: each names the field it is about and the rule it broke."""

from __future__ import annotations

from leerstroom.errors import TerminalError


class InvalidField(TerminalError):
    """Input that breaks a rule; `field` names where (a JSON path, a parameter or header), `rule` says what."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class StatementInvalid(InvalidField):
    """A statement (or a request holding statements) breaks a rule of the xAPI specification."""


class VersionUnsupported(TerminalError):
    """The X-Experience-API-Version header is missing or names a version this LRS does not speak."""
