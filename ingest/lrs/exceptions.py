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


class PersonForgotten(TerminalError):
    """A statement or document is about a person erased at their request (403); nothing of its request is stored.

    The message names the statement by its position in the request (or the document by its agent parameter),
    never the person.
    """

    rule = "right to erasure: statements and documents about a person erased at their request are not accepted"

    def __init__(self, field: str, what: str) -> None:
        super().__init__(
            f"{what} is about a person who was erased at their request (right to erasure); "
            "nothing about them is accepted, so nothing of this request was stored"
        )
        self.field = field

    @classmethod
    def statement(cls, index: int) -> PersonForgotten:
        return cls(f"[{index}]", f"statement [{index}]")

    @classmethod
    def document(cls) -> PersonForgotten:
        return cls("agent", "this document's agent")


class CredentialExists(TerminalError):
    """A credential with this name exists already; names identify the tool in each statement's authority."""


class UnknownCredential(TerminalError):
    """No (active) credential has the name an operator gave."""


class BadRequest(InvalidField):
    """A request the LRS cannot act on (parameters, headers, body); answered 400 naming the field and rule."""


class PayloadTooLarge(TerminalError):
    """The request body is larger than settings.lrs_max_body_bytes (413)."""


class RequestIncomplete(TerminalError):
    """The client stopped sending the body, or went away, before the request was complete (408, nothing stored)."""


class Forbidden(TerminalError):
    """Authenticated, but the credential's scopes do not cover this request (403)."""

    def __init__(self, scope: str) -> None:
        super().__init__(f"this credential's scopes do not include {scope}")
        self.scope = scope


class VoidingForbidden(Forbidden):
    """A voiding statement whose target this credential did not store, and it lacks scope admin (403).

    Whether the target exists, and whose it is, the answer is the same: it confirms no id.
    """

    def __init__(self, index: int) -> None:
        TerminalError.__init__(
            self,
            f"statement [{index}] voids a statement this credential did not store; "
            "voiding another tool's statement, or one not stored yet, needs scope admin",
        )
        self.scope = "admin"


class DocumentConflict(TerminalError):
    """A document write that would overwrite without a concurrency header, or merge what cannot be merged (409)."""


class PreconditionFailed(TerminalError):
    """If-Match or If-None-Match does not hold for the document as it is now (412)."""
