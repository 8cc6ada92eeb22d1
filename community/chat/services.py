"""Chat rules: rooms, messages stored before they are sent, history, edits, deletions,
mutes, locks, and the flood limit. Services flush; the event or view commits once, and the
broadcasts are named events sent after that commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from community import events, limits
from community.accounts import standing
from community.chat import permissions
from community.chat.models import HELD, HIDDEN, LOUNGE, PUBLISHED, ChatMessage, Room, RoomMute, RoomRead
from community.database import insert_once, utcnow
from community.extensions import db
from community.forums.models import Group
from community.moderation import audit, queue, sanctions
from community.text import CHAT_MESSAGE, TextRefused, accept_text
from community.unit_of_work import after_commit

PAGE = 50
CATCH_UP_MAX = 1_000  # messages a reconnecting client is sent at most
CLIENT_ID_MAX = 64


class ChatError(ValueError):
    """Refused, with a code from the /chat protocol and words for the member."""

    def __init__(self, code: str, message: str, keep: bool = False):
        super().__init__(message)
        self.code = code
        self.keep = keep  # what the unit of work did so far stands (a silence for flooding)


# Rooms -----------------------------------------------------------------------------------


def ensure_rooms() -> int:
    """The Lounge, and a room for every forum group that has none (idempotent)."""
    made = 0
    if db.session.scalar(select(Room.id).where(Room.slug == LOUNGE)) is None:
        db.session.add(Room(slug=LOUNGE, name="Lounge", position=-1))
        made += 1
    have = set(db.session.scalars(select(Room.group_id).where(Room.group_id.is_not(None))))
    for group in db.session.scalars(select(Group).order_by(Group.position)):
        if group.id not in have:
            db.session.add(
                Room(slug=_free_slug(group.slug), name=group.name, group_id=group.id, position=group.position)
            )
            made += 1
    db.session.flush()
    return made


def _free_slug(slug: str) -> str:
    return slug if slug != LOUNGE else f"{slug}-group"


def room_by_slug(slug: str) -> Room | None:
    return db.session.scalar(select(Room).where(Room.slug == slug).options(joinedload(Room.group)))


def rooms_for(user) -> list[Room]:
    rooms = db.session.scalars(
        select(Room).options(joinedload(Room.group)).order_by(Room.position, Room.name)
    )
    return [room for room in rooms if permissions.can_read_room(user, room)]


# Messages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    message: ChatMessage
    new: bool  # False: a resend of a message already stored
    held: bool = False
    crisis: bool = False


def mute_until(user, room: Room):
    mute = db.session.get(RoomMute, (room.id, user.id))
    return mute.until if mute is not None and mute.until > utcnow() else None


def check_may_send(user, room: Room) -> None:
    """Every refusal in words, naming when a sanction ends."""
    refusal = standing.refusal(user)
    if refusal:
        raise ChatError("silenced", refusal)
    if not permissions.can_read_room(user, room):
        raise ChatError("forbidden", "You can't write in this room.")
    if room.locked and not permissions.can_moderate_chat(user):
        raise ChatError("forbidden", "A moderator has paused this room for now. You can still read it.")
    until = mute_until(user, room)
    if until is not None:
        raise ChatError(
            "silenced",
            f"A moderator muted you in this room until {until.strftime('%H:%M')} UTC. You can still read.",
        )


def flood_check(user) -> None:
    """Messages a member may send in 30 seconds (new members 20, trusted 40; moderators
    without limit). Going over again and again silences for 10 minutes and tells moderators."""
    if standing.is_staff(user):
        return
    config = current_app.config
    limit = config["CHAT_TRUSTED_LIMIT" if standing.is_trusted(user) else "CHAT_NEW_LIMIT"]
    if limits.hit("chat-send", str(user.id), limit):
        return
    if not limits.hit("chat-flood", str(user.id), config["CHAT_FLOOD_STRIKES"]):
        sanctions.silence_for_flooding(user)
        # The silence and its review item stand although this send is refused: the event or
        # view commits instead of rolling back (send() checks the flood before storing anything).
        raise ChatError("silenced", standing.refusal(user) or "You are sending too fast.", keep=True)
    raise ChatError("rate_limited", "You are sending very quickly. Please wait a little, then send again.")


def send(user, room: Room, body, client_id) -> Sent:
    """Store a message (or find the one this client_id already stored) before anything is sent."""
    if not isinstance(client_id, str) or not 0 < len(client_id) <= CLIENT_ID_MAX:
        raise ChatError("invalid", "This message is missing its id. Please reload the page.")
    existing = _by_client_id(user, room, client_id)
    if existing is not None:
        return Sent(existing, new=False, held=existing.state == HELD)
    check_may_send(user, room)
    flood_check(user)
    try:
        accepted = accept_text(body if isinstance(body, str) else None, CHAT_MESSAGE)
    except TextRefused as error:
        raise ChatError("invalid", str(error)) from error
    message = ChatMessage(
        room_id=room.id, author_id=user.id, client_id=client_id, body=accepted.source, body_html=accepted.html
    )
    try:
        with db.session.begin_nested():  # the same client_id twice at once: one is stored
            db.session.add(message)
            db.session.flush()
    except IntegrityError:
        found = _by_client_id(user, room, client_id)
        return Sent(found, new=False, held=found.state == HELD)
    held, crisis = _review(message, accepted.verdicts, user)
    if message.state == PUBLISHED:
        announce(events.chat_message, message)
    return Sent(message, new=True, held=held, crisis=crisis)


def _by_client_id(user, room: Room, client_id: str) -> ChatMessage | None:
    return db.session.scalar(
        select(ChatMessage).where(
            ChatMessage.room_id == room.id,
            ChatMessage.author_id == user.id,
            ChatMessage.client_id == client_id,
        )
    )


def _review(message: ChatMessage, verdicts: frozenset[str], author) -> tuple[bool, bool]:
    """Watched words and crisis phrases, as for posts: hold waits for a moderator (only its
    author sees it), crisis puts an urgent item first."""
    if standing.is_staff(author) or not verdicts:
        return False, False
    crisis = bool(verdicts & {"crisis", "crisis_hold"})
    held = bool(verdicts & {"hold", "crisis_hold"})
    if held:
        message.state = HELD
        reason = "crisis_hold" if "crisis_hold" in verdicts else "watched_word"
        queue.queue_item("chat_message", message.id, reason, held=True, crisis=reason == "crisis_hold")
    if "crisis" in verdicts:
        queue.queue_item("chat_message", message.id, "crisis", crisis=True)
    if "flag" in verdicts:
        queue.queue_item("chat_message", message.id, "watched_word")
    return held, crisis


def visible(viewer):
    """Messages a reader sees in the list: published ones, and their own held ones."""
    if permissions.can_moderate_chat(viewer):
        return ChatMessage.state != HIDDEN
    return (ChatMessage.state == PUBLISHED) | (
        (ChatMessage.state == HELD) & (ChatMessage.author_id == viewer.id)
    )


def _messages(query) -> list[ChatMessage]:
    return list(db.session.scalars(query.options(joinedload(ChatMessage.author))))


def latest(room: Room, viewer, limit: int = PAGE) -> list[ChatMessage]:
    rows = _messages(
        select(ChatMessage)
        .where(ChatMessage.room_id == room.id, visible(viewer))
        .order_by(ChatMessage.id.desc())
        .limit(limit)
    )
    return rows[::-1]


def latest_public(room: Room, limit: int = PAGE) -> list[ChatMessage]:
    """For a visitor reading a public group's room."""
    rows = _messages(
        select(ChatMessage)
        .where(ChatMessage.room_id == room.id, ChatMessage.state == PUBLISHED)
        .order_by(ChatMessage.id.desc())
        .limit(limit)
    )
    return rows[::-1]


