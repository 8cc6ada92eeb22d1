"""A meeting as a calendar file (RFC 5545): one event at its own wall-clock time and zone,
repeating weekly when it does, with the zone's rules written in, so a calendar app far away
shows each date at the right moment, across both places' clock changes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from html import unescape
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from community.meetings.models import Meeting
from community.security import external_url, site_url

PRODUCT_ID = "-//Common Ground//Support meetings//EN"
RULES_AHEAD = timedelta(days=3653)  # an open-ended meeting's zone rules are written out for ten years
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|pre)>|<br\s*/?>", re.I)
_LIST_ITEM = re.compile(r"<li[^>]*>", re.I)
_TAG = re.compile(r"<[^>]+>")


def plain_words(html: str) -> str:
    """Stored HTML as the plain text a calendar shows: paragraphs and list items on their lines."""
    text = unescape(_TAG.sub("", _LIST_ITEM.sub("- ", _BLOCK_END.sub("\n", html))))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def calendar_for(meeting: Meeting) -> bytes:
    base = site_url()
    zone = ZoneInfo(meeting.time_zone)
    event = Event()
    # The same UID on every download, so importing the file again updates the event.
    event.add("uid", f"meeting-{meeting.id}@{urlsplit(base).hostname}")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.updated_at.astimezone(UTC))
    event.add("created", meeting.created_at.astimezone(UTC))
    event.add("last-modified", meeting.updated_at.astimezone(UTC))
    event.add("dtstart", datetime.combine(meeting.starts_on, meeting.starts_at_local, tzinfo=zone))
    event.add("duration", timedelta(minutes=meeting.duration_minutes))
    if meeting.weekly:
        rule = {"freq": "weekly"}
        if meeting.repeat_until is not None:
            # With a TZID start, UNTIL must be in UTC: the end of the last day, on the meeting's clocks.
            last = datetime.combine(meeting.repeat_until, time(23, 59, 59), tzinfo=zone)
            rule["until"] = last.astimezone(UTC)
        event.add("rrule", rule)
    page = external_url("meetings.meeting", base, meeting_id=meeting.id)
    event.add("summary", meeting.title)
    event.add("description", f"{plain_words(meeting.description_html)}\n\n{page}")
    event.add("location", f"Common Ground chat: {meeting.room.name}")
    event.add("url", page)

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    first = meeting.starts_on - timedelta(days=1)
    if not meeting.weekly:
        last = meeting.starts_on
    else:
        last = meeting.repeat_until or meeting.starts_on + RULES_AHEAD
    calendar.add_missing_timezones(first_date=first, last_date=last + timedelta(days=1))
    return calendar.to_ical()
