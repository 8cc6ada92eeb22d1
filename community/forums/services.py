"""Forum rules: groups, threads, posts, edits, reactions, watching, read state, search.
Reading a thread and the member's home are in reading.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from community import events
from community.accounts import standing
from community.accounts.models import User
from community.content import mentioned_names, normalise_text
from community.database import insert_once, utcnow
from community.extensions import db
from community.forums import mentions as forum_mentions
from community.forums import moderation as forum_moderation
from community.forums import notifications, search
from community.forums.models import (
    HELD,
    HIDDEN,
    PUBLISHED,
    REACTIONS,
    Group,
    Post,
    PostRevision,
    Reaction,
    Thread,
    ThreadRead,
    ThreadWatch,
)
from community.forums.permissions import (
    can_quote,
    can_read_group,
    is_member,
    open_groups,
    readable_groups,
    visible_threads,
)
from community.forums.reading import Reading
from community.moderation import audit, blocking, sanctions
from community.text import (
    CONTENT_WARNING,
    POST_BODY,
    TITLE,
    Accepted,
    TextKind,
    TextRefused,
    accept_text,
    screen,
)
from community.unit_of_work import after_commit


class ForumError(ValueError):
    """A rule was broken; the message is for the member, `field` says which field it concerns."""

    def __init__(self, message: str, field: str = "body"):
        super().__init__(message)
        self.field = field


# Threads and posts ----------------------------------------------------------------------


def mentions_for(text: str, author_id: int | None = None) -> dict[str, str]:
    """The members an @name in `text` names, except those who blocked its author: a
    blocked member cannot mention them (the @name stays plain text)."""
    names = mentioned_names(text)
    if not names:
        return {}
    rows = db.session.execute(select(User.id, User.username).where(func.lower(User.username).in_(names)))
    found = {user_id: username for user_id, username in rows}
    if author_id is not None:
        for user_id in blocking.who_blocked(author_id, set(found)):
            del found[user_id]
    return {username.lower(): username for username in found.values()}


def _accept(text: str | None, kind: TextKind, field: str, mentions=None) -> Accepted:
    """The text intake's answer; a refusal becomes a ForumError on the field to change."""
    try:
        return accept_text(text, kind, mentions)
    except TextRefused as error:
        raise ForumError(str(error), field=field) from error


def _clean_title(title: str | None) -> Accepted:
    return _accept(title, TITLE, "title")


def _clean_body(body: str | None, author_id: int | None = None) -> Accepted:
    """The post as stored, its HTML and the members it really mentions (not in code or links)."""
    return _accept(body, POST_BODY, "body", mentions=lambda text: mentions_for(text, author_id))


def _clean_warning(content_warning: str | None) -> Accepted:
    return _accept(content_warning, CONTENT_WARNING, "content_warning")


class PreviewHTML(str):
    """A preview's HTML, carrying the @names in it that match no one (`unmatched`, each with
    the usernames it may have meant), so every page that shows a preview can say so."""

    unmatched: tuple[forum_mentions.Unmatched, ...] = ()


def preview(body: str, author_id: int | None = None) -> PreviewHTML:
    """The HTML a post would have, for the preview before posting (not stored)."""
    accepted = _clean_body(body, author_id)
    html = PreviewHTML(accepted.html)
    html.unmatched = tuple(forum_mentions.unmatched(accepted.source, accepted.mentions, author_id))
    return html


def create_thread(author: User, group: Group, title: str, body: str, content_warning: str = "") -> Thread:
    """A new thread and its opening post. `thread.outcome` says whether it waits for a
    moderator and whether its author should see crisis support now."""
    # Every field is accepted before anything is written, so a refusal leaves nothing behind.
    title, accepted, warning, now = (
        _clean_title(title),
        _clean_body(body, author.id),
        _clean_warning(content_warning),
        utcnow(),
    )
    thread = Thread(
        group=group,
        author=author,
        title=title.source,
        created_at=now,
        last_post_at=now,
        last_poster=author,
        post_count=0,
    )
    db.session.add(thread)
    db.session.flush()
    verdicts = title.verdicts | accepted.verdicts | warning.verdicts
    post = _add_post(thread, author, accepted, warning.source, now, verdicts, first=True)
    thread.outcome = post.outcome
    return thread


def create_reply(author: User, thread: Thread, body: str, content_warning: str = "") -> Post:
    """A reply; `post.outcome` as for create_thread."""
    accepted, warning = _clean_body(body, author.id), _clean_warning(content_warning)
    return _add_post(thread, author, accepted, warning.source, utcnow(), accepted.verdicts | warning.verdicts)


