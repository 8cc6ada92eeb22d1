"""Who may see and do what in the forums: every forum view and service asks here."""
from __future__ import annotations

from community.forums.models import Group, Post, Thread
from community.security import has_role


def is_member(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def can_read_group(user, group: Group) -> bool:
    """Members read every group; visitors read public ones. Health stories stay inside."""
    return group.is_public or is_member(user)


def can_read_thread(user, thread: Thread) -> bool:
    return can_read_group(user, thread.group)


def can_post_in_group(user, group: Group) -> bool:
    return is_member(user) and group.archived_at is None


def can_reply(user, thread: Thread) -> bool:
    if not can_post_in_group(user, thread.group):
        return False
    return not thread.locked or has_role(user, "moderator")


def can_edit_post(user, post: Post) -> bool:
    return is_member(user) and post.author_id == user.id and not post.is_deleted and post.thread.group.archived_at is None


def can_delete_post(user, post: Post) -> bool:
    return can_edit_post(user, post)


def can_react(user, post: Post) -> bool:
    return is_member(user) and not post.is_deleted and can_read_thread(user, post.thread)


def can_moderate(user) -> bool:
    """Pin, lock, and read every revision of a post."""
    return has_role(user, "moderator")


def can_manage_groups(user) -> bool:
    return has_role(user, "admin")
