"""Account pages: register, sign in and out, password reset, profiles and settings."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from community import limits, unit_of_work
from community.accounts import bp, services, sessions, standing
from community.accounts.forms import (
    ChangePasswordForm,
    LoginForm,
    PickGroupsForm,
    RegistrationForm,
    ResetPasswordForm,
    ResetRequestForm,
    SettingsForm,
)
from community.errors import render_error
from community.extensions import limiter
from community.security import safe_next


def _start_session(user, remember: bool = False) -> None:
    """A fresh session and a new sign-in row, so nothing from before carries over (fixation)."""
    session.clear()
    sessions.start(user, remember)
    login_user(user, remember=remember)
    unit_of_work.commit()


def _end_session() -> None:
    """End this sign-in on the server, then in the browser, the "keep me signed in" cookie too."""
    if current_user.is_authenticated and current_user.login_session is not None:
        sessions.end(current_user.login_session)
        unit_of_work.commit()
    logout_user()  # asks for the remember cookie to be deleted: keep that instruction
    for key in [key for key in session if key != "_remember"]:
        session.pop(key)


@bp.before_app_request
def load_member_first():
    """Load the member before any view runs: loading may note when this device was last
    active (sessions.load), and that small commit must never carry a view's half-done work."""
    if request.endpoint != "static":
        current_user._get_current_object()


def _next_or_none() -> str | None:
    """The page to go back to, when it is a path on this site (security.safe_next)."""
    return safe_next(request.args.get("next"), None) or None


@bp.route("/auth/register", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["REGISTRATION_FAILURE_LIMIT"],
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 422,
)
def register():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("pages.home")))
    form = RegistrationForm()
    status = 200
    if form.validate_on_submit():
        address, limit = limits.client_address(), current_app.config["REGISTRATION_LIMIT"]
        if not limits.hit("sign-ups", address, limit):
            form.username.errors.append(
                "Many accounts were made from this network address today. "
                "Please try again tomorrow, or ask a moderator for help."
            )
            return render_template("accounts/register.html", form=form, next=_next_or_none()), 429
        try:
            user = services.create_user(form.username.data, form.email.data, form.password.data)
        except services.AccountError as error:
            limits.refund("sign-ups", address, limit)
            getattr(form, error.field).errors.append(str(error))
        else:
            _start_session(user)
            session["new_member"] = True  # greeted as new, not "welcome back", until they sign out
            return redirect(url_for("accounts.welcome", next=_next_or_none()))
    if form.errors:
        status = 422
    return render_template("accounts/register.html", form=form, next=_next_or_none()), status


@bp.route("/auth/welcome", methods=["GET", "POST"])
@login_required
def welcome():
    """Sign-up's last step: pick a few groups, then back to the page the member came from."""
    from community.forums import welcome as forums_welcome  # forums build on accounts: asked at call time

    back_to = _next_or_none()
    origin = forums_welcome.group_at(back_to)
    form = PickGroupsForm()
    if form.validate_on_submit():
        joined = forums_welcome.join_groups(current_user, form.groups.data or [])
        unit_of_work.commit()
        if joined:
            names = [group.name for group in joined]
            listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
            flash(f"You joined {listed}. New threads there will show on your home page.", "success")
        return redirect(back_to or url_for("pages.home"))
    suggestions = forums_welcome.suggested_groups(current_user, origin)
    if request.method == "GET":
        form.groups.data = [origin.slug] if origin is not None else []
    return render_template(
        "accounts/welcome.html", form=form, suggestions=suggestions, back_to=back_to or url_for("pages.home")
    ), 422 if form.errors else 200


@bp.route("/auth/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("pages.home")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.sign_in(form.login.data, form.password.data, limits.client_address())
        except services.TooManyAttempts:
            return render_error(429)
        if user is not None and standing.is_suspended(user):
            # The password was right, so the member may know why they can't come in, and until when.
            return render_template("accounts/login.html", form=form, suspended=standing.refusal(user)), 403
        if user is not None:
            _start_session(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("pages.home")))
        status = 401
        form.password.errors.append("That username or email and password do not match. Please try again.")
    elif form.errors:
        status = 422
    return render_template("accounts/login.html", form=form), status


@bp.route("/auth/logout", methods=["POST"])
def logout():
    _end_session()
    flash("You have signed out. Take care.", "info")
    return redirect(url_for("pages.home"))


@bp.route("/auth/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_MAIL_LIMIT"], methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_reset(form.email.data)
        unit_of_work.commit()  # the mail goes after the commit, on the mail thread
        # The same answer either way, so the form does not reveal who is a member.
        flash("If an account uses that address, we have sent it a link. It works for one hour.", "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form), 422 if form.errors else 200


@bp.route("/auth/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = services.user_for_reset_token(token)
    if user is None:
        flash("That reset link has expired or was already used. You can ask for a new one.", "error")
        return redirect(url_for("accounts.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.change_password(user, form.password.data)  # every earlier sign-in ends
        _start_session(user)
        flash("Your password is changed and you are signed in.", "success")
        return redirect(url_for("pages.home"))
    return render_template("accounts/reset_password.html", form=form), 422 if form.errors else 200


@bp.route("/u/<username>")
@login_required
def profile(username: str):
    from community.forums import profiles  # forums build on accounts: asked at call time

    user = services.find_by_username(username)
    if user is None:
        abort(404)
    if user.is_former:
        return render_template("accounts/profile.html", user=user, former=True, activity=None)
    activity = profiles.member_activity(user, current_user)
    return render_template("accounts/profile.html", user=user, former=False, activity=activity)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(obj=current_user)
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, form.data)
        except services.AccountError as error:
            form[error.field].errors.append(str(error))
        else:
            unit_of_work.commit()
            flash("Your settings are saved.", "success")
            return redirect(url_for("accounts.settings"))
    return render_template("accounts/settings.html", form=form), 422 if form.errors else 200


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            correct = services.check_current_password(user, form.current_password.data)
        except services.TooManyAttempts as error:
            form.current_password.errors.append(str(error))
            return render_template("accounts/change_password.html", form=form), 429
        if not correct:
            form.current_password.errors.append("That is not your current password.")
        else:
            remember = bool(user.login_session and user.login_session.remember)
            services.change_password(user, form.password.data)
            _start_session(user, remember=remember)  # a new key for this device too; commits
            flash(
                "Your password is changed. Any other device you were signed in on is now signed out.",
                "success",
            )
            return redirect(url_for("accounts.settings"))
    if form.errors:
        status = 422
    return render_template("accounts/change_password.html", form=form), status


@bp.route("/settings/devices")
@login_required
def devices():
    return render_template(
        "accounts/devices.html",
        devices=sessions.for_user(current_user),
        this_device=current_user.login_session,
    )


@bp.route("/settings/devices/<id:device_id>/sign-out", methods=["POST"])
@login_required
def sign_out_device(device_id: int):
    device = next((d for d in sessions.for_user(current_user) if d.id == device_id), None)
    if device is None:
        abort(404)
    if device.id == current_user.login_session.id:
        return logout()
    sessions.end(device)
    unit_of_work.commit()
    flash(f"{device.device} is signed out.", "info")
    return redirect(url_for("accounts.devices"))


@bp.route("/settings/devices/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """Every device, this one too: for a lost phone or a shared computer left signed in."""
    sessions.end_all(current_user)
    unit_of_work.commit()
    _end_session()
    flash("You are signed out on every device, this one too.", "info")
    return redirect(url_for("pages.home"))
