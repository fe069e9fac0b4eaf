"""`leerstroom demo`: the whole pipeline on embedded defaults, fed by a generated organisation."""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from base64 import b64encode
from datetime import date, datetime, timezone

from tqdm import tqdm

from dashboards.roles import ROLES
from ingest import client
from ingest.generator import build_organisation, generate_statements
from ingest.generator.roster import monthly_exports, write_roster
from ingest.roster import import_roster
from leerstroom import lake
from leerstroom.cli.supervisor import Child, Supervisor
from leerstroom.errors import ConfigurationError
from leerstroom.settings import Settings

log = logging.getLogger(__name__)


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _children(settings: Settings) -> list[Child]:
    logs = settings.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    # The lake's and the LRS store's switches too, so every part opens the same lake and store (SQLite in the data
    # folder, or PostgreSQL).
    env = {
        "LEERSTROOM_DATA_DIR": str(settings.data_dir.resolve()),
        "LEERSTROOM_LRS_DATABASE": settings.lrs_database,
        **lake.environment(settings),
    }
    children = []
    if not settings.external_kafka:
        children.append(
            Child("broker", ["broker"], ready=settings.broker_file.exists, log_path=logs / "broker.log", env=env)
        )
    lrs_root = f"http://{settings.lrs_host}:{settings.lrs_port}"
    dash_root = f"http://{settings.dashboard_host}:{settings.dashboard_port}"
    children += [
        Child("lrs", ["lrs"], ready=lambda: _http_ok(f"{lrs_root}/health"), log_path=logs / "lrs.log", env=env),
        Child("sink", ["sink"], log_path=logs / "sink.log", env=env),
        Child(
            "dashboard",
            ["dashboard"],
            ready=lambda: _http_ok(f"{dash_root}/_stcore/health"),
            log_path=logs / "dashboard.log",
            env=env,
        ),
    ]
    return children


def _credential_works(endpoint: str, key: str, secret: str) -> bool:
    token = b64encode(f"{key}:{secret}".encode()).decode()
    request = urllib.request.Request(
        f"{endpoint}statements?statementId={uuid.uuid4()}",
        headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"},
    )
    try:
        urllib.request.urlopen(request, timeout=5)
    except urllib.error.HTTPError as err:
        return err.code == 404
    except (urllib.error.URLError, OSError):
        return False
    return True


def demo_credential(settings: Settings) -> dict:
    """Reuse the demo tool's credential from an earlier run, or create one (file mode 0600)."""
    from ingest.lrs.credentials import add

    path = settings.data_dir / "demo-credentials.json"
    endpoint = settings.lrs_base_url
    if path.exists():
        saved = json.loads(path.read_text())
        if _credential_works(endpoint, saved["key"], saved["secret"]):
            return {**saved, "endpoint": endpoint}
    credential = add(settings, "demo-generator")
    saved = {"endpoint": endpoint, "key": credential.key, "secret": credential.secret}
    _write_private_json(path, saved)
    return saved


def _write_private_json(path, data) -> None:
    """Secrets go to a file only its owner can read (mode 0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh, indent=2)
    os.chmod(path, 0o600)


def demo_dashboard_users(settings: Settings) -> dict[str, str]:
    """One dashboard user per role with a random password, kept in data/demo-dashboard-users.json (0600)."""
    from dashboards import users

    path = settings.data_dir / "demo-dashboard-users.json"
    known = users.load(settings)
    if path.exists():
        saved = json.loads(path.read_text())
        if all(name in known for name in saved):
            return saved
    saved = {}
    for role in ROLES:
        name = f"demo-{role.replace('_', '-')}"
        password = secrets.token_urlsafe(12)
        users.add(settings, name, role, password)
        saved[name] = password
    _write_private_json(path, saved)
    return saved


def demo_end_date(settings: Settings) -> date:
    """The generated history ends on the first run's date, so later runs re-send identical statements."""
    path = settings.data_dir / "demo-state.json"
    if path.exists():
        return date.fromisoformat(json.loads(path.read_text())["end"])
    end = datetime.now(timezone.utc).date()
    path.write_text(json.dumps({"end": end.isoformat()}))
    return end


