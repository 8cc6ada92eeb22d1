"""Forum rules: groups, threads, posts, edits, reactions, watching, reading, search."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from community import events
from community.accounts.models import User, staff_label
from community.content import mentioned_names, normalise_text
from community.database import insert_once, utcnow
from community.extensions import db
from community.forums import notifications, search
from community.forums.models import (
    REACTIONS,
    Group,
    Membership,
    Post,
    PostRevision,
    Reaction,
    Thread,
    ThreadRead,
    ThreadWatch,
)
from community.forums.permissions import can_quote, can_read_group, is_member, open_groups, readable_groups
from community.text import CONTENT_WARNING, POST_BODY, TITLE, Accepted, TextKind, TextRefused, accept_text
from community.unit_of_work import after_commit

POSTS_PER_PAGE = 20


class ForumError(ValueError):
    """A rule was broken; the message is for the member, `field` says which field it concerns."""

    def __init__(self, message: str, field: str = "body"):
        super().__init__(message)
        self.field = field


# Threads and posts ----------------------------------------------------------------------


def _mentions_for(text: str) -> dict[str, str]:
    names = mentioned_names(text)
    if not names:
        return {}
    rows = db.session.execute(select(User.username).where(func.lower(User.username).in_(names)))
    return {username.lower(): username for (username,) in rows}


def _accept(text: str | None, kind: TextKind, field: str, mentions=None) -> Accepted:
    """The text intake's answer; a refusal becomes a ForumError on the field to change."""
    try:
        return accept_text(text, kind, mentions)
    except TextRefused as error:
        raise ForumError(str(error), field=field) from error


def _clean_title(title: str | None) -> str:
    return _accept(title, TITLE, "title").source


def _clean_body(body: str | None) -> Accepted:
    """The post as stored, its HTML and the members it really mentions (not in code or links)."""
    return _accept(body, POST_BODY, "body", mentions=_mentions_for)


def _clean_warning(content_warning: str | None) -> str:
    return _accept(content_warning, CONTENT_WARNING, "content_warning").source


def preview(body: str) -> str:
    """The HTML a post would have, for the preview before posting (not stored)."""
    return _clean_body(body).html


def create_thread(author: User, group: Group, title: str, body: str, content_warning: str = "") -> Thread:
    # Every field is accepted before anything is written, so a refusal leaves nothing behind.
    title, accepted, warning, now = (
        _clean_title(title),
        _clean_body(body),
        _clean_warning(content_warning),
        utcnow(),
    )
    thread = Thread(
        group=group,
        author=author,
        title=title,
        created_at=now,
        last_post_at=now,
        last_poster=author,
        post_count=0,
    )
    db.session.add(thread)
    db.session.flush()
    post, mentions = _add_post(thread, author, accepted, warning, now, first=True)
    notifications.after_new_post(post, mentioned=mentions)
    after_commit(events.post_created, post_id=post.id, thread_id=thread.id, author_id=author.id, first=True)
    return thread


def create_reply(author: User, thread: Thread, body: str, content_warning: str = "") -> Post:
    post, mentions = _add_post(thread, author, _clean_body(body), _clean_warning(content_warning), utcnow())
    notifications.after_new_post(post, mentioned=mentions)
    after_commit(events.post_created, post_id=post.id, thread_id=thread.id, author_id=author.id, first=False)
    return post


def _add_post(
    thread: Thread, author: User, accepted: Accepted, content_warning: str, now, first: bool = False
) -> tuple[Post, dict[str, str]]:
    """Store an accepted post (and its index entry); returns it with the members it mentions."""
    post = Post(
        thread=thread,
        author=author,
        body=accepted.source,
        body_html=accepted.html,
        content_warning=content_warning,
        created_at=now,
    )
    db.session.add(post)
    thread.post_count = Thread.post_count + 1  # in SQL: two replies at once both count
    thread.last_post_at, thread.last_poster = now, author
    db.session.flush()
    search.index_post(post.id, thread.title if first else "", post.body_html)
    _set_watch(author, thread, watching=True, explicit=False)
    mark_read(author, thread, now)
    return post, accepted.mentions


