"""The xAPI statement model: validation, versions and the identities that key the stream."""
