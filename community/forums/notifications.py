"""What the forums tell members: mentions, replies in watched threads, and reactions
grouped per post per day. The records, settings and pages are community.notifications'."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import func, select

from community.accounts.models import User
from community.database import utcnow
from community.extensions import db
from community.forums.models import PUBLISHED, Post, Reaction, ThreadWatch
from community.moderation import blocking
from community.notifications import services as notifications
from community.notifications.kinds import register_kind

MENTION = register_kind("mention", "When someone mentions me with @")
REPLY = register_kind("reply", "When someone replies in a thread I watch")
REACTION = register_kind("reaction", "When someone reacts to my post (at most one a day for each post)")


def _about(post: Post) -> dict:
    return {
        "subject": ("post", post.id),
        "url": notifications.path_for("forums.post", post_id=post.id),
        "params": {"title": post.thread.title},
    }


def after_new_post(post: Post, mentioned: dict[str, str], replies: bool = True) -> None:
    """Tell the people mentioned (once per post), and everyone watching the thread, about a post.
    Every member may read every published thread, so nobody is told of a post they cannot open."""
    if post.thread.state != PUBLISHED:
        return  # a held or hidden thread: nobody but its author and moderators may open it
    # Members who blocked the author hear nothing of what they write.
    told: set[int] = {post.author_id}
    if mentioned:
        named = set(db.session.scalars(select(User.id).where(User.username.in_(list(mentioned.values())))))
        targets = named - told - notifications.already_told(named, MENTION.name, "post", post.id)
        notifications.notify(targets, MENTION.name, actor_id=post.author_id, **_about(post))
        told |= named
    if replies:
        watchers = (
            set(
                db.session.scalars(
                    select(ThreadWatch.user_id).where(
                        ThreadWatch.thread_id == post.thread_id, ThreadWatch.watching.is_(True)
                    )
                )
            )
            - told
        )
        watchers -= blocking.who_blocked(post.author_id, watchers)
        notifications.notify(watchers, REPLY.name, actor_id=post.author_id, **_about(post))


def after_reaction(post: Post, reactor: User) -> None:
    """One notification per post per day, counting people rather than clicks."""
    if post.author_id == reactor.id or blocking.has_blocked_id(post.author_id, reactor.id):
        return
    today = utcnow().date()
    day_start = datetime.combine(today, time.min, tzinfo=UTC)
    people = (
        db.session.scalar(
            select(func.count(func.distinct(Reaction.user_id))).where(
                Reaction.post_id == post.id,
                Reaction.user_id != post.author_id,
                Reaction.created_at >= day_start,
            )
        )
        or 1
    )
    notifications.notify_grouped(
        post.author_id,
        REACTION.name,
        f"reaction:{post.id}:{today.isoformat()}",
        people,
        actor_id=reactor.id,
        **_about(post),
    )
