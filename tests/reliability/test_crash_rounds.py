"""Twenty SIGKILLs spread over LRS, relay, sink, transform and broker while a tool posts: nothing lost, nothing doubled.

Two sinks on one lake by mistake are covered by tests/ingest/test_sink_crashes.py
(test_two_sinks_on_one_lake_double_nothing); the long version of this run is bench/crash_soak.py.
"""

from __future__ import annotations

import random

import pytest

from leerstroom.settings import Settings
from tests.reliability.chaos import VICTIMS, Chaos

pytestmark = [pytest.mark.broker, pytest.mark.slow]

ROUNDS = 20


def test_every_acknowledged_statement_is_in_the_lake_once_after_twenty_random_kills(settings: Settings) -> None:
    seed = random.randrange(1_000_000)
    chaos = Chaos(settings.model_copy(update={"kafka_timeout_ms": 2000}), seed)
    try:
        chaos.start()
        kills = chaos.rounds(ROUNDS)
        outcome = chaos.settle(timeout=120)
    except BaseException:
        print(chaos.logs())
        raise
    finally:
        chaos.stop()

    context = f"seed {seed}, kills {dict(kills)}, outcome {outcome}"
    assert sum(kills.values()) >= ROUNDS - 2, f"most kills must hit a running process ({context})"
    assert set(kills) == set(VICTIMS), f"every part was killed at least once ({context})"
    assert outcome.acknowledged > 1000, f"statements kept flowing between the kills ({context})"
    assert not outcome.refusals, f"the tool's statements were valid, none may be refused ({context})"
    assert outcome.lost == 0, context
    assert outcome.doubled == 0, context
    assert outcome.unexpected == 0, f"the lake holds only what was acknowledged ({context})"
