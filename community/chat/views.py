"""Chat pages: the rooms with who is online, and a room that works without JavaScript
(the latest messages and a form that posts one); the script makes it live."""

from __future__ import annotations

import uuid

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from community import unit_of_work
from community.chat import bp, connections, permissions, services
from community.chat.services import ChatError
from community.meetings.services import in_progress


def _room_or_404(slug: str):
    room = services.room_by_slug(slug)
    if room is None or not permissions.can_read_room(current_user, room):
        abort(404)
    return room


@bp.route("/chat/")
def rooms():
    rooms = services.rooms_for(current_user)
    online = connections.store().counts(room.id for room in rooms)
    return render_template("chat/rooms.html", rooms=rooms, online=online)


@bp.route("/chat/<slug>", methods=["GET", "POST"])
def room(slug: str):
    room = _room_or_404(slug)
    error, body, status = None, "", 200
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.path))
        body = request.form.get("body", "")
        try:
            services.send(current_user, room, body, request.form.get("client_id") or "")
            unit_of_work.commit()
            return redirect(url_for("chat.room", slug=room.slug, _anchor="composer"))
        except ChatError as refused:
            unit_of_work.commit() if refused.keep else unit_of_work.rollback()
            error = str(refused)
            status = (
                429
                if refused.code == "rate_limited"
                else 403
                if refused.code in ("silenced", "forbidden")
                else 422
            )
    viewer = current_user if current_user.is_authenticated else None
    messages = services.latest(room, viewer) if viewer else services.latest_public(room)
    last_read = services.last_read(current_user, room) if viewer else 0
    if viewer and messages and services.mark_read(current_user, room, messages[-1].id):
        unit_of_work.commit_if_possible("how far a member has read a room")
    return render_template(
        "chat/room.html",
        room=room,
        messages=messages,
        first_unread=next((m.id for m in messages if m.id > last_read), None) if last_read else None,
        online=connections.store().online(room.id),
        can_send=bool(viewer) and permissions.can_send(current_user, room),
        client_id=uuid.uuid4().hex,
        error=error,
        body=body,
        mute_minutes=services.MUTE_MINUTES,
        meeting=in_progress(room),
    ), status
