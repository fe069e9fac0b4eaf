"""Benchmark (not a test): time to first full render of every dashboard page in headless chromium, cold and warm.

Builds a generated organisation in a fresh lake (roster import, raw statements, the real
transform, stand-ins for contract marts the transform does not build yet), serves
`leerstroom dashboard`, signs in as an HR analyst (the role that sees the most), and
opens each page from the sidebar:
- cold: the first visit of each page after the server started (its queries not cached);
- warm: later visits (p50 and p95 over --rounds rounds).
"Rendered" means the page's heading is up and Streamlit's script run has finished.

    .venv/bin/python -m bench.dashboard_render --employees 400 --months 6 --rounds 5
    .venv/bin/python -m bench.dashboard_render --data-dir /tmp/bench10m   # a lake bench.transform_scale certified
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from leerstroom import lake
from leerstroom.settings import Settings
from tests.dashboards.app_session import create_users
from tests.dashboards.browser_session import (
    COMMON_PAGES,
    open_from_sidebar,
    served_dashboard,
    sign_in,
)
from tests.dashboards.org_lake import build_org_lake
from tests.fixtures import chromium


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed_visit(page, title: str) -> float:
    started = time.perf_counter()
    open_from_sidebar(page, title)
    return time.perf_counter() - started


def describe_lake(settings: Settings) -> None:
    con = lake.connect(settings, read_only=True)
    try:
        (statements,) = con.execute("SELECT count(*) FROM lake.raw.statements").fetchone()
        (people,) = con.execute("SELECT count(DISTINCT employee_id) FROM lake.raw.roster").fetchone()
        certified = lake.last_certified(con)
    finally:
        con.close()
    if certified is None:
        raise SystemExit(f"{settings.data_dir} holds no certified snapshot: run `leerstroom transform` on it first")
    print(
        f"lake: {statements:,} statements, {people:,} people on the roster; certified snapshot "
        f"{certified['snapshot_id']} of {certified['certified_at']:%Y-%m-%d %H:%M}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=400)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="render an existing certified data folder (e.g. one bench.transform_scale filled) "
        "instead of generating one; its dashboard users are replaced by the benchmark's",
    )
    args = parser.parse_args()

    with contextlib.ExitStack() as stack:
        if args.data_dir:
            settings, folder = Settings(data_dir=args.data_dir), args.data_dir
            describe_lake(settings)
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="leerstroom-bench-")))
            started = time.perf_counter()
            org = build_org_lake(folder / "data", employees=args.employees, months=args.months)
            settings = org.settings
            print(
                f"lake: {org.statements:,} statements, {len(org.people)} employees, {args.months} months; "
                f"built in {time.perf_counter() - started:.0f} s (stand-in marts: {', '.join(org.stand_ins) or 'none'})"
            )
        create_users(settings)
        cold: dict[str, float] = {}
        warm: dict[str, list[float]] = {title: [] for title in COMMON_PAGES}
        with served_dashboard(settings, folder) as (url, _exit), sync_playwright() as playwright:
            browser = chromium.launch(playwright)
            try:
                page = browser.new_page(viewport={"width": 1440, "height": 1000})
                started = time.perf_counter()
                sign_in(page, url, "hr_analyst")
                cold["Executive overview (sign-in)"] = time.perf_counter() - started
                for title in COMMON_PAGES[1:]:
                    cold[title] = timed_visit(page, title)
                for _ in range(args.rounds):
                    for title in COMMON_PAGES:
                        warm[title].append(timed_visit(page, title))
            finally:
                browser.close()

    print(f"{'page':<32} {'cold s':>8} {'warm p50 s':>11} {'warm p95 s':>11}")
    for title in COMMON_PAGES:
        first = cold.get(title, cold.get(f"{title} (sign-in)"))
        print(
            f"{title:<32} {first:>8.2f} {statistics.median(warm[title]):>11.2f} {percentile(warm[title], 0.95):>11.2f}"
        )
    every_warm = [value for values in warm.values() for value in values]
    print(
        f"all pages, warm: p50 {statistics.median(every_warm):.2f} s, p95 {percentile(every_warm, 0.95):.2f} s; "
        f"cold: max {max(cold.values()):.2f} s"
    )


if __name__ == "__main__":
    main()
