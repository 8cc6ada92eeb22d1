"""Forum rules: groups, threads, posts, edits, reactions, watching, reading, search."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.content import TooComplex, check_cost, mentioned_names, normalise_text, render_with_mentions
from community.database import utcnow
from community.extensions import db
from community.forums import notifications, search
from community.forums.models import (REACTIONS, Group, Membership, Post, PostRevision, Reaction, Thread,
                                     ThreadRead, ThreadWatch)
from community.forums.permissions import can_read_group, is_member
from community.names import strip_invisible

THREADS_PER_PAGE = 25
POSTS_PER_PAGE = 20


class ForumError(ValueError):
    """A rule was broken; the message is for the member, `field` says which field it concerns."""

    def __init__(self, message: str, field: str = "body"):
        super().__init__(message)
        self.field = field


# Groups ---------------------------------------------------------------------------------

def list_groups(include_archived: bool = False) -> list[Group]:
    """Every group in display order; anyone may see the names, permissions decide the threads."""
    query = select(Group).order_by(Group.position, Group.name)
    if not include_archived:
        query = query.where(Group.archived_at.is_(None))
    return list(db.session.scalars(query))


def group_by_slug(slug: str) -> Group | None:
    return db.session.scalar(select(Group).where(Group.slug == slug))


def my_group_ids(user) -> set[int]:
    if not is_member(user):
        return set()
    return set(db.session.scalars(select(Membership.group_id).where(Membership.user_id == user.id)))


def join_group(user, group: Group) -> None:
    if db.session.get(Membership, (user.id, group.id)) is None:
        db.session.add(Membership(user_id=user.id, group_id=group.id))
        db.session.commit()


def leave_group(user, group: Group) -> None:
    membership = db.session.get(Membership, (user.id, group.id))
    if membership is not None:
        db.session.delete(membership)
        db.session.commit()


def group_threads(group: Group, page: int):
    """Pinned first, then by last activity; authors and last posters loaded with the page."""
    query = (select(Thread).where(Thread.group_id == group.id)
             .options(joinedload(Thread.author), joinedload(Thread.last_poster))
             .order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc()))
    return db.paginate(query, page=page, per_page=THREADS_PER_PAGE, error_out=False)


# Threads and posts ----------------------------------------------------------------------

def _mentions_for(text: str) -> dict[str, str]:
    names = mentioned_names(text)
    if not names:
        return {}
    rows = db.session.execute(select(User.username).where(func.lower(User.username).in_(names)))
    return {username.lower(): username for (username,) in rows}


def _clean_title(title: str) -> str:
    title = strip_invisible(title)  # so the length counts only what a reader can see
    if not 5 <= len(title) <= 150:
        raise ForumError("A title needs 5 to 150 characters.", field="title")
    return title


def _clean_body(body: str) -> str:
    body = normalise_text(body)
    if not body:
        raise ForumError("Please write something before posting.")
    if len(body) > 20_000:
        raise ForumError("A post can be at most 20,000 characters.")
    try:
        check_cost(body)
    except TooComplex as error:
        raise ForumError(str(error)) from error
    return body


def _render(body: str) -> tuple[str, dict[str, str]]:
    """The post's HTML and the members it really mentions (not in code or links)."""
    try:
        return render_with_mentions(body, _mentions_for(body))
    except TooComplex as error:
        raise ForumError(str(error)) from error


def _clean_warning(content_warning: str) -> str:
    return strip_invisible(content_warning)[:100]


def preview(body: str) -> str:
    """The HTML a post would have, for the preview before posting (not stored)."""
    return _render(_clean_body(body))[0]


def create_thread(author: User, group: Group, title: str, body: str, content_warning: str = "") -> Thread:
    now = utcnow()
    thread = Thread(group=group, author=author, title=_clean_title(title), created_at=now,
                    last_post_at=now, last_poster=author, post_count=0)
    db.session.add(thread)
    db.session.flush()
    post, mentions = _add_post(thread, author, body, content_warning, now, first=True)
    db.session.commit()
    notifications.after_new_post(post, mentioned=mentions)
    return thread


def create_reply(author: User, thread: Thread, body: str, content_warning: str = "") -> Post:
    post, mentions = _add_post(thread, author, body, content_warning, utcnow())
    db.session.commit()
    notifications.after_new_post(post, mentioned=mentions)
    return post


