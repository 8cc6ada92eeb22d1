"""Signed-in devices: one row per sign-in, so any session can be ended on the server.

The session cookie and the "keep me signed in" cookie both carry a random key whose hash
is a row here. Signing out deletes the row, so a copy of either cookie, taken before, opens
nothing afterwards; a new password deletes every other row. We keep a short device label
("Firefox on Windows") and times, never the network address.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache

from flask import current_app, request
from sqlalchemy import ForeignKey, String, bindparam, delete, select, update
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from community import events
from community.accounts import standing
from community.accounts.models import User
from community.database import UTCDateTime, utcnow
from community.extensions import db
from community.unit_of_work import after_commit, commit_if_possible

# How stale "last active" may get before a page view writes it again.
TOUCH_EVERY = timedelta(hours=1)


class LoginSession(db.Model):
    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    device: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def start(user: User, remember: bool) -> str:
    """A new signed-in session for `user`; returns the key Flask-Login stores in its cookies."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.execute(
        delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.expires_at <= now)
    )
    lifetime = current_app.config["REMEMBER_COOKIE_DURATION" if remember else "PERMANENT_SESSION_LIFETIME"]
    row = LoginSession(
        user_id=user.id,
        key_hash=_hash(key),
        remember=remember,
        device=describe_device(request.headers.get("User-Agent", "")),
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
    )
    db.session.add(row)
    db.session.flush()
    user.login_key, user.login_session = key, row
    return key


# Asked before every page a member opens: built once, so each request only runs it (building
# and keying the statement cost more than SQLite took to answer it), on first use rather than
# on import (a loader option configures every mapper).
# Values other features load with the member, as (column made from the member's id, what to
# do with its value): one statement before each page rather than one each. Notifications'
# header count is one.
_loaded_with: list[tuple[Callable, Callable]] = []


def load_with_member(column: Callable, keep: Callable) -> None:
    _loaded_with.append((column, keep))
    _by_key.cache_clear()


@cache
def _by_key():
    return (
        select(LoginSession, *(column(LoginSession.user_id) for column, _ in _loaded_with))
        .where(LoginSession.key_hash == bindparam("key_hash"))
        .options(joinedload(LoginSession.user))
    )


def load(key: str) -> User | None:
    """The member a cookie's key belongs to, while that sign-in is still open."""
    if not key or len(key) > 100:
        return None
    now = utcnow()
    row, *values = db.session.execute(_by_key(), {"key_hash": _hash(key)}).first() or (None,)
    if row is None or row.expires_at <= now or not standing.is_active_member(row.user):
        return None
    for (_, keep), value in zip(_loaded_with, values, strict=True):
        keep(value)
    if now - row.last_seen_at > TOUCH_EVERY:
        # One small write an hour, for "last active" in the list of devices.
        db.session.execute(update(LoginSession).where(LoginSession.id == row.id).values(last_seen_at=now))
        commit_if_possible("when a device was last active")
    user = row.user
    user.login_key, user.login_session = key, row
    return user


def end(row: LoginSession) -> None:
    """End one sign-in; its live connections (chat) close once this commits."""
    db.session.execute(delete(LoginSession).where(LoginSession.id == row.id))
    after_commit(events.sessions_ended, user_id=row.user_id, session_ids=[row.id])


def end_all(user: User, keep: LoginSession | None = None) -> int:
    """Sign `user` out everywhere, except on `keep` when given; returns how many ended.
    Sign-out everywhere, a new password, a suspension: each comes here, and the member's
    live connections on those sign-ins close once this commits, in every process."""
    query = select(LoginSession.id).where(LoginSession.user_id == user.id)
    if keep is not None:
        query = query.where(LoginSession.id != keep.id)
    ids = list(db.session.scalars(query))
    if ids:
        db.session.execute(delete(LoginSession).where(LoginSession.id.in_(ids)))
        after_commit(events.sessions_ended, user_id=user.id, session_ids=ids)
    return len(ids)


def for_user(user: User) -> list[LoginSession]:
    now = utcnow()
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(LoginSession.user_id == user.id, LoginSession.expires_at > now)
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        )
    )


# A device label from the User-Agent header: enough for a member to recognise their own
# phone or laptop in the list, and nothing more is kept.
_BROWSERS = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    (re.compile(r"iPhone|iPod"), "iPhone"),
    (re.compile(r"iPad"), "iPad"),
    (re.compile(r"Android"), "Android"),
    (re.compile(r"CrOS"), "ChromeOS"),
    (re.compile(r"Windows"), "Windows"),
    (re.compile(r"Mac OS X|Macintosh"), "Mac"),
    (re.compile(r"Linux|X11"), "Linux"),
]


def describe_device(user_agent: str) -> str:
    user_agent = user_agent[:500]
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), "")
    system = next((name for pattern, name in _SYSTEMS if pattern.search(user_agent)), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "An unknown browser"
