"""Planning meetings straight through the service, for tests that need one to exist."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from community.accounts.models import User
from community.chat import services as chat
from community.extensions import db
from community.meetings import dates, services
from community.meetings.models import Meeting


def plan(
    app,
    moderator_id: int,
    *,
    starts_in: timedelta = timedelta(minutes=30),
    zone: str = "UTC",
    room: str = "lounge",
    host_id: int | None = None,
    running: bool = False,
    **fields,
) -> int:
    """A meeting `starts_in` from now (on the clock of `zone`) unless `fields` give its date and
    time, hosted by `host_id` or the moderator; with running=True it is started. Returns its id."""
    with app.app_context():
        moderator = db.session.get(User, moderator_id)
        host = db.session.get(User, host_id) if host_id else None
        when = (datetime.now(UTC) + starts_in).astimezone(ZoneInfo(zone)).replace(second=0, microsecond=0)
        values = {
            "title": "Evening circle",
            "description": "A gentle **hour** together.",
            "guidelines": "One person at a time.",
            "room_id": chat.room_by_slug(room).id,
            "host": host.username if host else "",
            "time_zone": zone,
            "starts_on": when.date(),
            "starts_at_local": when.time(),
            "duration_minutes": 60,
            "weekly": False,
            "repeat_until": None,
            **fields,
        }
        # Planned a day before its first date, so a date long past (in a test of 2027's clocks) is taken.
        first = dates.instant(values["time_zone"], values["starts_on"], values["starts_at_local"])
        meeting = services.save_meeting(
            moderator, None, services.Plan(**values), now=first - timedelta(days=1)
        )
        if running:
            services.start(host or moderator, meeting)
        db.session.commit()
        return meeting.id


def get(app, meeting_id: int) -> Meeting:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        db.session.expunge(meeting)
        return meeting