def _add_post(thread: Thread, author: User, body: str, content_warning: str, now,
              first: bool = False) -> tuple[Post, dict[str, str]]:
    """Store a post (and its HTML and index entry); returns it with the members it mentions."""
    body = _clean_body(body)
    html, mentions = _render(body)
    post = Post(thread=thread, author=author, body=body, body_html=html,
                content_warning=_clean_warning(content_warning), created_at=now)
    db.session.add(post)
    thread.post_count = Thread.post_count + 1  # in SQL: two replies at once both count
    thread.last_post_at, thread.last_poster = now, author
    db.session.flush()
    search.index_post(post.id, thread.title if first else "", post.body_html)
    _set_watch(author, thread, watching=True, explicit=False)
    mark_read(author, thread, now, commit=False)
    return post, mentions


def is_first_post(post: Post) -> bool:
    first_id = db.session.scalar(select(func.min(Post.id)).where(Post.thread_id == post.thread_id))
    return first_id == post.id


def edit_post(post: Post, editor: User, body: str, content_warning: str = "", title: str | None = None) -> None:
    """Keep the old text as a revision, then store the new text and its HTML."""
    body = _clean_body(body)
    first = is_first_post(post)
    new_title = _clean_title(title) if first and title is not None else post.thread.title
    db.session.add(PostRevision(post_id=post.id, editor_id=editor.id, body=post.body, body_html=post.body_html,
                                content_warning=post.content_warning, title=post.thread.title if first else ""))
    html, mentions = _render(body)
    post.body, post.body_html = body, html
    post.content_warning = _clean_warning(content_warning)
    post.edited_at = utcnow()
    post.thread.title = new_title
    search.index_post(post.id, new_title if first else "", post.body_html)
    db.session.commit()
    if mentions:  # only members not yet told about this post hear of it
        notifications.after_new_post(post, mentioned=mentions, replies=False)


def delete_post(post: Post) -> None:
    """Soft delete: the post stays in its place, marked as removed by its author."""
    post.deleted_at = utcnow()
    if is_first_post(post):
        search.index_post(post.id, post.thread.title, "")  # the thread stays findable by title
    else:
        search.remove_post(post.id)
    db.session.commit()


def revisions(post: Post) -> list[PostRevision]:
    return list(db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id)
                                   .options(joinedload(PostRevision.editor)).order_by(PostRevision.id)))


def set_thread_flag(thread: Thread, flag: str, value: bool) -> None:
    """Pin (`pinned`) or close to replies (`locked`)."""
    if flag not in {"pinned", "locked"}:
        raise ForumError("Unknown thread setting.")
    setattr(thread, flag, value)
    db.session.commit()


# Reading a thread -----------------------------------------------------------------------

@dataclass
class ReactionSummary:
    kind: str
    label: str
    count: int
    names: list[str]
    mine: bool


def thread_page(thread: Thread, page: int):
    query = (select(Post).where(Post.thread_id == thread.id).options(joinedload(Post.author)).order_by(Post.id))
    return db.paginate(query, page=page, per_page=POSTS_PER_PAGE, error_out=False)


def page_of_post(post: Post) -> int:
    before = db.session.scalar(select(func.count()).select_from(Post)
                               .where(Post.thread_id == post.thread_id, Post.id < post.id))
    return before // POSTS_PER_PAGE + 1


def reactions_for(posts: list[Post], viewer) -> dict[int, list[ReactionSummary]]:
    """Every reaction on a page of posts, with who reacted, in one query."""
    ids = [post.id for post in posts]
    found: dict[tuple[int, str], list] = {}
    if ids:
        rows = db.session.execute(select(Reaction.post_id, Reaction.kind, User.id, User.username, User.display_name)
                                  .join(User, User.id == Reaction.user_id)
                                  .where(Reaction.post_id.in_(ids)).order_by(Reaction.created_at))
        for post_id, kind, user_id, username, display_name in rows:
            found.setdefault((post_id, kind), []).append((user_id, display_name or username))
    viewer_id = viewer.id if is_member(viewer) else None
    return {
        post_id: [ReactionSummary(kind, label, len(people := found.get((post_id, kind), [])),
                                  [name for _, name in people], any(uid == viewer_id for uid, _ in people))
                  for kind, label in REACTIONS.items()]
        for post_id in ids
    }


