"""A member's private pain diary: one entry a day (any part of it may be missing: a missing
value is missing, never zero), short timed flare notes, the member's own tags (triggers,
helpers, treatments), and their diary settings. Every row carries its owner; every query goes
through `diary.privacy.owned(...)`, so nothing here is ever read for anyone else.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.database import UTCDateTime, utcnow
from community.diary.scales import peg_score, stored_scales
from community.extensions import db

TRIGGER, HELPER, TREATMENT = "trigger", "helper", "treatment"
TAG_KINDS = {TRIGGER: "Triggers", HELPER: "What helped", TREATMENT: "Treatments taken"}
TAG_MAX = 60

entry_tags = Table(
    "diary_entry_tags",
    db.metadata,
    Column("entry_id", ForeignKey("diary_entries.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("diary_tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class DiaryTag(db.Model):
    """One of the member's own words for a trigger, a helper or a treatment ("poor sleep",
    "heat", "amitriptyline"). The app never suggests a dose."""

    __tablename__ = "diary_tags"
    __table_args__ = (UniqueConstraint("owner_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # TAG_KINDS
    name: Mapped[str] = mapped_column(String(TAG_MAX))  # as the member wrote it
    key: Mapped[str] = mapped_column(String(TAG_MAX))  # case-folded, so "Heat" and "heat" are one


class DiaryEntry(db.Model):
    __tablename__ = "diary_entries"
    __table_args__ = (UniqueConstraint("owner_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)

    # The PEG (scales.PEG), 0-10 each.
    pain_average: Mapped[int | None] = mapped_column()
    enjoyment_interference: Mapped[int | None] = mapped_column()
    activity_interference: Mapped[int | None] = mapped_column()
    pain_now: Mapped[int | None] = mapped_column()
    pain_worst: Mapped[int | None] = mapped_column()
    mood: Mapped[int | None] = mapped_column()  # 1-5
    sleep_hours: Mapped[float | None] = mapped_column(Float)
    sleep_quality: Mapped[int | None] = mapped_column()  # 1-5
    body_areas: Mapped[list] = mapped_column(JSON, default=list)  # scales.BODY_AREAS ids
    qualities: Mapped[list] = mapped_column(JSON, default=list)  # words, suggested or the member's
    notes: Mapped[str] = mapped_column(Text, default="")  # as written (Markdown)
    notes_html: Mapped[str] = mapped_column(Text, default="")  # through the text intake
    # Each scale's name, range and anchor words when the entry was written.
    scales: Mapped[dict] = mapped_column(JSON, default=stored_scales)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    tags: Mapped[list[DiaryTag]] = relationship(secondary=entry_tags, order_by=DiaryTag.key)

    @property
    def peg(self) -> float | None:
        return peg_score(self)

    def tags_of(self, kind: str) -> list[DiaryTag]:
        return [tag for tag in self.tags if tag.kind == kind]


class FlareNote(db.Model):
    """A short note at a moment: "flare at 3pm after the drive", with the pain then."""

    __tablename__ = "diary_flares"
    __table_args__ = (Index("ix_diary_flares_owner_at", "owner_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    pain: Mapped[int | None] = mapped_column()  # 0-10
    note: Mapped[str] = mapped_column(Text, default="")
    note_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DiarySettings(db.Model):
    """Opt-in only: no reminder unless the member asks for one."""

    __tablename__ = "diary_settings"

    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    reminders: Mapped[bool] = mapped_column(Boolean, default=False)
    reminder_hour: Mapped[int | None] = mapped_column()  # 0-23, the member's local time
