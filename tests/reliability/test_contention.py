"""Sink, transform and dashboard reads on one lake at once: no write fails for good, no read fails, nothing lost.

The ten-minute version is bench/contention.py.
"""

from __future__ import annotations

import pytest

from leerstroom.settings import Settings
from tests.reliability.contention import run_contention

pytestmark = [pytest.mark.broker, pytest.mark.slow]


def test_sink_transform_and_readers_share_the_lake_without_errors(settings: Settings) -> None:
    # A full dbt build takes minutes on 2 cores: here it reads the lake while the sink appends and the readers
    # query, and is stopped at the end; bench/contention.py runs complete transforms for ten minutes.
    outcome = run_contention(settings, seconds=45, rate_per_second=800, finish_transform=False)
    assert outcome.transforms_started >= 1
    assert outcome.reads > 10, outcome
    assert not outcome.reader_errors, outcome.reader_errors
    assert not outcome.failed_writes, outcome.failed_writes[:5]
    assert outcome.lost == 0 and outcome.doubled == 0, outcome
