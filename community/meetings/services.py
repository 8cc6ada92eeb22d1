"""Meeting rules: the coming dates a member may see, planning and changing meetings, answers,
and the host's start, pin and end (when each date falls is community.meetings.dates). Services
flush; the view commits once, and the room hears of changes after that commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from community import events
from community.accounts.services import find_by_username
from community.chat import services as chat
from community.chat.models import Room
from community.database import utcnow
from community.extensions import db
from community.meetings import notifications, permissions
from community.meetings.dates import Occurrence, instant, next_occurrence, occurrences, time_zone_names
from community.meetings.models import (
    DESCRIPTION,
    DURATION_MAX,
    DURATION_MIN,
    DURATION_WORDS,
    GUIDELINES,
    IN_PROGRESS,
    PINNED,
    SCHEDULED,
    Meeting,
    MeetingRsvp,
)
from community.moderation import audit
from community.notifications.services import path_for
from community.text import TITLE, TextRefused, accept_text
from community.unit_of_work import after_commit

UPCOMING_DAYS = 28  # how far ahead /meetings/ looks
START_EARLY = timedelta(hours=1)  # a host may open the room this long before a date begins
# A meeting nobody ended stops showing as in progress this long after its planned end.
FORGOTTEN_AFTER = timedelta(hours=3)


class MeetingError(ValueError):
    """Refused, with words for the person and the form field they belong to ("" for none)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def is_running(meeting: Meeting, now: datetime | None = None) -> bool:
    if meeting.state != IN_PROGRESS or meeting.started_at is None:
        return False
    planned = timedelta(minutes=meeting.duration_minutes)
    return (now or utcnow()) < meeting.started_at + planned + FORGOTTEN_AFTER


def in_progress(room: Room) -> Meeting | None:
    """The meeting on now in a room, for the room's banner; None when there is none."""
    meeting = db.session.scalar(
        select(Meeting)
        .where(Meeting.room_id == room.id, Meeting.state == IN_PROGRESS)
        .options(joinedload(Meeting.host))
        .order_by(Meeting.started_at.desc())
        .limit(1)
    )
    return meeting if meeting is not None and is_running(meeting) else None


# Lists -----------------------------------------------------------------------------------


@dataclass
class Upcoming:
    """The dates in the coming weeks a viewer may see, with who is going to each."""

    dates: list[Occurrence]
    going: dict[tuple[int, date], int]  # (meeting id, date) -> members going
    mine: dict[tuple[int, date], bool]  # the viewer's answers


def upcoming(viewer, now: datetime | None = None, days: int = UPCOMING_DAYS) -> Upcoming:
    """Every date from now to `days` ahead of the meetings in rooms the viewer may read, in
    three queries however many there are."""
    now = now or utcnow()
    end = now + timedelta(days=days)
    rooms = [room.id for room in chat.rooms_for(viewer)]
    meetings = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.room_id.in_(rooms),
            Meeting.starts_at < end,
            or_(Meeting.weekly, Meeting.starts_at > now - timedelta(days=1)),
            or_(Meeting.repeat_until.is_(None), Meeting.repeat_until >= (now - timedelta(days=2)).date()),
        )
        .options(joinedload(Meeting.room), joinedload(Meeting.host))
    )
    dates = sorted(
        (occurrence for meeting in meetings for occurrence in occurrences(meeting, now, end)),
        key=lambda o: (o.starts_at, o.meeting.id),
    )
    return Upcoming(dates, going_counts(dates), answers(viewer, dates))


def _rsvps(dates: list[Occurrence]):
    keys = {(o.meeting.id, o.on) for o in dates}
    query = select(MeetingRsvp).where(
        MeetingRsvp.meeting_id.in_(sorted({m for m, _ in keys})),
        MeetingRsvp.occurrence_on.in_(sorted({d for _, d in keys})),
    )
    return keys, query


