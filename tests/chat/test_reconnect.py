"""Nothing lost, nothing doubled: a client that drops rejoins with since_id and gets exactly
what it missed, in order, once; a resend with the same client_id is stored once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from community.chat.models import ChatMessage
from community.extensions import db

pytestmark = pytest.mark.both_databases


def ok(ack) -> dict:
    assert isinstance(ack, dict) and ack.get("ok") is True, ack
    return ack


def test_a_client_that_drops_gets_exactly_the_10_it_missed_once(chat):
    reader, sender = chat.connect("member"), chat.connect("other")
    ok(reader.join("lounge"))
    ok(sender.join("lounge"))
    for n in range(3):
        ok(sender.send(f"Before {n}"))
    had = [m["id"] for m in reader.received("message")]
    assert len(had) == 3
    client = reader.client

    reader.close()  # the train goes into a tunnel
    assert not reader.connected
    missed = [ok(sender.send(f"While away {n}"))["message"] for n in range(10)]
    ok(sender.send("Elsewhere", room="crps"))  # another room: not part of the catch-up

    again = chat.connect("member", client=client)
    ack = ok(again.join("lounge", since_id=had[-1]))
    assert ack["messages"] == missed
    assert [m["html"] for m in ack["messages"]] == [f"<p>While away {n}</p>" for n in range(10)]
    assert ack["online"] == ["member", "other_member"]
    # Nothing of it arrives a second time as a live event; new messages arrive once.
    assert again.received("message") == []
    latest = ok(sender.send("Welcome back"))["message"]
    assert again.received("message") == [latest]


def test_a_catch_up_after_a_long_absence_is_complete_and_in_order(chat):
    reader = chat.connect("member")
    last = ok(reader.join("lounge"))["messages"]
    assert last == []
    reader.close()
    ids = chat.post("other", 140)
    ack = ok(chat.connect("member", client=reader.client).join("lounge", since_id=0))
    assert [m["id"] for m in ack["messages"]] == ids


def test_a_resend_after_reconnecting_is_stored_once(app, chat):
    writer, other = chat.connect("member"), chat.connect("other")
    ok(writer.join("lounge"))
    ok(other.join("lounge"))
    other.events()
    # The message is stored and broadcast, but the acknowledgement never reaches the
    # writer: its socket drops. The page keeps the text and its client_id.
    first = ok(writer.send("Did this arrive?", client_id="draft-42"))["message"]
    writer.close()

    again = chat.connect("member", client=writer.client)
    ok(again.join("lounge", since_id=first["id"] - 1))
    resent = ok(again.send("Did this arrive?", client_id="draft-42"))["message"]
    assert resent == first
    assert ok(again.send("Did this arrive?", client_id="draft-42"))["message"] == first
    assert [m["id"] for m in other.received("message")] == [first["id"]]  # the room heard it once
    with app.app_context():
        stored = db.session.scalar(
            select(func.count()).select_from(ChatMessage).where(ChatMessage.client_id == "draft-42")
        )
    assert stored == 1


def test_changes_while_away_arrive_with_the_catch_up(chat):
    """A message sent and then removed while the reader was away comes as a tombstone."""
    reader, writer = chat.connect("other"), chat.connect("member")
    ok(reader.join("lounge"))
    last = ok(writer.send("Before"))["message"]["id"]
    reader.close()
    gone = ok(writer.send("Oops, wrong room"))["message"]
    ok(writer.emit("delete", {"id": gone["id"]}))
    kept = ok(writer.send("Hello"))["message"]
    ack = ok(chat.connect("other", client=reader.client).join("lounge", since_id=last))
    assert [(m["id"], m["deleted"], m["html"]) for m in ack["messages"]] == [
        (gone["id"], True, ""),
        (kept["id"], False, "<p>Hello</p>"),
    ]
