"""What the sink does for privacy before a batch reaches the lake: drop forgotten people, pseudonymise the rest.

The LRS keeps statements as sent (tools read back what they wrote); only the lake's
copy is pseudonymised: the payload's every agent, and every column unpacked from it
that can name a person. The LRS already refuses statements about forgotten people;
dropping them here as well covers what was in flight when `forget` ran.
"""

from __future__ import annotations

import logging

import orjson
import pyarrow as pa

from ingest.privacy.forgotten import ForgetList
from ingest.privacy.pseudonyms import pseudonymise, pseudonymous_key
from ingest.xapi.columns import statement_columns
from leerstroom.settings import Settings

log = logging.getLogger(__name__)

# Statement columns that hold an actor key (an Agent or Group as object has its key in object_id).
IDENTITY_COLUMNS = ("actor_key", "object_id")


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
        documents = [orjson.loads(payload) for payload in table.column("payload").to_pylist()]
        keys = table.column(key_column).to_pylist()
        keep = [
            row for row, (document, key) in enumerate(zip(documents, keys)) if not self.forgotten.about(document, key)
        ]
        if len(keep) < table.num_rows:
            self.dropped += table.num_rows - len(keep)
            log.info("dropped %d rows about forgotten people", table.num_rows - len(keep))
        table = table.take(pa.array(keep, pa.int64()))
        if not self.key:
            return table
        hidden = [pseudonymise(documents[row], self.key) for row in keep]
        columns = {"payload": [orjson.dumps(document).decode() for document in hidden]}
        if statement:
            # Unpacked again from the pseudonymised payload, by the code that unpacked them, so they match its JSON.
            unpacked = [statement_columns(document) for document in hidden]
            columns.update((name, [row[name] for row in unpacked]) for name in IDENTITY_COLUMNS)
        else:
            columns[key_column] = [pseudonymous_key(keys[row], self.key) if keys[row] else None for row in keep]
        for name, values in columns.items():
            index = table.schema.get_field_index(name)
            table = table.set_column(index, table.schema.field(index), pa.array(values, pa.string()))
        return table
