"""The notifications page, the member's notification settings, and the header count."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
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
    page = services.for_user(current_user, page_number())
    html = render_template("notifications/index.html", page=page, kinds=KINDS)
    services.mark_read(current_user, page.items)  # what was shown is read
    unit_of_work.commit_if_possible("which notifications were read")
    return html


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
    return {"notification_count": services.unread_count(current_user)}
