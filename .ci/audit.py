"""Audit the locked dependencies for known vulnerabilities with pip-audit, and say plainly what was not checked.

usage: python .ci/audit.py requirements.lock [--pip-audit PATH] [--report FILE]

Exit 1 when a locked version has a known vulnerability (each is listed). pip-audit reads
its vulnerability data from the package index's JSON API; from a machine that reaches
only the index's downloads it finds "no known vulnerabilities" because it could look
nothing up. That is reported as NOT AUDITED, package by package, never as a pass; the
exit code stays 0 so that such a machine can still run the tests. `--report` classifies
a pip-audit JSON report written before instead of running pip-audit.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

BANNER = "=" * 78


def classify(report: dict) -> tuple[list[str], list[str], int]:
    """(vulnerabilities as 'name version: ids', packages that could not be audited, packages audited)."""
    vulnerable, unchecked, audited = [], [], 0
    for dependency in report.get("dependencies", []):
        name, version = dependency.get("name"), dependency.get("version", "?")
        if dependency.get("skip_reason"):
            unchecked.append(f"{name} {version}")
            continue
        audited += 1
        ids = [
            v["id"] + (f" (fixed in {', '.join(v['fix_versions'])})" if v.get("fix_versions") else "")
            for v in dependency.get("vulns", [])
        ]
        if ids:
            vulnerable.append(f"{name} {version}: {'; '.join(ids)}")
    return vulnerable, unchecked, audited


def verdict(report: dict | None, error: str = "") -> tuple[int, str]:
    """The exit code and the message for a pip-audit report (None: pip-audit wrote none)."""
    if report is None:
        return 0, (
            f"{BANNER}\nDEPENDENCY AUDIT NOT RUN: the vulnerability service could not be reached.\n"
            f"{error.strip().splitlines()[-1] if error.strip() else 'pip-audit wrote no report'}\n"
            f"Nothing about the locked versions' vulnerabilities is known from this run.\n{BANNER}"
        )
    vulnerable, unchecked, audited = classify(report)
    lines = []
    if vulnerable:
        lines += [
            f"KNOWN VULNERABILITIES in {len(vulnerable)} locked packages:",
            *(f"  {v}" for v in vulnerable),
            "Raise the floor in pyproject.toml past the fixed version, then `make lock`.",
        ]
    if unchecked and not audited:
        lines += [
            f"DEPENDENCY AUDIT NOT RUN: none of the {len(unchecked)} locked packages could be looked up "
            "(the index's vulnerability data is not reachable from here). Nothing is known about them."
        ]
    elif unchecked:
        lines += [
            f"DEPENDENCY AUDIT PARTIAL: {audited} packages audited, {len(unchecked)} could not be looked up:",
            *(f"  {u}" for u in unchecked),
        ]
    if not vulnerable and audited:
        lines += [f"dependency audit: {audited} locked packages audited, no known vulnerabilities."]
    return (1 if vulnerable else 0), "\n".join([BANNER, *lines, BANNER])


def run_pip_audit(pip_audit: str, lock: Path) -> tuple[dict | None, str]:
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "audit.json"
        done = subprocess.run(
            [
                pip_audit,
                "--requirement",
                str(lock),
                "--require-hashes",
                "--disable-pip",
                "--progress-spinner",
                "off",
                "--format",
                "json",
                "--output",
                str(output),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if not output.exists():
            return None, done.stderr
        return json.loads(output.read_text()), done.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lock", type=Path)
    parser.add_argument("--pip-audit", default="pip-audit")
    parser.add_argument("--report", type=Path, help="classify this pip-audit JSON report instead of running it")
    args = parser.parse_args(argv)
    if args.report:
        report, error = json.loads(args.report.read_text()), ""
    else:
        report, error = run_pip_audit(args.pip_audit, args.lock)
    code, message = verdict(report, error)
    print(message)
    return code


if __name__ == "__main__":
    sys.exit(main())
