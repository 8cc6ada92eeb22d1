"""What every template can use: the header links, roles, and member preferences."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, request, url_for
from flask_login import current_user

from community import times
from community.database import utcnow
from community.permissions import can

# The header links, in order; a link shows only once its page exists.
NAV_LINKS = [
    ("Groups", "forums.groups"),
    ("Chat", "chat.rooms"),
    ("Resources", "resources.index"),
    ("Diary", "diary.index"),
]
# On a small screen the rest fold into the Menu button; these stay in sight.
NAV_ALWAYS_SHOWN = {"forums.groups"}


def _format_date(value: datetime | date | None) -> str:
    """A day on the reader's clock, in words for the last two: "today", "yesterday", else "3 Nov 2026"."""
    if value is None:
        return ""
    zone = ZoneInfo(times.reader_zone() or "UTC")
    value = value.astimezone(zone) if isinstance(value, datetime) else value
    days = (utcnow().astimezone(zone).date() - (value.date() if isinstance(value, datetime) else value)).days
    return {0: "today", 1: "yesterday"}.get(days, value.strftime("%-d %b %Y"))


def register(app: Flask) -> None:
    links: dict[str, tuple] = {}  # the header's links by the site's root path: built once

    def header_links() -> tuple:
        found = links.get(request.script_root)
        if found is None:
            found = links[request.script_root] = (
                [(label, url_for(e)) for label, e in NAV_LINKS if e in app.view_functions],
                {url_for(endpoint) for endpoint in NAV_ALWAYS_SHOWN if endpoint in app.view_functions},
            )
        return found

    @app.context_processor
    def inject():
        theme = text_size = None
        if current_user.is_authenticated:
            theme, text_size = current_user.theme, current_user.text_size
        nav_links, nav_kept = header_links()
        return {
            "nav_links": nav_links,
            "nav_kept": nav_kept,
            "can": lambda name, *things: can(current_user, name, *things),
            "page_exists": lambda endpoint: endpoint in app.view_functions,
            "theme": theme or "system",
            "text_size": text_size or "normal",
            "time_zone": times.reader_zone(),
        }

    # "2 hours ago" with the exact time on the reader's clock; "datetime" is the older name.
    app.jinja_env.filters["when"] = app.jinja_env.filters["datetime"] = times.when
    app.jinja_env.filters["clock"] = times.clock
    app.jinja_env.filters["date"] = _format_date
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
