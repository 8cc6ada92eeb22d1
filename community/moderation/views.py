"""The moderators' pages: the review queue and its items, members' standing and history,
and the audit log. Every action is a POST with a CSRF token, and lands in the audit log."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from community import unit_of_work
from community.accounts import standing
from community.accounts.models import User
from community.accounts.services import find_by_username
from community.extensions import db
from community.moderation import audit, bp, flags, queue, sanctions, subjects
from community.moderation.models import QUEUE_REASONS, ReviewItem, SavedReply
from community.moderation.queue import ModerationError
from community.paging import page_number
from community.permissions import can, requires


@bp.app_context_processor
def moderation_globals():
    """The review count in the moderators' header, a silenced member's notice on every page,
    and the crisis lines for the support panel."""
    from community.moderation.crisis import countries_for_member

    values = {"crisis_countries": countries_for_member}
    if current_user.is_authenticated:
        if can(current_user, "review"):
            values["review_counts"] = queue.counts()
        values["standing_notice"] = standing.refusal(current_user)
    return values


def _item_or_404(item_id: int) -> ReviewItem:
    return db.get_or_404(ReviewItem, item_id)


@bp.route("/mod/", endpoint="queue")
@requires("review")
def queue_page():
    view = request.args.get("view", "open")
    if view == "resolved":
        items = queue.resolved_items(page_number())
        escalated = []
    else:
        view = "open"
        items = queue.open_items(page_number(), escalated=False)
        escalated = queue.escalated_items()
    return render_template("moderation/queue.html", items=items, escalated=escalated, view=view)


@bp.route("/mod/items/<id:item_id>")
@requires("review")
def item(item_id: int):
    review = _item_or_404(item_id)
    kind, thing = subjects.find(review.subject_type, review.subject_id)
    member = review.member
    return render_template(
        "moderation/item.html",
        item=review,
        kind=kind,
        current=kind.describe(thing) if thing is not None else None,
        member=member,
        history=queue.history(review),
        flags=queue.flags_on(review),
        prior=audit.about_member(member.id, limit=10) if member else [],
        member_items=[i for i in queue.items_about(member.id) if i.id != review.id] if member else [],
        recent=[
            entry
            for subject in subjects.SUBJECTS.values()
            if subject.recent_by and member
            for entry in subject.recent_by(member.id)
        ][:10],
        durations=sanctions.DURATION_LABELS,
        replies=db.session.scalars(db.select(SavedReply).order_by(SavedReply.title)).all(),
        reasons=QUEUE_REASONS,
        audit_words=audit.ACTIONS,
        may_sanction=bool(member) and can(current_user, "sanction", member),
    )


ITEM_ACTIONS = {
    "claim": lambda item, form: queue.claim(item, current_user, take_over=form.get("take_over") == "1"),
    "release": lambda item, form: queue.release(item, current_user),
    "approve": lambda item, form: queue.approve(
        item, current_user, form.get("note", ""), form.get("take_over") == "1"
    ),
    "hide": lambda item, form: queue.hide(
        item, current_user, form.get("reason", ""), form.get("take_over") == "1"
    ),
    "dismiss": lambda item, form: queue.dismiss(
        item, current_user, form.get("note", ""), form.get("take_over") == "1"
    ),
    "escalate": lambda item, form: queue.escalate(item, current_user, form.get("note", "")),
    "de_escalate": lambda item, form: queue.escalate(item, current_user, form.get("note", ""), on=False),
    "note": lambda item, form: queue.add_note(item, current_user, form.get("note", "")),
}
DONE = {
    "claim": "You are handling this item.",
    "release": "The item is back in the queue for anyone.",
    "approve": "Approved: it is visible now.",
    "hide": "Hidden. The author sees your reason.",
    "dismiss": "Dismissed.",
    "escalate": "Escalated: it stands apart at the top of the queue until resolved.",
    "de_escalate": "No longer escalated.",
    "note": "Your note is added.",
}


@bp.route("/mod/items/<id:item_id>/<action>", methods=["POST"])
@requires("review")
def item_action(item_id: int, action: str):
    review = _item_or_404(item_id)
    if action not in ITEM_ACTIONS:
        abort(404)
    try:
        ITEM_ACTIONS[action](review, request.form)
    except ModerationError as error:
        unit_of_work.rollback()
        flash(str(error), "error")
        return redirect(url_for("moderation.item", item_id=item_id)), 303
    unit_of_work.commit()
    flash(DONE[action], "success")
    if action in ("approve", "hide", "dismiss"):
        return redirect(url_for("moderation.queue"))
    return redirect(url_for("moderation.item", item_id=item_id))


# Members ---------------------------------------------------------------------------------


def _member_or_404(username: str) -> User:
    member = find_by_username(username)
    if member is None:
        abort(404)
    return member


@bp.route("/mod/users/<username>")
@requires("review")
def member(username: str):
    member = _member_or_404(username)
    state, until = standing.current(member)
    return render_template(
        "moderation/member.html",
        member=member,
        state=state,
        until=until,
        trusted=standing.is_trusted(member),
        history=audit.about_member(member.id, limit=50),
        items=queue.items_about(member.id, limit=20),
        flags=flags.flags_by_member_about(member.id),
        durations=sanctions.DURATION_LABELS,
        may_sanction=can(current_user, "sanction", member),
        audit_words=audit.ACTIONS,
        replies=db.session.scalars(db.select(SavedReply).order_by(SavedReply.title)).all(),
    )


def _message(form) -> str:
    """The notice's words, or a saved reply's when the moderator picked one and wrote none."""
    message = (form.get("message") or "").strip()
    template_id = form.get("template", type=int)
    if not message and template_id:
        saved = db.session.get(SavedReply, template_id)
        message = saved.body if saved else ""
    return message


MEMBER_ACTIONS = {
    "warn": (lambda m, f: sanctions.warn(current_user, m, _message(f)), "Your notice is sent to {name}."),
    "silence": (
        lambda m, f: sanctions.silence(current_user, m, f.get("duration", ""), f.get("reason", "")),
        "{name} is silenced: they can read but not post.",
    ),
    "suspend": (
        lambda m, f: sanctions.suspend(current_user, m, f.get("duration", ""), f.get("reason", "")),
        "{name} is suspended and signed out everywhere.",
    ),
    "lift": (
        lambda m, f: sanctions.lift(current_user, m, f.get("reason", "")),
        "{name} is back in good standing.",
    ),
    "trust": (lambda m, f: sanctions.set_trust(current_user, m, True), "{name} is trusted now."),
    "untrust": (lambda m, f: sanctions.set_trust(current_user, m, False), "{name} is a new member again."),
    "remove_spammer": (
        lambda m, f: sanctions.remove_spammer(current_user, m, f.get("reason", "") or "Spam"),
        "{name}'s posts are taken down and the account is closed.",
    ),
}


@bp.route("/mod/users/<username>/<action>", methods=["POST"])
@requires("review")
def member_action(username: str, action: str):
    member = _member_or_404(username)
    if action not in MEMBER_ACTIONS:
        abort(404)
    if not can(current_user, "sanction", member):
        abort(403)
    if action == "remove_spammer" and request.form.get("confirm") != "yes":
        flash("Please tick the box to confirm: this takes down everything the account posted.", "error")
        return redirect(url_for("moderation.member", username=member.username)), 303
    do, done = MEMBER_ACTIONS[action]
    try:
        do(member, request.form)
    except ModerationError as error:
        unit_of_work.rollback()
        flash(str(error), "error")
        return redirect(url_for("moderation.member", username=member.username)), 303
    unit_of_work.commit()
    flash(done.format(name=member.username), "success")
    back = request.form.get("item_id", type=int)
    if back:
        return redirect(url_for("moderation.item", item_id=back))
    return redirect(url_for("moderation.member", username=member.username))


# The audit log and saved replies ----------------------------------------------------------


@bp.route("/mod/log")
@requires("review")
def log():
    actor = find_by_username(request.args.get("moderator", "")) if request.args.get("moderator") else None
    subject = find_by_username(request.args.get("member", "")) if request.args.get("member") else None
    action = request.args.get("action", "")
    action = action if action in audit.ACTIONS else ""
    missing = (request.args.get("moderator") and actor is None) or (
        request.args.get("member") and subject is None
    )
    entries = audit.entries(
        page_number(),
        actor_id=actor.id if actor else (-1 if missing else None),
        member_id=subject.id if subject else None,
        action=action,
    )
    return render_template(
        "moderation/log.html",
        entries=entries,
        actions=audit.ACTIONS,
        filters={
            "moderator": request.args.get("moderator", ""),
            "member": request.args.get("member", ""),
            "action": action,
        },
        missing=missing,
    )


@bp.route("/mod/replies", methods=["GET", "POST"])
@requires("review")
def replies():
    if request.method == "POST":
        title = (request.form.get("title") or "").strip()[:100]
        body = (request.form.get("body") or "").strip()[:5000]
        if request.form.get("delete", type=int):
            reply = db.get_or_404(SavedReply, request.form.get("delete", type=int))
            audit.record(current_user, "reply_template", reason=f"Deleted “{reply.title}”")
            db.session.delete(reply)
            unit_of_work.commit()
            flash("The template is deleted.", "info")
            return redirect(url_for("moderation.replies"))
        if not title or not body:
            flash("A template needs a title and its words.", "error")
            return render_template(
                "moderation/replies.html", replies=_saved_replies(), title=title, body=body
            ), 422
        db.session.add(SavedReply(title=title, body=body, created_by_id=current_user.id))
        audit.record(current_user, "reply_template", reason=title)
        unit_of_work.commit()
        flash("The template is saved.", "success")
        return redirect(url_for("moderation.replies"))
    return render_template("moderation/replies.html", replies=_saved_replies(), title="", body="")


def _saved_replies() -> list[SavedReply]:
    return list(db.session.scalars(db.select(SavedReply).order_by(SavedReply.title)))
