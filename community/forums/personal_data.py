"""The forums' part of a member's data (accounts.personal_data): their posts with every earlier
version, their reactions, groups and watched threads in the download; on deleting the account,
what is only theirs goes, and their posts go or stay as "Former member"."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload

from community.accounts.account_deletion import REMOVED_TITLE, Erasure
from community.accounts.models import User
from community.accounts.personal_data import PersonalData, register_personal_data
from community.database import utcnow
from community.extensions import db
from community.forums import search
from community.forums.models import (
    Group,
    Membership,
    Post,
    PostRevision,
    Reaction,
    Thread,
    ThreadRead,
    ThreadWatch,
)
from community.notifications.models import Notification


def _export(user: User) -> dict[str, object]:
    groups = db.session.scalars(
        select(Group.name)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == user.id)
    )
    watches = db.session.execute(
        select(Thread.title, ThreadWatch.watching)
        .join(ThreadWatch, ThreadWatch.thread_id == Thread.id)
        .where(ThreadWatch.user_id == user.id)
    )
    return {
        "profile.json": {"groups": sorted(groups)},
        "settings.json": {"threads": [{"title": title, "watching": watching} for title, watching in watches]},
        "posts.json": _posts(user),
        "reactions.json": _reactions(user),
    }


def _posts(user: User) -> list[dict]:
    posts = list(
        db.session.scalars(
            select(Post)
            .where(Post.author_id == user.id)
            .options(joinedload(Post.thread).joinedload(Thread.group))
            .order_by(Post.id)
        )
    )
    revisions: dict[int, list[dict]] = {}
    for revision in db.session.scalars(
        select(PostRevision).where(PostRevision.post_id.in_([p.id for p in posts])).order_by(PostRevision.id)
    ):
        revisions.setdefault(revision.post_id, []).append(
            {
                "replaced_at": revision.created_at,
                "title": revision.title,
                "body": revision.body,
                "content_warning": revision.content_warning,
                "edited_by": "you" if revision.editor_id == user.id else "a moderator",
            }
        )
    return [
        {
            "id": post.id,
            "thread": post.thread.title,
            "thread_id": post.thread_id,
            "started_the_thread": post.thread.author_id == user.id,
            "group": post.thread.group.name,
            "created_at": post.created_at,
            "edited_at": post.edited_at,
            "removed_at": post.deleted_at,
            "state": post.state,
            "hidden_reason": post.hidden_reason,
            "content_warning": post.content_warning,
            "body": post.body,
            "earlier_versions": revisions.get(post.id, []),
        }
        for post in posts
    ]


def _reactions(user: User) -> list[dict]:
    rows = db.session.execute(
        select(Reaction, Thread.title)
        .join(Post, Post.id == Reaction.post_id)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Reaction.user_id == user.id)
    )
    return [
        {"post_id": r.post_id, "thread": title, "reaction": r.kind, "created_at": r.created_at}
        for r, title in rows
    ]


def _erase(erasure: Erasure) -> None:
    """Rows only theirs, one table at a time (SQLite enforces no cascades here, so nothing is
    left to the database); then their posts, unless they stay."""
    user = erasure.user
    for model in (Reaction, ThreadWatch, ThreadRead, Membership):
        db.session.execute(delete(model).where(model.user_id == user.id))
    if not erasure.keep_posts:
        _erase_posts(user)


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
    db.session.flush()


register_personal_data(
    PersonalData(
        "forums",
        10,
        files={
            "posts.json": "Every post you wrote, with its thread and group, and every earlier version of it.",
            "reactions.json": "Your reactions to posts.",
        },
        export=_export,
        erase=_erase,
    )
)
