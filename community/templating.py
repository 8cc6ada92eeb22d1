"""What every template can use: the header links, roles, and member preferences."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, url_for
from flask_login import current_user

from community.database import utcnow
from community.permissions import can

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


def _format_date(value: datetime | None) -> str:
    """A day, in words for the last two: "today", "yesterday", else "3 Nov 2026"."""
    if value is None:
        return ""
    days = (utcnow().date() - value.date()).days
    return {0: "today", 1: "yesterday"}.get(days, value.strftime("%-d %b %Y"))


def register(app: Flask) -> None:
    @app.context_processor
    def inject():
        theme = text_size = None
        if current_user.is_authenticated:
            theme, text_size = current_user.theme, current_user.text_size
        return {
            "nav_links": [
                (label, url_for(endpoint)) for label, endpoint in NAV_LINKS if endpoint in app.view_functions
            ],
            "can": lambda name, *things: can(current_user, name, *things),
            "page_exists": lambda endpoint: endpoint in app.view_functions,
            "theme": theme or "system",
            "text_size": text_size or "normal",
        }

    app.jinja_env.filters["datetime"] = _format_datetime
    app.jinja_env.filters["date"] = _format_date
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