def set_reaction(user: User, post: Post, kind: str, on: bool) -> None:
    """Put a reaction on or take it off. The button says which, so a double click or a
    second tab cannot flip it back."""
    if kind not in REACTIONS:
        raise ForumError("That is not one of the reactions.")
    existing = db.session.get(Reaction, (post.id, user.id, kind))
    if not on:
        if existing is not None:
            db.session.delete(existing)
            db.session.commit()
        return
    if existing is not None:
        return
    db.session.add(Reaction(post_id=post.id, user_id=user.id, kind=kind))
    try:
        db.session.commit()
    except IntegrityError:  # the same click arrived twice at once: it is on either way
        db.session.rollback()
        return
    notifications.after_reaction(post, user)


def is_watching(user, thread: Thread) -> bool:
    if not is_member(user):
        return False
    watch = db.session.get(ThreadWatch, (user.id, thread.id))
    return bool(watch and watch.watching)


def _set_watch(user: User, thread: Thread, watching: bool, explicit: bool) -> None:
    watch = db.session.get(ThreadWatch, (user.id, thread.id))
    if watch is None:
        db.session.add(ThreadWatch(user_id=user.id, thread_id=thread.id, watching=watching))
    elif explicit:
        watch.watching = watching


def set_watching(user: User, thread: Thread, watching: bool) -> None:
    _set_watch(user, thread, watching, explicit=True)
    db.session.commit()


def mark_read(user, thread: Thread, when=None, commit: bool = True) -> None:
    """One small upsert: the member has read this thread up to now."""
    if not is_member(user):
        return
    read = db.session.get(ThreadRead, (user.id, thread.id))
    when = when or utcnow()
    if read is None:
        db.session.add(ThreadRead(user_id=user.id, thread_id=thread.id, last_read_at=when))
    elif read.last_read_at < when:
        read.last_read_at = when
    else:
        return
    if not commit:
        return
    try:
        db.session.commit()
    except SQLAlchemyError:
        # Read state is a convenience: a busy database must never stop someone reading.
        db.session.rollback()
        current_app.logger.warning("Could not record that user %s read thread %s", user.id, thread.id)


# The member's home ----------------------------------------------------------------------

def new_in_my_groups(user, limit: int = 10) -> list[tuple[Thread, bool]]:
    """The latest threads in my groups, each with whether it has posts I have not read."""
    query = (select(Thread, ThreadRead.last_read_at)
             .join(Membership, and_(Membership.group_id == Thread.group_id, Membership.user_id == user.id))
             .join(Group, Group.id == Thread.group_id).where(Group.archived_at.is_(None))
             .outerjoin(ThreadRead, and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == user.id))
             .options(joinedload(Thread.group), joinedload(Thread.last_poster))
             .order_by(Thread.last_post_at.desc()).limit(limit))
    return [(thread, read_at is None or read_at < thread.last_post_at) for thread, read_at in db.session.execute(query)]


def unread_watched_threads(user, limit: int = 10) -> list[Thread]:
    """Threads I watch that have replies I have not read yet."""
    query = (select(Thread)
             .join(ThreadWatch, and_(ThreadWatch.thread_id == Thread.id, ThreadWatch.user_id == user.id,
                                     ThreadWatch.watching.is_(True)))
             .outerjoin(ThreadRead, and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == user.id))
             .join(Group, Group.id == Thread.group_id).where(Group.archived_at.is_(None))
             .where(or_(ThreadRead.last_read_at.is_(None), ThreadRead.last_read_at < Thread.last_post_at))
             .options(joinedload(Thread.group), joinedload(Thread.last_poster))
             .order_by(Thread.last_post_at.desc()).limit(limit))
    return list(db.session.scalars(query))


# Search ---------------------------------------------------------------------------------

@dataclass
class SearchResult:
    post: Post
    snippet: str


def search_posts(query: str, viewer, group: Group | None = None, page: int = 1):
    query = normalise_text(query)[:200]
    # Removed posts are already out of the index (a removed opening post keeps only its title).
    visible = "g.archived_at IS NULL"
    params: dict = {}
    if not is_member(viewer):
        visible += " AND g.visibility = 'public'"
    if group is not None:
        if not can_read_group(viewer, group):
            return [], 0
        visible += " AND g.id = :group_id"
        params["group_id"] = group.id
    hits, total = search.search_post_ids(query, visible, params, max(page, 1))
    posts = {post.id: post for post in db.session.scalars(
        select(Post).where(Post.id.in_([hit.post_id for hit in hits]))
        .options(joinedload(Post.author), joinedload(Post.thread).joinedload(Thread.group)))}
    return [SearchResult(posts[hit.post_id], hit.snippet) for hit in hits if hit.post_id in posts], total
