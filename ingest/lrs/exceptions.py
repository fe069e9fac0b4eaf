"""Errors of the LRS endpoint; the HTTP layer maps each to its status code."""

from __future__ import annotations

from ingest.xapi.exceptions import InvalidField
from leerstroom.errors import TerminalError, TransientError


class StoreUnavailable(TransientError):
    """The LRS store could not commit (disk full, locked, read-only): answered 503, the client retries."""


class StatementConflict(TerminalError):
    """A statement id the LRS already holds arrived with different content (409)."""

    def __init__(self, statement_id: str) -> None:
        super().__init__(f"statement {statement_id} is already stored with different content")
        self.statement_id = statement_id


class CredentialExists(TerminalError):
    """A credential with this name exists already; names identify the tool in each statement's authority."""


class BadRequest(InvalidField):
    """A request the LRS cannot act on (parameters, headers, body); answered 400 naming the field and rule."""


class PayloadTooLarge(TerminalError):
    """The request body is larger than settings.lrs_max_body_bytes (413)."""
