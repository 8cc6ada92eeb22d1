"""The notifications page and the member's notification settings."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from community.forums import bp, notifications
from community.forums.forms import NotificationSettingsForm
from community.paging import page_number


@bp.route("/notifications")
@login_required
def notifications_page():
    page = notifications.for_user(current_user, page_number())
    html = render_template("forums/notifications.html", page=page, describe=notifications.describe)
    notifications.mark_read(current_user, page.items)  # one small update: what was shown is read
    return html


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def notification_settings():
    settings = notifications.settings_for(current_user)
    form = NotificationSettingsForm(obj=settings)
    if form.validate_on_submit():
        notifications.save_settings(current_user, form.mentions.data, form.replies.data, form.reactions.data)
        flash("Your notification settings are saved.", "success")
        return redirect(url_for("forums.notification_settings"))
    return render_template("forums/notification_settings.html", form=form)


@bp.app_context_processor
def unread_notifications():
    """The unread count in the header: one small count query per page for members."""
    if not current_user.is_authenticated:
        return {}
    return {"notification_count": notifications.unread_count(current_user)}
