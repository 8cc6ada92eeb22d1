"""Deleting an account for real. The diary, profile and settings are erased; posts and chat
messages are erased or kept as "Former member" (the member chooses); their names leave
moderation's records (review snapshots and history, the audit log through its one sanctioned
scrub). The account row stays as an anonymous tombstone nobody can sign in to, so threads,
chat and the log keep their shape. Everything is one unit of work: the view commits once.
"""

from __future__ import annotations

import json
import re
import secrets

from sqlalchemy import Text, cast, delete, func, or_, select, update
from sqlalchemy.orm import joinedload

from community.accounts import sessions
from community.accounts.models import User
from community.chat.models import ChatMessage, RoomMute, RoomRead
from community.chat.services import message_json
from community.database import utcnow
from community.diary.models import DiaryEntry, DiarySettings, DiaryTag, FlareNote
from community.diary.models import entry_tags as diary_entry_tags
from community.events import chat_message_updated
from community.extensions import db
from community.forums import search
from community.forums.models import Membership, Post, PostRevision, Reaction, Thread, ThreadRead, ThreadWatch
from community.meetings.models import Meeting, MeetingRsvp
from community.moderation import audit
from community.moderation.models import QUEUE_REASONS, Block, Flag, MutedWord, ReviewEvent, ReviewItem
from community.notifications.models import Notification, NotificationPreference
from community.resources.models import Organization, ResourceReport
from community.unit_of_work import after_commit

FORMER_MEMBER = "Former member"
REMOVED_TITLE = "A thread from a former member"
REMOVED_SNAPSHOT = "Removed: its author deleted their account."
# Chat messages newer than this are taken off the screens of members in the room as they go.
RECENT_CHAT = 200


class DeletionRefused(ValueError):
    """The account cannot be deleted as things stand; the message says why and what to do."""


def deletion_refusal(user: User) -> str | None:
    if user.role == "admin":
        admins = db.session.scalar(select(func.count()).select_from(User).where(User.role == "admin"))
        if admins <= 1:
            return (
                "You are the only admin, so the site would have nobody to run it. Make another "
                "member an admin first (flask users set-role NAME admin); then you can delete your account."
            )
    return None


def delete_account(user: User, keep_posts: bool) -> None:
    """Everything in one unit of work; the caller commits, then signs the browser out. Their
    sign-ins end now, and their chat sockets close once this commits (events.sessions_ended)."""
    refusal = deletion_refusal(user)
    if refusal:
        raise DeletionRefused(refusal)
    names = [n for n in {user.username, user.display_name, user.email} if n]
    sessions.end_all(user)
    _scrub_moderation(user, names)
    _erase_diary(user)
    _erase_own_records(user)
    if keep_posts:
        db.session.execute(update(Notification).where(Notification.actor_id == user.id).values(actor_id=None))
    else:
        _erase_posts(user)
        _erase_chat(user)
    _let_go_of(user)
    _make_tombstone(user)
    db.session.flush()
    # After the scrub, so it stands as written: that a deletion happened, and nothing personal.
    audit.record(None, "account_deleted", subject=("user", user.id), posts="kept" if keep_posts else "erased")
    db.session.flush()


def _erase_diary(user: User) -> None:
    entries = select(DiaryEntry.id).where(DiaryEntry.owner_id == user.id)
    db.session.execute(delete(diary_entry_tags).where(diary_entry_tags.c.entry_id.in_(entries)))
    for model in (DiaryEntry, FlareNote, DiaryTag, DiarySettings):
        db.session.execute(delete(model).where(model.owner_id == user.id))


def _erase_own_records(user: User) -> None:
    """Rows that are only the member's: deleted one table at a time (SQLite enforces no
    cascades here, so nothing is left to the database)."""
    for model, column in (
        (Reaction, Reaction.user_id),
        (ThreadWatch, ThreadWatch.user_id),
        (ThreadRead, ThreadRead.user_id),
        (Membership, Membership.user_id),
        (Block, Block.blocker_id),  # blocks of them by others are the others' own
        (MutedWord, MutedWord.user_id),
        (NotificationPreference, NotificationPreference.user_id),
        (Notification, Notification.user_id),
        (MeetingRsvp, MeetingRsvp.user_id),
        (RoomRead, RoomRead.user_id),
        (RoomMute, RoomMute.user_id),
        (Flag, Flag.flagger_id),
    ):
        db.session.execute(delete(model).where(column == user.id))


