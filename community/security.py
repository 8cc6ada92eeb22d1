"""Cross-cutting security: response headers, safe redirects and role checks.

Every role check in the app goes through has_role() or role_required(), so the rule
"who may do what" lives here and nowhere else.
"""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, request
from flask_login import current_user

# Roles in rising order of trust; each includes the ones before it.
ROLES = ("member", "moderator", "admin")

CONTENT_SECURITY_POLICY = "; ".join([
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
])


def set_security_headers(response):
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("Cache-Control", "no-store" if not request.path.startswith("/static/") else "public, max-age=3600")
    return response


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


def external_url(endpoint: str, **values) -> str:
    """An absolute link for mail. BASE_URL when set, so a forged Host header cannot
    point a reset link at another site; else the request's own host (development)."""
    from flask import current_app, url_for

    base = current_app.config.get("BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def has_role(user, role: str) -> bool:
    """True when the user holds `role` or a higher one (member < moderator < admin)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return ROLES.index(user.role) >= ROLES.index(role)


def role_required(role: str):
    """View decorator: visitors go to sign in; members without the role get 403."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from community.extensions import login_manager
                return login_manager.unauthorized()
            if not has_role(current_user, role):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
