"""docker-compose.yml checked statically: no Docker engine runs on these machines, so parse and cross-check it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from leerstroom.cli.main import build_parser
from leerstroom.settings import Settings

REPO = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
LEERSTROOM_SERVICES = [name for name, svc in SERVICES.items() if svc.get("image", "").startswith("leerstroom")]


def test_runs_apache_kafka_in_kraft_mode_and_every_pipeline_part():
    kafka = SERVICES["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    assert "controller" in kafka["environment"]["KAFKA_PROCESS_ROLES"]
    commands = {SERVICES[name]["command"][0] for name in LEERSTROOM_SERVICES}
    assert commands == {"lrs", "sink", "transform", "dashboard"}


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
    settings = Settings(**{key.removeprefix("LEERSTROOM_").lower(): value for key, value in env.items()})
    assert settings.external_kafka, "services must use the compose file's Kafka, not an embedded broker"
    assert settings.kafka_bootstrap == "kafka:9092"


@pytest.mark.parametrize("name", LEERSTROOM_SERVICES)
def test_services_share_the_data_volume_and_wait_for_kafka(name):
    svc = SERVICES[name]
    assert "leerstroom-data:/data" in svc["volumes"]
    assert svc["environment"]["LEERSTROOM_DATA_DIR"] == "/data"
    assert svc["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert "leerstroom-data" in COMPOSE["volumes"]


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
    assert name in build_parser().parse_args(check[2:]).parts, "each service checks itself"