def just_sent(author: User, thread: Thread, body: str, content_warning: str = "") -> Post | None:
    """The same reply from the same member in the last minute: a double click, or a reload of
    the page that answered. The view shows that post instead of storing it twice."""
    return db.session.scalar(
        select(Post).where(
            Post.thread_id == thread.id,
            Post.author_id == author.id,
            Post.body == POST_BODY.clean(body),
            Post.content_warning == CONTENT_WARNING.clean(content_warning),
            Post.created_at > utcnow() - timedelta(minutes=1),
            Post.deleted_at.is_(None),
            Post.state != HIDDEN,
        )
    )


def _add_post(
    thread: Thread,
    author: User,
    accepted: Accepted,
    content_warning: str,
    now,
    verdicts: frozenset[str],
    first: bool = False,
) -> Post:
    """Store an accepted post; moderation decides whether it waits for review. A published
    post is counted, indexed and told about at once; a held one when it is approved."""
    post = Post(
        thread=thread,
        author=author,
        body=accepted.source,
        body_html=accepted.html,
        content_warning=content_warning,
        created_at=now,
    )
    db.session.add(post)
    db.session.flush()
    post.outcome = forum_moderation.review(post, verdicts, author, first)
    if post.state == PUBLISHED:
        thread.post_count = Thread.post_count + 1  # in SQL: two replies at once both count
        thread.last_post_at, thread.last_poster = now, author
        db.session.flush()
        search.index_post(post.id, thread.title if first else "", post.body_html)
        if not standing.is_trusted(author):
            sanctions.count_approved_post(author)
        notifications.after_new_post(post, mentioned=accepted.mentions)
        after_commit(
            events.post_created, post_id=post.id, thread_id=thread.id, author_id=author.id, first=first
        )
    _set_watch(author, thread, watching=True, explicit=False)
    mark_read(author, thread, now)
    return post


def quote_reply(user, thread: Thread, post_id: int) -> tuple[str, str] | None:
    """The start of a reply quoting a post of this thread: its text as a Markdown quote,
    and its content warning, so the quoted words stay hidden behind it."""
    post = db.session.get(Post, post_id) if 0 < post_id <= 2_147_483_647 else None
    if post is None or post.thread_id != thread.id or not can_quote(user, post):
        return None
    quoted = "\n".join(f"> {line}" for line in post.body.splitlines())
    return f"> **@{post.author.username}** wrote:\n{quoted}\n\n", post.content_warning


def is_first_post(post: Post) -> bool:
    return forum_moderation.is_first(post)


def edit_post(
    post: Post, editor: User, body: str, content_warning: str = "", title: str | None = None
) -> forum_moderation.Outcome:
    """Keep the old text as a revision, then store the new text and its HTML. An edit meets
    the watched words as a new post does; a moderator's edit of someone else's post is in
    the audit log."""
    accepted = _clean_body(body, post.author_id)
    warning = _clean_warning(content_warning)  # every refusal before anything changes
    first = is_first_post(post)
    new_title = _clean_title(title) if first and title is not None else None
    verdicts = accepted.verdicts | warning.verdicts | (new_title.verdicts if new_title else frozenset())
    # Only what the edit brings: fixing a typo in an old post that once worried us must not
    # alert every moderator again, nor hold the post again.
    verdicts -= _verdicts_before(post.body, POST_BODY) | _verdicts_before(
        post.content_warning, CONTENT_WARNING
    )
    if first:
        verdicts -= _verdicts_before(post.thread.title, TITLE)
    new_title = new_title.source if new_title else post.thread.title
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
    post.content_warning = warning.source
    post.edited_at = utcnow()
    post.thread.title = new_title
    if editor.id != post.author_id:
        audit.record(editor, "edit", subject=("post", post.id), member=post.author)
    outcome = forum_moderation.review(post, verdicts, editor, first, edited=True)
    if post.state == PUBLISHED:
        search.index_post(post.id, new_title if first else "", post.body_html)
        if accepted.mentions:  # only members not yet told about this post hear of it
            notifications.after_new_post(post, mentioned=accepted.mentions, replies=False)
    after_commit(events.post_edited, post_id=post.id, thread_id=post.thread_id, editor_id=editor.id)
    return outcome


def _verdicts_before(text: str, kind: TextKind) -> frozenset[str]:
    """What the screens say of text already stored (a rule added since may refuse it: then
    there is nothing to take away)."""
    try:
        return screen(text, kind)
    except TextRefused:
        return frozenset()


def delete_post(post: Post) -> None:
    """Soft delete: the post stays in its place, marked as removed by its author."""
    post.deleted_at = utcnow()
    if is_first_post(post) and post.state == PUBLISHED:
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


