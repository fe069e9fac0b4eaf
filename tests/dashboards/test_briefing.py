"""The monthly briefing of a generated organisation, built through the real transform, as a reader gets it: the
command line writes the PDF, poppler turns it into text and into an image, and the page is checked for its figures,
its sentences and its charts (pixels in the dashboards' colours where each chart is drawn)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from dashboards import i18n, privacy, roles
from dashboards.briefing import BriefingError, levers
from dashboards.briefing.figures import MART, shown_months
from dashboards.palette import ACCENT, PRIMARY
from leerstroom import lake
from leerstroom.settings import Settings
from tests.fixtures.briefing_org import SMALL_DEPARTMENT, BriefingOrg

MONTH = date(2026, 10, 1)  # the fixture's last complete month
A4_POINTS = (595, 842)
DPI = 60


def briefing(settings: Settings, out: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LEERSTROOM_DATA_DIR": str(settings.data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "leerstroom.cli.main", "briefing", *args, "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def pdf_text(pdf: Path) -> str:
    # -raw: in the order the page draws its text, so a paragraph's wrapped lines stay together (`flat` joins them).
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def page_image(pdf: Path, folder: Path) -> Image.Image:
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-singlefile", str(pdf), str(folder / "page")], check=True)
    return Image.open(folder / "page.png").convert("RGB")


def colour_pixels(image: Image.Image, box: tuple[float, float, float, float], colour: str) -> int:
    """Pixels within 24 of `colour` in the part of the page given as figure fractions (left, bottom, width, height),
    the coordinates dashboards/briefing/page.py lays its charts out in."""
    left, bottom, width, height = box
    w, h = image.size
    crop = image.crop((int(left * w), int((1 - bottom - height) * h), int((left + width) * w), int((1 - bottom) * h)))
    target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(np.asarray(crop, dtype=int) - target) <= 24).all(axis=2).sum())


def organisation_row(settings: Settings, snapshot: int) -> pd.Series:
    con = lake.connect(settings, snapshot=snapshot)
    try:
        rows = shown_months(con, privacy.audience(roles.EXECUTIVE), settings.privacy_k)
    finally:
        con.close()
    rows["month_start"] = pd.to_datetime(rows["month_start"]).dt.date
    return rows[(rows["unit_level"] == "organisation") & (rows["month_start"] == MONTH)].iloc[0]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_briefing_is_one_a4_page_of_the_months_figures_sentences_and_charts(
    briefing_org: BriefingOrg, tmp_path: Path, language: str
) -> None:
    settings, snapshot = briefing_org.settings, briefing_org.transform.certified_snapshot_id
    out = tmp_path / f"briefing-{language}.pdf"
    done = briefing(settings, out, "--month", "2026-10", "--lang", language)
    assert done.returncode == 0, done.stderr
    assert f"certified snapshot {snapshot}" in done.stdout

    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.MULTILINE)
    assert (round(float(size.group(1))), round(float(size.group(2)))) == A4_POINTS

    text = flat(pdf_text(out))
    row = organisation_row(settings, snapshot)
    words = {
        "en": (
            "Learning culture briefing",
            "Certified snapshot",
            "What moved it",
            "Where to act",
            "Retention outlook",
            "of 10 sub-scores measured",
            "Oct 2026",
        ),
        "nl": (
            "Briefing leercultuur",
            "Gecertificeerde momentopname",
            "Wat het bewoog",
            "Waar te handelen",
            "Vooruitzicht behoud",
            "van 10 deelscores gemeten",
            "okt 2026",
        ),
    }[language]
    for phrase in words:
        assert phrase in text, phrase
    # The snapshot it was made from, the index and how many sub-scores were measured, as the mart holds them.
    assert f" {snapshot} " in text
    assert i18n.number(row["lci"], language, 1) in text
    assert f"{int(row['measured_sub_scores'])} {'of' if language == 'en' else 'van'} 10" in text
    # A lever for each weak sub-score, from the operator's texts, weakest first (as many as the page shows).
    texts = levers.load(settings)
    weakest = texts.weakest({score: row[score] for score in privacy.SUB_SCORES if pd.notna(row[score])})
    assert weakest, "the demo organisation has weak sub-scores to act on"
    for score, _value in weakest:
        assert flat(texts.text(score, language)) in text
    # No names: nobody on the roster is named anywhere on the page.
    assert not any(person.name in text for person in briefing_org.people)

    image = page_image(out, tmp_path)
    assert image.size[0] < image.size[1]
    trend, scores, drops = (0.42, 0.775, 0.54, 0.125), (0.74, 0.45, 0.21, 0.245), (0.22, 0.25, 0.25, 0.125)
    assert colour_pixels(image, trend, PRIMARY) > 60, "the trend line"
    assert colour_pixels(image, scores, PRIMARY) > 400, "the sub-score bars"
    assert colour_pixels(image, scores, ACCENT) > 60, "the three that moved most"
    assert colour_pixels(image, drops, ACCENT) > 30, "the units whose index fell"
    # Between the sections the page is blank: the charts are where the page says, not a picture of everything.
    assert colour_pixels(image, (0.06, 0.03, 0.9, 0.005), PRIMARY) == 0


@pytest.mark.slow
def test_what_moved_it_adds_up_and_names_team_changes_but_shows_no_split_about_fewer_than_k(
    briefing_org: BriefingOrg,
) -> None:
    settings, k = briefing_org.settings, briefing_org.settings.privacy_k
    con = lake.connect(settings, snapshot=briefing_org.transform.certified_snapshot_id)
    try:
        everything = con.execute(f"SELECT * FROM lake.marts.{MART}").df()
        shown = shown_months(con, privacy.audience(roles.EXECUTIVE), k)
    finally:
        con.close()
    split = everything.dropna(subset=["behaviour_change", "composition_change", "coverage_change"])
    assert len(split) > 20
    # The three parts are the change, to the rounding of each part.
    total = split["behaviour_change"] + split["composition_change"] + split["coverage_change"]
    assert ((total - split["lci_change"]).abs() <= 0.15 + 1e-9).all()
    # The roster's move of six people from Sales / DACH to Customer Success / Onboarding is a team change.
    october = everything[pd.to_datetime(everything["month_start"]).dt.date == MONTH].set_index("unit_name")
    moved = len(briefing_org.moved)
    assert october.at["Sales / DACH", "moved_out"] == moved
    assert october.at["Customer Success / Onboarding", "moved_in"] == moved
    assert october.at["Sales", "moved_out"] == moved and october.at["Customer Success", "moved_in"] == moved
    assert october.at["organisation", "moved_in"] == 0

    # What an executive sees: no count of people who stayed, came or went is under k, and no split is shown where
    # the unit's arrivals or departures were 1 .. k-1 (the stayers' change would then tell about those few).
    counts = ["stayers", "arrived", "departed", "joined_organisation", "moved_in", "left_organisation", "moved_out"]
    for column in counts:
        values = shown[column].dropna()
        assert ((values == 0) | (values >= k)).all(), column
    few = everything[
        ((everything["arrived"] > 0) & (everything["arrived"] < k))
        | ((everything["departed"] > 0) & (everything["departed"] < k))
    ][["unit_name", "month_start"]]
    leaked = shown.merge(few, on=["unit_name", "month_start"]).dropna(subset=["behaviour_change"])
    assert leaked.empty
    assert not shown[shown["unit_name"] == SMALL_DEPARTMENT]["lci"].notna().any()


@pytest.mark.slow
def test_no_briefing_for_a_unit_under_k_a_month_not_complete_or_a_lever_file_missing_a_text(
    briefing_org: BriefingOrg, tmp_path: Path
) -> None:
    settings = briefing_org.settings
    under_k = briefing(settings, tmp_path / "legal.pdf", "--month", "2026-10", "--unit", SMALL_DEPARTMENT)
    assert under_k.returncode == 2 and f"fewer than {settings.privacy_k} people" in under_k.stderr
    running = briefing(settings, tmp_path / "november.pdf", "--month", "2026-11")
    assert running.returncode == 2 and "2026-11 is not a complete month" in running.stderr
    assert "the last complete month is 2026-10" in running.stderr
    assert not (tmp_path / "legal.pdf").exists() and not (tmp_path / "november.pdf").exists()

    partial = tmp_path / "levers.yml"
    partial.write_text(levers.DEFAULT_FILE.read_text().replace('    nl: "Zeg hardop', '    xx: "Zeg hardop'))
    with pytest.raises(BriefingError, match="levers.t3_mistakes_as_learning.nl is missing"):
        levers.load(settings.model_copy(update={"briefing_levers_file": str(partial)}))
