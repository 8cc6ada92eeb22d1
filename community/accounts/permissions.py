"""Who may do what with accounts: views and templates (through can) ask here."""

from __future__ import annotations

from community.permissions import rule


@rule("edit_profile")
def can_edit_profile(user, member) -> bool:
    """Only the member themselves; moderators act through moderation, not this page."""
    return bool(getattr(user, "is_authenticated", False)) and user.id == member.id
