"""A fixed 60-day diary, written straight through the models, for the insights, report and
export tests (and the browser tests). Day n is `start + n days`; the tests compute what the
pages should say by hand from the same rules written out below."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from community.content import render_markdown
from community.diary.models import HELPER, TREATMENT, TRIGGER, DiaryEntry, DiaryTag, FlareNote
from community.extensions import db

DAYS = 60
MISSING = {10, 11, 25, 40}  # no entry at all: gaps, never zeros
NO_PAIN = {5, 33}  # an entry with only mood: a partial entry is a real entry
POOR_SLEEP = {1, 4, 7, 13, 16, 19, 22, 28, 31, 37, 43, 49}  # 12 days
HEAT = {0, 6, 12, 18, 24, 30, 36, 42, 48, 54}  # 10 days
WEATHER = {2, 3}  # below the 3/3 threshold: never compared
TREATMENT_FROM = 30  # "Amitriptyline" on every entry from day 30
BASE = (4, 5, 6, 5, 3)
ACTIVITY = (2, 5, 7)
FORMULA_NOTE = '=HYPERLINK("http://example.com","click")'


def pain_on(n: int) -> int | None:
    if n in MISSING or n in NO_PAIN:
        return None
    pain = BASE[n % 5]
    if n in POOR_SLEEP:
        pain += 3
    if n in HEAT:
        pain -= 1
    return pain


def peg_items(n: int) -> tuple[int, int] | None:
    """(enjoyment, activity) interference, on two days in three; the third day is partial."""
    if pain_on(n) is None or n % 3 == 2:
        return None
    return min(10, pain_on(n) + 2), ACTIVITY[n % 3]


def tags_on(n: int) -> list[tuple[str, str]]:
    tags = []
    if n in POOR_SLEEP:
        tags.append((TRIGGER, "poor sleep"))
    if n in WEATHER:
        tags.append((TRIGGER, "weather"))
    if n in HEAT:
        tags.append((HELPER, "heat"))
    if n >= TREATMENT_FROM:
        tags.append((TREATMENT, "Amitriptyline"))
    return tags


def note_on(n: int) -> str:
    if n == 50:
        return FORMULA_NOTE
    if n == 55:
        return "Walked to the **park**; the bench helped."
    return ""


def write_diary(user_id: int, end: date, marker: str = "") -> date:
    """The 60 days ending on `end` for the member; returns the first day. `marker` is added to
    tag names and notes, so a test can tell one member's diary from another's."""
    start = end - timedelta(days=DAYS - 1)
    tags: dict[tuple[str, str], DiaryTag] = {}
    for n in range(DAYS):
        if n in MISSING:
            continue
        day = start + timedelta(days=n)
        entry = DiaryEntry(owner_id=user_id, day=day, mood=3, body_areas=[], qualities=[])
        entry.pain_average = pain_on(n)
        if peg_items(n):
            entry.enjoyment_interference, entry.activity_interference = peg_items(n)
        if pain_on(n) is not None:
            entry.pain_worst = min(10, pain_on(n) + 1)
            entry.sleep_hours = 5.5 if n in POOR_SLEEP else 7.25
        if n == 55:
            entry.body_areas, entry.qualities = ["lower-back", "hip-left"], ["aching", "burning"]
        note = note_on(n) + marker
        entry.notes, entry.notes_html = note, render_markdown(note) if note else ""
        for kind, name in tags_on(n):
            name = name + marker
            key = (kind, name.casefold())
            if key not in tags:
                tags[key] = DiaryTag(owner_id=user_id, kind=kind, name=name, key=name.casefold())
            entry.tags.append(tags[key])
        db.session.add(entry)
    flare_at = datetime.combine(start + timedelta(days=50), datetime.min.time(), UTC) + timedelta(hours=15)
    flare = "Flare after the long drive" + marker
    html = render_markdown(flare)
    db.session.add(FlareNote(owner_id=user_id, at=flare_at, pain=8, note=flare, note_html=html))
    db.session.commit()
    return start
