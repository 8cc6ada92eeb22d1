"""What every template can use: the header links, roles, and member preferences."""
from __future__ import annotations

from datetime import datetime

from flask import Flask, url_for
from flask_login import current_user

from community.security import has_role

# The header links, in order; a link shows only once its page exists.
NAV_LINKS = [
    ("Groups", "forums.groups"),
    ("Chat", "chat.rooms"),
    ("Resources", "resources.index"),
    ("Diary", "diary.index"),
]


def _format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%-d %b %Y, %H:%M UTC")


def register(app: Flask) -> None:
    @app.context_processor
    def inject():
        theme = text_size = None
        if current_user.is_authenticated:
            theme, text_size = current_user.theme, current_user.text_size
        return {
            "nav_links": [(label, url_for(endpoint)) for label, endpoint in NAV_LINKS
                          if endpoint in app.view_functions],
            "has_role": lambda role: has_role(current_user, role),
            "page_exists": lambda endpoint: endpoint in app.view_functions,
            "theme": theme or "system",
            "text_size": text_size or "normal",
        }

    app.jinja_env.filters["datetime"] = _format_datetime
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
