"""Notifications: one record for every kind, the header count, /notifications and settings.

Features register their kinds (community.notifications.kinds) and call services.notify();
this package knows nothing of forums, chat or moderation.
"""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from community.accounts import sessions  # noqa: E402
from community.notifications import (  # noqa: E402,F401  (routes register on import)
    personal_data,
    services,  # noqa: E402
    views,
)

# The header's unread count is loaded with the member's sign-in, before every page.
sessions.load_with_member(services.unread_count_column, services.remember_unread_count)
