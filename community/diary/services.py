"""The diary's rules, shared by its pages: which day is "today" for the member, saving a quick or a
full entry, the member's own tags, flare notes and the opt-in reminder. Every read goes through
privacy.owned; nothing here logs, indexes, notifies or screens diary words."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from community.content import TextRefused
from community.database import utcnow
from community.diary.models import (
    HELPER,
    TAG_KINDS,
    TAG_MAX,
    TREATMENT,
    TRIGGER,
    DiaryEntry,
    DiarySettings,
    DiaryTag,
    FlareNote,
)
from community.diary.privacy import owned
from community.diary.scales import BODY_AREAS, BY_FIELD, SCALES, SLEEP_HOURS_MAX, stored_scales
from community.extensions import db
from community.names import strip_invisible
from community.text import DIARY_NOTE, accept_text

EARLIEST_DAY = date(2000, 1, 1)
RECENT_DAYS = 14
TAGS_PER_KIND = 20
QUALITY_MAX = 40
QUALITIES_MAX = 12
# A flare note is a moment's few words; like every diary note it is never screened or shown to anyone.
FLARE_NOTE = replace(
    DIARY_NOTE,
    name="flare_note",
    max_length=1_000,
    too_long="A flare note can be at most {max:,} characters.",
)
# Until the browser has told us the member's zone, a day is "in the future" only once it has begun
# nowhere on Earth (the furthest-ahead zone is UTC+14): never refuse someone's real today.
FURTHEST_AHEAD = timedelta(hours=14)


class DiaryError(ValueError):
    """A rule the member's input broke; `field` names the form field the words belong by."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# The member's day ------------------------------------------------------------------------


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


# Where the diary's pages keep, in the member's session, the time zone their browser gave.
ZONE_KEY = "diary_zone"


def zone_named(name: str | None) -> str | None:
    """A real IANA zone name as the browser gave it, or None."""
    name = (name or "").strip()
    return name if name in _zones() else None


def local_now(zone: str | None) -> datetime:
    return utcnow().astimezone(ZoneInfo(zone) if zone else UTC)


def today(zone: str | None) -> date:
    return local_now(zone).date()


def latest_day(zone: str | None) -> date:
    """The last day an entry may be for: the member's today, or with no zone known, the day it
    is already somewhere."""
    return today(zone) if zone else (utcnow() + FURTHEST_AHEAD).date()


def parse_day(text: str | None) -> date | None:
    """A yyyy-mm-dd day, or None (the URL then does not exist)."""
    text = (text or "").strip()
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def check_day(day: date, zone: str | None) -> None:
    if day > latest_day(zone):
        raise DiaryError("That day has not come yet. You can write about today or any day before it.")
    if day < EARLIEST_DAY:
        raise DiaryError("The diary starts on 1 January 2000. Please choose a later day.")


# Entries ---------------------------------------------------------------------------------


def entry_for(owner, day: date) -> DiaryEntry | None:
    return db.session.scalar(owned(DiaryEntry, owner).where(DiaryEntry.day == day))


def entries_between(owner, first: date, last: date) -> dict[date, DiaryEntry]:
    rows = db.session.scalars(owned(DiaryEntry, owner).where(DiaryEntry.day.between(first, last)))
    return {entry.day: entry for entry in rows}


def recent_days(owner, last: date, count: int = RECENT_DAYS) -> list[tuple[date, DiaryEntry | None]]:
    """The last `count` days, newest first, each with its entry or None: a missing day stays missing."""
    found = entries_between(owner, last - timedelta(days=count - 1), last)
    return [(day, found.get(day)) for day in (last - timedelta(days=n) for n in range(count))]


def _new_entry(owner, day: date) -> DiaryEntry:
    entry = DiaryEntry(owner_id=owner.id, day=day, body_areas=[], qualities=[], scales=stored_scales())
    entry.tags = []
    db.session.add(entry)
    return entry


def _check_scale(name: str, value: int | None) -> None:
    scale = BY_FIELD[name]
    if value is not None and not scale.low <= value <= scale.high:
        raise DiaryError(f"Choose a number from {scale.low} to {scale.high}.", name)


