"""The /chat Socket.IO namespace (../shared/INTERFACES.md is the contract).

Each event runs as one unit of work: the member is read afresh from the database (a
sanction, a sign-out or a new room rule counts at once), the payload is checked, the
service flushes, the event commits once, and broadcasts go out after the commit (the
receivers at the end of this module), through Redis to every process when configured.
Every acknowledgement is {"ok": true, ...} or {"ok": false, "code", "error"}; nothing a
client sends can raise out of a handler.
"""

from __future__ import annotations

import functools
import logging

from flask import current_app, request
from flask_login import current_user
from flask_socketio import disconnect, emit, join_room, leave_room

from community import events, unit_of_work
from community.accounts import standing
from community.chat import connections, permissions, services
from community.chat.services import ChatError
from community.extensions import db, socketio
from community.moderation import flags
from community.moderation.crisis import countries_for_member

NAMESPACE = "/chat"
log = logging.getLogger(__name__)


def _room_key(room_id: int) -> str:
    return f"room:{room_id}"


def _member_key(member_id: int) -> str:
    return f"member:{member_id}"


STAFF_ROOM = "staff"


def _refused(code: str, error: str) -> dict:
    return {"ok": False, "code": code, "error": error}


def handler(name: str):
    """Register a /chat event: a fresh member and one commit; any failure an ack, never a traceback."""

    def decorate(function):
        @functools.wraps(function)
        def run(payload=None, *extra):  # a client may send any number of arguments
            try:
                user = _fresh_member()
                if user is None:
                    disconnect()
                    return _refused("forbidden", "Please sign in again.")
                if extra or not isinstance(payload, dict):
                    return _refused("invalid", "That request was not understood.")
                answer = function(user, {key: _storable(value) for key, value in payload.items()})
                unit_of_work.commit()
                return answer
            except ChatError as error:
                unit_of_work.commit() if error.keep else unit_of_work.rollback()
                return _refused(error.code, str(error))
            except Exception:  # a bad payload must never become a traceback for the client
                unit_of_work.rollback()
                log.exception("Chat event %s failed", name)
                return _refused("invalid", "Something went wrong with that request. Please try again.")
            finally:
                db.session.remove()

        socketio.on_event(name, run, namespace=NAMESPACE)
        return function

    return decorate


def _storable(value):
    """A string as a database can hold it. JSON can carry a lone surrogate (UTF-8 cannot)
    and a NUL (PostgreSQL refuses it): the surrogate becomes U+FFFD, the NUL goes, as the
    text intake drops control characters. Other values pass as they are, for the checks."""
    if not isinstance(value, str):
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value.replace("\x00", "")


def _fresh_member():
    """The member behind this socket, read again now: sign-outs and sanctions count at once."""
    db.session.expire_all()
    if not current_user.is_authenticated:
        return None
    user = db.session.get(type(current_user._get_current_object()), current_user.id)
    if user is None or not standing.is_active_member(user):
        return None
    return user


def _room(user, slug):
    if not isinstance(slug, str) or len(slug) > 60:
        raise ChatError("invalid", "Please name a room.")
    room = services.room_by_slug(slug)
    if room is None or not permissions.can_read_room(user, room):
        raise ChatError("not_found", "There is no such room.")
    return room


def _int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2_147_483_647:
        raise ChatError("invalid", f"{name} must be a whole number.")
    return value


# Connecting ------------------------------------------------------------------------------


@socketio.on("connect", namespace=NAMESPACE)
def on_connect(auth=None):
    """Members only (SocketGate refuses others before the handshake; this is the second look)."""
    if not current_user.is_authenticated or not standing.is_active_member(current_user):
        return False
    login = getattr(current_user, "login_session", None)
    connections.store().add_sid(current_user.id, request.sid, login.id if login else 0)
    request.environ["community.chat.member_id"] = current_user.id
    join_room(_member_key(current_user.id))
    if permissions.can_moderate_chat(current_user):
        join_room(STAFF_ROOM)
    db.session.remove()
    return True


