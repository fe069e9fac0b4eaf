"""Who receives the briefing and the alerts: a YAML file the operator keeps (never secrets: webhook URLs and SMTP
credentials come from settings)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from leerstroom.errors import ConfigurationError
from leerstroom.settings import Settings

EMAIL, WEBHOOK = "email", "webhook"
LANGUAGES = ("nl", "en")
ORGANISATION = "organisation"


@dataclass(frozen=True)
class Recipient:
    channel: str  # 'email' or 'webhook'
    address: str  # an e-mail address, or a webhook's name in settings.delivery_webhooks
    language: str = "nl"
    unit: str = ORGANISATION  # whose briefing (briefing recipients only)


@dataclass(frozen=True)
class Recipients:
    briefing: tuple[Recipient, ...]
    alerts: tuple[Recipient, ...]


def _entry(settings: Settings, path: Path, section: str, i: int, entry: object) -> Recipient:
    where = f"{path}: {section}[{i}]"
    if not isinstance(entry, dict):
        raise ConfigurationError(f"{where}: expected `email: ADDRESS` or `webhook: NAME`, with optional `language`")
    channels = [key for key in (EMAIL, WEBHOOK) if key in entry]
    if len(channels) != 1:
        raise ConfigurationError(f"{where}: give exactly one of `email` and `webhook`")
    channel = channels[0]
    address = str(entry[channel]).strip()
    language = str(entry.get("language", "nl"))
    if language not in LANGUAGES:
        raise ConfigurationError(f"{where}: language {language!r} is not one of {', '.join(LANGUAGES)}")
    if channel == EMAIL and ("@" not in address or any(c.isspace() for c in address)):
        raise ConfigurationError(f"{where}: {address!r} is not an e-mail address")
    if channel == EMAIL and not settings.smtp_host.strip():
        raise ConfigurationError(
            f"{where}: e-mail needs an SMTP server: set LEERSTROOM_SMTP_HOST (and the other LEERSTROOM_SMTP_* settings)"
        )
    if channel == WEBHOOK and address.lower() not in {name.lower() for name in settings.delivery_webhooks}:
        raise ConfigurationError(
            f"{where}: no webhook named {address!r}: set its URL as LEERSTROOM_DELIVERY_WEBHOOKS__{address.upper()}"
        )
    unit = str(entry.get("unit", ORGANISATION)).strip() or ORGANISATION
    if section == "alerts" and "unit" in entry:
        raise ConfigurationError(f"{where}: alerts go to the HR channel for every unit; `unit` is for briefings")
    return Recipient(channel, address.lower() if channel == WEBHOOK else address, language, unit)


def load(settings: Settings) -> Recipients | None:
    """The recipients file, checked; None when there is none (then nothing is sent)."""
    path = settings.recipients_file
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise ConfigurationError(f"recipients file {path} cannot be read: {err}") from err
    if not isinstance(data, dict) or set(data) - {"briefing", "alerts"}:
        raise ConfigurationError(f"recipients file {path}: expected the sections `briefing` and `alerts` only")
    sections = {}
    for section in ("briefing", "alerts"):
        entries = data.get(section) or []
        if not isinstance(entries, list):
            raise ConfigurationError(f"recipients file {path}: `{section}` must be a list")
        sections[section] = tuple(_entry(settings, path, section, i, e) for i, e in enumerate(entries))
    return Recipients(sections["briefing"], sections["alerts"])
