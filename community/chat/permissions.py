"""Who may read a room, write in it, change or remove a message, and moderate chat."""

from __future__ import annotations

from datetime import timedelta

from community.accounts import standing
from community.chat.models import PUBLISHED, ChatMessage, Room
from community.database import utcnow
from community.forums.permissions import can_read_group, is_member
from community.permissions import rule
from community.security import has_role

EDIT_WINDOW = timedelta(minutes=10)


@rule("read_room")
def can_read_room(user, room: Room) -> bool:
    """A group's room is readable by whoever may read the group; the Lounge by members."""
    if room.group is None:
        return is_member(user)
    return can_read_group(user, room.group) and room.group.archived_at is None


@rule("moderate_chat")
def can_moderate_chat(user) -> bool:
    return has_role(user, "moderator") and standing.may_write(user)


@rule("send_message")
def can_send(user, room: Room) -> bool:
    """Members in good standing, in a room they may read that is not locked (moderators
    write in a locked room). A room mute is checked by the service, which can say until when."""
    return (
        standing.may_write(user)
        and can_read_room(user, room)
        and (not room.locked or can_moderate_chat(user))
    )


@rule("edit_message")
def can_edit_message(user, message: ChatMessage) -> bool:
    """Authors edit for ten minutes after sending."""
    return (
        standing.may_write(user)
        and message.author_id == user.id
        and not message.is_deleted
        and utcnow() - message.created_at <= EDIT_WINDOW
    )


@rule("own_message")
def is_own_message(user, message: ChatMessage) -> bool:
    """The viewer wrote it (the room shows their own messages apart)."""
    return is_member(user) and message.author_id == user.id


@rule("delete_message")
def can_delete_message(user, message: ChatMessage) -> bool:
    """Authors delete their messages any time; moderators any message."""
    if message.is_deleted or not is_member(user) or not standing.is_active_member(user):
        return False
    return message.author_id == user.id or can_moderate_chat(user)


def can_see_message(user, message: ChatMessage) -> bool:
    return (
        message.state == PUBLISHED
        or message.author_id == getattr(user, "id", None)
        or can_moderate_chat(user)
    )