def quick_entry(owner, day: date, choices: dict[str, int | None]) -> DiaryEntry:
    """ "How is today?": set what was chosen and keep the rest; a partial entry is a real entry."""
    chosen = {name: value for name, value in choices.items() if value is not None}
    if not chosen:
        raise DiaryError("Choose at least one: pain, mood or sleep.")
    for name, value in chosen.items():
        _check_scale(name, value)
    entry = entry_for(owner, day) or _new_entry(owner, day)
    for name, value in chosen.items():
        setattr(entry, name, value)
    entry.scales = stored_scales()
    db.session.flush()
    return entry


@dataclass
class EntryData:
    """Everything the full entry's form holds; None or empty is "not noted"."""

    scales: dict[str, int | None] = field(default_factory=dict)
    sleep_hours: float | None = None
    body_areas: list[str] = field(default_factory=list)
    qualities: list[str] = field(default_factory=list)
    tags: dict[str, list[str]] = field(default_factory=dict)  # kind -> names
    notes: str = ""


def save_entry(owner, day: date, data: EntryData) -> DiaryEntry:
    for scale in SCALES:
        _check_scale(scale.field, data.scales.get(scale.field))
    if data.sleep_hours is not None and not 0 <= data.sleep_hours <= SLEEP_HOURS_MAX:
        raise DiaryError(f"Give the hours slept as a number from 0 to {SLEEP_HOURS_MAX}.", "sleep_hours")
    unknown = [area for area in data.body_areas if area not in BODY_AREAS]
    if unknown:
        raise DiaryError("Choose body areas from the list.", "body_areas")
    try:
        notes = accept_text(data.notes, DIARY_NOTE)  # not screened: nobody else ever reads it
    except TextRefused as refused:
        raise DiaryError(str(refused), "notes") from refused
    entry = entry_for(owner, day) or _new_entry(owner, day)
    for scale in SCALES:
        setattr(entry, scale.field, data.scales.get(scale.field))
    entry.sleep_hours = data.sleep_hours
    entry.body_areas = [area for area in BODY_AREAS if area in data.body_areas]
    entry.qualities = clean_words(data.qualities, QUALITY_MAX, QUALITIES_MAX, "qualities")
    entry.notes, entry.notes_html = notes.source, notes.html
    entry.scales = stored_scales()
    chosen = []
    for kind in TAG_KINDS:
        chosen += tags_named(owner, kind, data.tags.get(kind, []))
    entry.tags = chosen
    db.session.flush()
    return entry


def delete_entry(owner, entry: DiaryEntry) -> None:
    if entry.owner_id != owner.id:  # never: entries reach here through owned()
        raise DiaryError("That entry is not in your diary.")
    db.session.delete(entry)
    db.session.flush()


# The member's own words ------------------------------------------------------------------


def split_words(text: str | None) -> list[str]:
    """ "poor sleep, Weather ,," -> ["poor sleep", "Weather"]."""
    return [word for word in (strip_invisible(part) for part in (text or "").split(",")) if word]


def clean_words(words: list[str], longest: int, most: int, field_name: str) -> list[str]:
    """The words once each (case aside), in the order given, each checked for length."""
    seen, kept = set(), []
    for word in (strip_invisible(w) for w in words):
        if not word or word.casefold() in seen:
            continue
        if len(word) > longest:
            raise DiaryError(f"“{word[:20]}…” is too long: keep each to {longest} characters.", field_name)
        seen.add(word.casefold())
        kept.append(word)
    if len(kept) > most:
        raise DiaryError(f"Choose at most {most}.", field_name)
    return kept


_TAG_FIELDS = {TRIGGER: "triggers", HELPER: "helpers", TREATMENT: "treatments"}


