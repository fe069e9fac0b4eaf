"""Dashboard sign-in time by kind of name: does the time of a refused sign-in tell which names exist?

Run: .venv/bin/python -m bench.sign_in_timing [--rounds 30]
Prints the median time of users.authenticate for a known name with the right and a wrong
password, an unknown name, and a name that signs in only through the identity provider,
interleaved so that load on the machine falls on all four alike, and each one's ratio to
the known name with a wrong password.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboards import users
from leerstroom.settings import Settings

PASSWORD = "correct horse battery"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leerstroom-sign-in-") as folder:
        settings = Settings(data_dir=Path(folder))
        users.add(settings, "anna", "hr_analyst", PASSWORD)
        users.add(settings, "eva@org.example", "executive", None)
        cases = {
            "known, right password": ("anna", PASSWORD),
            "known, wrong password": ("anna", "wrong horse battery"),
            "unknown name": ("nobody", PASSWORD),
            "identity-provider user": ("eva@org.example", PASSWORD),
        }
        times: dict[str, list[float]] = {case: [] for case in cases}
        for _ in range(args.rounds):
            for case, (name, password) in cases.items():
                started = time.perf_counter()
                users.authenticate(settings, name, password)
                times[case].append(time.perf_counter() - started)
    base = statistics.median(times["known, wrong password"])
    for case, measured in times.items():
        median = statistics.median(measured)
        print(f"{case:24s} median {median * 1000:6.1f} ms   x{median / base:.2f} of a wrong password")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
