"""The one way to ask "may this member do that?": named rules that each feature registers.

Views ask a rule directly (or through a get_x_or_404 helper), templates through
can("rule", thing), and each feature's permissions.py defines its rules with @rule.
"""

from __future__ import annotations

from collections.abc import Callable

RULES: dict[str, Callable[..., bool]] = {}


def rule(name: str):
    """Register a predicate `(user, *things) -> bool` under a name templates can use."""

    def register(predicate: Callable[..., bool]) -> Callable[..., bool]:
        if name in RULES and RULES[name] is not predicate:
            raise ValueError(f"Two rules are called {name!r}")
        RULES[name] = predicate
        return predicate

    return register


def can(user, name: str, *things) -> bool:
    return bool(RULES[name](user, *things))


def requires(name: str):
    """View decorator for rules about the member alone ("moderate", "manage_groups"):
    visitors are sent to sign in, members the rule refuses get 403."""
    from functools import wraps

    from flask import abort
    from flask_login import current_user

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from community.extensions import login_manager

                return login_manager.unauthorized()
            if not can(current_user, name):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