def _remove_posts_from_others_notifications(post_ids) -> None:
    db.session.execute(
        delete(Notification).where(Notification.subject_type == "post", Notification.subject_id.in_(post_ids))
    )


def _erase_posts(user: User) -> None:
    """A thread holding only their posts goes; in one with others' replies, their posts stay
    in place as removed (empty), and a thread they started gets a neutral title."""
    started = list(db.session.scalars(select(Thread).where(Thread.author_id == user.id)))
    shared = set(
        db.session.scalars(
            select(Post.thread_id).where(
                Post.thread_id.in_([t.id for t in started]), Post.author_id != user.id
            )
        )
    )
    gone_threads = [t.id for t in started if t.id not in shared]
    gone_posts = list(db.session.scalars(select(Post.id).where(Post.thread_id.in_(gone_threads))))
    mine = list(db.session.scalars(select(Post.id).where(Post.author_id == user.id)))
    for post_id in {*gone_posts, *mine}:
        search.remove_post(post_id)
    for post_ids in (gone_posts, mine):
        db.session.execute(delete(PostRevision).where(PostRevision.post_id.in_(post_ids)))
        _remove_posts_from_others_notifications(post_ids)
    db.session.execute(delete(Reaction).where(Reaction.post_id.in_(gone_posts)))
    for model in (ThreadWatch, ThreadRead):
        db.session.execute(delete(model).where(model.thread_id.in_(gone_threads)))
    db.session.execute(delete(Post).where(Post.id.in_(gone_posts)))
    db.session.execute(delete(Thread).where(Thread.id.in_(gone_threads)))
    now = utcnow()
    db.session.execute(
        update(Post)
        .where(Post.author_id == user.id)
        .values(body="", body_html="", content_warning="", deleted_at=func.coalesce(Post.deleted_at, now))
    )
    kept = [t.id for t in started if t.id in shared]
    db.session.execute(update(Thread).where(Thread.id.in_(kept)).values(title=REMOVED_TITLE))
    # Others' notifications about replies in those threads carry the old title.
    in_kept = select(Post.id).where(Post.thread_id.in_(kept))
    for note in db.session.scalars(
        select(Notification).where(Notification.subject_type == "post", Notification.subject_id.in_(in_kept))
    ):
        note.params = {**note.params, "title": REMOVED_TITLE}
    db.session.execute(update(Notification).where(Notification.actor_id == user.id).values(actor_id=None))
    db.session.flush()


def _erase_chat(user: User) -> None:
    """Deleted. Members with the room open see the newest ones go, as with any removal."""
    recent = db.session.scalars(
        select(ChatMessage)
        .where(
            ChatMessage.author_id == user.id,
            ChatMessage.deleted_at.is_(None),
            ChatMessage.state == "published",
        )
        .options(joinedload(ChatMessage.room))
        .order_by(ChatMessage.id.desc())
        .limit(RECENT_CHAT)
    )
    for message in recent:
        removed = {
            **message_json(message),
            "html": "",
            "deleted": True,
            "author": {"username": "", "display_name": FORMER_MEMBER},
        }
        after_commit(chat_message_updated, room_id=message.room_id, message=removed)
    db.session.execute(delete(ChatMessage).where(ChatMessage.author_id == user.id))


def _let_go_of(user: User) -> None:
    """Where others' records point at the member as a helper or a host, they point at nobody."""
    db.session.execute(update(Meeting).where(Meeting.host_id == user.id).values(host_id=None))
    db.session.execute(update(Meeting).where(Meeting.created_by_id == user.id).values(created_by_id=None))
    db.session.execute(
        update(Organization).where(Organization.suggested_by_id == user.id).values(suggested_by_id=None)
    )
    db.session.execute(
        update(Organization).where(Organization.assured_by_id == user.id).values(assured_by_id=None)
    )
    db.session.execute(
        update(ResourceReport).where(ResourceReport.member_id == user.id).values(member_id=None, note="")
    )
    db.session.execute(
        update(ReviewItem)
        .where(ReviewItem.claimed_by_id == user.id, ReviewItem.state == "claimed")
        .values(state="pending", claimed_by_id=None, claimed_at=None)
    )


