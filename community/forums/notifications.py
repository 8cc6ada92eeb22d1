"""Notifications: mentions, replies in watched threads, and reactions grouped by day."""
from __future__ import annotations

from datetime import datetime, time, timezone

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.database import utcnow
from community.extensions import db
from community.forums.models import Notification, NotificationSettings, Post, Reaction, Thread, ThreadWatch

PER_PAGE = 30
KINDS = {"mentions": "mention", "replies": "reply", "reactions": "reaction"}


def settings_for(user) -> NotificationSettings:
    return db.session.get(NotificationSettings, user.id) or NotificationSettings(user_id=user.id)


def save_settings(user, mentions: bool, replies: bool, reactions: bool) -> None:
    settings = db.session.get(NotificationSettings, user.id)
    if settings is None:
        settings = NotificationSettings(user_id=user.id)
        db.session.add(settings)
    settings.mentions, settings.replies, settings.reactions = mentions, replies, reactions
    db.session.commit()


def _muted(user_ids: set[int], preference: str) -> set[int]:
    """Of these members, those who turned this kind of notification off."""
    if not user_ids:
        return set()
    column = getattr(NotificationSettings, preference)
    return set(db.session.scalars(select(NotificationSettings.user_id)
                                  .where(NotificationSettings.user_id.in_(user_ids), column.is_(False))))


def after_new_post(post: Post, mentioned: dict[str, str], replies: bool = True) -> None:
    """Tell the people mentioned, and everyone watching the thread, about a new post."""
    from community.forums.permissions import can_read_thread

    thread = post.thread
    told: set[int] = {post.author_id}
    if mentioned:
        users = db.session.scalars(select(User).where(User.username.in_(list(mentioned.values()))))
        targets = {u.id for u in users if u.id not in told and can_read_thread(u, thread)}
        targets -= set(db.session.scalars(select(Notification.user_id).where(  # told once per post
            Notification.post_id == post.id, Notification.kind == "mention")))
        for user_id in targets - _muted(targets, "mentions"):
            db.session.add(Notification(user_id=user_id, kind="mention", actor_id=post.author_id,
                                        thread_id=thread.id, post_id=post.id))
        told |= targets
    if replies:
        watchers = set(db.session.scalars(select(ThreadWatch.user_id).where(
            ThreadWatch.thread_id == thread.id, ThreadWatch.watching.is_(True)))) - told
        for user_id in watchers - _muted(watchers, "replies"):
            db.session.add(Notification(user_id=user_id, kind="reply", actor_id=post.author_id,
                                        thread_id=thread.id, post_id=post.id))
    db.session.commit()


def after_reaction(post: Post, reactor: User) -> None:
    """One notification per post per day, its count rising, rather than one per reaction."""
    if post.author_id == reactor.id or _muted({post.author_id}, "reactions"):
        return
    today = utcnow().date()
    key = f"reaction:{post.id}:{today.isoformat()}"
    day_start = datetime.combine(today, time.min, tzinfo=timezone.utc)
    people = db.session.scalar(select(func.count(func.distinct(Reaction.user_id))).where(
        Reaction.post_id == post.id, Reaction.user_id != post.author_id, Reaction.created_at >= day_start)) or 1
    existing = db.session.scalar(select(Notification).where(Notification.user_id == post.author_id,
                                                            Notification.group_key == key))
    if existing is None:
        db.session.add(Notification(user_id=post.author_id, kind="reaction", actor_id=reactor.id,
                                    thread_id=post.thread_id, post_id=post.id, group_key=key, count=people))
    elif people > existing.count:  # people, not clicks: a reaction taken back and given again is no news
        existing.count = people
        existing.actor_id = reactor.id
        existing.read_at = None
        existing.created_at = utcnow()
    db.session.commit()


def unread_count(user) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def for_user(user, page: int):
    query = (select(Notification).where(Notification.user_id == user.id)
             .options(joinedload(Notification.actor), joinedload(Notification.thread).joinedload(Thread.group))
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def mark_read(user, shown: list[Notification]) -> None:
    unread = [n.id for n in shown if n.read_at is None]
    if unread:
        db.session.execute(update(Notification).where(Notification.user_id == user.id, Notification.id.in_(unread))
                           .values(read_at=utcnow()))
        db.session.commit()


def describe(notification: Notification) -> str:
    actor = notification.actor.name if notification.actor else "Someone"
    title = notification.thread.title if notification.thread else "a thread"
    if notification.kind == "mention":
        return f"{actor} mentioned you in “{title}”"
    if notification.kind == "reply":
        return f"{actor} replied in “{title}”"
    others = notification.count - 1
    people = actor if others == 0 else f"{actor} and {others} other{'s' if others > 1 else ''}"
    return f"{people} reacted to your post in “{title}”"