def since(room: Room, viewer, since_id: int) -> list[ChatMessage]:
    """Exactly what a reconnecting client missed, in order (deleted ones as tombstones, so
    its copies update too)."""
    return _messages(
        select(ChatMessage)
        .where(ChatMessage.room_id == room.id, ChatMessage.id > since_id, visible(viewer))
        .order_by(ChatMessage.id)
        .limit(CATCH_UP_MAX)
    )


def before(room: Room, viewer, before_id: int) -> list[ChatMessage]:
    rows = _messages(
        select(ChatMessage)
        .where(ChatMessage.room_id == room.id, ChatMessage.id < before_id, visible(viewer))
        .order_by(ChatMessage.id.desc())
        .limit(PAGE)
    )
    return rows[::-1]


def message_for(user, message_id) -> ChatMessage:
    if not isinstance(message_id, int) or isinstance(message_id, bool) or not 0 < message_id <= 2_147_483_647:
        raise ChatError("invalid", "That is not a message.")
    message = db.session.get(ChatMessage, message_id)
    if (
        message is None
        or not permissions.can_read_room(user, message.room)
        or not permissions.can_see_message(user, message)
    ):
        raise ChatError("not_found", "That message is not here any more.")
    return message


def edit(user, message: ChatMessage, body) -> None:
    if not permissions.can_edit_message(user, message):
        refusal = standing.refusal(user)
        raise ChatError(
            "silenced" if refusal else "forbidden",
            refusal
            or (
                "You can only change your own messages."
                if message.author_id != user.id
                else "Messages can be changed for 10 minutes after sending."
            ),
        )
    try:
        accepted = accept_text(body if isinstance(body, str) else None, CHAT_MESSAGE)
    except TextRefused as error:
        raise ChatError("invalid", str(error)) from error
    was = message.state
    message.body, message.body_html, message.edited_at = accepted.source, accepted.html, utcnow()
    _review(message, accepted.verdicts, user)
    if message.state == PUBLISHED:
        announce(events.chat_message_updated, message)
    elif was == PUBLISHED:
        # The new words wait for a moderator (the ack shows them to the author): until then
        # the room sees the message go, and a held message's words never reach the room.
        db.session.flush()
        removed = {**message_json(message), "html": "", "deleted": True}
        after_commit(events.chat_message_updated, room_id=message.room_id, message=removed)


