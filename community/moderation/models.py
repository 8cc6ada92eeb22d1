"""Moderation records: review items and their history, flags, the audit log, watched
words, saved replies, and each member's blocks and muted words."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.database import UTCDateTime, utcnow
from community.extensions import db

PENDING, CLAIMED, RESOLVED = "pending", "claimed", "resolved"
OPEN_STATES = (PENDING, CLAIMED)

# What can be flagged or reviewed: ("post", id), ("user", id); chat messages and directory
# entries register their own types as they land (moderation.subjects).
FLAG_REASONS = {
    "spam": "Spam or advertising",
    "unkind": "Unkind or harassing",
    "misinformation": "Medical misinformation or dangerous advice",
    "medication": "Buying, selling or sourcing medication",
    "worried": "I'm worried about this member (self-harm or suicide)",
    "private": "Private information shared",
    "other": "Something else",
}
# Why an item is in the queue, besides flags.
QUEUE_REASONS = {
    "new_member": "A new member's post",
    "watched_word": "Matched a watched word",
    "crisis": "Crisis words: check on this member",
    "crisis_hold": "Crisis words (method or encouragement): held",
    "community_hidden": "Hidden by members' flags",
    "flood": "Sent too many messages too fast",
    **FLAG_REASONS,
}


class ReviewItem(db.Model):
    """One thing that needs a moderator: every reason it is here, its state and its history.
    At most one open item per subject; new flags and matches join it."""

    __tablename__ = "review_items"
    __table_args__ = (
        Index("ix_review_items_queue", "state", "crisis", "created_at"),
        Index(
            "uq_review_items_open_subject",
            "subject_type",
            "subject_id",
            unique=True,
            sqlite_where=text("state != 'resolved'"),
            postgresql_where=text("state != 'resolved'"),
        ),
        Index("ix_review_items_member", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column()
    # The member the item is about (a post's author, a flagged profile).
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(10), default=PENDING)
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # keys of QUEUE_REASONS
    crisis: Mapped[bool] = mapped_column(default=False)
    held: Mapped[bool] = mapped_column(default=False)
    escalated: Mapped[bool] = mapped_column(default=False)
    escalation_note: Mapped[str] = mapped_column(Text, default="")
    flag_count: Mapped[int] = mapped_column(default=0)
    # The item as it was when it came to the queue: {"title", "html", "content_warning", "url", ...}.
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str] = mapped_column(String(30), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[User | None] = relationship(foreign_keys=[member_id])
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def reason_labels(self) -> list[str]:
        return [QUEUE_REASONS.get(reason, reason) for reason in self.reasons]


class ReviewEvent(db.Model):
    """An item's history: how it came, who claimed it, notes, and what was done."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()


class Flag(db.Model):
    """A member's flag: one per member per item. Only moderators ever see who flagged."""

    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("subject_type", "subject_id", "flagger_id", name="uq_flags_one_per_member"),
        Index("ix_flags_item", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column()
    flagger_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500), default="")
    trusted: Mapped[bool] = mapped_column(default=False)  # the flagger was trusted then
    item_id: Mapped[int | None] = mapped_column(ForeignKey("review_items.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    flagger: Mapped[User] = relationship()

    @property
    def reason_label(self) -> str:
        return FLAG_REASONS.get(self.reason, self.reason)


class AuditEntry(db.Model):
    """Every moderator and admin action: who, what, on what, about whom, why, when.
    Append-only: rows are never changed or deleted (see the listeners below)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_actor", "actor_id", "id"),
        Index("ix_audit_log_member", "member_id", "id"),
        Index("ix_audit_log_action", "action", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept as names too, so the log still says who when an account is deleted.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(30), default="")
    action: Mapped[str] = mapped_column(String(40))
    subject_type: Mapped[str] = mapped_column(String(20), default="")
    subject_id: Mapped[int | None] = mapped_column()
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    member_name: Mapped[str] = mapped_column(String(30), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    member: Mapped[User | None] = relationship(foreign_keys=[member_id])


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _append_only(mapper, connection, target) -> None:
    raise RuntimeError("The audit log is append-only.")


class WatchedWord(db.Model):
    """A rule for moderation.words: a word, a wildcard pattern or a regular expression, and
    what happens to text that matches it."""

    __tablename__ = "watched_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    pattern: Mapped[str] = mapped_column(String(300))
    match_type: Mapped[str] = mapped_column(String(10), default="word")
    action: Mapped[str] = mapped_column(String(12), default="flag")
    whole_word: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    list_key: Mapped[str] = mapped_column(String(30), default="")  # a starter list, or "" for our own
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SavedReply(db.Model):
    """A moderator's reply template, e.g. a kind check-in message."""

    __tablename__ = "saved_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Block(db.Model):
    """`blocker` no longer sees `blocked`'s posts (collapsed), mentions or replies to them."""

    __tablename__ = "member_blocks"

    blocker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    blocked_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MutedWord(db.Model):
    """Posts containing a member's muted word collapse for that member."""

    __tablename__ = "muted_words"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    word: Mapped[str] = mapped_column(String(60), primary_key=True)