def _name_pattern(names: list[str]) -> re.Pattern:
    return re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?!\w)",
        re.IGNORECASE,
    )


def scrub(value, pattern: re.Pattern):
    """`value` (text, or JSON made of dicts and lists) with each of the names replaced."""
    if isinstance(value, str):
        return pattern.sub(FORMER_MEMBER, value)
    if isinstance(value, list):
        return [scrub(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: scrub(item, pattern) for key, item in value.items()}
    return value


def mentions_any(column, names: list[str]):
    """A SQL test that may be true of text naming the member (JSON escapes included); the
    exact match is then made in Python."""
    text = func.lower(cast(column, Text))
    variants = {v.lower() for n in names for v in (n, json.dumps(n)[1:-1])}
    return or_(*(text.contains(v, autoescape=True) for v in variants))


def _label_only(note: str) -> str:
    """A queue event's words the member wrote (a flag's note, a report) go; the reason stays."""
    return next((label for label in QUEUE_REASONS.values() if note.startswith(label)), "")


def _scrub_moderation(user: User, names: list[str]) -> None:
    """Before anything else is erased, while every record still says whose it is."""
    pattern = _name_pattern(names)
    reports = list(db.session.scalars(select(ResourceReport.id).where(ResourceReport.member_id == user.id)))
    # Items about them or their things (a post's or a message's member is its author; an
    # out-of-date report's item has none): the snapshot keeps no words of theirs.
    about_them = or_(
        ReviewItem.member_id == user.id,
        (ReviewItem.subject_type == "user") & (ReviewItem.subject_id == user.id),
        (ReviewItem.subject_type == "resource_report") & ReviewItem.subject_id.in_(reports),
    )
    done = set()
    for item in db.session.scalars(select(ReviewItem).where(about_them)):
        item.snapshot = {
            "title": REMOVED_SNAPSHOT,
            "html": "",
            "content_warning": "",
            "url": "",
            "where": scrub(item.snapshot.get("where", ""), pattern),
            "author": FORMER_MEMBER,
        }
        item.escalation_note = scrub(item.escalation_note, pattern)
        done.add(item.id)
    naming = or_(mentions_any(ReviewItem.snapshot, names), mentions_any(ReviewItem.escalation_note, names))
    for item in db.session.scalars(select(ReviewItem).where(naming)):
        if item.id not in done:
            item.snapshot = scrub(item.snapshot, pattern)
            item.escalation_note = scrub(item.escalation_note, pattern)
    for event in db.session.scalars(
        select(ReviewEvent).where(or_(ReviewEvent.actor_id == user.id, mentions_any(ReviewEvent.note, names)))
    ):
        if event.actor_id == user.id and event.action == "queued":
            event.note = _label_only(event.note)
        else:
            event.note = scrub(event.note, pattern)
    for note in db.session.scalars(select(Notification).where(mentions_any(Notification.params, names))):
        note.params = scrub(note.params, pattern)
    db.session.flush()
    audit.scrub_member(
        user.id,
        lambda value: scrub(value, pattern),
        lambda column: mentions_any(column, names),
        FORMER_MEMBER,
    )


def _make_tombstone(user: User) -> None:
    """The row stays, so threads, chat and the log still have an author to point at; nothing
    in it is the member's any more, and nobody can sign in to it."""
    tag = secrets.token_hex(6)
    user.username = f"former-member-{tag}"
    user.email = f"former-member-{tag}@deleted.invalid"  # .invalid can never receive mail
    user.password_hash = "!"  # no password hashes to this: check_password is always False
    user.role, user.trusted, user.approved_posts = "member", False, 0
    user.standing, user.standing_until, user.standing_reason = "active", None, ""
    user.display_name = FORMER_MEMBER
    user.pronouns = user.relationship = user.conditions = user.bio = user.bio_html = ""
    user.theme, user.text_size = "system", "normal"
