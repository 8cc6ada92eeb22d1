"""A meeting (its first date and time as the clock on the wall shows it in its own time zone,
and the UTC instant that makes), and members' answers for one date of it."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.database import UTCDateTime, utcnow
from community.extensions import db
from community.text import TITLE, TextKind

if TYPE_CHECKING:  # the chat package imports the meetings' services, which import these models
    from community.chat.models import Room

SCHEDULED, IN_PROGRESS = "scheduled", "in_progress"
DURATION_MIN, DURATION_MAX = 15, 240  # minutes
DURATION_WORDS = f"Choose {DURATION_MIN} to {DURATION_MAX} minutes."

DESCRIPTION = TextKind(
    "meeting_description",
    "Description",
    1,
    5_000,
    markdown=True,
    empty="Please say what the meeting is for and who it suits.",
    too_long="A description can be at most {max:,} characters.",
)
GUIDELINES = TextKind(
    "meeting_guidelines",
    "Guidelines",
    0,
    1_000,
    markdown=True,
    too_long="Guidelines can be at most {max:,} characters.",
)
PINNED = TextKind(
    "meeting_pinned", "Pinned message", 0, 300, markdown=False, too_long="Pin at most {max} characters."
)


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_room_state", "room_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE.max_length))
    description: Mapped[str] = mapped_column(Text)
    description_html: Mapped[str] = mapped_column(Text)
    # Shown in the room's banner while the meeting runs.
    guidelines: Mapped[str] = mapped_column(Text, default="")
    guidelines_html: Mapped[str] = mapped_column(Text, default="")
    room_id: Mapped[int] = mapped_column(ForeignKey("chat_rooms.id", ondelete="CASCADE"))
    host_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    # The wall-clock time is what the meeting keeps: "19:00 in New York" stays 19:00 there
    # when the clocks change, so the UTC instant of each later date is worked out from it.
    time_zone: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[date] = mapped_column(Date)
    starts_at_local: Mapped[time] = mapped_column(Time)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the first date's instant, for queries
    duration_minutes: Mapped[int] = mapped_column(default=60)
    weekly: Mapped[bool] = mapped_column(default=False)
    repeat_until: Mapped[date | None] = mapped_column(Date)  # the last local date it may fall on

    # One current occurrence at a time, started and ended by the host.
    state: Mapped[str] = mapped_column(String(12), default=SCHEDULED)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pinned: Mapped[str] = mapped_column(String(PINNED.max_length), default="")

    # Calendar apps replace an event they hold when the same UID comes with a higher SEQUENCE.
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    room: Mapped[Room] = relationship("Room")
    host: Mapped[User | None] = relationship(foreign_keys=[host_id])


class MeetingRsvp(db.Model):
    """A member's answer for one date of a meeting (its local date in the meeting's zone)."""

    __tablename__ = "meeting_rsvps"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    occurrence_on: Mapped[date] = mapped_column(Date, primary_key=True)
    going: Mapped[bool] = mapped_column(default=True)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
