"""Home, guidelines, crisis support and /healthz."""

from __future__ import annotations

from flask import current_app, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text

from community.extensions import db
from community.pages import bp


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return render_template("pages/home.html")
    from community.forums import groups, reading

    return render_template(
        "pages/home.html",
        new_threads=reading.new_in_my_groups(current_user),
        unread_threads=reading.unread_watched_threads(current_user),
        my_groups=groups.my_group_ids(current_user),
    )


@bp.route("/guidelines")
def guidelines():
    return render_template("pages/guidelines.html")


@bp.route("/crisis")
def crisis():
    return render_template("pages/crisis.html")


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure of the database is a failing health check
        current_app.logger.exception("Health check: database unreachable")
        db.session.rollback()
        return jsonify(status="error", database="error"), 503
    return jsonify(status="ok", database="ok")
