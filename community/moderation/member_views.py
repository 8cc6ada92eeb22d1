"""Members' own safety pages: flag a post or a profile, block and unblock a member, and
the blocked members and muted words in their settings. Nobody is told of any of it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community import unit_of_work
from community.accounts.models import User
from community.accounts.services import find_by_username
from community.extensions import db
from community.moderation import blocking, bp, flags, subjects
from community.moderation.forms import FlagForm, MutedWordsForm
from community.moderation.subjects import SubjectType, register_subject
from community.notifications.services import path_for
from community.permissions import can
from community.security import safe_next

FLAG_THANKS = "Thank you for telling us. A moderator will look at it. Nobody else will know you flagged it."


def _describe_profile(user: User) -> dict:
    return {
        "title": f"Profile of {user.username}",
        "html": user.bio_html,
        "content_warning": "",
        "url": path_for("accounts.profile", username=user.username),
        "where": "Profile",
        "author": user.username,
    }


# A profile can be flagged (and reviewed), but not held or hidden: publish and hide stay None.
PROFILE = register_subject(
    SubjectType(
        name="user",
        label="profile",
        find=lambda user_id: db.session.get(User, user_id),
        describe=_describe_profile,
        member_id=lambda user: user.id,
        can_see=lambda viewer, user: True,
    )
)


@bp.app_context_processor
def member_safety_globals():
    """has_blocked(member) for templates: the profile's Block or Unblock button."""
    return {"has_blocked": lambda other: blocking.has_blocked(current_user, other.id)}


def _member_or_404(username: str) -> User:
    member = find_by_username(username)
    if member is None:
        abort(404)
    return member


@bp.route("/flag/<subject_type>/<id:subject_id>", methods=["GET", "POST"])
@login_required
def flag(subject_type: str, subject_id: int):
    kind, thing = subjects.find(subject_type, subject_id)
    if thing is None:
        abort(404)
    about = kind.describe(thing)
    # Checked first: a thing the flags have since hidden is no longer flaggable, and the
    # flagger should still hear that their flag counted.
    if flags.already_flagged(current_user, subject_type, subject_id):
        return render_template("moderation/flag.html", kind=kind, about=about, form=None)
    if not kind.can_see(current_user, thing):
        abort(404)  # what a member cannot see does not exist for them, as in the forums
    if not can(current_user, "flag", subject_type, thing):
        abort(403)
    form = FlagForm()
    if form.validate_on_submit():
        try:
            flags.flag(current_user, subject_type, subject_id, form.reason.data, form.note.data)
        except flags.FlagError as error:  # raised before anything is written
            form[error.field].errors.append(str(error))
        else:
            unit_of_work.commit()
            flash(FLAG_THANKS, "success")
            return redirect(about["url"])
    return render_template("moderation/flag.html", kind=kind, about=about, form=form), (
        422 if form.errors else 200
    )


@bp.route("/u/<username>/block", methods=["POST"])
@login_required
def block(username: str):
    member = _member_or_404(username)
    if not can(current_user, "block", member):
        abort(403)
    blocking.block(current_user, member)
    unit_of_work.commit()
    flash(
        f"You blocked {member.name}. Their posts are collapsed for you, and they can't mention you. "
        "They are not told.",
        "success",
    )
    return redirect(
        safe_next(request.form.get("next"), url_for("accounts.profile", username=member.username))
    )


@bp.route("/u/<username>/unblock", methods=["POST"])
@login_required
def unblock(username: str):
    """Always allowed: a member who became a moderator can still be unblocked."""
    member = _member_or_404(username)
    blocking.unblock(current_user, member)
    unit_of_work.commit()
    flash(f"You unblocked {member.name}.", "success")
    return redirect(
        safe_next(request.form.get("next"), url_for("accounts.profile", username=member.username))
    )


@bp.route("/settings/safety", methods=["GET", "POST"])
@login_required
def safety_settings():
    form = MutedWordsForm()
    if request.method == "GET":
        form.words.data = "\n".join(blocking.muted_words(current_user))
    elif form.validate_on_submit():
        try:
            words = blocking.set_muted_words(current_user, form.words.data)
        except ValueError as error:
            form.words.errors.append(str(error))
        else:
            unit_of_work.commit()
            flash(
                f"Your muted words are saved ({len(words)})." if words else "You have no muted words now.",
                "success",
            )
            return redirect(url_for("moderation.safety_settings"))
    return render_template(
        "moderation/safety_settings.html", form=form, blocked=blocking.blocked_members(current_user)
    ), (422 if form.errors else 200)