def set_thread_flag(thread: Thread, flag: str, value: bool, moderator=None) -> None:
    """Pin (`pinned`) or close to replies (`locked`); in the audit log."""
    if flag not in {"pinned", "locked"}:
        raise ForumError("Unknown thread setting.")
    setattr(thread, flag, value)
    action = {"pinned": ("pin", "unpin"), "locked": ("lock", "unlock")}[flag][0 if value else 1]
    audit.record(moderator, action, subject=("thread", thread.id), member=thread.author)


SLOW_MODES = {0: "Off", 30: "30 seconds", 60: "1 minute", 300: "5 minutes", 900: "15 minutes", 3600: "1 hour"}


def set_slow_mode(thread: Thread, seconds: int, moderator) -> None:
    if seconds not in SLOW_MODES:
        raise ForumError("Please choose one of the slow mode settings.")
    thread.slow_mode_seconds = seconds
    audit.record(moderator, "slow_mode", subject=("thread", thread.id), member=thread.author, seconds=seconds)


def move_thread(thread: Thread, group: Group, moderator) -> None:
    if group.archived_at is not None:
        raise ForumError("Threads can't be moved into an archived group.")
    old = thread.group
    thread.group = group
    audit.record(
        moderator,
        "move",
        subject=("thread", thread.id),
        member=thread.author,
        from_group=old.slug,
        to_group=group.slug,
    )


def set_thread_hidden(thread: Thread, hidden: bool, moderator, reason: str = "") -> None:
    """Hide a whole thread from everyone but its author (who sees the reason) and moderators."""
    reason = (reason or "").strip()[:300]
    if hidden and not reason:
        raise ForumError("Please give the reason the author will see.", field="reason")
    if thread.author_id != moderator.id and not sanctions.may_sanction(moderator, thread.author):
        raise ForumError("Only an admin can hide a thread another moderator or an admin started.")
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id).order_by(Post.id).limit(1))
    if not hidden and (thread.state == HELD or (first is not None and first.state != PUBLISHED)):
        raise ForumError("This thread waits on its opening post: approve or hide that in the review queue.")
    # Search asks visible_threads, so a hidden thread's posts stay indexed but unseen.
    if hidden:
        thread.state, thread.hidden_reason = HIDDEN, reason
    else:
        thread.state, thread.hidden_reason = PUBLISHED, ""
    audit.record(
        moderator,
        "hide_thread" if hidden else "unhide_thread",
        subject=("thread", thread.id),
        member=thread.author,
        reason=reason,
    )


def slow_mode_refusal(user, thread: Thread) -> str | None:
    """Slow mode: one reply per member every so often in this thread (moderators exempt)."""
    if not thread.slow_mode_seconds or standing.is_staff(user):
        return None
    last = db.session.scalar(
        select(func.max(Post.created_at)).where(Post.thread_id == thread.id, Post.author_id == user.id)
    )
    if last is None:
        return None
    left = thread.slow_mode_seconds - int((utcnow() - last).total_seconds())
    if left <= 0:
        return None
    return (
        f"This thread is in slow mode: one reply every {SLOW_MODES[thread.slow_mode_seconds].lower()}. "
        f"Please wait {left} seconds, then send again; your text is still here."
    )


# Reactions, watching and read state ----------------------------------------------------


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
    notifications.after_reaction(post, user, kind)


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
    return _read_up_to(user, thread, db.session.get(ThreadRead, (user.id, thread.id)), when or utcnow())


def mark_reading_read(reading: Reading, user, when) -> bool:
    """mark_read for a thread opened with open_thread, whose read state came with it."""
    if not is_member(user):
        return False
    return _read_up_to(user, reading.thread, reading.read, when)


def _read_up_to(user, thread: Thread, read: ThreadRead | None, when) -> bool:
    if read is None:
        db.session.add(ThreadRead(user_id=user.id, thread_id=thread.id, last_read_at=when))
    elif read.last_read_at < when:
        read.last_read_at = when
    else:
        return False
    return True


# Search ---------------------------------------------------------------------------------


@dataclass
class SearchResult:
    post: Post
    snippet: str
    # Words of the query this post lacks: set only when no post had them all.
    missing: tuple[str, ...] = ()


def search_posts(query: str, viewer, group: Group | None = None, page: int = 1):
    query = normalise_text(query)[:200]
    # Removed posts are already out of the index (a removed opening post keeps only its title).
    visible = and_(open_groups(), readable_groups(viewer), visible_threads(viewer))
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
    return [
        SearchResult(posts[hit.post_id], hit.snippet, hit.missing) for hit in hits if hit.post_id in posts
    ], total
