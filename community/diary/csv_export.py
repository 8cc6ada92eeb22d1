"""A member's diary entries as CSV: one row a day, every field, safe to open in a spreadsheet.

Flare notes are not here (one CSV holds one kind of row); the full data download in
/settings/data carries them. Scale columns hold the values as recorded; the header names the
scale's range. A cell that a spreadsheet would run as a formula gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io

from community.diary import insights, scales
from community.diary.models import HELPER, TREATMENT, TRIGGER

COLUMNS = [
    ("day", lambda e: e.day.isoformat()),
    ("pain_average (0-10)", lambda e: e.pain_average),
    ("enjoyment_interference (0-10)", lambda e: e.enjoyment_interference),
    ("activity_interference (0-10)", lambda e: e.activity_interference),
    ("peg_score (0-10)", lambda e: insights.one_decimal(insights.peg(e))),
    ("pain_now (0-10)", lambda e: e.pain_now),
    ("pain_worst (0-10)", lambda e: e.pain_worst),
    ("mood (1-5)", lambda e: e.mood),
    ("sleep_hours", lambda e: e.sleep_hours),
    ("sleep_quality (1-5)", lambda e: e.sleep_quality),
    ("body_areas", lambda e: "; ".join(scales.BODY_AREAS.get(area, area) for area in e.body_areas or [])),
    ("qualities", lambda e: "; ".join(e.qualities or [])),
    ("triggers", lambda e: "; ".join(tag.name for tag in e.tags_of(TRIGGER))),
    ("helpers", lambda e: "; ".join(tag.name for tag in e.tags_of(HELPER))),
    ("treatments", lambda e: "; ".join(tag.name for tag in e.tags_of(TREATMENT))),
    ("notes", lambda e: e.notes or ""),
    ("created_at (UTC)", lambda e: e.created_at.isoformat() if e.created_at else ""),
    ("updated_at (UTC)", lambda e: e.updated_at.isoformat() if e.updated_at else ""),
]
# What Excel, LibreOffice and Google Sheets treat as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def entries_csv(entries) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([name for name, _ in COLUMNS])
    for entry in sorted(entries, key=lambda e: e.day):
        writer.writerow([safe_cell(value_of(entry)) for _, value_of in COLUMNS])
    return out.getvalue()
