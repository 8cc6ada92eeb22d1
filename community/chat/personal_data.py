"""Chat's part of a member's data (accounts.personal_data): the messages they sent in the
download; on deleting the account, their read places and mutes go, and their messages go
(off the screens of those with the room open) or stay as "Former member"."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from community.accounts.account_deletion import FORMER_MEMBER, Erasure
from community.accounts.models import User
from community.accounts.personal_data import PersonalData, register_personal_data
from community.chat.models import ChatMessage, Room, RoomMute, RoomRead
from community.chat.services import message_json
from community.events import chat_message_updated
from community.extensions import db
from community.unit_of_work import after_commit

# Chat messages newer than this are taken off the screens of members in the room as they go.
RECENT_CHAT = 200


def _export(user: User) -> dict[str, object]:
    rows = db.session.execute(
        select(ChatMessage, Room.name)
        .join(Room, Room.id == ChatMessage.room_id)
        .where(ChatMessage.author_id == user.id)
        .order_by(ChatMessage.id)
    )
    messages = [
        {
            "room": room,
            "created_at": m.created_at,
            "edited_at": m.edited_at,
            "removed_at": m.deleted_at,
            "state": m.state,
            "body": m.body,
        }
        for m, room in rows
    ]
    return {"chat_messages.json": messages}


def _erase(erasure: Erasure) -> None:
    user = erasure.user
    for model in (RoomRead, RoomMute):
        db.session.execute(delete(model).where(model.user_id == user.id))
    if not erasure.keep_posts:
        _erase_messages(user)


def _erase_messages(user: User) -> None:
    """Deleted. Members with the room open see the newest ones go, as with any removal."""
    recent = db.session.scalars(
        select(ChatMessage)
        .where(
            ChatMessage.author_id == user.id,
            ChatMessage.deleted_at.is_(None),
            ChatMessage.state == "published",
        )
        .options(joinedload(ChatMessage.room))
        .order_by(ChatMessage.id.desc())
        .limit(RECENT_CHAT)
    )
    for message in recent:
        removed = {
            **message_json(message),
            "html": "",
            "deleted": True,
            "author": {"username": "", "display_name": FORMER_MEMBER},
        }
        after_commit(chat_message_updated, room_id=message.room_id, message=removed)
    db.session.execute(delete(ChatMessage).where(ChatMessage.author_id == user.id))


register_personal_data(
    PersonalData(
        "chat",
        20,
        files={"chat_messages.json": "Every chat message you sent, with its room."},
        export=_export,
        erase=_erase,
    )
)
