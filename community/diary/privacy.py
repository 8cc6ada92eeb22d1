"""The one place the diary is read: every query for diary rows goes through `owned`, which
filters by the member asking, and every page through `diary_owner`, which refuses anyone but
a signed-in member (moderators and admins included: a diary is its owner's alone). Another
member's entry is never "forbidden", it is not there: 404, so a diary's existence leaks
nothing either."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from community.accounts import standing
from community.permissions import rule


def is_owner_of(user, row) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and row.owner_id == user.id


@rule("keep_diary")
def can_keep_diary(user) -> bool:
    """Every signed-in member in good standing keeps a diary; a silenced one too (nobody else
    reads it)."""
    return bool(getattr(user, "is_authenticated", False)) and standing.is_active_member(user)


def owned(model, user):
    """SELECT model rows that belong to `user`: the only way diary rows are queried."""
    return select(model).where(model.owner_id == user.id)


def diary_owner():
    """The member whose diary this request may see: the signed-in member, or a 404 (the
    view is behind login_required, so visitors are sent to sign in first)."""
    if not can_keep_diary(current_user):
        abort(404)
    return current_user._get_current_object()
