"""The notifications page, the member's notification settings, and the header count."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField

from community import unit_of_work
from community.notifications import bp, services
from community.notifications.kinds import KINDS
from community.paging import page_number


@bp.route("/notifications")
@login_required
def index():
    """The list only shows: each notification is read when it is opened (open_one)."""
    page = services.for_user(current_user, page_number())
    return render_template(
        "notifications/index.html", page=page, kinds=KINDS, counts=services.live_counts(page.items)
    )


def _opened_here() -> bool:
    """Whether the person asked for this themselves: a click on one of our own pages, or an
    address typed or bookmarked, never a link, image or form on another site. Browsers say
    so in Sec-Fetch-Site; older ones by the Referer, and without either nothing changes."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    referrer = urlsplit(request.referrer or "")
    return bool(referrer.netloc) and referrer.netloc == request.host


@bp.route("/notifications/<int:notification_id>")
@login_required
def open_one(notification_id: int):
    """A notification's link: marks that one notification read, then goes where it points.

    A GET, so the link stays a link (a new tab, a screen reader's list of links); its one
    change is allowed only when _opened_here, so another site cannot make it happen."""
    notification = services.owned_notification(current_user, notification_id)
    if notification is None:
        abort(404)
    if _opened_here():
        services.mark_one_read(notification)
        unit_of_work.commit_if_possible("which notification was opened")
    target = notification.url
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("notifications.index")  # only ever a path on this site
    return redirect(target)


def settings_form(current: dict[str, bool]) -> FlaskForm:
    """A box for each kind, made from the kinds registered, ticked as the member chose."""

    class SettingsForm(FlaskForm):
        pass

    for name, enabled in current.items():
        setattr(SettingsForm, name, BooleanField(KINDS[name].setting_label, default=enabled))
    return SettingsForm()


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def settings():
    current = services.settings_for(current_user)
    form = settings_form(current)
    if form.validate_on_submit():
        services.save_settings(current_user, {name: form[name].data for name in current})
        unit_of_work.commit()
        flash("Your notification settings are saved.", "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form, names=list(current))


@bp.app_context_processor
def unread_notifications():
    """The unread count in the header: one small count query per page for members."""
    if not current_user.is_authenticated:
        return {}
    return {"notification_count": services.header_count(current_user)}