def going_counts(dates: list[Occurrence]) -> dict[tuple[int, date], int]:
    if not dates:
        return {}
    keys, query = _rsvps(dates)
    rows = db.session.execute(
        query.with_only_columns(MeetingRsvp.meeting_id, MeetingRsvp.occurrence_on, func.count())
        .where(MeetingRsvp.going.is_(True))
        .group_by(MeetingRsvp.meeting_id, MeetingRsvp.occurrence_on)
    )
    return {(m, d): n for m, d, n in rows if (m, d) in keys}


def answers(viewer, dates: list[Occurrence]) -> dict[tuple[int, date], bool]:
    if not dates or not getattr(viewer, "is_authenticated", False):
        return {}
    keys, query = _rsvps(dates)
    rows = db.session.scalars(query.where(MeetingRsvp.user_id == viewer.id))
    return {(r.meeting_id, r.occurrence_on): r.going for r in rows if (r.meeting_id, r.occurrence_on) in keys}


# Planning --------------------------------------------------------------------------------


@dataclass
class Plan:
    """What a moderator fills in; `host` is a username ("" for themselves)."""

    title: str
    description: str
    guidelines: str
    room_id: int
    host: str
    time_zone: str
    starts_on: date
    starts_at_local: time
    duration_minutes: int
    weekly: bool
    repeat_until: date | None


PLAN_FIELDS = tuple(Plan.__dataclass_fields__)


def _accept(text: str, kind, field: str):
    try:
        return accept_text(text, kind)
    except TextRefused as refused:
        raise MeetingError(field, str(refused)) from refused


def _host_for(moderator, plan: Plan, room: Room):
    if not (plan.host or "").strip():
        return moderator
    host = find_by_username(plan.host)
    if host is None:
        raise MeetingError("host", f"There is no member called “{plan.host.strip()}”.")
    if not permissions.may_host(host, room):
        raise MeetingError("host", f"{host.username} can't host in {room.name}: they can't write there now.")
    return host


def save_meeting(moderator, meeting: Meeting | None, plan: Plan, now: datetime | None = None) -> Meeting:
    """Plan a meeting, or change one (calendar apps see the change through its sequence)."""
    now = now or utcnow()
    room = db.session.get(Room, plan.room_id)
    if room is None or not permissions.can_read_room(moderator, room):
        raise MeetingError("room_id", "Please choose a room.")
    if plan.time_zone not in time_zone_names():
        raise MeetingError("time_zone", "Please choose a time zone from the list.")
    if not DURATION_MIN <= plan.duration_minutes <= DURATION_MAX:
        raise MeetingError("duration_minutes", DURATION_WORDS)
    until = plan.repeat_until if plan.weekly else None
    if until is not None and until < plan.starts_on:
        raise MeetingError("repeat_until", "The last week can't be before the first date.")
    starts_at = instant(plan.time_zone, plan.starts_on, plan.starts_at_local)
    moved = meeting is None or (meeting.starts_on, meeting.starts_at_local, meeting.time_zone) != (
        plan.starts_on,
        plan.starts_at_local,
        plan.time_zone,
    )
    if moved and starts_at < now:
        raise MeetingError("starts_on", "That date and time have passed. Please choose a later one.")
    title = _accept(plan.title, TITLE, "title")
    description = _accept(plan.description, DESCRIPTION, "description")
    guidelines = _accept(plan.guidelines, GUIDELINES, "guidelines")
    host = _host_for(moderator, plan, room)

    creating = meeting is None
    if creating:
        meeting = Meeting(created_by_id=moderator.id)
        db.session.add(meeting)
    else:
        meeting.sequence += 1
        meeting.updated_at = now
    meeting.title, meeting.room, meeting.host = title.source, room, host
    meeting.description, meeting.description_html = description.source, description.html
    meeting.guidelines, meeting.guidelines_html = guidelines.source, guidelines.html
    meeting.time_zone, meeting.starts_on, meeting.starts_at_local = (
        plan.time_zone,
        plan.starts_on,
        plan.starts_at_local,
    )
    meeting.starts_at, meeting.duration_minutes = starts_at, plan.duration_minutes
    meeting.weekly, meeting.repeat_until = plan.weekly, until
    db.session.flush()
    audit.record(
        moderator,
        "meeting_create" if creating else "meeting_edit",
        subject=("meeting", meeting.id),
        member=host,
        reason=meeting.title,
        room=room.slug,
        starts=f"{plan.starts_on.isoformat()} {plan.starts_at_local.strftime('%H:%M')} {plan.time_zone}",
        weekly=plan.weekly,
    )
    if is_running(meeting, now):
        _announce(meeting)  # the room's banner shows the new title and guidelines
    return meeting


