"""What meetings tell members: that a meeting they said they'd go to has started. The
records, settings and pages are community.notifications'."""

from __future__ import annotations

from sqlalchemy import select

from community.extensions import db
from community.meetings.models import Meeting, MeetingRsvp
from community.notifications import services as notifications
from community.notifications.kinds import register_kind
from community.notifications.models import Notification

MEETING_STARTED = register_kind("meeting_started", "When a meeting I said I'd go to starts")


def tell_going(meeting: Meeting, occurrence, host) -> None:
    """Everyone going to this date, but the host, once a date: a meeting the host ended by
    mistake and starts again does not tell them twice."""
    going = set(
        db.session.scalars(
            select(MeetingRsvp.user_id).where(
                MeetingRsvp.meeting_id == meeting.id,
                MeetingRsvp.occurrence_on == occurrence.on,
                MeetingRsvp.going.is_(True),
            )
        )
    )
    told = set(
        db.session.scalars(
            select(Notification.user_id).where(
                Notification.user_id.in_(going),
                Notification.kind == MEETING_STARTED.name,
                Notification.subject_type == "meeting",
                Notification.subject_id == meeting.id,
                Notification.params["on"].as_string() == occurrence.on.isoformat(),
            )
        )
    )
    notifications.notify(
        going - told - {host.id},
        MEETING_STARTED.name,
        actor_id=host.id,
        subject=("meeting", meeting.id),
        url=notifications.path_for("chat.room", slug=meeting.room.slug),
        params={"title": meeting.title, "room": meeting.room.name, "on": occurrence.on.isoformat()},
    )
