"""Text and values from another system, made safe and ours: markup out of names, descriptions
through the text intake, ids that are not UUIDs made stable UUIDs."""

from __future__ import annotations

import html
import re
import uuid
from datetime import date

import bleach

from community.names import strip_invisible

# Ids from other systems that are not UUIDs become uuid5(IMPORT_NAMESPACE, "kind:id").
IMPORT_NAMESPACE = uuid.UUID("d2b7f5f0-3c57-4c1e-8f0e-2a4b6f1c9e77")


# Text and values from outside ----------------------------------------------------------------

_OPENS_TAG = re.compile(r"<(?=[A-Za-z/!?])")


def plain(value, max_length: int | None = None) -> str:
    """One line of plain text from anything: tags and entities gone (repeatedly, so an escaped
    tag cannot come back as a real one), invisible characters gone, trimmed."""
    if value is None or isinstance(value, dict | list):
        return ""
    text = strip_invisible(str(value))
    for _ in range(3):
        if not _OPENS_TAG.search(text) and "&" not in text:
            break
        text = strip_invisible(html.unescape(bleach.clean(text, tags=set(), strip=True)))
    text = _OPENS_TAG.sub("", text)
    return text[:max_length] if max_length else text


def intake_html(value) -> str:
    """A description from outside as Markdown source for the text intake: HSDS descriptions are
    plain text, so tags in one are someone else's markup and are taken out, keeping the words."""
    if value is None or isinstance(value, dict | list):
        return ""
    text = str(value)
    if _OPENS_TAG.search(text):
        text = bleach.clean(text, tags=set(), strip=True)
    return text


def foreign_id(value, kind: str) -> uuid.UUID | None:
    """A UUID as given, or a stable uuid5 of someone else's id; None when there is none."""
    text = plain(value)
    if not text:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        return uuid.uuid5(IMPORT_NAMESPACE, f"{kind}:{text}")


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _get(value, key: str):
    return value.get(key) if isinstance(value, dict) else None


def _country(value) -> str:
    code = plain(value).upper()
    return code if re.fullmatch(r"[A-Z]{2}", code) else ""


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is no place


def _date(value) -> date | None:
    try:
        return date.fromisoformat(plain(value)[:10])
    except ValueError:
        return None
