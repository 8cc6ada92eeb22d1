"""A notification: who is told, of what kind, by whom, about which thing, and where to go."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.database import UTCDateTime, utcnow
from community.extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "group_key", name="uq_notifications_user_group_key"),
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_subject", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What it is about ("post", 42), and the page to open.
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column()
    url: Mapped[str] = mapped_column(String(300))
    # A few values the words need ({"title": "…"}), kept small.
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # Notifications sharing a key (reactions to one post on one day) are one, counted.
    group_key: Mapped[str | None] = mapped_column(String(60))
    count: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class NotificationPreference(db.Model):
    """A member's choice for one kind; no row means the kind's default (on)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
