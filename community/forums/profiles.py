"""A member's life in the forums as one reader may see it: recent threads and replies, groups,
and the reactions their posts received. Four queries, however much there is."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, contains_eager

from community.extensions import db
from community.forums.models import REACTIONS, Group, Membership, Post, Reaction, Thread
from community.forums.permissions import readable_groups, readable_post_text, visible_threads

RECENT = 5


@dataclass
class Activity:
    threads: list[Thread]
    replies: list[Post]
    groups: list[Group]
    reactions: list[tuple[str, str, int]]  # kind, label, count; only kinds received


def _first_post_id():
    """The opening post of the row's thread: a reply is any other post."""
    first = aliased(Post)
    return select(func.min(first.id)).where(first.thread_id == Post.thread_id).scalar_subquery()


def _readable_posts_by(member, viewer):
    """The member's posts the viewer may read in full, in threads and groups they may read."""
    return (
        select(Post)
        .join(Post.thread)
        .join(Thread.group)
        .where(
            Post.author_id == member.id,
            Post.deleted_at.is_(None),
            readable_post_text(viewer),
            visible_threads(viewer),
            readable_groups(viewer),
        )
    )


def member_activity(member, viewer, limit: int = RECENT) -> Activity:
    threads = db.session.scalars(
        select(Thread)
        .join(Thread.group)
        .options(contains_eager(Thread.group))
        .where(Thread.author_id == member.id, visible_threads(viewer), readable_groups(viewer))
        .order_by(Thread.created_at.desc(), Thread.id.desc())
        .limit(limit)
    )
    replies = db.session.scalars(
        _readable_posts_by(member, viewer)
        .options(contains_eager(Post.thread).contains_eager(Thread.group))
        .where(Post.id != _first_post_id())
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(limit)
    )
    groups = db.session.scalars(
        select(Group)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == member.id, readable_groups(viewer))
        .order_by(Group.position, Group.name)
    )
    readable = _readable_posts_by(member, viewer).with_only_columns(Post.id)
    counts = dict(
        db.session.execute(
            select(Reaction.kind, func.count())
            .where(Reaction.post_id.in_(readable), Reaction.user_id != member.id)
            .group_by(Reaction.kind)
        ).all()
    )
    return Activity(
        list(threads),
        list(replies),
        list(groups),
        [(kind, label, counts[kind]) for kind, label in REACTIONS.items() if counts.get(kind)],
    )
