"""Forum pages: groups, threads, posting, editing, reactions, watching and search."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from community import limits, unit_of_work
from community.accounts.standing import in_review_period
from community.extensions import db
from community.forums import bp, fragments, permissions, services
from community.forums import groups as forum_groups
from community.forums.forms import EditPostForm, ReplyForm, ThreadForm
from community.forums.models import Post, Thread
from community.paging import page_number
from community.permissions import requires


def _readable_group(slug: str):
    group = forum_groups.group_by_slug(slug)
    if group is None:
        abort(404)
    return group


def _readable_thread(thread_id: int) -> Thread:
    thread = db.get_or_404(Thread, thread_id, options=[joinedload(Thread.group)])  # one query, not two
    if not permissions.can_read_thread(current_user, thread):
        abort(404)  # members-only threads do not exist for visitors
    return thread


def _readable_post(post_id: int) -> Post:
    post = db.get_or_404(Post, post_id)
    if not permissions.can_read_thread(current_user, post.thread):
        abort(404)
    return post


def _sending_too_fast(form) -> bool:
    """Posts and previews a member may send a minute: each one costs the server real work.
    Past the limit the form comes back with its text and a plain message (429)."""
    kind = "preview" if "preview" in request.form else "post"
    if kind == "preview":
        limit = current_app.config["PREVIEW_LIMIT"]
    else:
        limit = current_app.config[
            "NEW_MEMBER_POST_LIMIT" if in_review_period(current_user) else "POST_LIMIT"
        ]
    if limits.hit(f"forum-{kind}", str(current_user.id), limit):
        return False
    form.body.errors.append(
        "You are sending very quickly. Please wait a minute, then send again; your text is still here."
    )
    form.too_fast = True
    return True


def _status(form) -> int:
    if getattr(form, "too_fast", False):
        return 429
    return 422 if form.errors else 200


def _permalink(post: Post) -> str:
    return url_for(
        "forums.thread", thread_id=post.thread_id, page=services.page_of_post(post), _anchor=f"post-{post.id}"
    )


@bp.route("/groups/")
def groups():
    return render_template(
        "forums/groups.html", groups=forum_groups.list_groups(), mine=forum_groups.my_group_ids(current_user)
    )


@bp.route("/groups/<slug>/")
def group(slug: str):
    group = _readable_group(slug)
    readable = permissions.can_read_group(current_user, group)
    threads = forum_groups.group_threads(group, page_number()) if readable else None
    return render_template(
        "forums/group.html",
        group=group,
        threads=threads,
        readable=readable,
        can_post=permissions.can_post_in_group(current_user, group),
    )


@bp.route("/groups/<slug>/join", methods=["POST"])
@login_required
def join(slug: str):
    group = _readable_group(slug)
    if not permissions.can_join_group(current_user, group):
        abort(403)
    forum_groups.join_group(current_user, group)
    unit_of_work.commit()
    flash(f"You joined {group.name}. New threads here will show on your home page.", "success")
    return redirect(url_for("forums.group", slug=group.slug))


@bp.route("/groups/<slug>/leave", methods=["POST"])
@login_required
def leave(slug: str):
    group = _readable_group(slug)
    if not permissions.can_leave_group(current_user, group):
        abort(403)
    forum_groups.leave_group(current_user, group)
    unit_of_work.commit()
    flash(f"You left {group.name}.", "info")
    return redirect(url_for("forums.group", slug=group.slug))


@bp.route("/groups/<slug>/new", methods=["GET", "POST"])
@login_required
def new_thread(slug: str):
    group = _readable_group(slug)
    if not permissions.can_post_in_group(current_user, group):
        abort(403)
    form = ThreadForm()
    preview_html = None
    if form.validate_on_submit() and not _sending_too_fast(form):
        try:
            if "preview" in request.form:
                preview_html = services.preview(form.body.data)
            else:
                thread = services.create_thread(
                    current_user, group, form.title.data, form.body.data, form.content_warning.data or ""
                )
                unit_of_work.commit()
                return redirect(url_for("forums.thread", thread_id=thread.id))
        except services.ForumError as error:
            unit_of_work.rollback()  # nothing half-written stays
            form[error.field].errors.append(str(error))
    return render_template(
        "forums/new_thread.html", group=group, form=form, preview_html=preview_html
    ), _status(form)


@bp.route("/threads/<id:thread_id>")
def thread(thread_id: int):
    thread = _readable_thread(thread_id)
    form = ReplyForm()
    quote_id = request.args.get("quote", type=int)
    if quote_id and not form.body.data and (quote := services.quote_reply(current_user, thread, quote_id)):
        form.body.data, form.content_warning.data = quote
    return _render_thread(thread, form)


@dataclass
class _PostRow:
    """One post as this reader sees it: the shared fragment, and what is theirs."""

    post: Post
    head: Markup
    reactions: list
    can_react: bool
    can_edit: bool
    can_remove: bool


@dataclass
class _ThreadPage:
    """What every post on the page shares: the reader's thread-wide rights and the paths."""

    thread_path: str
    can_reply: bool
    can_moderate: bool
    csrf_token: str
    react_path: fragments.PathMaker = field(default_factory=lambda: fragments.PathMaker("forums.react"))
    edit_path: fragments.PathMaker = field(default_factory=lambda: fragments.PathMaker("forums.edit_post"))
    remove_path: fragments.PathMaker = field(
        default_factory=lambda: fragments.PathMaker("forums.delete_post")
    )
    revisions_path: fragments.PathMaker = field(
        default_factory=lambda: fragments.PathMaker("forums.revisions")
    )


