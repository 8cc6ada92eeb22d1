"""Deleting an account for real. The diary, profile and settings are erased; posts and chat
messages are erased or kept as "Former member" (the member chooses); their names leave
moderation's records (review snapshots and history, the audit log through its one sanctioned
scrub). The account row stays as an anonymous tombstone nobody can sign in to, so threads,
chat and the log keep their shape. Everything is one unit of work: the view commits once.

Each feature scrubs and erases its own records (its part in accounts.personal_data); this
module runs the parts in order, and does what is the account's own: sign-ins and the row.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field

from sqlalchemy import Text, cast, func, or_, select

from community.accounts import personal_data, sessions
from community.accounts.models import FORMER_PREFIX, User
from community.extensions import db

# What stands where the member was: for their name, and as the title of a thread they started
# that stays for others' replies.
FORMER_MEMBER = "Former member"
REMOVED_TITLE = "A thread from a former member"


class DeletionRefused(ValueError):
    """The account cannot be deleted as things stand; the message says why and what to do."""


@dataclass
class Erasure:
    """One account's deletion, as each part's scrub and erase see it: whose it is, whether
    what they wrote stays, and their names (read before anything changed)."""

    user: User
    keep_posts: bool
    names: list[str]
    pattern: re.Pattern = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.pattern = re.compile(
            r"(?<!\w)(?:"
            + "|".join(re.escape(n) for n in sorted(self.names, key=len, reverse=True))
            + r")(?!\w)",
            re.IGNORECASE,
        )

    def scrub(self, value):
        """`value` (text, or JSON made of dicts and lists) with each of the names replaced."""
        if isinstance(value, str):
            return self.pattern.sub(FORMER_MEMBER, value)
        if isinstance(value, list):
            return [self.scrub(item) for item in value]
        if isinstance(value, dict):
            return {key: self.scrub(item) for key, item in value.items()}
        return value

    def may_name(self, column):
        """A SQL test that may be true of text naming the member (JSON escapes included); the
        exact match is then made in Python, by `scrub`."""
        text = func.lower(cast(column, Text))
        variants = {v.lower() for n in self.names for v in (n, json.dumps(n)[1:-1])}
        return or_(*(text.contains(v, autoescape=True) for v in variants))


def deletion_refusal(user: User) -> str | None:
    if user.role == "admin":
        admins = db.session.scalar(select(func.count()).select_from(User).where(User.role == "admin"))
        if admins <= 1:
            return (
                "You are the only admin, so the site would have nobody to run it. Make another "
                "member an admin first (flask users set-role NAME admin); then you can delete your account."
            )
    return None


def delete_account(user: User, keep_posts: bool) -> None:
    """Everything in one unit of work; the caller commits, then signs the browser out. Their
    sign-ins end now, and their chat sockets close once this commits (events.sessions_ended)."""
    refusal = deletion_refusal(user)
    if refusal:
        raise DeletionRefused(refusal)
    erasure = Erasure(user, keep_posts, [n for n in {user.username, user.display_name, user.email} if n])
    sessions.end_all(user)
    parts = personal_data.parts()
    # Every scrub before any erase, while every record still says whose it is.
    for part in parts:
        if part.scrub:
            part.scrub(erasure)
    for part in parts:
        if part.erase:
            part.erase(erasure)
    _make_tombstone(user)
    db.session.flush()


def _make_tombstone(user: User) -> None:
    """The row stays, so threads, chat and the log still have an author to point at; nothing
    in it is the member's any more, and nobody can sign in to it."""
    tag = secrets.token_hex(6)
    user.username = f"{FORMER_PREFIX}{tag}"
    user.email = f"{FORMER_PREFIX}{tag}@deleted.invalid"  # .invalid can never receive mail
    user.password_hash = "!"  # no password hashes to this: check_password is always False
    user.role, user.trusted, user.approved_posts = "member", False, 0
    user.standing, user.standing_until, user.standing_reason = "active", None, ""
    user.display_name = FORMER_MEMBER
    user.pronouns = user.relationship = user.conditions = user.bio = user.bio_html = ""
    user.theme, user.text_size = "system", "normal"
