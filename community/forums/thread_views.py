"""Reading a thread: the page of posts as one reader sees it, the forums' busiest page."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from community import kept_pages, times, unit_of_work
from community.accounts import standing
from community.database import utcnow
from community.forums import bp, fragments, permissions, services
from community.forums import groups as forum_groups
from community.forums.forms import ReplyForm
from community.forums.models import Post, Thread
from community.forums.reading import (
    Own,
    Reading,
    open_thread,
    own_in_thread,
    reactions_for,
    thread_page,
    thread_revision,
)
from community.moderation import blocking
from community.paging import page_number
from community.permissions import can
from community.security import has_role

QUOTED_WARNING_HINT = "Added from the post you quoted — remove it if your reply doesn't need it."


@bp.route("/threads/<id:thread_id>")
def thread(thread_id: int):
    reader = current_user._get_current_object()
    reading = open_thread(thread_id, reader)
    if reading is None or not permissions.can_read_thread(reader, reading.thread):
        abort(404)  # members-only threads do not exist for visitors
    quote_id = request.args.get("quote", type=int)
    if quote_id and (quote := services.quote_reply(reader, reading.thread, quote_id)):
        form = ReplyForm()
        form.body.data, form.content_warning.data = quote
        form.body.render_kw = {"autofocus": True}  # the reader goes on writing where the quote ends
        if form.content_warning.data:
            form.content_warning.description = QUOTED_WARNING_HINT
        return render_thread(reading.thread, form, reading=reading)
    kept_as, own = _kept_as(reading, reader)
    return render_thread(reading.thread, None, reading=reading, kept_as=kept_as, own=own)


def _kept_as(reading: Reading, reader) -> tuple[tuple | None, Own | None]:
    """Everything the thread page's own blocks show, for keeping the page whole
    (community/kept_pages.py): the thread's revision stands for its posts, their authors and
    reactions; the rest is the thread, its group, this page, and what makes the page this
    reader's (their rights, reactions, posts, whom they block and which words they mute).
    None when the page is not kept: a moderator's (their tools list every group), and an
    address that reopens a control or a content warning after a reload without JavaScript.
    With the key, the reader's own facts it was made from, which the page is rendered from."""
    if permissions.can_moderate(reader) or has_role(reader, "moderator"):
        return None, None
    if "focus" in request.args or "open" in request.args:
        return None, None
    thread, group = reading.thread, reading.thread.group
    theirs: tuple = ()
    own = None
    if reader.is_authenticated:
        own = own_in_thread(reading, reader)
        theirs = (
            reader.id if own.wrote or thread.author_id == reader.id else None,
            reader.role,
            standing.may_write(reader),
            standing.is_active_member(reader),
            standing.refusal(reader),
            reading.watching,
            own.reactions,
            frozenset(own.collapser.blocked),
            own.collapser.words,
        )
    clock = fragments.Clock.for_reader()
    key = (
        request.path,
        page_number(),
        thread.id,
        thread.revision,
        thread.title,
        thread.state,
        thread.hidden_reason,
        thread.slow_mode_seconds,
        thread.pinned,
        thread.locked,
        group.id,
        group.slug,
        group.name,
        group.visibility,
        group.archived_at is None,
        reader.is_authenticated,
        clock.zone,
        clock.year,
        theirs,
    )
    return key, own


@dataclass
class _PostRow:
    """One post as this reader sees it: the shared header and body, and what is theirs."""

    post: Post
    head: Markup
    reactions: list
    can_react: bool
    can_edit: bool
    can_remove: bool
    can_flag: bool
    readable: bool  # False: a hidden post, shown to this reader as a line saying so
    collapsed: str  # "blocked", "muted" or ""


@dataclass
class _ThreadPage:
    """What every post on the page shares: the reader's thread-wide rights and the paths."""

    thread_path: str
    can_reply: bool
    can_moderate: bool
    csrf_token: str
    page_number: int = 1
    # Where the reader was before a full reload (a reaction without JavaScript, a quote): the
    # id of the control to focus again, and the post whose content warning they had opened.
    focus: str = ""
    opened: int | None = None
    react_path: fragments.PathMaker = field(default_factory=lambda: fragments.PathMaker("forums.react"))
    edit_path: fragments.PathMaker = field(default_factory=lambda: fragments.PathMaker("forums.edit_post"))
    remove_path: fragments.PathMaker = field(
        default_factory=lambda: fragments.PathMaker("forums.delete_post")
    )
    revisions_path: fragments.PathMaker = field(
        default_factory=lambda: fragments.PathMaker("forums.revisions")
    )
    flag_path: fragments.PathMaker = field(
        default_factory=lambda: fragments.PathMaker("moderation.flag", key="subject_id", subject_type="post")
    )


