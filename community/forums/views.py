"""Forum pages: groups, posting, editing, reactions, watching and search. The thread page
itself, the busiest, is thread_views.py."""

from __future__ import annotations

from dataclasses import asdict

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from community import limits, unit_of_work
from community.accounts import standing
from community.extensions import db
from community.forums import bp, permissions, reading, services
from community.forums import groups as forum_groups
from community.forums.forms import EditPostForm, ReplyForm, ThreadForm
from community.forums.models import HELD, Post, Thread
from community.forums.thread_views import render_thread
from community.moderation import pace
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
    if post.state == HELD and not permissions.can_read_post_text(current_user, post):
        abort(404)  # a held post does not exist for others yet
    return post


def _sending_too_fast(form, action: str, thread: Thread | None = None) -> bool:
    """Previews a member may ask for a minute (each costs real work), and the posting pace
    by trust and the thread's slow mode (moderation.pace). Past a limit the form comes back
    with its text and words saying how long to wait (429)."""
    if "preview" in request.form:
        refusal = None
        if not standing.is_staff(current_user) and not limits.hit(
            "forum-preview", str(current_user.id), current_app.config["PREVIEW_LIMIT"]
        ):
            refusal = "You are previewing very quickly. Please wait a minute; your text is still here."
    else:
        refusal = (thread is not None and services.slow_mode_refusal(current_user, thread)) or (
            pace.posting_refusal(current_user, action) if action != "edit" else None
        )
    if not refusal:
        return False
    form.body.errors.append(refusal)
    form.too_fast = True
    return True


def _refused(form, action: str) -> None:
    """A post refused for its words does not count toward the pace."""
    if action != "edit" and "preview" not in request.form:
        pace.give_back(current_user, action)


def _after_posting(outcome, what: str) -> None:
    if outcome.held:
        flash(
            f"Thank you. Your {what} is waiting for a moderator: new members' first posts, and posts with "
            "some words, are read before others see them, usually within a few hours. You can see it here.",
            "info",
        )


def _status(form) -> int:
    if getattr(form, "too_fast", False):
        return 429
    return 422 if form.errors else 200


def _permalink(post: Post) -> str:
    return url_for(
        "forums.thread",
        thread_id=post.thread_id,
        page=reading.page_of_post(post, current_user),
        _anchor=f"post-{post.id}",
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
    if form.validate_on_submit() and not _sending_too_fast(form, "thread"):
        try:
            if "preview" in request.form:
                preview_html = services.preview(form.body.data, current_user.id)
            else:
                thread = services.create_thread(
                    current_user, group, form.title.data, form.body.data, form.content_warning.data or ""
                )
                unit_of_work.commit()
                _after_posting(thread.outcome, "thread")
                if thread.outcome.crisis:  # support shown in this very response
                    return render_thread(thread, ReplyForm(formdata=None), crisis=True)
                return redirect(url_for("forums.thread", thread_id=thread.id))
        except services.ForumError as error:
            unit_of_work.rollback()  # nothing half-written stays
            _refused(form, "thread")
            form[error.field].errors.append(str(error))
    return render_template(
        "forums/new_thread.html", group=group, form=form, preview_html=preview_html
    ), _status(form)


@bp.route("/threads/<id:thread_id>/reply", methods=["POST"])
@login_required
def reply(thread_id: int):
    thread = _readable_thread(thread_id)
    if not permissions.can_reply(current_user, thread):
        abort(403)
    form = ReplyForm()
    if form.validate_on_submit() and "preview" not in request.form:
        repeat = services.just_sent(current_user, thread, form.body.data, form.content_warning.data)
        if repeat is not None:  # sent twice (a double click, a reload): shown, not stored again
            return redirect(_permalink(repeat))
    if form.validate_on_submit() and not _sending_too_fast(form, "reply", thread):
        try:
            if "preview" in request.form:
                preview_html = services.preview(form.body.data, current_user.id)
                return render_thread(thread, form, preview_html=preview_html)
            post = services.create_reply(
                current_user, thread, form.body.data, form.content_warning.data or ""
            )
            unit_of_work.commit()
            _after_posting(post.outcome, "reply")
            if post.outcome.crisis:  # support shown in this very response
                return render_thread(thread, ReplyForm(formdata=None), crisis=True)
            return redirect(_permalink(post))
        except services.ForumError as error:
            unit_of_work.rollback()  # nothing half-written stays
            _refused(form, "reply")
            form[error.field].errors.append(str(error))
    return render_thread(thread, form, status=_status(form) if form.errors else 422)


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
    if form.validate_on_submit() and not _sending_too_fast(form, "edit"):
        try:
            if "preview" in request.form:
                preview_html = services.preview(form.body.data, post.author_id)
            else:
                outcome = services.edit_post(
                    post,
                    current_user,
                    form.body.data,
                    form.content_warning.data or "",
                    title=form.title.data if first else None,
                )
                unit_of_work.commit()
                if outcome.held:
                    flash("Thank you. Your edit is waiting for a moderator before others see it.", "info")
                else:
                    flash("The post is updated.", "success")
                if outcome.crisis:
                    return render_thread(post.thread, ReplyForm(formdata=None), crisis=True)
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
    if request.accept_mimetypes.best == "application/json":  # reactions.js: the page stays as it is
        summaries = reading.reactions_for([post], current_user).get(post.id, [])
        return {"ok": True, "post": post.id, "reactions": [asdict(summary) for summary in summaries]}
    # A full reload: focus goes back to the button pressed (autofocus, which a #fragment in
    # the address would stop), and a content warning the reader had opened stays open.
    return redirect(
        url_for(
            "forums.thread",
            thread_id=post.thread_id,
            page=reading.page_of_post(post, current_user),
            focus=f"react-{post.id}-{kind}",
            open=post.id if request.form.get("open") == "1" else None,
        )
    )


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
    services.set_thread_flag(thread, flag, request.form.get(flag) == "1", current_user)
    unit_of_work.commit()
    return redirect(url_for("forums.thread", thread_id=thread.id))


@bp.route("/threads/<id:thread_id>/tools", methods=["POST"])
@requires("moderate")
def thread_tools(thread_id: int):
    """Move to another group, hide or show again, and slow mode."""
    thread = _readable_thread(thread_id)
    tool = request.form.get("tool", "")
    try:
        if tool == "move":
            group = forum_groups.group_by_slug(request.form.get("group", ""))
            if group is None:
                raise services.ForumError("Please choose a group.")
            services.move_thread(thread, group, current_user)
            message = f"The thread is now in {group.name}."
        elif tool in ("hide", "unhide"):
            services.set_thread_hidden(thread, tool == "hide", current_user, request.form.get("reason", ""))
            message = "The thread is hidden." if tool == "hide" else "The thread is visible again."
        elif tool == "slow_mode":
            seconds = request.form.get("seconds", type=int)
            services.set_slow_mode(thread, seconds if seconds is not None else -1, current_user)
            message = f"Slow mode: {services.SLOW_MODES[thread.slow_mode_seconds].lower()}."
        else:
            abort(400)
    except services.ForumError as error:
        unit_of_work.rollback()
        flash(str(error), "error")
        return redirect(url_for("forums.thread", thread_id=thread.id)), 303
    unit_of_work.commit()
    flash(message, "success")
    return redirect(url_for("forums.thread", thread_id=thread.id))