def quote_reply(user, thread: Thread, post_id: int) -> tuple[str, str] | None:
    """The start of a reply quoting a post of this thread: its text as a Markdown quote,
    and its content warning, so the quoted words stay hidden behind it."""
    post = db.session.get(Post, post_id) if 0 < post_id <= 2_147_483_647 else None
    if post is None or post.thread_id != thread.id or not can_quote(user, post):
        return None
    quoted = "\n".join(f"> {line}" for line in post.body.splitlines())
    return f"> **@{post.author.username}** wrote:\n{quoted}\n\n", post.content_warning


def is_first_post(post: Post) -> bool:
    first_id = db.session.scalar(select(func.min(Post.id)).where(Post.thread_id == post.thread_id))
    return first_id == post.id


def edit_post(
    post: Post, editor: User, body: str, content_warning: str = "", title: str | None = None
) -> None:
    """Keep the old text as a revision, then store the new text and its HTML."""
    accepted = _clean_body(body)
    content_warning = _clean_warning(content_warning)  # every refusal before anything changes
    first = is_first_post(post)
    new_title = _clean_title(title) if first and title is not None else post.thread.title
    db.session.add(
        PostRevision(
            post_id=post.id,
            editor_id=editor.id,
            body=post.body,
            body_html=post.body_html,
            content_warning=post.content_warning,
            title=post.thread.title if first else "",
        )
    )
    post.body, post.body_html = accepted.source, accepted.html
    post.content_warning = content_warning
    post.edited_at = utcnow()
    post.thread.title = new_title
    search.index_post(post.id, new_title if first else "", post.body_html)
    if accepted.mentions:  # only members not yet told about this post hear of it
        notifications.after_new_post(post, mentioned=accepted.mentions, replies=False)
    after_commit(events.post_edited, post_id=post.id, thread_id=post.thread_id, editor_id=editor.id)


def delete_post(post: Post) -> None:
    """Soft delete: the post stays in its place, marked as removed by its author."""
    post.deleted_at = utcnow()
    if is_first_post(post):
        search.index_post(post.id, post.thread.title, "")  # the thread stays findable by title
    else:
        search.remove_post(post.id)
    after_commit(events.post_removed, post_id=post.id, thread_id=post.thread_id)


def revisions(post: Post) -> list[PostRevision]:
    return list(
        db.session.scalars(
            select(PostRevision)
            .where(PostRevision.post_id == post.id)
            .options(joinedload(PostRevision.editor))
            .order_by(PostRevision.id)
        )
    )


def set_thread_flag(thread: Thread, flag: str, value: bool) -> None:
    """Pin (`pinned`) or close to replies (`locked`)."""
    if flag not in {"pinned", "locked"}:
        raise ForumError("Unknown thread setting.")
    setattr(thread, flag, value)


# Reading a thread -----------------------------------------------------------------------


@dataclass
class ReactionSummary:
    kind: str
    label: str
    count: int
    names: list[str]
    mine: bool


def thread_page(thread: Thread, page: int):
    query = select(Post).where(Post.thread_id == thread.id).options(joinedload(Post.author)).order_by(Post.id)
    return db.paginate(query, page=page, per_page=POSTS_PER_PAGE, error_out=False)


def page_of_post(post: Post) -> int:
    before = db.session.scalar(
        select(func.count()).select_from(Post).where(Post.thread_id == post.thread_id, Post.id < post.id)
    )
    return before // POSTS_PER_PAGE + 1