def delete(user, message: ChatMessage) -> None:
    if not permissions.can_delete_message(user, message):
        raise ChatError("forbidden", "You can't remove that message.")
    message.deleted_at, message.deleted_by_id = utcnow(), user.id
    if message.author_id != user.id:
        audit.record(user, "chat_delete", subject=("chat_message", message.id), member=message.author)
    announce(events.chat_message_updated, message)


def announce(event, message: ChatMessage) -> None:
    """Broadcast a message (new or changed) to its room once this unit of work commits. The
    words go with the event: nothing may read the database while a commit finishes."""
    db.session.flush()
    after_commit(event, room_id=message.room_id, message=message_json(message))


def message_json(message: ChatMessage) -> dict:
    """A message as the /chat protocol sends it (a deleted one keeps no words)."""
    deleted = message.is_deleted
    return {
        "id": message.id,
        "room": message.room.slug,
        "author": {"username": message.author.username, "display_name": message.author.name},
        "html": "" if deleted else message.body_html,
        "created_at": message.created_at.isoformat(),
        "client_id": message.client_id,
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": deleted,
        "held": message.state == HELD,
    }


def mark_read(user, room: Room, last_id: int) -> bool:
    """Move the member's read position forward to last_id (never back): one UPDATE when the
    position is there, as it is for anyone who has been in the room (each send does this)."""
    moved = db.session.execute(
        update(RoomRead)
        .where(RoomRead.user_id == user.id, RoomRead.room_id == room.id, RoomRead.last_read_id < last_id)
        .values(last_read_id=last_id)
    ).rowcount
    if moved:
        return True
    return insert_once(RoomRead, user_id=user.id, room_id=room.id, last_read_id=last_id)


def last_read(user, room: Room) -> int:
    read = db.session.get(RoomRead, (user.id, room.id))
    return read.last_read_id if read else 0


def newest_id(room: Room) -> int:
    return db.session.scalar(select(func.max(ChatMessage.id)).where(ChatMessage.room_id == room.id)) or 0


# Moderation in rooms ---------------------------------------------------------------------

MUTE_MINUTES = {10: "10 minutes", 60: "1 hour", 1440: "1 day"}


def mute(moderator, room: Room, member, minutes: int, reason: str = "") -> None:
    if not permissions.can_moderate_chat(moderator) or not sanctions.may_sanction(moderator, member):
        raise ChatError("forbidden", "You can't mute that member.")
    if minutes not in MUTE_MINUTES:
        raise ChatError("invalid", "Please choose how long.")
    until = utcnow() + timedelta(minutes=minutes)
    found = db.session.get(RoomMute, (room.id, member.id))
    if found is None:
        db.session.add(RoomMute(room_id=room.id, user_id=member.id, until=until, by_id=moderator.id))
    else:
        found.until, found.by_id = until, moderator.id
    audit.record(
        moderator, "chat_mute", subject=("chat_room", room.id), member=member, reason=reason, minutes=minutes
    )
    after_commit(
        events.chat_notice, user_id=member.id, kind="muted", room_id=room.id, until=until.isoformat()
    )


def set_locked(moderator, room: Room, locked: bool) -> None:
    if not permissions.can_moderate_chat(moderator):
        raise ChatError("forbidden", "Only moderators can pause a room.")
    room.locked = locked
    audit.record(moderator, "chat_lock" if locked else "chat_unlock", subject=("chat_room", room.id))
    after_commit(events.chat_room_changed, room_id=room.id, slug=room.slug, locked=locked)


def end_and_refer(moderator, room: Room, member, note: str = "") -> None:
    """End a conversation kindly: the member gets the crisis lines as a notice, a moderator's
    note stays in the log."""
    if not permissions.can_moderate_chat(moderator) or not sanctions.may_sanction(moderator, member):
        raise ChatError("forbidden", "You can't do that for this member.")
    audit.record(moderator, "chat_refer", subject=("chat_room", room.id), member=member, reason=note)
    after_commit(events.chat_notice, user_id=member.id, kind="referred", room_id=room.id, until=None)