def import_demo_roster(settings: Settings, people: list, statements: list[dict], roster) -> None:
    """The first run imports the organisation's HRIS history (an export at every month's start, each with only
    what HR knew then: the retention model reads HR attributes as they were) and today's roster; later runs
    import today's roster again, as a scheduled HRIS export would."""
    earlier = lake.read(settings, lambda con: con.execute("SELECT count(*) FROM lake.raw.roster_imports").fetchone()[0])
    if not earlier:
        first = min(statement["timestamp"] for statement in statements)[:10]
        history = list(
            monthly_exports(
                people, date.fromisoformat(first), demo_end_date(settings), settings.data_dir / "roster-history"
            )
        )
        for exported_at, path in tqdm(history, desc="HRIS history", unit="export"):
            import_roster(settings, path, imported_at=exported_at)
    imported = import_roster(settings, roster)
    print(
        f"Roster imported into the lake ({imported.employees} employees, import {imported.import_id}"
        + ("" if earlier else f", after {len(history)} monthly exports of the HRIS's history")
        + ")."
    )


def _count_in_lake(settings: Settings, ids: list[str]) -> int:
    if not lake.exists(settings):
        return 0  # the sink creates the lake with its first connection
    return lake.read(
        settings,
        lambda con: con.execute(
            "SELECT count(DISTINCT statement_id) FROM lake.raw.statements "
            "WHERE statement_id IN (SELECT unnest(?::VARCHAR[]))",
            [ids],
        ).fetchone()[0],
    )


def wait_for_lake(settings: Settings, ids: list[str], timeout: float = 600.0) -> None:
    """Block until every acknowledged id is in the lake, with a progress bar."""
    wanted = sorted(set(ids))
    deadline = time.monotonic() + timeout
    with tqdm(total=len(wanted), desc="in the lake", unit="stmt") as bar:
        while True:
            have = _count_in_lake(settings, wanted)
            bar.update(have - bar.n)
            if have >= len(wanted):
                return
            if time.monotonic() > deadline:
                raise ConfigurationError(
                    f"only {have} of {len(wanted)} statements reached the lake in {timeout:.0f} s; "
                    f"see `leerstroom status` and the logs in {settings.data_dir / 'logs'}"
                )
            time.sleep(0.5)


def run(settings: Settings, employees: int = 1000, months: int = 24, seed: int = 7) -> int:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # Ctrl-C stops the demo even when it was started from a shell that ignores SIGINT for background jobs
    # (Python keeps an inherited "ignore" instead of raising KeyboardInterrupt).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    supervisor = Supervisor(_children(settings))
    print(f"Leerstroom demo — data folder {settings.data_dir.resolve()}")
    print(f"Lake: {lake.identity(settings)}")
    try:
        supervisor.start()
        credential = demo_credential(settings)
        print("Tool credential (also in data/demo-credentials.json):")
        print(json.dumps(credential, indent=2))
        logins = demo_dashboard_users(settings)
        print("Dashboard sign-in, one user per role (also in data/demo-dashboard-users.json):")
        for name, password in logins.items():
            print(f"  {name:<18} {password}")

        end = demo_end_date(settings)
        people = build_organisation(employees, months, seed, end)
        roster = write_roster(people, settings.data_dir / "roster.csv")
        statements = list(generate_statements(people, months, seed, end))
        print(f"Generated {len(people)} employees (roster: {roster}) and {len(statements)} statements.")
        lrs = client.remote_lrs(credential["endpoint"], credential["key"], credential["secret"])
        with tqdm(total=len(statements), desc="sent to the LRS", unit="stmt") as bar:
            ids = client.send(lrs, statements, batch_size=100, progress=bar.update)
        wait_for_lake(settings, ids)
        import_demo_roster(settings, people, statements, roster)

        print("Running the transform (dbt build, freshness, certification)…")
        env = {**os.environ, "LEERSTROOM_DATA_DIR": str(settings.data_dir.resolve()), **lake.environment(settings)}
        code = subprocess.call([sys.executable, "-m", "leerstroom.cli.main", "transform"], env=env)
        if code != 0:
            print(f"The transform failed (exit {code}); the dashboard keeps showing the last certified data.")

        print()
        print(f"  LRS endpoint : {settings.lrs_base_url}")
        print(f"  Dashboard    : http://{settings.dashboard_host}:{settings.dashboard_port}/")
        print('  Status       : leerstroom status   |   SQL: leerstroom sql "SELECT count(*) FROM lake.raw.statements"')
        print("Press Ctrl-C to stop.")
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        print("\nStopping…")
        supervisor.stop()
    return 0
