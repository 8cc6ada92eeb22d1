"""Account rules shared by views and the command line."""
from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func

from community.accounts.models import User
from community.security import ROLES
from community.content import render_markdown
from community.extensions import db


class AccountError(ValueError):
    """A rule was broken; the message is for the person who broke it."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def find_by_username(username: str) -> User | None:
    return db.session.scalar(db.select(User).where(func.lower(User.username) == username.strip().lower()))


def find_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == email.strip().lower()))


def find_by_login(login: str) -> User | None:
    """A member signs in with either their username or their email."""
    login = login.strip()
    return find_by_email(login) if "@" in login else find_by_username(login)


def create_user(username: str, email: str, password: str, role: str = "member", trusted: bool = False) -> User:
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.", "role")
    if find_by_username(username):
        raise AccountError("That username is taken. Please choose another.", "username")
    if find_by_email(email):
        # Said plainly: the address is the member's own, and sign-in already tells.
        raise AccountError("An account already uses that email. You can reset its password.", "email")
    user = User(username=username.strip(), email=email.strip().lower(), role=role, trusted=trusted)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(login: str, password: str) -> User | None:
    user = find_by_login(login)
    if user is None:
        # Spend the same time as a real check so timing does not reveal who is a member.
        User(password_hash=_dummy_hash()).check_password(password)
        return None
    return user if user.check_password(password) else None


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY:
        from werkzeug.security import generate_password_hash
        _DUMMY.append(generate_password_hash("not-a-real-password", method="scrypt"))
    return _DUMMY[0]


def set_role(user: User, role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.", "role")
    user.role = role
    db.session.commit()


def change_password(user: User, password: str) -> None:
    user.set_password(password)
    db.session.commit()


def update_profile(user: User, data: dict) -> None:
    for field in ("display_name", "pronouns", "relationship", "conditions", "theme", "text_size"):
        setattr(user, field, data.get(field) or getattr(User, field).default.arg)
    user.bio = data.get("bio") or ""
    user.bio_html = render_markdown(user.bio)
    db.session.commit()


# Password reset: the token carries a fingerprint of the current password hash, so it
# stops working the moment the password changes (single use) or after an hour.

def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def make_reset_token(user: User) -> str:
    return _reset_serializer().dumps({"id": user.id, "fp": _fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("id")) if isinstance(data.get("id"), int) else None
    if user is None or data.get("fp") != _fingerprint(user):
        return None
    return user
