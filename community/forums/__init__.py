"""Forums: condition and topic groups, threads, replies, reactions and search."""

from flask import Blueprint

bp = Blueprint("forums", __name__)

from community.forums import admin_views, api, list_views, personal_data, thread_views, views  # noqa: E402,F401
