"""Dependencies: floors past releases with known vulnerabilities, one hashed lock that `make` and CI install, and an
audit that never passes silently when it could check nothing."""

from __future__ import annotations

import importlib.util
import json
import re
import tomllib
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.version import Version

REPO = Path(__file__).resolve().parents[2]
LOCK = REPO / "requirements.lock"
# The first release without each advisory's vulnerability (from the advisories: NVD and GitHub's GHSA pages).
FIXED_IN = {
    "starlette": ("0.49.1", "CVE-2024-47874 (fixed 0.40.0), CVE-2025-54121 (0.47.2), CVE-2025-62727 (0.49.1)"),
    "cryptography": ("44.0.1", "CVE-2024-12797: vulnerable OpenSSL in wheels 42.0.0-44.0.0"),
    "orjson": ("3.9.15", "CVE-2024-27454: unbounded recursion in loads before 3.9.15"),
    "tqdm": ("4.66.3", "CVE-2024-34062: eval of CLI arguments before 4.66.3"),
    "pytest": ("9.0.3", "CVE-2025-71176: predictable /tmp/pytest-of-USER before 9.0.3"),
}
# The machines the lock is installed on (DESIGN.md: CPython 3.11 on Linux).
ENVIRONMENT = {
    "python_version": "3.11",
    "python_full_version": "3.11.7",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "platform_python_implementation": "CPython",
    "implementation_name": "cpython",
    "os_name": "posix",
    "extra": "",
}


def declared() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return [Requirement(text) for text in project["dependencies"] + project["optional-dependencies"]["test"]]


def locked() -> dict[str, Version]:
    """The version pinned for each package on the project's machines, markers evaluated."""
    pins: dict[str, Version] = {}
    for line in LOCK.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$", line)
        if match and (match.group(3) is None or Marker(match.group(3)).evaluate(ENVIRONMENT)):
            pins[match.group(1).lower().replace("_", "-")] = Version(match.group(2))
    return pins


def test_no_dependency_floor_admits_a_release_with_a_known_vulnerability() -> None:
    floors = {requirement.name.lower(): requirement.specifier for requirement in declared()}
    for name, (fixed, advisory) in FIXED_IN.items():
        vulnerable = Version(fixed).release[:-1] + (Version(fixed).release[-1] - 1,)
        assert not floors[name].contains(Version(".".join(map(str, vulnerable)))), (
            f"pyproject.toml lets {name} {'.'.join(map(str, vulnerable))} in: {advisory}"
        )


def test_the_lock_pins_every_package_with_hashes_and_satisfies_pyproject() -> None:
    text = LOCK.read_text()
    pins = locked()
    assert len(pins) > 100, "every transitive dependency is pinned"
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    assert all("--hash=sha256:" in block for block in blocks if "==" in block), "every pin carries its hashes"
    for requirement in declared():
        if requirement.marker and not requirement.marker.evaluate(ENVIRONMENT):
            continue
        name = requirement.name.lower()
        assert name in pins, f"{name} is in pyproject.toml but not in the lock: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"the lock pins {name} {pins[name]}, outside pyproject's {requirement.specifier}: run `make lock`"
        )
    for name, (fixed, advisory) in FIXED_IN.items():
        assert pins[name] >= Version(fixed), f"the lock pins {name} {pins[name]}: {advisory}"


def test_make_and_ci_install_from_the_lock_and_ci_audits_it() -> None:
    makefile = (REPO / "Makefile").read_text()
    assert "--require-hashes -r $(LOCK)" in makefile and "LOCK   := requirements.lock" in makefile
    assert "--no-deps -e ." in makefile, "the project itself adds nothing the lock does not pin"
    assert re.search(r"^lock: ", makefile, re.M), "`make lock` rewrites the lock"
    assert re.search(r"^\$\(STAMP\): pyproject.toml \$\(LOCK\)", makefile, re.M), "a new lock reinstalls"
    ci = (REPO / ".ci" / "run").read_text()
    assert "make audit" in ci and "make test" in ci
    assert ci.index("make audit") < ci.index("make test")
    assert "requirements.lock" in (REPO / "Dockerfile").read_text()


def audit_module():
    spec = importlib.util.spec_from_file_location("ci_audit", REPO / ".ci" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_audit_that_could_look_nothing_up_says_so_and_never_reads_as_a_pass(tmp_path: Path) -> None:
    audit = audit_module()
    # What pip-audit writes (with exit code 0) when the index serves downloads but not its vulnerability data.
    unreachable = {
        "dependencies": [
            {
                "name": "starlette",
                "version": "1.10.0",
                "skip_reason": "Dependency not found on PyPI and could not be audited",
            }
        ]
    }
    code, message = audit.verdict(unreachable)
    assert code == 0 and "DEPENDENCY AUDIT NOT RUN" in message and "no known vulnerabilities" not in message
    code, message = audit.verdict(None, "requests.exceptions.ConnectionError: name or service not known\n")
    assert code == 0 and "DEPENDENCY AUDIT NOT RUN" in message and "ConnectionError" in message
    vulnerable = {
        "dependencies": [
            {
                "name": "starlette",
                "version": "0.37.2",
                "vulns": [{"id": "GHSA-f96h-pmfr-66vw", "fix_versions": ["0.40.0"]}],
            },
            {"name": "tqdm", "version": "4.70.1", "vulns": []},
            {
                "name": "zipp",
                "version": "4.1.2",
                "skip_reason": "Dependency not found on PyPI and could not be audited",
            },
        ]
    }
    code, message = audit.verdict(vulnerable)
    assert code == 1 and "starlette 0.37.2: GHSA-f96h-pmfr-66vw (fixed in 0.40.0)" in message
    assert "DEPENDENCY AUDIT PARTIAL" in message and "zipp 4.1.2" in message
    report = tmp_path / "clean.json"
    report.write_text(json.dumps({"dependencies": [{"name": "tqdm", "version": "4.70.1", "vulns": []}]}))
    assert audit.main([str(LOCK), "--report", str(report)]) == 0
