"""A member's standing, read in one place: whether they may be signed in, may write, and
are still new. Every feature (forms, Socket.IO events, services) asks these functions
rather than looking at the account's columns; moderation's sanctions set those columns.

A silence or suspension ends by itself when its time passes: nothing needs to run then,
because every check here compares with the clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, has_app_context

from community.database import utcnow

ACTIVE, SILENCED, SUSPENDED = "active", "silenced", "suspended"
# Until they earn it (earns_trust) or an operator or moderator says so (`users create
# --trusted`, or "Trust this member" in /mod/), a new member posts at a gentler pace
# (moderation.pace) and their first posts wait for review (needs_review).


def _setting(name: str, default):
    return current_app.config.get(name, default) if has_app_context() else default


def current(user) -> tuple[str, datetime | None]:
    """(standing, until): a sanction whose time has passed reads as active."""
    state = getattr(user, "standing", ACTIVE) or ACTIVE
    until = getattr(user, "standing_until", None)
    if state != ACTIVE and until is not None and until <= utcnow():
        return ACTIVE, None
    return state, until


def is_suspended(user) -> bool:
    return user is not None and current(user)[0] == SUSPENDED


def is_silenced(user) -> bool:
    return user is not None and current(user)[0] == SILENCED


def is_active_member(user) -> bool:
    """May be signed in at all: an account that exists and is not suspended."""
    return user is not None and getattr(user, "id", None) is not None and not is_suspended(user)


def may_write(user) -> bool:
    """May post, reply, react, flag, chat and send: signed in and in good standing."""
    return bool(getattr(user, "is_authenticated", False)) and is_active_member(user) and not is_silenced(user)


def is_staff(user) -> bool:
    return getattr(user, "role", "member") in ("moderator", "admin")


def is_trusted(user) -> bool:
    return bool(getattr(user, "trusted", False)) or is_staff(user)


def needs_review(user) -> bool:
    """A new member's first posts (NEW_MEMBER_HELD_POSTS, default 3) wait for a moderator."""
    return not is_trusted(user) and user.approved_posts < _setting("NEW_MEMBER_HELD_POSTS", 3)


def earns_trust(user) -> bool:
    """Trusted after TRUST_AFTER_POSTS approved posts and TRUST_AFTER_DAYS days (both 3)."""
    return (
        not is_trusted(user)
        and user.approved_posts >= _setting("TRUST_AFTER_POSTS", 3)
        and utcnow() - user.created_at >= timedelta(days=_setting("TRUST_AFTER_DAYS", 3))
    )


def until_words(until: datetime | None) -> str:
    if until is None:
        return "until a moderator lifts it"
    return f"until {until.strftime('%-d %B %Y at %H:%M')} UTC"


def refusal(user) -> str | None:
    """Why this member may not write now, in words naming when that ends; None if they may."""
    state, until = current(user)
    if state == SILENCED:
        words = f"Your account can read but not post {until_words(until)}."
    elif state == SUSPENDED:
        words = f"Your account is suspended {until_words(until)}."
    else:
        return None
    reason = getattr(user, "standing_reason", "")
    return f"{words} The reason given: {reason}" if reason else words
