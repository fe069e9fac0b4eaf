"""Leerstroom's error hierarchy: transient errors are retried, terminal ones are reported."""


class LeerstroomError(Exception):
    """Base of every error Leerstroom raises on purpose."""


class TransientError(LeerstroomError):
    """Worth retrying with backoff: broker down, lake catalog busy."""


class TerminalError(LeerstroomError):
    """Retrying will not help: bad configuration, corrupt input."""


class LakeBusy(TransientError):
    """Another writer held the lake catalog; the transaction was rolled back."""


class LakeUnavailable(TransientError):
    """The lake's catalog (a PostgreSQL server) or its object storage did not answer."""


class BrokerUnavailable(TransientError):
    """The Kafka broker did not answer in time."""


class ConfigurationError(TerminalError):
    """A setting is missing or wrong; the message says which and how to fix it."""
