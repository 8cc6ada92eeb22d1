"""The member account and its profile and display preferences."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Index, String, Text, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from community.accounts import standing
from community.database import UTCDateTime, utcnow
from community.extensions import db

RELATIONSHIPS = {
    "pain": "I live with pain",
    "carer": "I care for someone",
    "both": "Both",
}
THEMES = {"system": "Follow my device", "light": "Light", "dark": "Dark"}
TEXT_SIZES = {"normal": "Normal", "large": "Large", "largest": "Largest"}
# A deleted account's row stays as a tombstone under this name (accounts.account_deletion).
FORMER_PREFIX = "former-member-"


def staff_label(role: str) -> str:
    return {"admin": "Admin", "moderator": "Moderator"}.get(role, "")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30))
    # Used only to send password-reset mail; never shown on any page.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="member")
    trusted: Mapped[bool] = mapped_column(default=False)
    # Standing (read only through community.accounts.standing): "active", "silenced" (may
    # read, not write) or "suspended" (may not sign in), until a time or, with None, until a
    # moderator lifts it; the reason is shown to the member.
    standing: Mapped[str] = mapped_column(String(10), default="active")
    standing_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    standing_reason: Mapped[str] = mapped_column(String(500), default="")
    # Posts a moderator approved, or published without review, toward becoming trusted.
    approved_posts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    display_name: Mapped[str] = mapped_column(String(50), default="")
    pronouns: Mapped[str] = mapped_column(String(30), default="")
    relationship: Mapped[str] = mapped_column(String(10), default="")
    conditions: Mapped[str] = mapped_column(String(200), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(Text, default="")

    theme: Mapped[str] = mapped_column(String(10), default="system")
    text_size: Mapped[str] = mapped_column(String(10), default="normal")
    # An IANA zone ("Europe/London") for the times the site prints; "" follows the browser.
    time_zone: Mapped[str] = mapped_column(String(64), default="", server_default="")

    def __repr__(self) -> str:
        return f"<User {self.username}>"

    @property
    def name(self) -> str:
        """What other members see: the display name if set, else the username."""
        return self.display_name or self.username

    @hybrid_property
    def is_former(self) -> bool:
        """A deleted account's tombstone: nobody to mention, and nothing personal shows, not even
        which threads it wrote, so kept posts cannot be gathered into a picture of someone."""
        return self.username.startswith(FORMER_PREFIX)

    @is_former.inplace.expression
    @classmethod
    def _is_former_expression(cls):
        return func.lower(cls.username).startswith(FORMER_PREFIX, autoescape=True)

    @property
    def staff_label(self) -> str:
        """The role shown in words beside the name, so no lookalike can pass as staff."""
        return staff_label(self.role)

    @property
    def condition_list(self) -> list[str]:
        return [c.strip() for c in self.conditions.split(",") if c.strip()]

    @property
    def relationship_label(self) -> str:
        return RELATIONSHIPS.get(self.relationship, "")

    # The sign-in this request belongs to (community.accounts.sessions); not a column.
    login_key = None
    login_session = None

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses to sign in an inactive account; standing decides. (Also what
        is_authenticated returns, so it is asked many times a page: keep it cheap.)"""
        return standing.is_active_member(self)

    def get_id(self) -> str | None:
        """Flask-Login keeps this in the session and remember cookies: the sign-in's key."""
        return self.login_key

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


# Usernames are unique ignoring case ("Maria" and "maria" are one name).
Index("uq_users_username_lower", func.lower(User.username), unique=True)
