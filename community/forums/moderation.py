"""The forums as moderation sees them: posts are a subject it can flag, hold, hide and
publish; a new post meets the new-member review, the watched words and the crisis words;
"remove as spam" takes down every post. Moderation itself knows nothing of forums."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from community import events
from community.accounts import standing
from community.database import utcnow
from community.extensions import db
from community.forums import notifications, search
from community.forums.models import HELD, HIDDEN, PUBLISHED, Post, Thread
from community.forums.permissions import can_read_post_text, can_read_thread
from community.moderation import queue, sanctions
from community.moderation.subjects import SubjectType, register_subject
from community.notifications.services import path_for
from community.unit_of_work import after_commit

HOLDING = {"hold", "crisis_hold"}


@dataclass(frozen=True)
class Outcome:
    """What became of a new or edited post: waiting for review, and whether its author
    should see the crisis support panel now."""

    held: bool = False
    crisis: bool = False


def is_first(post: Post) -> bool:
    first_id = db.session.scalar(
        select(Post.id).where(Post.thread_id == post.thread_id).order_by(Post.id).limit(1)
    )
    return first_id == post.id


def _describe(post: Post) -> dict:
    return {
        "title": post.thread.title,
        "html": post.body_html,
        "content_warning": post.content_warning,
        "url": path_for("forums.post", post_id=post.id),
        "where": post.thread.group.name,
        "author": post.author.username,
    }


def _index(post: Post, first: bool) -> None:
    search.index_post(post.id, post.thread.title if first else "", post.body_html)


def _count_in(post: Post) -> None:
    thread = post.thread
    thread.post_count = Thread.post_count + 1  # in SQL: two at once both count
    if post.created_at > thread.last_post_at:
        thread.last_post_at, thread.last_poster_id = post.created_at, post.author_id


def publish(post: Post) -> None:
    """A held post goes out as if just posted (counted, indexed, told); a hidden one is shown
    again. One its author removed meanwhile stays removed: nothing is counted or told."""
    if post.state == PUBLISHED:
        return
    was, first = post.state, is_first(post)
    post.state, post.hidden_reason = PUBLISHED, ""
    if first:
        post.thread.state, post.thread.hidden_reason = PUBLISHED, ""
    if post.is_deleted:
        return
    _index(post, first)
    if was == HELD:
        post.created_at = utcnow()  # new to everyone now: the thread shows it as unread
        _count_in(post)
        sanctions.count_approved_post(post.author)
        notifications.after_new_post(post, mentioned=mentions_in(post))
        after_commit(
            events.post_created,
            post_id=post.id,
            thread_id=post.thread_id,
            author_id=post.author_id,
            first=first,
        )


def hide(post: Post, reason: str, whole_thread: bool = True) -> None:
    """Hidden from everyone but its author (who sees the reason) and moderators. A hidden
    opening post hides its thread, unless `whole_thread` is False (an edit waiting for
    review: everyone else's replies stay readable)."""
    if post.state == HELD:
        # Never published: it stays out of sight, and its author sees why it was not published.
        post.hidden_reason = reason
        if is_first(post):
            post.thread.hidden_reason = reason
        return
    post.state, post.hidden_reason = HIDDEN, reason
    if whole_thread and is_first(post):
        post.thread.state, post.thread.hidden_reason = HIDDEN, reason
    search.remove_post(post.id)


def mentions_in(post: Post) -> dict[str, str]:
    from community.forums.services import mentions_for

    return mentions_for(post.body, post.author_id)


def _edit_url(post: Post) -> str:
    return path_for("forums.edit_post", post_id=post.id)


def _recent_by(member_id: int) -> list[dict]:
    posts = db.session.scalars(
        select(Post)
        .where(Post.author_id == member_id)
        .options(joinedload(Post.author), joinedload(Post.thread).joinedload(Thread.group))
        .order_by(Post.id.desc())
        .limit(10)
    )
    return [{**_describe(post), "state": post.state, "created_at": post.created_at} for post in posts]


POST = register_subject(
    SubjectType(
        name="post",
        label="post",
        find=lambda post_id: db.session.get(Post, post_id),
        describe=_describe,
        member_id=lambda post: post.author_id,
        can_see=lambda user, post: (
            can_read_thread(user, post.thread) and can_read_post_text(user, post) and not post.is_deleted
        ),
        publish=publish,
        hide=hide,
        edit_url=_edit_url,
        recent_by=_recent_by,
    )
)


def review(post: Post, verdicts: frozenset[str], author, first: bool, edited: bool = False) -> Outcome:
    """Decide a new (or edited) post's fate: held for review, published, queued for a look,
    crisis support. Staff are never held, flagged or alerted on: they are the reviewers."""
    if standing.is_staff(author):
        return Outcome()
    crisis = bool(verdicts & {"crisis", "crisis_hold"})
    new_member = not edited and standing.needs_review(author)
    held = new_member or bool(verdicts & HOLDING)
    if held:
        reason = (
            "crisis_hold"
            if "crisis_hold" in verdicts
            else "watched_word"
            if verdicts & HOLDING
            else "new_member"
        )
        if edited and post.state == PUBLISHED:
            hide(post, "Your edit is waiting for a moderator.", whole_thread=False)
        elif not edited:
            post.state = HELD
            if first:
                post.thread.state = HELD
        queue.queue_item("post", post.id, reason, held=True, crisis=reason == "crisis_hold")
    if "crisis" in verdicts:
        queue.queue_item("post", post.id, "crisis", crisis=True)
    if "flag" in verdicts:
        queue.queue_item("post", post.id, "watched_word")
    return Outcome(held=held, crisis=crisis)


def _remove_all(member, reason: str) -> int:
    """For "remove as spam": every post and thread of the member is hidden."""
    ids = list(db.session.scalars(select(Post.id).where(Post.author_id == member.id, Post.state != HIDDEN)))
    for post_id in ids:
        search.remove_post(post_id)
    # What nobody ever saw stays out of sight (held); the rest is hidden, with the reason.
    for model in (Post, Thread):
        db.session.execute(
            update(model).where(model.author_id == member.id, model.state != HELD).values(state=HIDDEN)
        )
        db.session.execute(update(model).where(model.author_id == member.id).values(hidden_reason=reason))
    return len(ids)


if _remove_all not in sanctions.CONTENT_REMOVERS:
    sanctions.CONTENT_REMOVERS.append(_remove_all)
