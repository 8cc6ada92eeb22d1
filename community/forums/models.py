"""Groups, threads, posts and their revisions, reactions, watches and read state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.database import UTCDateTime, utcnow
from community.extensions import db
from community.forums import revisions

VISIBILITIES = {"members": "Members only", "public": "Public"}
# A post or thread is "published" (everyone who may read the group sees it), "held" (a new
# member's post or a watched word: its author and moderators see it, waiting for review) or
# "hidden" (by moderators, or by flags until reviewed: its author sees the reason).
PUBLISHED, HELD, HIDDEN = "published", "held", "hidden"

REACTIONS = {
    "support": "Sending support",
    "metoo": "Me too",
    "helpful": "Helpful",
    "thanks": "Thank you",
}


class Group(db.Model):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[int] = mapped_column(default=0)
    visibility: Mapped[str] = mapped_column(String(10), default="members")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Raised by the database whenever what the page lists of its threads changes
    # (community/forums/revisions.py): a kept page is current while it is the same.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")

    @property
    def is_public(self) -> bool:
        return self.visibility == "public"


class Membership(db.Model):
    __tablename__ = "group_memberships"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Thread(db.Model):
    __tablename__ = "threads"
    __table_args__ = (Index("ix_threads_group_listing", "group_id", "pinned", "last_post_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(150))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Kept up to date on every post so listing a group never counts or sorts posts.
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_poster_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    post_count: Mapped[int] = mapped_column(default=0)
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(10), default=PUBLISHED)
    hidden_reason: Mapped[str] = mapped_column(String(300), default="")
    # Slow mode: seconds each member waits between replies here (0: off).
    slow_mode_seconds: Mapped[int] = mapped_column(default=0)
    # Raised by the database whenever what the page shows of its posts changes
    # (community/forums/revisions.py): a kept page is current while it is the same.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")

    group: Mapped[Group] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    last_poster: Mapped[User | None] = relationship(foreign_keys=[last_poster_id])

    @property
    def is_published(self) -> bool:
        return self.state == PUBLISHED

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (Index("ix_posts_thread_order", "thread_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    content_warning: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(10), default=PUBLISHED)
    hidden_reason: Mapped[str] = mapped_column(String(300), default="")

    thread: Mapped[Thread] = relationship()
    author: Mapped[User] = relationship()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_published(self) -> bool:
        return self.state == PUBLISHED


class PostRevision(db.Model):
    """The text a post had before each edit; moderators can read every one."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(150), default="")
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    content_warning: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    editor: Mapped[User] = relationship()


class Reaction(db.Model):
    __tablename__ = "reactions"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class ThreadWatch(db.Model):
    """watching=False remembers an explicit "stop watching", so posting again doesn't undo it."""

    __tablename__ = "thread_watches"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True)
    watching: Mapped[bool] = mapped_column(default=True)


class ThreadRead(db.Model):
    """How far a member has read a thread: one small upsert per thread view."""

    __tablename__ = "thread_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True)
    last_read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


revisions.install(db.metadata)