def _post_rows(posts: list[Post], reader) -> list[_PostRow]:
    signed_in = reader.is_authenticated
    reactions = services.reactions_for(posts, reader)
    return [
        _PostRow(
            post,
            fragments.post_head_and_body(post, signed_in),
            reactions.get(post.id, []),
            permissions.can_react(reader, post),
            permissions.can_edit_post(reader, post),
            permissions.can_delete_post(reader, post),
        )
        for post in posts
    ]


def _render_thread(thread: Thread, form: ReplyForm, preview_html: str | None = None, status: int = 200):
    reader = current_user._get_current_object()
    posts = services.thread_page(thread, page_number())
    # Read up to the newest post shown, not the newest in the thread.
    newly_read = bool(posts.items) and services.mark_read(
        reader, thread, max(post.created_at for post in posts.items)
    )
    can_reply = permissions.can_reply(reader, thread)
    page = _ThreadPage(
        url_for("forums.thread", thread_id=thread.id),
        can_reply,
        permissions.can_moderate(reader),
        generate_csrf() if reader.is_authenticated else "",
    )
    html = render_template(
        "forums/thread.html",
        thread=thread,
        posts=posts,
        rows=_post_rows(posts.items, reader),
        page=page,
        form=form,
        preview_html=preview_html,
        watching=services.is_watching(reader, thread),
        can_reply=can_reply,
        can_moderate=page.can_moderate,
    )
    if newly_read and status == 200:
        unit_of_work.commit_if_possible("how far a member has read")
    return html, status


@bp.route("/threads/<id:thread_id>/reply", methods=["POST"])
@login_required
def reply(thread_id: int):
    thread = _readable_thread(thread_id)
    if not permissions.can_reply(current_user, thread):
        abort(403)
    form = ReplyForm()
    if form.validate_on_submit() and not _sending_too_fast(form):
        try:
            if "preview" in request.form:
                return _render_thread(thread, form, preview_html=services.preview(form.body.data))
            post = services.create_reply(
                current_user, thread, form.body.data, form.content_warning.data or ""
            )
            unit_of_work.commit()
            return redirect(_permalink(post))
        except services.ForumError as error:
            unit_of_work.rollback()  # nothing half-written stays
            form[error.field].errors.append(str(error))
    return _render_thread(thread, form, status=_status(form) if form.errors else 422)


