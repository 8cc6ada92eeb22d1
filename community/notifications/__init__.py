"""Notifications: one record for every kind, the header count, /notifications and settings.

Features register their kinds (community.notifications.kinds) and call services.notify();
this package knows nothing of forums, chat or moderation.
"""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from community.notifications import personal_data, views  # noqa: E402,F401  (routes register on import)