# Answers and the host's tools ------------------------------------------------------------


def rsvp(member, meeting: Meeting, going: bool, now: datetime | None = None) -> Occurrence:
    """Going or not going to the next date (the one on now, while it is on)."""
    occurrence = next_occurrence(meeting, now)
    if occurrence is None:
        raise MeetingError("", "This meeting has no dates left.")
    answer = db.session.get(MeetingRsvp, (meeting.id, member.id, occurrence.on))
    if answer is None:
        db.session.add(
            MeetingRsvp(meeting_id=meeting.id, user_id=member.id, occurrence_on=occurrence.on, going=going)
        )
    else:
        answer.going, answer.answered_at = going, utcnow()
    db.session.flush()
    return occurrence


def start_refusal(meeting: Meeting, now: datetime | None = None) -> str | None:
    """Why the host can't start the meeting now, in words; None when they can."""
    now = now or utcnow()
    if is_running(meeting, now):
        return "This meeting has already started."
    occurrence = next_occurrence(meeting, now)
    if occurrence is None:
        return "This meeting has no dates left."
    if occurrence.starts_at - START_EARLY > now:
        return "You can start the meeting from an hour before it begins."
    other = in_progress(meeting.room)
    if other is not None:
        return f"“{other.title}” is on in {meeting.room.name} now. You can start this one when it ends."
    return None


def start(host, meeting: Meeting, now: datetime | None = None) -> Occurrence:
    """Open the meeting in its room, and tell the members going to this date."""
    now = now or utcnow()
    refusal = start_refusal(meeting, now)
    if refusal:
        raise MeetingError("", refusal)
    occurrence = next_occurrence(meeting, now)
    meeting.state, meeting.started_at, meeting.ended_at, meeting.pinned = IN_PROGRESS, now, None, ""
    on = occurrence.on.isoformat()
    audit.record(host, "meeting_start", subject=("meeting", meeting.id), reason=meeting.title, on=on)
    notifications.tell_going(meeting, occurrence, host)
    _announce(meeting, now)
    return occurrence


def end(host, meeting: Meeting, now: datetime | None = None) -> None:
    if meeting.state != IN_PROGRESS:
        raise MeetingError("", "This meeting is not on now.")
    meeting.state, meeting.ended_at, meeting.pinned = SCHEDULED, now or utcnow(), ""
    audit.record(host, "meeting_end", subject=("meeting", meeting.id), reason=meeting.title)
    _announce(meeting, now)


def pin(host, meeting: Meeting, text: str) -> None:
    """Pin a message under the banner while the meeting is on; empty text takes it down."""
    if not is_running(meeting):
        raise MeetingError("", "You can pin a message while the meeting is on.")
    meeting.pinned = _accept(text, PINNED, "pinned").source
    _announce(meeting)


def _announce(meeting: Meeting, now: datetime | None = None) -> None:
    """The room's banner changes for everyone in it once this unit of work commits."""
    db.session.flush()
    after_commit(events.meeting_changed, room_id=meeting.room_id, meeting=meeting_json(meeting, now))


def meeting_json(meeting: Meeting, now: datetime | None = None) -> dict:
    """The meeting as a room hears of it: the /chat `meeting` event's payload."""
    host = meeting.host
    return {
        "room": meeting.room.slug,
        "id": meeting.id,
        "state": "in_progress" if is_running(meeting, now) else "ended",
        "title": meeting.title,
        "host": {"username": host.username, "display_name": host.name} if host else None,
        "guidelines_html": meeting.guidelines_html,
        "pinned": meeting.pinned,
        "url": path_for("meetings.meeting", meeting_id=meeting.id),
        "started_at": meeting.started_at.isoformat() if meeting.started_at else None,
    }