@bp.route("/posts/<id:post_id>")
def post(post_id: int):
    return redirect(_permalink(_readable_post(post_id)))


@bp.route("/posts/<id:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    post = _readable_post(post_id)
    if not permissions.can_edit_post(current_user, post):
        abort(403)
    first = services.is_first_post(post)
    form = EditPostForm(obj=post)
    if request.method == "GET" and first:
        form.title.data = post.thread.title
    preview_html = None
    if form.validate_on_submit() and not _sending_too_fast(form):
        try:
            if "preview" in request.form:
                preview_html = services.preview(form.body.data)
            else:
                services.edit_post(
                    post,
                    current_user,
                    form.body.data,
                    form.content_warning.data or "",
                    title=form.title.data if first else None,
                )
                unit_of_work.commit()
                flash("Your post is updated.", "success")
                return redirect(_permalink(post))
        except services.ForumError as error:
            unit_of_work.rollback()  # nothing half-written stays
            form[error.field].errors.append(str(error))
    return render_template(
        "forums/edit_post.html", post=post, form=form, first=first, preview_html=preview_html
    ), _status(form)


@bp.route("/posts/<id:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete_post(post_id: int):
    """Asks first (WCAG 3.3.4): removing is not undone."""
    post = _readable_post(post_id)
    if not permissions.can_delete_post(current_user, post):
        abort(403)
    if request.method == "GET":
        return render_template("forums/delete_post.html", post=post)
    services.delete_post(post)
    unit_of_work.commit()
    flash("Your post is removed.", "info")
    return redirect(_permalink(post))


@bp.route("/posts/<id:post_id>/react", methods=["POST"])
@login_required
def react(post_id: int):
    post = _readable_post(post_id)
    if not permissions.can_react(current_user, post):
        abort(403)
    kind, _, state = request.form.get("reaction", "").partition(":")
    try:
        services.set_reaction(current_user, post, kind, on=state != "off")
    except services.ForumError as error:
        abort(400, str(error))
    unit_of_work.commit()
    return redirect(_permalink(post))


@bp.route("/posts/<id:post_id>/revisions")
@requires("moderate")
def revisions(post_id: int):
    post = _readable_post(post_id)
    return render_template("forums/revisions.html", post=post, revisions=services.revisions(post))


@bp.route("/threads/<id:thread_id>/watch", methods=["POST"])
@login_required
def watch(thread_id: int):
    thread = _readable_thread(thread_id)
    if not permissions.can_watch(current_user, thread):
        abort(403)
    watching = request.form.get("watching") == "1"
    services.set_watching(current_user, thread, watching)
    unit_of_work.commit()
    flash(
        "You will be told about new replies." if watching else "You will not be told about new replies.",
        "info",
    )
    return redirect(url_for("forums.thread", thread_id=thread.id))


@bp.route("/threads/<id:thread_id>/pin", methods=["POST"], defaults={"flag": "pinned"}, endpoint="pin")
@bp.route("/threads/<id:thread_id>/lock", methods=["POST"], defaults={"flag": "locked"}, endpoint="lock")
@requires("moderate")
def set_thread_flag(thread_id: int, flag: str):
    """Moderators pin a thread to the top of its group, or close it to new replies."""
    thread = _readable_thread(thread_id)
    services.set_thread_flag(thread, flag, request.form.get(flag) == "1")
    unit_of_work.commit()
    return redirect(url_for("forums.thread", thread_id=thread.id))


@bp.route("/search")
def search():
    query = request.args.get("q", "")
    group = forum_groups.group_by_slug(request.args.get("group", "")) if request.args.get("group") else None
    results, total = (
        services.search_posts(query, current_user, group, page_number()) if query.strip() else ([], 0)
    )
    return render_template(
        "forums/search.html",
        query=query,
        results=results,
        total=total,
        page=page_number(),
        per_page=services.search.PER_PAGE,
        group=group,
        groups=forum_groups.list_groups(),
    )
