"""Shared fixtures. Every test gets its own data folder; real parts are started by the fixture modules."""

pytest_plugins = [
    "tests.fixtures.data",
    "tests.fixtures.broker",
    "tests.fixtures.lrs",
    "tests.fixtures.pipeline",
    "tests.fixtures.postgres",
    "tests.fixtures.object_storage",
    "tests.fixtures.briefing_org",
]
