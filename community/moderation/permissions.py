"""Who may review, sanction, keep the watched words, flag and block."""

from __future__ import annotations

from community.accounts import standing
from community.moderation import sanctions, subjects
from community.permissions import rule
from community.security import has_role


@rule("review")
def can_review(user) -> bool:
    """The queue, the audit log and members' histories: moderators and admins in good standing."""
    return has_role(user, "moderator") and standing.may_write(user)


@rule("take_over_item")
def can_take_over(user, item) -> bool:
    """An item another moderator is handling: a reviewer may take it over (it says who had it)."""
    return can_review(user) and item.state == "claimed" and item.claimed_by_id != user.id


@rule("manage_words")
def can_manage_words(user) -> bool:
    return has_role(user, "admin")


@rule("sanction")
def can_sanction(user, member) -> bool:
    return has_role(user, "moderator") and sanctions.may_sanction(user, member)


@rule("flag")
def can_flag(user, subject_type: str, thing) -> bool:
    """Members in good standing flag what they can see and did not write themselves."""
    kind = subjects.SUBJECTS.get(subject_type)
    if kind is None or thing is None or not standing.may_write(user):
        return False
    return kind.member_id(thing) != user.id and kind.can_see(user, thing)


@rule("block")
def can_block(user, other) -> bool:
    """Members block other members; staff can't be blocked (they must be able to reach everyone)."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and other is not None
        and other.id != user.id
        and not standing.is_staff(other)
    )
