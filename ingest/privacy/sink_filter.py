"""What the sink does for privacy before a batch reaches the lake: drop forgotten people, pseudonymise the rest.

The LRS keeps statements as sent (tools read back what they wrote); only the lake's
copy is pseudonymised, in its key column and in every agent inside the payload.
"""

from __future__ import annotations

import logging

import orjson
import pyarrow as pa

from ingest.privacy.forgotten import ForgetList
from ingest.privacy.pseudonyms import pseudonymise, pseudonymous_key
from ingest.xapi.identity import actor_key
from leerstroom.settings import Settings

log = logging.getLogger(__name__)


class SinkPrivacy:
    def __init__(self, settings: Settings) -> None:
        self.key = settings.pseudonymisation_key
        self.forgotten = ForgetList(settings)
        self.dropped = 0

    @property
    def active(self) -> bool:
        return bool(self.key) or len(self.forgotten) > 0

    def apply(self, batch):
        """The batch with forgotten people's rows removed and identities pseudonymised (when a key is set)."""
        self.forgotten.refresh()
        if not self.active:
            return batch
        batch.statements = self._table(batch.statements, "actor_key", statement=True)
        documents = getattr(batch, "documents", None)
        if documents is not None:
            batch.documents = self._table(documents, "agent_key", statement=False)
        return batch

    def _table(self, table: pa.Table, key_column: str, *, statement: bool) -> pa.Table:
        if table.num_rows == 0:
            return table
        keep: list[int] = []
        payloads: list[str] = []
        keys: list[str | None] = []
        for row, (payload, key) in enumerate(zip(table.column("payload").to_pylist(),
                                                 table.column(key_column).to_pylist())):
            document = orjson.loads(payload)
            if (key and self.forgotten.is_forgotten(key)) or self.forgotten.concerns(document):
                self.dropped += 1
                continue
            keep.append(row)
            if self.key:
                document = pseudonymise(document, self.key)
                payload = orjson.dumps(document).decode()
                if statement:
                    key = actor_key(document["actor"])
                elif key:
                    key = pseudonymous_key(key, self.key)
            payloads.append(payload)
            keys.append(key)
        if len(keep) < table.num_rows:
            log.info("dropped %d rows about forgotten people", table.num_rows - len(keep))
        table = table.take(pa.array(keep, pa.int64()))
        for name, values in (("payload", payloads), (key_column, keys)):
            index = table.schema.get_field_index(name)
            table = table.set_column(index, table.schema.field(index), pa.array(values, pa.string()))
        return table
