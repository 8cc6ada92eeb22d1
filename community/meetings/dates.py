"""When each date of a meeting falls: on the meeting's own clocks in its named time zone, and
as the UTC instant anyone can convert to theirs. Nothing here reads or writes the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from community.database import utcnow
from community.meetings.models import Meeting
from community.times import time_zone_names, zone_label  # noqa: F401 (the site's list, used from here too)


def instant(zone: str, on: date, at: time) -> datetime:
    """The UTC instant of a wall-clock time on a date in a zone. A time the clocks skip (02:30
    the night they go forward) is read with the offset from before the change, and a time that
    happens twice is the first: both as calendar apps read a TZID time (RFC 5545, 3.3.5)."""
    return datetime.combine(on, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


# Dates of a meeting ----------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    """One date of a meeting: its day on the meeting's own calendar, and its UTC instants."""

    meeting: Meeting
    on: date
    starts_at: datetime  # UTC

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.meeting.duration_minutes)

    def local(self, zone: str | None = None) -> datetime:
        """The start on the clocks of `zone` (by default the meeting's own)."""
        return self.starts_at.astimezone(ZoneInfo(zone or self.meeting.time_zone))


def occurrences(meeting: Meeting, start: datetime, end: datetime) -> list[Occurrence]:
    """The dates of a meeting not over by `start` that begin before `end`, in order. Each week
    is the same wall-clock time in the meeting's zone, so its UTC instant moves when the
    meeting's clocks change, and only then."""
    week = 0
    if meeting.weekly:  # skip the weeks before the window (one spare for the zone and duration)
        local_start = start.astimezone(ZoneInfo(meeting.time_zone)).date()
        week = max(0, (local_start - meeting.starts_on).days // 7 - 1)
    found = []
    while True:
        on = meeting.starts_on + timedelta(weeks=week)
        if meeting.repeat_until is not None and on > meeting.repeat_until:
            break
        occurrence = Occurrence(meeting, on, instant(meeting.time_zone, on, meeting.starts_at_local))
        if occurrence.starts_at >= end:
            break
        if occurrence.ends_at > start:
            found.append(occurrence)
        if not meeting.weekly:
            break
        week += 1
    return found


def local_times(meeting: Meeting, zone: str, start: datetime, end: datetime) -> list[datetime]:
    """When each date between two instants begins on the clocks of `zone` (a viewer's)."""
    return [occurrence.local(zone) for occurrence in occurrences(meeting, start, end)]


def next_occurrence(meeting: Meeting, now: datetime | None = None) -> Occurrence | None:
    """The date on now or next (the one an answer is for), or None when none are left."""
    now = now or utcnow()
    found = occurrences(meeting, now, max(now, meeting.starts_at) + timedelta(days=8))
    return found[0] if found else None


def upcoming_dates(meeting: Meeting, count: int = 4, now: datetime | None = None) -> list[Occurrence]:
    now = now or utcnow()
    return occurrences(meeting, now, max(now, meeting.starts_at) + timedelta(weeks=count))[:count]
