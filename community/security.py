"""Cross-cutting security: response headers, host and NUL checks, safe redirects, links
for mail, and the order of roles that each feature's permission rules build on."""

from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request, url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

# Roles in rising order of trust; each includes the ones before it.
ROLES = ("member", "moderator", "admin")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def set_security_headers(response):
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if request.is_secure or (current_app.config.get("BASE_URL") or "").startswith("https://"):
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    # Only real static files may be kept by shared caches; any page (a 404 under /static/
    # too) carries the member's name and CSRF token.
    if request.endpoint == "static" and response.status_code in (200, 304):
        response.headers["Cache-Control"] = "public, max-age=3600"
    else:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


class HostCase:
    """WSGI middleware: host names are case-insensitive, so compare them in lower case
    (TRUSTED_HOSTS would otherwise refuse "Example.org")."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        for key in ("HTTP_HOST", "HTTP_X_FORWARDED_HOST"):
            if key in environ:
                environ[key] = environ[key].lower()
        return self.wsgi_app(environ, start_response)


def refuse_nul_bytes():
    """A NUL byte is never typed by a person, and PostgreSQL refuses it in text: say 400
    before any view passes one to the database. The address is read as sent (the query's
    %00 is its NUL once decoded); a form only when a request can carry one."""
    query = request.query_string
    if "\x00" in request.path or b"%00" in query or b"\x00" in query:
        abort(400)
    if request.method not in ("GET", "HEAD", "OPTIONS") and any(
        "\x00" in key or "\x00" in value for key, value in request.form.items(multi=True)
    ):
        abort(400)


_SCALARS = (str, int, float, bool, type(None))


class VerifiedCookies(SecureCookieSessionInterface):
    """Flask's signed cookie session, with each cookie's signature checked once per process.

    A member's browser sends the same cookie with every page until it changes; checking its
    signature and decoding it again each time was a seventh of the cost of every signed-in
    request. A cookie that verified is kept with its contents and the time it was signed, so
    the session's lifetime still counts from then. Only cookies whose values are all plain
    (no lists that a request might change in place) are kept; others are checked each time."""

    MAX_KEPT = 10_000

    def __init__(self):
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}
        self._verified: dict[str, tuple[dict, int]] = {}
        self._lock = threading.Lock()

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app: Flask, request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        known = self._verified.get(value)
        if known is not None and time.time() - known[1] <= max_age:
            return self.session_class(known[0])
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if all(isinstance(item, _SCALARS) for item in data.values()):
            with self._lock:
                if len(self._verified) >= self.MAX_KEPT:
                    self._verified.clear()
                self._verified[value] = (dict(data), int(signed_at.timestamp()))
        return self.session_class(data)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a path on this site: never another host, scheme or protocol-relative URL."""
    if not target:
        return default
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ord(ch) < 32 for ch in target) or "\\" in target:
        return default
    return target


def site_url() -> str:
    """The site's public address for links in mail: BASE_URL, which production must set
    (create_app refuses to start without it), so a forged Host header never builds a link.
    Only in development and tests does the request's own host stand in."""
    base = current_app.config.get("BASE_URL")
    if base:
        return base.rstrip("/")
    if not (current_app.debug or current_app.testing):
        raise RuntimeError("BASE_URL is not set")
    return request.host_url.rstrip("/")


def external_url(endpoint: str, base_url: str, **values) -> str:
    """An absolute link on `base_url` (from site_url()); works with or without a request."""
    with current_app.test_request_context("/", base_url=base_url):
        return url_for(endpoint, _external=True, **values)


def has_role(user, role: str) -> bool:
    """True when the user holds `role` or a higher one (member < moderator < admin)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return ROLES.index(user.role) >= ROLES.index(role)
