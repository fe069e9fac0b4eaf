"""The xAPI LRS endpoint: HTTP app, credentials, and the operational store with its outbox."""
