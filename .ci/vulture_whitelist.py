"""What vulture (the dead-code check in .ci/run) reports as unused but is not: each line says who uses it.

Vulture reads names, not calls: what a library calls by name, or only the tests use, looks unused
to it. Keep this list short; anything else it reports is removed.
"""

_.restart  # ingest/broker.py: tests crash and restart the real embedded broker with it (crash rounds, spine)
_.log_changes  # ingest/sink.py: tests/ingest/test_sink_crashes.py checks the sink followed the broker's new log
_.__cause__  # ingest/lrs/statement_writes.py: Python reads it when the caller raises the error it was handed
_.on_partitions_revoked  # ingest/sink.py: kafka-python calls the rebalance listener's methods by name
_.on_partitions_assigned  # ingest/sink.py: likewise
_.model_config  # leerstroom/settings.py: pydantic-settings reads the class attribute by name
_.Plugin  # transform/dbt_plugin.py: dbt-duckdb loads the plugin class by name from profiles.yml
_.initialize  # transform/dbt_plugin.py: dbt-duckdb's plugin interface
_.update_connection_config  # transform/dbt_plugin.py: likewise
_.configure_connection  # transform/dbt_plugin.py: likewise
_.progress_bars  # transform/quality/gate.py: Great Expectations reads its context variable by name
_.brier_low  # transform/risk/evaluation.py: written to the backtest table through dataclasses.asdict
_.brier_high  # likewise
_.precision_top10  # likewise
