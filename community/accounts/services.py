"""Account rules shared by views and the command line."""

from __future__ import annotations

import hashlib
import time

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func

from community import events, limits
from community.accounts import sessions, standing
from community.accounts.models import User
from community.extensions import db
from community.mail import send_later, send_template
from community.names import reserved_name_problem
from community.security import ROLES, external_url, site_url
from community.text import BIO, DISPLAY_NAME, TextRefused, accept_text
from community.unit_of_work import after_commit


class AccountError(ValueError):
    """A rule was broken; the message is for the person who broke it."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class TooManyAttempts(AccountError):
    """A limit on attempts was reached; the view answers 429 and keeps what was typed."""


def find_by_username(username: str) -> User | None:
    return db.session.scalar(db.select(User).where(func.lower(User.username) == username.strip().lower()))


def find_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == email.strip().lower()))


def find_by_login(login: str) -> User | None:
    """A member signs in with either their username or their email."""
    login = login.strip()
    return find_by_email(login) if "@" in login else find_by_username(login)


def create_user(
    username: str,
    email: str,
    password: str,
    role: str = "member",
    trusted: bool = False,
    allow_reserved: bool = False,
) -> User:
    """A new account. Staff-like usernames (community.names) are refused for members; an
    account made with a staff role, or with allow_reserved (operators), may have one."""
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.", "role")
    if role == "member" and not allow_reserved:
        problem = reserved_name_problem(username)
        if problem:
            raise AccountError(problem, "username")
    if find_by_username(username):
        raise AccountError("That username is taken. Please choose another.", "username")
    if find_by_email(email):
        # Said plainly: the address is the member's own, and sign-in already tells.
        raise AccountError("An account already uses that email. You can reset its password.", "email")
    user = User(username=username.strip(), email=email.strip().lower(), role=role, trusted=trusted)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(login: str, password: str) -> User | None:
    user = find_by_login(login)
    if user is None:
        # Spend the same time as a real check so timing does not reveal who is a member.
        User(password_hash=_dummy_hash()).check_password(password)
        return None
    return user if user.check_password(password) else None


_DUMMY: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash made the way real ones are (the configured method), so both checks cost the same."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY:
        from werkzeug.security import generate_password_hash

        _DUMMY[method] = generate_password_hash("not-a-real-password", method=method)
    return _DUMMY[method]


def sign_in(login: str, password: str, address: str) -> User | None:
    """Check a sign-in within the limits; raises TooManyAttempts when one is reached.

    Every attempt from an address (an IPv6 /64) is counted before the password is checked,
    so attempts sent all at once cannot get more checks than the limit; a correct one is
    given back. Failures also count against the account, but only block the addresses they
    came from: once an account has had too many, an address that has not failed on it gets
    one try a minute, after a short wait, within a ceiling per account an hour — so a
    stranger cannot lock a member out, nor guess faster by using many addresses.
    """
    config = current_app.config
    limit = config["LOGIN_FAILURE_LIMIT"]
    if not limits.hit("login-address", address, limit):
        raise TooManyAttempts("Too many sign-in attempts from here.")
    user = find_by_login(login)
    account = f"id:{user.id}" if user else f"name:{login.strip().lower()}"
    from_here = f"{account}|{address}"
    if limits.is_over("login-account", account, limit):
        if (
            limits.has_any("login-failed-from", from_here, limit)
            or not limits.hit("login-new-address", from_here, "1 per minute")
            or not limits.hit("login-new-addresses", account, config["LOGIN_NEW_ADDRESS_LIMIT"])
        ):
            raise TooManyAttempts("Too many failed sign-ins for this account.")
        time.sleep(config["LOGIN_SLOW_DOWN_SECONDS"])
    if authenticate(login, password) is not None:
        limits.refund("login-address", address, limit)
        return user
    limits.hit("login-account", account, limit)
    limits.hit("login-failed-from", from_here, limit)
    return None


def set_role(user: User, role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.", "role")
    user.role = role


def change_password(user: User, password: str) -> None:
    """A new password ends every sign-in, this one too: the view starts a fresh one, so a
    copy of this device's cookie, the reason to change it, opens nothing either."""
    user.set_password(password)
    sessions.end_all(user)


def check_current_password(user: User, password: str) -> bool:
    """The settings page's check, limited so a borrowed session cannot guess the password."""
    limit = current_app.config["PASSWORD_CHECK_LIMIT"]
    if not limits.hit("current-password", str(user.id), limit):
        raise TooManyAttempts(
            "Too many wrong passwords. Please wait a few minutes, then try again.", "current_password"
        )
    if user.check_password(password):
        limits.refund("current-password", str(user.id), limit)
        return True
    return False


def update_profile(user: User, data: dict) -> None:
    """Save the profile. The bio and display name meet the watched words like any post:
    a match to review puts the profile in the moderators' queue (it stays as saved)."""
    try:
        bio = accept_text(data.get("bio"), BIO)
    except TextRefused as error:
        raise AccountError(str(error), "bio") from error
    try:
        name = accept_text(data.get("display_name"), DISPLAY_NAME)
    except TextRefused as error:
        raise AccountError(str(error), "display_name") from error
    for field in ("pronouns", "relationship", "conditions", "theme", "text_size", "time_zone"):
        setattr(user, field, data.get(field) or getattr(User, field).default.arg)
    for field, new, old in (("display_name", name.source, user.display_name), ("bio", bio.source, user.bio)):
        if new != old and not standing.may_write(user):
            # Others read the name beside every post: a silenced member keeps theirs as it is.
            raise AccountError(standing.refusal(user) or "You can't change that now.", field)
    verdicts = (name.verdicts if name.source != user.display_name else frozenset()) | (
        bio.verdicts if bio.source != user.bio else frozenset()
    )
    user.display_name = name.source
    user.bio, user.bio_html = bio.source, bio.html
    if verdicts and user.role == "member":
        from community.moderation import queue  # moderation builds on accounts, not the reverse

        db.session.flush()
        if verdicts & {"crisis", "crisis_hold"}:
            queue.queue_item("user", user.id, "crisis", crisis=True)
        if verdicts - {"crisis"}:
            queue.queue_item("user", user.id, "watched_word")


def request_reset(email: str) -> None:
    """Queue a reset link for `email`. Whether or not it is a member's, the request does the
    same work in the same time: the member is looked up on the mail thread, after the response."""
    if limits.hit("reset-inbox", email.strip().lower(), current_app.config["RESET_INBOX_LIMIT"]):
        after_commit(events.reset_link_requested, email=email, base_url=site_url())


@events.reset_link_requested.connect
def _queue_reset_mail(sender, email: str, base_url: str) -> None:
    send_later(send_reset_link, email, base_url)


def send_reset_link(email: str, base_url: str) -> None:
    """A mail job: the reset link, if the address belongs to a member."""
    user = find_by_email(email)
    if user is None:
        return
    link = external_url("accounts.reset_password", base_url, token=make_reset_token(user))
    send_template(
        user.email, "Reset your Common Ground password", "reset_password", username=user.username, link=link
    )


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