def tags_named(owner, kind: str, names: list[str]) -> list[DiaryTag]:
    """The member's tags of `kind` with these names, made when new ("Heat" and "heat" are one)."""
    names = clean_words(names, TAG_MAX, TAGS_PER_KIND, _TAG_FIELDS[kind])
    if not names:
        return []
    keys = {name.casefold(): name for name in names}
    found = {
        tag.key: tag
        for tag in db.session.scalars(
            owned(DiaryTag, owner).where(DiaryTag.kind == kind, DiaryTag.key.in_(list(keys)))
        )
    }
    for key, name in keys.items():
        if key not in found:
            found[key] = DiaryTag(owner_id=owner.id, kind=kind, name=name, key=key)
            db.session.add(found[key])
    return [found[key] for key in keys]


def known_tags(owner) -> dict[str, list[str]]:
    """The member's own tag names by kind, for suggestions."""
    known: dict[str, list[str]] = {kind: [] for kind in TAG_KINDS}
    for tag in db.session.scalars(owned(DiaryTag, owner).order_by(DiaryTag.key)):
        known[tag.kind].append(tag.name)
    return known


def known_qualities(owner, entries: int = 200) -> list[str]:
    """The words the member used for their pain in their recent entries."""
    rows = db.session.scalars(owned(DiaryEntry, owner).order_by(DiaryEntry.day.desc()).limit(entries)).all()
    seen: dict[str, str] = {}
    for entry in rows:
        for word in entry.qualities or []:
            seen.setdefault(word.casefold(), word)
    return sorted(seen.values(), key=str.casefold)


# Flare notes -----------------------------------------------------------------------------


def add_flare(owner, at: datetime | None, pain: int | None, note: str | None) -> FlareNote:
    _check_scale("pain_now", pain)
    try:
        accepted = accept_text(note, FLARE_NOTE)
    except TextRefused as refused:
        raise DiaryError(str(refused), "note") from refused
    if pain is None and not accepted.source:
        raise DiaryError("Note the pain or a few words, or both.", "note")
    now = utcnow()
    at = at or now
    if at > now + timedelta(minutes=5):
        raise DiaryError("That time has not come yet.", "at")
    if at.date() < EARLIEST_DAY:
        raise DiaryError("The diary starts on 1 January 2000.", "at")
    flare = FlareNote(owner_id=owner.id, at=at, pain=pain, note=accepted.source, note_html=accepted.html)
    db.session.add(flare)
    db.session.flush()
    return flare


def recent_flares(owner, limit: int = 50) -> list[FlareNote]:
    return list(
        db.session.scalars(
            owned(FlareNote, owner).order_by(FlareNote.at.desc(), FlareNote.id.desc()).limit(limit)
        )
    )


def flare_of(owner, flare_id: int) -> FlareNote | None:
    return db.session.scalar(owned(FlareNote, owner).where(FlareNote.id == flare_id))


def delete_flare(owner, flare: FlareNote) -> None:
    if flare.owner_id != owner.id:
        raise DiaryError("That note is not in your diary.")
    db.session.delete(flare)
    db.session.flush()


# Reminders -------------------------------------------------------------------------------


def settings_of(owner) -> DiarySettings:
    """The member's diary settings; reminders off when they never chose."""
    found = db.session.scalar(owned(DiarySettings, owner))
    return found or DiarySettings(owner_id=owner.id, reminders=False, reminder_hour=None)


def save_settings(owner, reminders: bool, hour: int | None) -> DiarySettings:
    if hour is not None and not 0 <= hour <= 23:
        raise DiaryError("Choose an hour of the day.", "reminder_hour")
    found = db.session.scalar(owned(DiarySettings, owner))
    if found is None:
        found = DiarySettings(owner_id=owner.id)
        db.session.add(found)
    found.reminders, found.reminder_hour = reminders, hour
    db.session.flush()
    return found


def reminder_due(owner, zone: str | None) -> bool:
    """Only for a member who asked: today has no entry yet, and it is past their chosen hour."""
    chosen = db.session.scalar(owned(DiarySettings, owner))
    if chosen is None or not chosen.reminders:
        return False
    now = local_now(zone)
    if chosen.reminder_hour is not None and now.hour < chosen.reminder_hour:
        return False
    return entry_for(owner, now.date()) is None
