"""Forums: condition and topic groups, threads, replies, reactions, search, notifications."""
from flask import Blueprint

bp = Blueprint("forums", __name__)

from community.forums import views, admin_views, notification_views  # noqa: E402,F401
