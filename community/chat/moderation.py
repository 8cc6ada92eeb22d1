"""Chat messages as moderation sees them: a subject to flag, hold, hide and publish; and a
room for every new forum group."""

from __future__ import annotations

from community import events
from community.chat import services
from community.chat.models import HELD, HIDDEN, PUBLISHED, ChatMessage
from community.database import utcnow
from community.extensions import db
from community.moderation.subjects import SubjectType, register_subject
from community.notifications.services import path_for


def _describe(message: ChatMessage) -> dict:
    return {
        "title": f"Chat message in {message.room.name}",
        "html": message.body_html,
        "content_warning": "",
        "url": path_for("chat.room", slug=message.room.slug) + f"#message-{message.id}",
        "where": f"Chat: {message.room.name}",
        "author": message.author.username,
    }


def _publish(message: ChatMessage) -> None:
    was = message.state
    message.state = PUBLISHED
    if was != PUBLISHED:
        services.announce(events.chat_message if was == HELD else events.chat_message_updated, message)


def _hide(message: ChatMessage, reason: str) -> None:
    was = message.state
    message.state = HIDDEN
    if was == PUBLISHED:
        message.deleted_at = message.deleted_at or utcnow()
        services.announce(events.chat_message_updated, message)


def _can_see(user, message: ChatMessage) -> bool:
    from community.chat import permissions

    return (
        permissions.can_read_room(user, message.room)
        and permissions.can_see_message(user, message)
        and not message.is_deleted
    )


register_subject(
    SubjectType(
        name="chat_message",
        label="chat message",
        find=lambda message_id: db.session.get(ChatMessage, message_id),
        describe=_describe,
        member_id=lambda message: message.author_id,
        can_see=_can_see,
        publish=_publish,
        hide=_hide,
    )
)


@events.group_saved.connect
def _room_for_group(app, group_id: int) -> None:
    services.ensure_rooms()
