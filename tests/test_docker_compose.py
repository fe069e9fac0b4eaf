"""docker-compose.yml checked statically: no Docker engine runs on these machines, so parse and cross-check it.

The file shows the scaled set-up: Kafka with 3 brokers, PostgreSQL for the lake's catalog, an
S3-compatible store for its files, 2 LRS, 2 sinks in one consumer group, the transform and the
dashboards.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from leerstroom import lake
from leerstroom.cli.main import build_parser
from leerstroom.settings import Settings

REPO = Path(__file__).resolve().parents[1]
TEXT = (REPO / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(TEXT)
SERVICES = COMPOSE["services"]
LEERSTROOM_SERVICES = [name for name, svc in SERVICES.items() if svc.get("image", "").startswith("leerstroom")]
KAFKA_BROKERS = [name for name, svc in SERVICES.items() if svc.get("image", "").startswith("apache/kafka:")]


def settings_of(name: str) -> Settings:
    env = SERVICES[name]["environment"]
    return Settings(
        **{
            key.removeprefix("LEERSTROOM_").lower(): value
            for key, value in env.items()
            if key.startswith("LEERSTROOM_")
        }
    )


def by_command(command: str) -> list[str]:
    return [name for name in LEERSTROOM_SERVICES if SERVICES[name]["command"][0] == command]


def test_runs_three_kafka_brokers_in_kraft_mode_that_replicate_every_partition():
    assert len(KAFKA_BROKERS) == 3
    voters = {SERVICES[name]["environment"]["KAFKA_CONTROLLER_QUORUM_VOTERS"] for name in KAFKA_BROKERS}
    assert voters == {"1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093"}
    assert sorted(SERVICES[name]["environment"]["KAFKA_NODE_ID"] for name in KAFKA_BROKERS) == ["1", "2", "3"]
    assert len({SERVICES[name]["environment"]["CLUSTER_ID"] for name in KAFKA_BROKERS}) == 1
    for name in KAFKA_BROKERS:
        env = SERVICES[name]["environment"]
        assert "controller" in env["KAFKA_PROCESS_ROLES"]
        assert env["KAFKA_ADVERTISED_LISTENERS"] == f"PLAINTEXT://{name}:9092"
        assert env["KAFKA_MIN_INSYNC_REPLICAS"] == "2"
    for name in LEERSTROOM_SERVICES:
        settings = settings_of(name)
        assert settings.kafka_bootstrap.split(",") == [f"{broker}:9092" for broker in KAFKA_BROKERS]
        # The topic Leerstroom creates must have enough copies for min.insync.replicas, or acks=all fails.
        assert settings.kafka_replication_factor == 3


def test_runs_two_lrs_two_sinks_the_transform_the_deliverer_and_the_dashboards():
    assert len(by_command("lrs")) == 2
    assert len(by_command("sink")) == 2
    assert len(by_command("transform")) == 1
    assert len(by_command("dashboard")) == 1
    assert len(by_command("deliver")) == 1
    published = sorted(port for name in by_command("lrs") for port in SERVICES[name]["ports"])
    assert published == ["127.0.0.1:8000:8000", "127.0.0.1:8001:8000"]


def test_the_sinks_share_one_consumer_group():
    groups = {settings_of(name).sink_group for name in by_command("sink")}
    assert len(groups) == 1 and groups != {""}


def test_every_part_opens_one_lake_on_postgresql_with_its_files_in_the_object_store():
    lakes = {lake.identity(settings_of(name)) for name in LEERSTROOM_SERVICES}
    assert len(lakes) == 1, lakes
    settings = settings_of(LEERSTROOM_SERVICES[0])
    assert lake.on_postgres(settings)
    assert "host=postgres" in settings.lake_catalog and "dbname=leerstroom_lake" in settings.lake_catalog
    assert lake.data_path(settings).startswith("s3://leerstroom-lake/")
    assert settings.lake_s3_endpoint == "object-store:9000" and settings.lake_s3_url_style == "path"
    postgres = SERVICES["postgres"]
    assert postgres["image"].startswith("postgres:")
    assert postgres["environment"]["POSTGRES_DB"] == "leerstroom_lake"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert SERVICES["object-store"]["command"][0] == "server"
    assert "leerstroom-lake" in SERVICES["lake-bucket"]["command"][0]


def test_no_credential_is_written_in_the_file():
    secrets = re.compile(r"(PASSWORD|SECRET|KEY_ID|_USER)$")
    for name, svc in SERVICES.items():
        for key, value in (svc.get("environment") or {}).items():
            if secrets.search(key) and key not in ("POSTGRES_USER",):
                assert re.fullmatch(r"\$\{[A-Z0-9_]+:\?[^}]+\}", str(value)), f"{name}: {key} must come from .env"


@pytest.mark.parametrize("name", LEERSTROOM_SERVICES)
def test_every_command_is_a_real_leerstroom_subcommand(name):
    # The image's entrypoint is `leerstroom`; the parser rejects unknown subcommands and options.
    args = build_parser().parse_args(SERVICES[name]["command"])
    assert callable(args.func)


@pytest.mark.parametrize("name", LEERSTROOM_SERVICES)
def test_every_leerstroom_variable_is_a_real_setting(name):
    env = SERVICES[name]["environment"]
    fields = {f"LEERSTROOM_{field.upper()}" for field in Settings.model_fields}
    unknown = [key for key in env if key.startswith("LEERSTROOM_") and key not in fields]
    assert unknown == []
    assert settings_of(name).external_kafka, "services must use the compose file's Kafka, not an embedded broker"


@pytest.mark.parametrize("name", LEERSTROOM_SERVICES)
def test_services_share_the_data_volume_and_wait_for_kafka_postgresql_and_the_bucket(name):
    svc = SERVICES[name]
    assert "leerstroom-data:/data" in svc["volumes"]
    assert svc["environment"]["LEERSTROOM_DATA_DIR"] == "/data"
    for broker in KAFKA_BROKERS:
        assert svc["depends_on"][broker]["condition"] == "service_healthy"
    assert svc["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert svc["depends_on"]["lake-bucket"]["condition"] == "service_completed_successfully"
    assert "leerstroom-data" in COMPOSE["volumes"]


def test_every_named_volume_is_declared():
    for svc in SERVICES.values():
        for volume in svc.get("volumes", []):
            source = volume.split(":")[0]
            assert source in COMPOSE["volumes"], source


def test_published_ports_listen_on_loopback_only():
    for svc in SERVICES.values():
        for port in svc.get("ports", []):
            assert port.startswith("127.0.0.1:"), port


def test_the_image_is_built_from_the_repository_dockerfile():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["leerstroom"]' in dockerfile
    for folder in ("leerstroom", "ingest", "transform", "dashboards"):
        assert f"COPY {folder} ./{folder}" in dockerfile


@pytest.mark.parametrize("name", LEERSTROOM_SERVICES)
def test_every_service_has_a_health_check_through_leerstroom_health(name):
    check = SERVICES[name]["healthcheck"]["test"]
    assert check[:3] == ["CMD", "leerstroom", "health"], check
    assert SERVICES[name]["command"][0] in build_parser().parse_args(check[2:]).parts, "each service checks itself"


def test_both_lrs_share_one_lrs_store_on_postgresql_created_before_they_start():
    stores = {settings_of(name).lrs_database for name in LEERSTROOM_SERVICES}
    assert len(stores) == 1, "every part (the LRS, `leerstroom status`, forget) opens the same LRS store"
    settings = settings_of(by_command("lrs")[0])
    assert settings.lrs_on_postgres and "@postgres/leerstroom_lrs" in settings.lrs_database
    assert "CREATE DATABASE leerstroom_lrs" in SERVICES["lrs-database"]["command"][0]
    for name in LEERSTROOM_SERVICES:
        assert SERVICES[name]["depends_on"]["lrs-database"]["condition"] == "service_completed_successfully"


def test_each_lrs_and_sink_beats_under_its_own_name():
    names = [settings_of(name).instance for name in by_command("lrs") + by_command("sink")]
    assert len(set(names)) == len(names) == 4 and "" not in names


def test_the_deliverer_runs_on_its_schedule_with_its_health_check_and_smtp_settings_from_env_only():
    (name,) = by_command("deliver")
    svc = SERVICES[name]
    every = int(svc["command"][svc["command"].index("--every") + 1])
    assert settings_of(name).delivery_interval_seconds == every, "health deliver judges the same schedule"
    assert svc["healthcheck"]["test"] == ["CMD", "leerstroom", "health", "deliver"]
    # SMTP and webhook credentials come from the optional .env, never from this file.
    assert svc["env_file"] == [{"path": ".env", "required": False}]
    assert not [
        key for key in svc["environment"] if key.startswith(("LEERSTROOM_SMTP_", "LEERSTROOM_DELIVERY_WEBHOOK"))
    ]