def _rights(reader, post: Post) -> tuple[bool, bool, bool, bool, bool]:
    """(readable, react, edit, remove, flag): the rules' answers for this reader."""
    return (
        permissions.can_read_post_text(reader, post),
        permissions.can_react(reader, post),
        permissions.can_edit_post(reader, post),
        permissions.can_delete_post(reader, post),
        can(reader, "flag", "post", post) and not post.is_deleted,
    )


def _post_rows(
    posts: list[Post], reader, opened: int | None = None, own: Own | None = None
) -> list[_PostRow]:
    signed_in = reader.is_authenticated
    reactions = reactions_for(posts, reader)
    collapser = (own.collapser if own else blocking.Collapser(reader)) if signed_in else None
    clock = fragments.Clock.for_reader()
    # Of a post, the rules read its author (and their role), whether it is removed, its state
    # and its thread, which is the page's: posts alike in those get the same answers, so the
    # rules are asked once for each kind of post on the page rather than five times a post.
    rights: dict[tuple, tuple[bool, bool, bool, bool, bool]] = {}
    rows = []
    for post in posts:
        kind = (post.author_id, post.author.role, post.deleted_at is None, post.state)
        if kind not in rights:
            rights[kind] = _rights(reader, post)
        readable, can_react, can_edit, can_remove, can_flag = rights[kind]
        rows.append(
            _PostRow(
                post,
                fragments.post_head_and_body(post, signed_in, post.id == opened, clock)
                if readable
                else Markup(),
                reactions.get(post.id, []),
                can_react,
                can_edit,
                can_remove,
                can_flag,
                readable,
                collapser.reason(post.author_id, post.body) if collapser and readable else "",
            )
        )
    return rows


def render_thread(
    thread: Thread,
    form: ReplyForm | None,
    preview_html: str | None = None,
    status: int = 200,
    crisis: bool = False,
    reading: Reading | None = None,
    kept_as: tuple | None = None,
    own: Own | None = None,
):
    """The thread page; after a post (a preview, a refusal, the crisis panel) too. With
    `kept_as` (_kept_as), the page is kept whole for readers like this one, rendered from
    the reader's facts the key was made from (`own`)."""
    assert form is None or kept_as is None, "a form made before the page is kept holds a real token"
    reader = current_user._get_current_object()
    reading = reading or open_thread(thread.id, reader)

    def context():
        now = utcnow()
        posts = thread_page(thread, page_number(), reader)
        can_reply = permissions.can_reply(reader, thread)
        page = _ThreadPage(
            url_for("forums.thread", thread_id=thread.id),
            can_reply,
            permissions.can_moderate(reader),
            generate_csrf() if reader.is_authenticated else "",
            posts.page,
            request.args.get("focus", "")[:40],
            request.args.get("open", type=int),
        )
        values = dict(
            thread=thread,
            posts=posts,
            posts_html=fragments.post_articles(_post_rows(posts.items, reader, page.opened, own), page),
            form=form or (ReplyForm() if can_reply else None),  # made only when the page is rendered
            preview_html=preview_html,
            watching=reading.watching,
            can_reply=can_reply,
            can_moderate=page.can_moderate,
            crisis=crisis,
            slow_modes=services.SLOW_MODES,
            other_groups=forum_groups.list_groups() if page.can_moderate else [],
            refusal=standing.refusal(reader) if reader.is_authenticated else None,
        )
        # The newest post shown, which the reader has now read up to; and when the first of
        # the posts' times ("5 minutes ago") reads differently, which a kept page waits for.
        shown = [post.created_at for post in posts.items]
        changes = [times.ago_changes_at(created, now) for created in shown]
        return values, max(shown, default=None), min(changes, default=None)

    def key_now():  # the revision read again: posts changed while this page was rendered?
        return kept_as if thread_revision(thread.id) == thread.revision else None

    html, newest = kept_pages.render("forums/thread.html", kept_as, context, key_now)
    # Read up to the newest post shown, not the newest in the thread.
    if newest is not None and services.mark_reading_read(reading, reader, newest) and status == 200:
        unit_of_work.commit_if_possible("how far a member has read")
    return html, status
