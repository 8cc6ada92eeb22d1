"""Account pages: register, sign in and out, password reset, profiles and settings."""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from community.accounts import bp, services
from community.accounts.forms import (ChangePasswordForm, LoginForm, RegistrationForm, ResetPasswordForm,
                                      ResetRequestForm, SettingsForm)
from community.extensions import limiter
from community.mail import send_mail
from community.security import external_url, safe_next


def _login_failed() -> bool:
    return bool(g.get("login_failed"))


def _account_key() -> str:
    """Failed sign-ins are counted per account, whichever name or address was typed."""
    login = (request.form.get("login") or "").strip().lower()
    user = services.find_by_login(login) if login else None
    return f"account:{user.id if user else login}"


def _failure_limit() -> str:
    return current_app.config["LOGIN_FAILURE_LIMIT"]


def _start_session(user, remember: bool = False) -> None:
    # A fresh session at sign-in, so nothing from before it carries over (fixation).
    session.clear()
    login_user(user, remember=remember)


@bp.route("/auth/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTRATION_FAILURE_LIMIT"], methods=["POST"],
               deduct_when=lambda response: response.status_code == 422)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(form.username.data, form.email.data, form.password.data)
        except services.AccountError as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            _start_session(user)
            flash(f"Welcome to Common Ground, {user.username}. You can fill in your profile any time.", "success")
            return redirect(safe_next(request.args.get("next"), url_for("accounts.settings")))
    return render_template("accounts/register.html", form=form), 422 if form.errors else 200


@bp.route("/auth/login", methods=["GET", "POST"])
@limiter.limit(_failure_limit, key_func=get_remote_address, methods=["POST"], deduct_when=lambda r: _login_failed())
@limiter.limit(_failure_limit, key_func=_account_key, methods=["POST"], deduct_when=lambda r: _login_failed())
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("pages.home")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is not None:
            _start_session(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("pages.home")))
        g.login_failed = True
        status = 401
        form.password.errors.append("That username or email and password do not match. Please try again.")
    elif form.errors:
        status = 422
    return render_template("accounts/login.html", form=form), status


@bp.route("/auth/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    flash("You have signed out. Take care.", "info")
    return redirect(url_for("pages.home"))


@bp.route("/auth/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_MAIL_LIMIT"], methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = services.find_by_email(form.email.data)
        if user is not None:
            link = external_url("accounts.reset_password", token=services.make_reset_token(user))
            send_mail(user.email, "Reset your Common Ground password",
                      f"Hello {user.username},\n\nTo choose a new password, open this link within one hour:\n\n"
                      f"{link}\n\nIf you did not ask for this, you can ignore this message.\n")
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
        services.change_password(user, form.password.data)
        _start_session(user)
        flash("Your password is changed and you are signed in.", "success")
        return redirect(url_for("pages.home"))
    return render_template("accounts/reset_password.html", form=form), 422 if form.errors else 200


@bp.route("/u/<username>")
@login_required
def profile(username: str):
    user = services.find_by_username(username)
    if user is None:
        abort(404)
    return render_template("accounts/profile.html", user=user)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(current_user, form.data)
        flash("Your settings are saved.", "success")
        return redirect(url_for("accounts.settings"))
    return render_template("accounts/settings.html", form=form), 422 if form.errors else 200


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append("That is not your current password.")
        else:
            user = current_user._get_current_object()
            services.change_password(user, form.password.data)
            _start_session(user)  # this session goes on; every other one is signed out
            flash("Your password is changed. Any other device you were signed in on is now signed out.", "success")
            return redirect(url_for("accounts.settings"))
    return render_template("accounts/change_password.html", form=form), 422 if form.errors else 200

