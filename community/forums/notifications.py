"""What the forums tell members: mentions, replies in watched threads, and reactions
grouped per post per day. The records, settings and pages are community.notifications'."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import and_, func, or_, select

from community.accounts.models import User
from community.database import utcnow
from community.extensions import db
from community.forums.models import PUBLISHED, REACTIONS, Post, Reaction, ThreadWatch
from community.moderation import blocking
from community.notifications import services as notifications
from community.notifications.kinds import register_kind


def reply_counts(shown: list) -> dict[int, int]:
    """The replies each reply notification stands for that are still there: a reply removed
    since (by its author or a moderator) no longer counts. One grouped count for a page.

    A notification opens at the first reply of its run (subject_id), and its run is every
    later post in the thread by someone other than the reader. One member's notifications
    have one run per thread (the key is reply:<thread id>)."""
    runs = {int(n.group_key.split(":")[1]): n for n in shown if n.group_key}
    if not runs:
        return {}
    reader = next(iter(runs.values())).user_id
    counted = dict(
        db.session.execute(
            select(Post.thread_id, func.count())
            .where(
                or_(*(and_(Post.thread_id == thread, Post.id >= n.subject_id) for thread, n in runs.items())),
                Post.state == PUBLISHED,
                Post.deleted_at.is_(None),
                Post.author_id != reader,
            )
            .group_by(Post.thread_id)
        ).all()
    )
    return {n.id: counted.get(thread, 0) for thread, n in runs.items()}


MENTION = register_kind("mention", "When someone mentions me with @")
REPLY = register_kind("reply", "When someone replies in a thread I watch", live_count=reply_counts)
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
        notifications.notify_runs(
            watchers, REPLY.name, f"reply:{post.thread_id}", actor_id=post.author_id, **_about(post)
        )


def after_reaction(post: Post, reactor: User, kind: str) -> None:
    """One notification per post per day, counting people rather than clicks, and naming
    the reactions ("Jon sent you support")."""
    if post.author_id == reactor.id or blocking.has_blocked_id(post.author_id, reactor.id):
        return
    today = utcnow().date()
    day_start = datetime.combine(today, time.min, tzinfo=UTC)
    given = db.session.execute(
        select(Reaction.user_id, Reaction.kind).where(
            Reaction.post_id == post.id,
            Reaction.user_id != post.author_id,
            Reaction.created_at >= day_start,
        )
    ).all()
    people = len({user_id for user_id, _ in given}) or 1
    about = _about(post)
    # The kind given now, and the names of every kind given today, in the buttons' order.
    kinds = {k for _, k in given} | {kind}
    names = [label for name, label in REACTIONS.items() if name in kinds]
    about["params"] |= {"reaction": kind, "reactions": names}
    notifications.notify_grouped(
        post.author_id,
        REACTION.name,
        f"reaction:{post.id}:{today.isoformat()}",
        people,
        actor_id=reactor.id,
        **about,
    )
