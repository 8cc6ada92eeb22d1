"""Pages anyone can read: home, guidelines, crisis lines, and the health check."""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from community.pages import views  # noqa: E402,F401