def reactions_for(posts: list[Post], viewer) -> dict[int, list[ReactionSummary]]:
    """Every reaction on a page of posts, with who reacted, in one query."""
    ids = [post.id for post in posts]
    found: dict[tuple[int, str], list] = {}
    if ids:
        rows = db.session.execute(
            select(Reaction.post_id, Reaction.kind, User.id, User.username, User.display_name, User.role)
            .join(User, User.id == Reaction.user_id)
            .where(Reaction.post_id.in_(ids))
            .order_by(Reaction.created_at)
        )
        for post_id, kind, user_id, username, display_name, role in rows:
            name = display_name or username
            if label := staff_label(role):  # who reacted, with staff named as staff here too
                name = f"{name} ({label})"
            found.setdefault((post_id, kind), []).append((user_id, name))
    viewer_id = viewer.id if is_member(viewer) else None
    return {
        post_id: [
            ReactionSummary(
                kind,
                label,
                len(people := found.get((post_id, kind), [])),
                [name for _, name in people],
                any(uid == viewer_id for uid, _ in people),
            )
            for kind, label in REACTIONS.items()
        ]
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
        return
    if existing is not None:
        return
    # The same click arriving twice at once adds it once: on either way, and told once.
    if not insert_once(Reaction, post_id=post.id, user_id=user.id, kind=kind, created_at=utcnow()):
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


def mark_read(user, thread: Thread, when=None) -> bool:
    """One small upsert: the member has read this thread up to `when` (now). True when
    that is news, so a page view writes only when something changed."""
    if not is_member(user):
        return False
    read = db.session.get(ThreadRead, (user.id, thread.id))
    when = when or utcnow()
    if read is None:
        db.session.add(ThreadRead(user_id=user.id, thread_id=thread.id, last_read_at=when))
    elif read.last_read_at < when:
        read.last_read_at = when
    else:
        return False
    return True


# The member's home ----------------------------------------------------------------------


def new_in_my_groups(user, limit: int = 10) -> list[tuple[Thread, bool]]:
    """The latest threads in my groups, each with whether it has posts I have not read."""
    query = (
        select(Thread, ThreadRead.last_read_at)
        .join(Membership, and_(Membership.group_id == Thread.group_id, Membership.user_id == user.id))
        .join(Group, Group.id == Thread.group_id)
        .where(open_groups())
        .outerjoin(ThreadRead, and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == user.id))
        .options(joinedload(Thread.group), joinedload(Thread.last_poster))
        .order_by(Thread.last_post_at.desc())
        .limit(limit)
    )
    return [
        (thread, read_at is None or read_at < thread.last_post_at)
        for thread, read_at in db.session.execute(query)
    ]


def unread_watched_threads(user, limit: int = 10) -> list[Thread]:
    """Threads I watch that have replies I have not read yet."""
    query = (
        select(Thread)
        .join(
            ThreadWatch,
            and_(
                ThreadWatch.thread_id == Thread.id,
                ThreadWatch.user_id == user.id,
                ThreadWatch.watching.is_(True),
            ),
        )
        .outerjoin(ThreadRead, and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == user.id))
        .join(Group, Group.id == Thread.group_id)
        .where(open_groups())
        .where(or_(ThreadRead.last_read_at.is_(None), ThreadRead.last_read_at < Thread.last_post_at))
        .options(joinedload(Thread.group), joinedload(Thread.last_poster))
        .order_by(Thread.last_post_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


# Search ---------------------------------------------------------------------------------


@dataclass
class SearchResult:
    post: Post
    snippet: str


def search_posts(query: str, viewer, group: Group | None = None, page: int = 1):
    query = normalise_text(query)[:200]
    # Removed posts are already out of the index (a removed opening post keeps only its title).
    visible = and_(open_groups(), readable_groups(viewer))
    if group is not None:
        if not can_read_group(viewer, group):
            return [], 0
        visible = and_(visible, Group.id == group.id)
    hits, total = search.search_post_ids(query, visible, max(page, 1))
    posts = {
        post.id: post
        for post in db.session.scalars(
            select(Post)
            .where(Post.id.in_([hit.post_id for hit in hits]))
            .options(joinedload(Post.author), joinedload(Post.thread).joinedload(Thread.group))
        )
    }
    return [SearchResult(posts[hit.post_id], hit.snippet) for hit in hits if hit.post_id in posts], total