@socketio.on("disconnect", namespace=NAMESPACE)
def on_disconnect(*args):
    """No database here: a socket may close while a sign-out commits."""
    member_id = request.environ.get("community.chat.member_id")
    store = connections.store()
    for room_id, slug, username in _joined():
        store.leave(room_id, username)
        _announce_presence(room_id, slug)
    _joined().clear()
    if member_id is not None:
        store.remove_sid(member_id, request.sid)


# Rooms this socket joined (per connection, in the socket's own environ): (id, slug, username).
def _joined() -> list[tuple[int, str, str]]:
    return request.environ.setdefault("community.chat.joined", [])


def _announce_presence(room_id: int, slug: str) -> None:
    """Tell the room who is online: at once, or gathered with the changes of the next moment
    (CHAT_PRESENCE_INTERVAL; connections.PresenceTimer)."""
    store, timer = connections.store(), connections.presence_timer()
    wait = timer.claim(room_id, current_app.config["CHAT_PRESENCE_INTERVAL"])
    if wait == 0:
        _send_presence(store, room_id, slug)
    elif wait is not None:
        socketio.start_background_task(_send_presence_later, store, timer, room_id, slug, wait)


def _send_presence_later(store, timer, room_id: int, slug: str, wait: float) -> None:
    socketio.sleep(wait)
    timer.sending(room_id)
    try:
        _send_presence(store, room_id, slug)
    except Exception:  # Redis away for a moment: the next change sends presence again
        log.warning("Chat presence for room %s could not be sent", room_id, exc_info=True)


def _send_presence(store, room_id: int, slug: str) -> None:
    online = {"room": slug, "online": store.online(room_id)}
    socketio.emit("presence", online, to=_room_key(room_id), namespace=NAMESPACE)


@handler("join")
def on_join(user, payload):
    room = _room(user, payload.get("room"))
    since_id = payload.get("since_id")
    if since_id is not None:
        messages = services.since(room, user, _int(since_id, "since_id"))
    else:
        messages = services.latest(room, user)
    joined = _joined()
    if (room.id, room.slug, user.username) not in joined:
        joined.append((room.id, room.slug, user.username))
        join_room(_room_key(room.id))
        connections.store().enter(room.id, user.username)
        _announce_presence(room.id, room.slug)
    if messages:
        services.mark_read(user, room, messages[-1].id)
    return {
        "ok": True,
        "messages": [services.message_json(m) for m in messages],
        "online": connections.store().online(room.id),
        "locked": room.locked,
    }


@handler("leave")
def on_leave(user, payload):
    room = _room(user, payload.get("room"))
    joined = _joined()
    if (room.id, room.slug, user.username) in joined:
        joined.remove((room.id, room.slug, user.username))
        leave_room(_room_key(room.id))
        connections.store().leave(room.id, user.username)
        _announce_presence(room.id, room.slug)
    return {"ok": True}


@handler("send")
def on_send(user, payload):
    room = _room(user, payload.get("room"))
    sent = services.send(user, room, payload.get("body"), payload.get("client_id"))
    services.mark_read(user, room, sent.message.id)
    db.session.flush()
    if sent.crisis:
        emit("notice", _crisis_notice())
    return {"ok": True, "message": services.message_json(sent.message)}


@handler("history")
def on_history(user, payload):
    room = _room(user, payload.get("room"))
    before_id = _int(payload.get("before_id"), "before_id")
    return {
        "ok": True,
        "messages": [services.message_json(m) for m in services.before(room, user, before_id)],
    }


@handler("typing")
def on_typing(user, payload):
    room = _room(user, payload.get("room"))
    if permissions.can_send(user, room) and services.mute_until(user, room) is None:
        emit(
            "typing",
            {"room": room.slug, "username": user.username},
            to=_room_key(room.id),
            include_self=False,
        )
    return {"ok": True}


@handler("edit")
def on_edit(user, payload):
    message = services.message_for(user, payload.get("id"))
    services.edit(user, message, payload.get("body"))
    return {"ok": True, "message": services.message_json(message)}


@handler("delete")
def on_delete(user, payload):
    message = services.message_for(user, payload.get("id"))
    services.delete(user, message)
    return {"ok": True, "message": services.message_json(message)}


