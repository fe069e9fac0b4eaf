"""Files at rest: the data folder is its owner's alone, and the forget list cannot be tested without its key."""

from __future__ import annotations

import hashlib
import hmac
import json
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from ingest.privacy.forgotten import ForgetList, list_path
from leerstroom.settings import Settings
from tests.fixtures.broker import part_environment
from tests.fixtures.data import free_port
from tests.ingest.test_roster import GOOD, write_csv

REPO = Path(__file__).resolve().parents[2]
VERSION = {"X-Experience-API-Version": "1.0.3"}
PERSON = "mbox:mailto:anna@x.example"


def leerstroom(settings: Settings, *args: str, extra_env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "leerstroom.cli.main", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**part_environment(settings), **(extra_env or {})},
    )
    assert done.returncode == 0, f"leerstroom {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def modes(folder: Path) -> dict[str, int]:
    return {
        str(path.relative_to(folder)) or ".": stat.S_IMODE(path.stat().st_mode) for path in [folder, *folder.rglob("*")]
    }


def start_lrs(settings: Settings, log: Path, extra_env: dict[str, str] | None = None) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "leerstroom.cli.main", "lrs", "--no-relay"],
        cwd=REPO,
        env={**part_environment(settings), **(extra_env or {})},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"http://{settings.lrs_host}:{settings.lrs_port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)


def test_everything_under_the_data_folder_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    """The folder an older version left 0755 is closed, and every folder and file the parts write is 0700/0600."""
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    settings = Settings(data_dir=data, lrs_port=free_port())
    credential = json.loads(leerstroom(settings, "credentials", "add", "lms"))
    lrs = start_lrs(settings, tmp_path / "lrs.log")
    try:
        statement = {
            "id": str(uuid.uuid4()),
            "actor": {"mbox": "mailto:anna@x.example"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"id": "https://lms.example.org/course/1"},
        }
        with httpx.Client(
            base_url=settings.lrs_base_url, auth=(credential["key"], credential["secret"]), headers=VERSION, timeout=10
        ) as http:
            assert http.post("statements", json=statement).status_code == 200
            assert (
                http.put(
                    "activities/state",
                    json={"page": 3},
                    params={
                        "activityId": "https://lms.example.org/course/1",
                        "agent": json.dumps(statement["actor"]),
                        "stateId": "bookmark",
                    },
                ).status_code
                == 204
            )
        leerstroom(settings, "roster", "import", str(write_csv(tmp_path, GOOD)))
        leerstroom(settings, "forget", "bram@x.example", "--no-transform")
    finally:
        lrs.terminate()
        lrs.wait(15)
    found = modes(data)
    assert len(found) > 10, found
    assert any(name.endswith(".parquet") for name in found) and "lrs/lrs.sqlite" in found, found
    assert found["."] == 0o700, "the data folder is closed to other users"
    open_to_others = {name: oct(mode) for name, mode in found.items() if mode & 0o077}
    assert open_to_others == {}, "no folder or file under the data folder is open to group or others"


def test_the_forget_list_alone_tests_no_address(tmp_path: Path) -> None:
    """Its key lives in its own file, outside the data folder when the settings say so; the list works with it."""
    secrets = tmp_path / "secrets"
    settings = Settings(
        data_dir=tmp_path / "data", lrs_port=free_port(), forget_list_key_file=str(secrets / "forget-list.key")
    )
    key_env = {"LEERSTROOM_FORGET_LIST_KEY_FILE": str(settings.forget_list_key_path)}
    credential = json.loads(leerstroom(settings, "credentials", "add", "lms"))
    leerstroom(settings, "forget", "anna@x.example", "--no-transform", extra_env=key_env)

    stored = json.loads(list_path(settings).read_text())
    assert set(stored) == {"format", "digests"}, "the list holds digests only, no salt or key beside them"
    candidates = [value for value in stored.values() if isinstance(value, str)] + [b"".hex()]
    for candidate in candidates:
        guess = hmac.new(bytes.fromhex(candidate) if candidate else b"", PERSON.encode(), hashlib.sha256).hexdigest()
        assert guess not in stored["digests"], "nothing in the list file lets its holder test an address"
    key_file = settings.forget_list_key_path
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not any(settings.data_dir.rglob("*.key")), "the key is where the settings put it, not in the data folder"
    assert (
        hmac.new(bytes.fromhex(key_file.read_text().strip()), PERSON.encode(), hashlib.sha256).hexdigest()
        in stored["digests"]
    ), "with the key, the list does its work"

    lrs = start_lrs(settings, tmp_path / "lrs.log", key_env)
    try:
        about_her = {
            "actor": {"mbox": "mailto:anna@x.example"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/x"},
            "object": {"id": "https://lms.example.org/course/1"},
        }
        response = httpx.post(
            f"{settings.lrs_base_url}statements",
            json=about_her,
            headers=VERSION,
            auth=(credential["key"], credential["secret"]),
            timeout=10,
        )
        assert response.status_code == 403, "the LRS reads the key from its file and refuses her statements"
    finally:
        lrs.terminate()
        lrs.wait(15)


def test_a_list_that_kept_its_salt_inside_moves_it_to_the_key_file(settings: Settings) -> None:
    salt = bytes(range(32))
    path = list_path(settings)
    path.parent.mkdir(parents=True)
    digest = hmac.new(salt, PERSON.encode(), hashlib.sha256).hexdigest()
    path.write_text(json.dumps({"salt": salt.hex(), "digests": [digest]}))

    forget_list = ForgetList(settings)
    assert forget_list.about({}, PERSON), "everyone forgotten before stays forgotten"
    assert set(json.loads(path.read_text())) == {"format", "digests"}
    assert bytes.fromhex(settings.forget_list_key_path.read_text().strip()) == salt
    assert stat.S_IMODE(settings.forget_list_key_path.stat().st_mode) == 0o600
    assert ForgetList(settings).about({}, PERSON)


def test_a_list_without_its_key_says_where_the_key_should_be(settings: Settings) -> None:
    from ingest.privacy.forgotten import ForgetListKeyMissing

    ForgetList(settings).add(PERSON)
    settings.forget_list_key_path.unlink()
    with pytest.raises(ForgetListKeyMissing, match="forget-list.key"):
        ForgetList(settings)
