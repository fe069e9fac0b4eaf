"""Leerstroom's configuration: one object, read from LEERSTROOM_* environment variables."""

from __future__ import annotations

import socket
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting has a default that works out of the box: embedded broker, lake under ./data."""

    model_config = SettingsConfigDict(
        env_prefix="LEERSTROOM_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    data_dir: Path = Field(Path("data"), description="Folder holding the LRS store, the lake and run files.")
    instance: str = Field(
        "",
        description="This process's name among several of one part (lrs-2, sink-1), for its "
        "heartbeat file and logs; empty: the host name, which differs per container.",
    )

    # Kafka. Empty bootstrap means: use the embedded Tansu broker started by `leerstroom broker`.
    kafka_bootstrap: str = Field("", description="External Kafka bootstrap servers; empty = embedded broker.")
    kafka_topic: str = "xapi.statements"
    kafka_partitions: int = Field(4, ge=1)
    kafka_replication_factor: int = Field(
        1,
        ge=1,
        description="Copies of each partition when Leerstroom creates the topic: 3 on a cluster of 3 or more brokers.",
    )
    kafka_timeout_ms: int = Field(5000, ge=100, description="How long a Kafka call may wait before failing.")

    # LRS endpoint.
    lrs_host: str = "127.0.0.1"
    lrs_port: int = 8000
    lrs_database: str = Field(
        "",
        description="The LRS store (statements, documents, credentials, outbox, dead "
        "letters): empty for the SQLite file in the data folder, or `postgresql://user@host/db` "
        "(a password from PGPASSWORD or ~/.pgpass) for one PostgreSQL database that LRS "
        "processes on several machines share.",
    )
    lrs_database_pool: int = Field(8, ge=1, description="Connections each LRS process keeps for reads on PostgreSQL.")
    lrs_reuse_port: bool = Field(
        False,
        description="Bind the LRS port with SO_REUSEPORT, so several `leerstroom "
        "lrs` processes on one host serve one address and the kernel spreads connections "
        "over them.",
    )
    lrs_max_body_bytes: int = Field(20 * 1024 * 1024, description="Larger request bodies get 413.")
    lrs_signin_failures: int = Field(
        20,
        ge=0,
        description="Failed sign-ins allowed per credential key from one client address, and per client "
        "address, within lrs_signin_window_seconds before further requests from there get 429; 0 turns the limit off.",
    )
    lrs_signin_window_seconds: int = Field(60, ge=1)
    lrs_header_timeout_seconds: float = Field(
        10,
        gt=0,
        description="A request's headers must arrive within this many seconds, or the LRS answers 408 and "
        "closes the connection.",
    )
    lrs_body_timeout_seconds: float = Field(
        30,
        gt=0,
        description="The longest pause between two reads of a request's body before the LRS answers 408 "
        "and closes the connection.",
    )
    # What the LRS keeps of refused requests (`leerstroom rejected`).
    lrs_rejected_days: int = Field(
        30,
        ge=1,
        description="Refused requests, and the statements refused with 400, are kept this many days, then deleted.",
    )
    lrs_rejected_body_bytes: int = Field(
        256 * 1024,
        ge=1024,
        description="A refused statement body up to this size is kept whole; a larger one keeps "
        "its SHA-256 and its first 4 KiB.",
    )
    lrs_rejected_per_tool: int = Field(
        10_000,
        ge=100,
        description="At most this many refused requests are kept per credential; beyond it the oldest go first.",
    )
    lrs_repair_rules: str = Field(
        "",
        description="YAML file of repair rules per credential for `leerstroom rejected "
        "replay`; empty: <data_dir>/lrs/repair-rules.yml.",
    )

    # Relay (LRS store outbox -> Kafka).
    relay_batch: int = Field(5000, ge=1)
    relay_idle_seconds: float = Field(0.05, gt=0)

    # Sink (Kafka -> lake) micro-batches: bounded by count and by time.
    sink_batch_max: int = Field(10_000, ge=1)
    sink_batch_seconds: float = Field(2.0, gt=0)
    sink_group: str = Field(
        "",
        description="Kafka consumer group several sinks share, each taking the partitions "
        "the group gives it; empty: this sink reads every partition itself (one sink).",
    )

    # The lake: its catalog and where its Parquet files live.
    lake_catalog: str = Field(
        "",
        description="The DuckLake catalog: empty for the SQLite file in the data folder, "
        "or `postgres:dbname=… host=… user=…` (libpq keywords; a password from PGPASSWORD or "
        "~/.pgpass) for one PostgreSQL database that several machines share.",
    )
    lake_data_path: str = Field(
        "",
        description="Where the lake's Parquet files live: empty for the data folder, a "
        "shared folder, or object storage (`s3://bucket/prefix/`).",
    )
    lake_s3_key_id: str = Field("", description="Object storage access key id; empty: no credentials are sent.")
    lake_s3_secret: SecretStr = Field(SecretStr(""), description="Object storage secret access key.")
    lake_s3_region: str = Field("", description="Object storage region, e.g. eu-west-1.")
    lake_s3_endpoint: str = Field(
        "",
        description="host:port of an S3-compatible store other than AWS (MinIO, Ceph, "
        "Garage, a cloud's S3 endpoint); empty: AWS S3.",
    )
    lake_s3_url_style: str = Field(
        "vhost", pattern="^(vhost|path)$", description="`path` for most self-hosted S3-compatible stores."
    )
    lake_s3_use_ssl: bool = Field(True, description="false only for a store on a trusted network without TLS.")

    # Dashboard.
    dashboard_host: str = "127.0.0.1"
    dashboard_port: int = 8501
    delivery_interval_seconds: int = Field(
        300,
        ge=10,
        description="Schedule of `leerstroom deliver --every`: `leerstroom health deliver` wants a round completed "
        "within twice this, plus 10 minutes.",
    )

    # Transform.
    transform_interval_seconds: int = Field(900, ge=10, description="Schedule of `leerstroom transform --every`.")
    freshness_warn_hours: int = 24
    freshness_error_hours: int = 72
    transform_memory_limit: str = Field(
        "",
        description="DuckDB memory_limit for the dbt build, e.g. '4GB' (it spills "
        "to disk beyond it); empty: DuckDB's default, 80 % of RAM.",
    )

    # Retention model and quality gate.
    retention_scoring: bool = Field(
        True,
        description="Compute individual retention-risk scores (may need the works "
        "council's consent); false: none is computed or stored.",
    )
    history_backfill_days: int = Field(
        7,
        ge=0,
        description="Statements stored within this many days of the oldest "
        "stored one are the tools' go-live backfill: retention features treat them as "
        "known from their own timestamp (0: always from when they were stored).",
    )
    quality_future_tolerance_minutes: int = Field(
        5, ge=0, description="Statements timestamped further than this after they were stored are quarantined."
    )
    quality_quarantine_max_share: float = Field(
        0.01,
        ge=0,
        le=1,
        description="A transform is refused when more than this share of the statements new since "
        "the previous screening was quarantined (their quarantine stays; the next run judges only newer ones).",
    )
    certification_max_age_hours: float = Field(
        6,
        gt=0,
        description="`leerstroom health transform` fails, and the health page turns red, when no snapshot "
        "was certified for longer than this.",
    )

    # Privacy.
    privacy_k: int = Field(
        5, ge=1, description="Aggregates over fewer people are suppressed outside the HR-analyst role."
    )
    pseudonymisation_key: str = Field(
        "",
        description="When set, the sink replaces actor identities in the lake "
        "by HMAC-SHA256 digests under this key (keep it out of the repository).",
    )
    forget_list_key_file: str = Field(
        "",
        description="The HMAC key of the forget list's digests, kept apart from the list so a copy of the list "
        "alone tests no address; created 0600 on the first `forget`. Default: data_dir/privacy/forget-list.key. "
        "Point it outside the data folder (a mounted secret) to keep it out of backups of that folder too.",
    )
    raw_retention_days: int = Field(
        0,
        ge=0,
        description="`leerstroom maintain` deletes raw statements stored longer ago than this; 0 keeps them forever.",
    )
    heartbeat_stale_seconds: float = Field(
        60, gt=0, description="`leerstroom health` calls a part unhealthy when its heartbeat file is older than this."
    )

    # The monthly briefing and the alerts (docs/briefing.md).
    dashboard_url: str = Field(
        "http://127.0.0.1:8501", description="The dashboards' address as readers reach it: alerts link to its pages."
    )
    briefing_levers_file: str = Field(
        "",
        description="YAML of the lever suggested per weak sub-score, in English "
        "and Dutch; empty: the texts in dashboards/briefing/levers.yml.",
    )
    alert_rules_file: str = Field(
        "", description="YAML of the alert rules; empty: the defaults in dashboards/briefing/alert-rules.yml."
    )
    delivery_recipients_file: str = Field(
        "",
        description="YAML naming who receives the briefing and the alerts "
        "(e-mail addresses, webhook names); empty: data_dir/delivery/recipients.yml. "
        "`leerstroom deliver` sends nothing while it does not exist.",
    )
    delivery_retry_seconds: float = Field(
        60,
        gt=0,
        description="Wait before a failed delivery is tried again; it "
        "doubles with each failure, up to delivery_retry_max_seconds.",
    )
    delivery_retry_max_seconds: float = Field(6 * 3600, gt=0)
    smtp_host: str = Field("", description="SMTP server for briefings and alerts by e-mail; empty: no e-mail.")
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_security: str = Field(
        "starttls", pattern="^(starttls|ssl|none)$", description="`none` only for a relay on a trusted network."
    )
    smtp_user: str = Field("", description="SMTP user name; empty: no login.")
    smtp_password: SecretStr = Field(SecretStr(""), description="SMTP password (keep it out of the repository).")
    smtp_sender: str = Field("leerstroom@localhost", description="The From: address of briefings and alerts.")
    smtp_timeout_seconds: float = Field(30, gt=0)
    delivery_webhooks: dict[str, SecretStr] = Field(
        default_factory=dict,
        description="Webhook URLs by the name the recipients file uses, e.g. "
        "LEERSTROOM_DELIVERY_WEBHOOKS__HR=https://… (an incoming-webhook URL is a secret: keep it out of the "
        "repository).",
    )
    delivery_webhook_secret: SecretStr = Field(
        SecretStr(""),
        description="When set, every webhook call carries X-Leerstroom-Signature: sha256=<HMAC-SHA256 of the body>.",
    )
    delivery_timeout_seconds: float = Field(30, gt=0, description="How long a webhook call may take.")

    @property
    def external_kafka(self) -> bool:
        return bool(self.kafka_bootstrap.strip())

    @property
    def lrs_dir(self) -> Path:
        return self.data_dir / "lrs"

    @property
    def lrs_db(self) -> Path:
        return self.lrs_dir / "lrs.sqlite"

    @property
    def repair_rules_file(self) -> Path:
        return Path(self.lrs_repair_rules) if self.lrs_repair_rules.strip() else self.lrs_dir / "repair-rules.yml"

    @property
    def lake_dir(self) -> Path:
        return self.data_dir / "lake"

    @property
    def lake_catalog_file(self) -> Path:
        """The SQLite catalog's file, used unless lake_catalog names PostgreSQL."""
        return self.lake_dir / "catalog.sqlite"

    @property
    def lake_data(self) -> Path:
        """The lake's files in the data folder, used unless lake_data_path says otherwise."""
        return self.lake_dir / "files"

    @property
    def warehouse_db(self) -> Path:
        return self.data_dir / "warehouse" / "warehouse.duckdb"

    @property
    def run_dir(self) -> Path:
        return self.data_dir / "run"

    @property
    def broker_file(self) -> Path:
        return self.run_dir / "broker.json"

    @property
    def forget_list_key_path(self) -> Path:
        if self.forget_list_key_file:
            return Path(self.forget_list_key_file)
        return self.data_dir / "privacy" / "forget-list.key"

    @property
    def recipients_file(self) -> Path:
        return (
            Path(self.delivery_recipients_file)
            if self.delivery_recipients_file.strip()
            else self.data_dir / "delivery" / "recipients.yml"
        )

    @property
    def instance_name(self) -> str:
        return self.instance.strip() or socket.gethostname()

    @property
    def lrs_on_postgres(self) -> bool:
        return self.lrs_database.strip().lower().startswith(("postgresql://", "postgres://"))

    @property
    def lrs_base_url(self) -> str:
        return f"http://{self.lrs_host}:{self.lrs_port}/xapi/"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