@handler("flag")
def on_flag(user, payload):
    message = services.message_for(user, payload.get("id"))
    if message.author_id == user.id or not standing.may_write(user):
        refusal = standing.refusal(user)
        raise ChatError("silenced" if refusal else "forbidden", refusal or "You can't flag your own message.")
    note = payload.get("note") or ""
    if not isinstance(note, str) or not isinstance(payload.get("reason"), str):
        raise ChatError("invalid", "Please choose a reason.")
    try:
        new = flags.flag(user, "chat_message", message.id, payload["reason"], note)
    except flags.FlagError as error:
        raise ChatError("invalid", str(error)) from error
    return {
        "ok": True,
        "already": not new,
        "message": "Thank you for telling us. A moderator will look at it.",
    }


# Moderators -------------------------------------------------------------------------------


def _member_named(username):
    from community.accounts.services import find_by_username

    member = find_by_username(username) if isinstance(username, str) and len(username) <= 30 else None
    if member is None:
        raise ChatError("not_found", "There is no member with that name.")
    return member


@handler("mute")
def on_mute(user, payload):
    room = _room(user, payload.get("room"))
    services.mute(user, room, _member_named(payload.get("username")), _int(payload.get("minutes"), "minutes"))
    return {"ok": True}


@handler("lock")
def on_lock(user, payload):
    room = _room(user, payload.get("room"))
    services.set_locked(user, room, bool(payload.get("locked")))
    return {"ok": True, "locked": room.locked}


@handler("end_and_refer")
def on_end_and_refer(user, payload):
    room = _room(user, payload.get("room"))
    note = payload.get("note") if isinstance(payload.get("note"), str) else ""
    services.end_and_refer(user, room, _member_named(payload.get("username")), note[:500])
    return {"ok": True}


# Broadcasts, after the commit --------------------------------------------------------------


def _crisis_notice() -> dict:
    html = current_app.jinja_env.get_template("moderation/_crisis_panel.html").render(
        crisis_countries=countries_for_member, url_for=current_app.jinja_env.globals["url_for"]
    )
    return {"kind": "crisis", "html": html}


@events.chat_message.connect
def _broadcast_message(app, room_id: int, message: dict) -> None:
    if not message.get("held"):
        socketio.emit("message", message, to=_room_key(room_id), namespace=NAMESPACE)


@events.chat_message_updated.connect
def _broadcast_update(app, room_id: int, message: dict) -> None:
    socketio.emit("message_updated", message, to=_room_key(room_id), namespace=NAMESPACE)


@events.chat_notice.connect
def _tell_member(app, user_id: int, kind: str, room_id: int, until) -> None:
    if kind == "referred":
        notice = _crisis_notice()
        notice["kind"] = "referred"
    else:
        notice = {
            "kind": kind,
            "html": f"<p>A moderator muted you in this room until {until[11:16]} UTC.</p>",
        }
    socketio.emit("notice", notice, to=_member_key(user_id), namespace=NAMESPACE)


@events.chat_room_changed.connect
def _room_changed(app, room_id: int, slug: str, locked: bool) -> None:
    # The event carries what changed: nothing may read the database while a commit finishes.
    socketio.emit("room", {"room": slug, "locked": locked}, to=_room_key(room_id), namespace=NAMESPACE)


@events.crisis_alert.connect
def _alert_moderators(app, item_id: int, url: str) -> None:
    if "socketio" in app.extensions:
        socketio.emit("mod_alert", {"kind": "crisis", "url": url}, to=STAFF_ROOM, namespace=NAMESPACE)


@events.sessions_ended.connect
def _close_sockets(app, user_id: int, session_ids: list[int]) -> None:
    """Signed out, a new password, suspended: the member's live connections on those
    sign-ins close now, in every process (the Redis manager carries a disconnect by sid)."""
    if "socketio" not in app.extensions:
        return
    sids = connections.store().sids(user_id, session_ids)
    if sids:
        # Not inside the commit: closing a socket runs its disconnect handler, which has its
        # own work to do.
        socketio.start_background_task(_disconnect_all, app, sids)


def _disconnect_all(app, sids) -> None:
    with app.app_context():
        for sid in sids:
            socketio.server.disconnect(sid, namespace=NAMESPACE)
