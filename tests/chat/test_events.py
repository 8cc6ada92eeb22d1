"""Every /chat event through Socket.IO's test client: the allowed case and each refused one,
with the protocol's code and words a person can read (../shared/INTERFACES.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from community.accounts import standing
from community.chat.models import HELD, PUBLISHED, ChatMessage, RoomMute
from community.extensions import db
from community.moderation import sanctions
from community.moderation.models import AuditEntry, Flag, ReviewItem
from tests.helpers import PASSWORD

pytestmark = pytest.mark.both_databases

CODES = {"invalid", "forbidden", "not_found", "rate_limited", "silenced"}


def refused(ack, code: str, *words: str) -> dict:
    """The acknowledgement refuses with `code` and readable words (containing `words`)."""
    assert isinstance(ack, dict), f"no acknowledgement: {ack!r}"
    assert ack.get("ok") is False, ack
    assert ack.get("code") == code, ack
    error = ack.get("error")
    assert isinstance(error, str) and len(error) > 10 and "Traceback" not in error, ack
    for word in words:
        assert word in error, ack
    return ack


def accepted(ack) -> dict:
    assert isinstance(ack, dict) and ack.get("ok") is True, ack
    return ack


def review_items(app, **where) -> list[ReviewItem]:
    with app.app_context():
        items = list(db.session.scalars(select(ReviewItem).filter_by(**where)))
        for item in items:
            db.session.expunge(item)
        return items


def silence(app, who_id: int, moderator_id: int, duration: str = "1") -> None:
    from community.accounts.models import User

    with app.app_context():
        sanctions.silence(
            db.session.get(User, moderator_id), db.session.get(User, who_id), duration, "Please cool off."
        )
        db.session.commit()


# Connecting --------------------------------------------------------------------------------


def test_a_member_connects(chat):
    assert chat.connect("member").connected


def test_a_visitor_is_refused(chat):
    assert not chat.visitor().connected


def test_a_suspended_member_is_refused(app, chat, users):
    client = chat.signed_in("member")
    with app.app_context():
        # Only the standing column: the sign-in stays, so the connection is what refuses.
        member = chat.user("member")
        member.standing, member.standing_until = standing.SUSPENDED, None
        db.session.commit()
    assert not chat.connect("member", client=client).connected


def test_a_suspension_that_ended_lets_the_member_in_again(app, chat):
    client = chat.signed_in("member")
    with app.app_context():
        member = chat.user("member")
        member.standing = standing.SUSPENDED
        member.standing_until = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
    assert chat.connect("member", client=client).connected


# join and leave ------------------------------------------------------------------------------


def test_join_gives_the_last_50_messages_in_order_and_who_is_online(chat):
    ids = chat.post("other", 60)
    ack = accepted(chat.connect("member").join("lounge"))
    assert [m["id"] for m in ack["messages"]] == ids[-50:]
    first = ack["messages"][0]
    assert set(first) >= {"id", "room", "author", "html", "created_at", "client_id", "edited_at", "deleted"}
    assert first["room"] == "lounge" and first["author"]["username"] == "other_member"
    assert first["html"] == "<p>Message 10</p>" and first["deleted"] is False
    assert datetime.fromisoformat(first["created_at"]).utcoffset() == timedelta(0)
    assert ack["online"] == ["member"]


def test_join_with_since_id_gives_exactly_the_messages_after_it(chat):
    ids = chat.post("other", 80)
    ack = accepted(chat.connect("member").join("lounge", since_id=ids[9]))
    assert [m["id"] for m in ack["messages"]] == ids[10:]  # all 70, not only 50
    ack = accepted(chat.connect("member").join("lounge", since_id=ids[-1]))
    assert ack["messages"] == []


def test_join_an_unknown_room(chat):
    refused(chat.connect("member").join("no-such-room"), "not_found", "room")


@pytest.mark.parametrize("room", [None, 5, ["lounge"], {"slug": "lounge"}, "x" * 61])
def test_join_without_a_room_name(chat, room):
    refused(chat.connect("member").emit("join", {"room": room}), "invalid")


@pytest.mark.parametrize("since_id", [-1, "1", 1.5, True, [1], 2**31])
def test_join_with_a_bad_since_id(chat, since_id):
    refused(chat.connect("member").join("lounge", since_id=since_id), "invalid", "since_id")


def test_members_read_every_groups_room(chat):
    """Every member reads every group, so every group's room; the CRPS group is members only."""
    socket = chat.connect("newcomer")
    for slug in ("crps", "work-advocacy", "lounge"):
        accepted(socket.join(slug))


def test_an_archived_groups_room_is_not_there(app, chat):
    with app.app_context():
        chat.room("crps").group.archived_at = datetime.now(UTC)
        db.session.commit()
    refused(chat.connect("member").join("crps"), "not_found")


def test_joining_and_leaving_tell_the_room_who_is_online(chat):
    other = chat.connect("other")
    accepted(other.join("lounge"))
    other.events()
    member = chat.connect("member")
    assert accepted(member.join("lounge"))["online"] == ["member", "other_member"]
    assert other.received("presence") == [{"room": "lounge", "online": ["member", "other_member"]}]
    accepted(member.emit("leave", {"room": "lounge"}))
    assert other.received("presence") == [{"room": "lounge", "online": ["other_member"]}]
    member.close()
    assert other.received("presence") == []  # it had left already


def test_a_crowd_arriving_together_gets_presence_gathered_not_once_per_arrival(app, chat):
    """300 members coming to a meeting would otherwise send 300 updates to each of them."""
    import time

    app.config["CHAT_PRESENCE_INTERVAL"] = 1.0
    other, member, moderator = chat.connect("other"), chat.connect("member"), chat.connect("moderator")
    accepted(other.join("lounge"))  # the first change in a quiet room goes out at once
    assert other.received("presence") == [{"room": "lounge", "online": ["other_member"]}]
    accepted(member.join("lounge"))
    accepted(moderator.join("lounge"))
    accepted(member.emit("leave", {"room": "lounge"}))
    assert other.received("presence") == []  # gathered for the end of the moment
    time.sleep(1.3)
    # One update with where things stand now: the moderator in, the member come and gone.
    assert other.received("presence") == [{"room": "lounge", "online": ["moderator", "other_member"]}]
    assert moderator.received("presence") == [{"room": "lounge", "online": ["moderator", "other_member"]}]
    # The sockets close after the test: their presence goes at once, with nothing left waiting.
    app.config["CHAT_PRESENCE_INTERVAL"] = 0


def test_a_closed_socket_leaves_its_rooms(chat):
    other, member = chat.connect("other"), chat.connect("member")
    accepted(other.join("lounge"))
    accepted(member.join("lounge"))
    other.events()
    member.close()
    assert other.received("presence") == [{"room": "lounge", "online": ["other_member"]}]


def test_two_tabs_of_one_member_are_online_once(chat):
    first, second = chat.connect("member"), chat.connect("member")
    accepted(first.join("lounge"))
    assert accepted(second.join("lounge"))["online"] == ["member"]
    second.close()
    assert accepted(chat.connect("other").join("lounge"))["online"] == ["member", "other_member"]


def test_leave_an_unknown_room(chat):
    refused(chat.connect("member").emit("leave", {"room": "nowhere"}), "not_found")


# send ------------------------------------------------------------------------------------------


def test_a_message_is_stored_before_it_is_broadcast(chat):
    member, other = chat.connect("member"), chat.connect("other")
    accepted(member.join("lounge"))
    accepted(other.join("lounge"))
    other.events()
    ack = accepted(member.send("Hello *everyone*", client_id="c-1"))
    sent = ack["message"]
    assert sent["html"] == "<p>Hello <em>everyone</em></p>" and sent["client_id"] == "c-1"
    stored = chat.message(sent["id"])
    assert stored is not None and stored.body == "Hello *everyone*" and stored.state == PUBLISHED
    assert other.received("message") == [sent]


def test_a_resend_with_the_same_client_id_is_stored_once(app, chat):
    member, other = chat.connect("member"), chat.connect("other")
    accepted(member.join("lounge"))
    accepted(other.join("lounge"))
    other.events()
    first = accepted(member.send("Only once", client_id="same-id"))["message"]
    again = accepted(member.send("Only once", client_id="same-id"))["message"]
    assert again == first
    assert len(other.received("message")) == 1  # the room heard it once
    with app.app_context():
        count = db.session.scalar(select(db.func.count()).select_from(ChatMessage))
    assert count == 1


def test_the_same_client_id_from_another_member_is_another_message(chat):
    one = accepted(chat.connect("member").send("Mine", client_id="shared"))["message"]
    two = accepted(chat.connect("other").send("Mine too", client_id="shared"))["message"]
    assert one["id"] != two["id"]


@pytest.mark.parametrize("client_id", [None, "", "x" * 65, 5, ["id"]])
def test_a_message_without_a_usable_client_id(chat, client_id):
    socket = chat.connect("member")
    refused(socket.emit("send", {"room": "lounge", "body": "Hi", "client_id": client_id}), "invalid", "id")


@pytest.mark.parametrize(
    "body, words",
    [
        (None, "Please write a message"),
        (5, "Please write a message"),
        (["Hi"], "Please write a message"),
        ({"text": "Hi"}, "Please write a message"),
        ("", "Please write a message"),
        ("   \n ", "Please write a message"),
        ("x" * 2_001, "at most 2,000 characters"),
    ],
    ids=["none", "number", "list", "dict", "empty", "blank", "too-long"],
)
def test_a_body_the_intake_refuses(chat, body, words):
    socket = chat.connect("member")
    refused(socket.emit("send", {"room": "lounge", "body": body, "client_id": "b"}), "invalid", words)


def test_a_body_of_exactly_2000_characters_is_sent(chat):
    accepted(chat.connect("member").send("x" * 2_000))


@pytest.mark.parametrize("payload", [["lounge", "Hi"], "lounge", None, 42, 4.2, True])
def test_a_payload_that_is_not_an_object(chat, payload):
    refused(chat.connect("member").emit("send", payload), "invalid")


def test_a_send_with_no_payload_at_all(chat):
    refused(chat.connect("member").emit("send"), "invalid")


def test_send_to_an_unknown_room(chat):
    refused(chat.connect("member").send("Hi", room="nowhere"), "not_found")


def test_a_silenced_member_is_told_until_when(app, chat, users):
    socket = chat.connect("member")
    silence(app, users["member"], users["moderator"])
    ack = refused(socket.send("Hello"), "silenced", "until", "Please cool off.")
    assert str((datetime.now(UTC) + timedelta(days=1)).year) in ack["error"]


def test_every_event_reads_standing_afresh(app, chat, users):
    """Silenced through the moderation service while connected: the very next send is refused."""
    socket = chat.connect("member")
    accepted(socket.join("lounge"))
    accepted(socket.send("Before"))
    silence(app, users["member"], users["moderator"])
    refused(socket.send("After"), "silenced", "until")
    assert socket.connected  # silenced members still read
    accepted(socket.join("lounge"))
    with app.app_context():
        sanctions.lift(chat.user("moderator"), chat.user("member"))
        db.session.commit()
    accepted(socket.send("Back again"))


def test_a_member_muted_in_the_room(app, chat, users):
    socket = chat.connect("member")
    with app.app_context():
        db.session.add(
            RoomMute(
                room_id=chat.room("lounge").id,
                user_id=users["member"],
                until=datetime.now(UTC) + timedelta(hours=1),
            )
        )
        db.session.commit()
    refused(socket.send("Hello"), "silenced", "muted", "until")
    accepted(socket.send("Elsewhere", room="crps"))


def test_a_locked_room_is_for_moderators_only(app, chat):
    with app.app_context():
        chat.room("lounge").locked = True
        db.session.commit()
    refused(chat.connect("member").send("Hello"), "forbidden", "paused")
    accepted(chat.connect("moderator").send("We'll reopen soon"))
    assert accepted(chat.connect("member").join("lounge"))["locked"] is True  # still readable


def test_a_newcomers_message_is_published_at_once(chat):
    """Chat has no new-member hold: only watched words hold a message."""
    other = chat.connect("other")
    accepted(other.join("lounge"))
    other.events()
    ack = accepted(chat.connect("newcomer").send("Hello, I'm new here"))
    assert ack["message"]["held"] is False
    assert chat.message(ack["message"]["id"]).state == PUBLISHED
    assert [m["id"] for m in other.received("message")] == [ack["message"]["id"]]


def test_flooding_is_limited_then_silenced_and_queued(app, chat, users):
    app.config.update(CHAT_NEW_LIMIT="3 per 30 seconds", CHAT_FLOOD_STRIKES="2 per 5 minutes")
    socket = chat.connect("newcomer")
    for n in range(3):
        accepted(socket.send(f"Message {n}"))
    for n in range(2):
        refused(socket.send(f"Too fast {n}"), "rate_limited", "wait")
    ack = refused(socket.send("And again"), "silenced", "until")
    assert "too many messages" in ack["error"]
    with app.app_context():
        newcomer = chat.user("newcomer")
        state, until = standing.current(newcomer)
        assert state == standing.SILENCED
        assert timedelta(minutes=9) < until - datetime.now(UTC) <= timedelta(minutes=10)
    items = review_items(app, subject_type="user", subject_id=users["newcomer"])
    assert len(items) == 1 and "flood" in items[0].reasons
    refused(socket.send("Later"), "silenced", "until")


def test_trusted_members_have_their_own_limit(app, chat):
    app.config.update(CHAT_NEW_LIMIT="2 per 30 seconds", CHAT_TRUSTED_LIMIT="4 per 30 seconds")
    socket = chat.connect("member")
    for n in range(4):
        accepted(socket.send(f"Message {n}"))
    refused(socket.send("Too fast"), "rate_limited")


def test_moderators_are_never_limited(app, chat):
    app.config.update(
        CHAT_NEW_LIMIT="1 per 30 seconds",
        CHAT_TRUSTED_LIMIT="1 per 30 seconds",
        CHAT_FLOOD_STRIKES="1 per 5 minutes",
    )
    for who in ("moderator", "admin"):
        socket = chat.connect(who)
        for n in range(8):
            accepted(socket.send(f"Announcement {n}"))


def test_a_resend_is_not_counted_against_the_limit(app, chat):
    app.config.update(CHAT_NEW_LIMIT="2 per 30 seconds")
    socket = chat.connect("newcomer")
    accepted(socket.send("One", client_id="one"))
    for _ in range(5):
        accepted(socket.send("One", client_id="one"))
    accepted(socket.send("Two", client_id="two"))


# Crisis words ------------------------------------------------------------------------------------


def test_a_crisis_message_is_published_and_its_author_sees_the_crisis_lines(app, chat, starter_words):
    other, moderator = chat.connect("other"), chat.connect("moderator")
    accepted(other.join("lounge"))
    member = chat.connect("member")
    other.events(), moderator.events()
    ack = accepted(member.send("Some nights I just want to die"))
    assert ack["message"]["held"] is False
    assert [m["id"] for m in other.received("message")] == [ack["message"]["id"]]
    notices = member.received("notice")
    assert [n["kind"] for n in notices] == ["crisis"]
    assert 'href="tel:' in notices[0]["html"]
    items = review_items(app, subject_type="chat_message", subject_id=ack["message"]["id"])
    assert len(items) == 1 and items[0].crisis and "crisis" in items[0].reasons
    alerts = moderator.received("mod_alert")
    assert alerts == [{"kind": "crisis", "url": f"/mod/items/{items[0].id}"}]
    assert other.received("mod_alert") == [] and member.received("mod_alert") == []


def test_a_tier_two_crisis_message_is_held(app, chat, starter_words):
    other = chat.connect("other")
    accepted(other.join("lounge"))
    other.events()
    member = chat.connect("member")
    ack = accepted(member.send("What would be a lethal dose of my tablets"))
    assert ack["message"]["held"] is True
    message_id = ack["message"]["id"]
    assert chat.message(message_id).state == HELD
    assert other.received("message") == []
    assert [n["kind"] for n in member.received("notice")] == ["crisis"]
    items = review_items(app, subject_type="chat_message", subject_id=message_id)
    assert len(items) == 1 and items[0].held and items[0].crisis and "crisis_hold" in items[0].reasons
    # Its author and moderators see it; nobody else does, now or after reconnecting.
    assert message_id in [m["id"] for m in accepted(member.join("lounge"))["messages"]]
    seen = accepted(chat.connect("moderator").join("lounge"))["messages"]
    assert [m["held"] for m in seen if m["id"] == message_id] == [True]
    assert accepted(chat.connect("other").join("lounge", since_id=0))["messages"] == []
    refused(chat.connect("other").emit("flag", {"id": message_id, "reason": "spam"}), "not_found")


def test_a_watched_word_holds_a_message(app, chat, watch_word):
    watch_word("pills4less")
    other = chat.connect("other")
    accepted(other.join("lounge"))
    other.events()
    ack = accepted(chat.connect("member").send("Try pills4less for cheap meds"))
    assert ack["message"]["held"] is True
    assert other.received("message") == []


def test_a_held_message_a_moderator_approves_reaches_the_room(app, chat, starter_words):
    from community.moderation import queue

    other = chat.connect("other")
    accepted(other.join("lounge"))
    ack = accepted(chat.connect("member").send("What would be a lethal dose of my tablets"))
    other.events()
    item = review_items(app, subject_type="chat_message", subject_id=ack["message"]["id"])[0]
    with app.app_context():
        queue.approve(db.session.get(ReviewItem, item.id), chat.user("moderator"))
        db.session.commit()
    assert [m["id"] for m in other.received("message")] == [ack["message"]["id"]]


# history ---------------------------------------------------------------------------------------


def test_history_gives_the_50_before_in_order(chat):
    ids = chat.post("other", 120)
    socket = chat.connect("member")
    latest = accepted(socket.join("lounge"))["messages"]
    assert [m["id"] for m in latest] == ids[70:]
    older = accepted(socket.emit("history", {"room": "lounge", "before_id": latest[0]["id"]}))["messages"]
    assert [m["id"] for m in older] == ids[20:70]
    oldest = accepted(socket.emit("history", {"room": "lounge", "before_id": older[0]["id"]}))["messages"]
    assert [m["id"] for m in oldest] == ids[:20]
    assert accepted(socket.emit("history", {"room": "lounge", "before_id": ids[0]}))["messages"] == []


@pytest.mark.parametrize("before_id", [None, "10", -5, 1.5, False, 2**40])
def test_history_with_a_bad_before_id(chat, before_id):
    socket = chat.connect("member")
    refused(socket.emit("history", {"room": "lounge", "before_id": before_id}), "invalid", "before_id")


def test_history_of_an_unknown_room(chat):
    refused(chat.connect("member").emit("history", {"room": "nowhere", "before_id": 5}), "not_found")


# typing ----------------------------------------------------------------------------------------


def test_typing_is_shown_to_the_others(chat):
    member, other = chat.connect("member"), chat.connect("other")
    accepted(member.join("lounge"))
    accepted(other.join("lounge"))
    member.events(), other.events()
    accepted(member.emit("typing", {"room": "lounge"}))
    assert other.received("typing") == [{"room": "lounge", "username": "member"}]
    assert member.received("typing") == []


def test_typing_in_an_unknown_room(chat):
    refused(chat.connect("member").emit("typing", {"room": "nowhere"}), "not_found")


def test_a_silenced_member_typing_shows_nothing(app, chat, users):
    member, other = chat.connect("member"), chat.connect("other")
    accepted(member.join("lounge"))
    accepted(other.join("lounge"))
    other.events()
    silence(app, users["member"], users["moderator"])
    member.emit("typing", {"room": "lounge"})
    assert other.received("typing") == []


# edit ------------------------------------------------------------------------------------------


def test_an_author_edits_within_10_minutes(chat):
    member, other = chat.connect("member"), chat.connect("other")
    accepted(member.join("lounge"))
    accepted(other.join("lounge"))
    sent = accepted(member.send("Helo"))["message"]
    other.events()
    ack = accepted(member.emit("edit", {"id": sent["id"], "body": "Hello **all**"}))
    edited = ack["message"]
    assert edited["id"] == sent["id"] and edited["html"] == "<p>Hello <strong>all</strong></p>"
    assert edited["edited_at"] is not None
    assert other.received("message_updated") == [edited]
    assert chat.message(sent["id"]).body == "Hello **all**"


def test_an_edit_after_10_minutes_is_refused(chat):
    member = chat.connect("member")
    sent = accepted(member.send("Helo"))["message"]
    with freeze_time(datetime.now(UTC) + timedelta(minutes=11)):
        refused(member.emit("edit", {"id": sent["id"], "body": "Hello"}), "forbidden", "10 minutes")
    assert chat.message(sent["id"]).body == "Helo"


def test_nobody_edits_someone_elses_message(chat):
    sent = accepted(chat.connect("other").send("Mine"))["message"]
    for who in ("member", "moderator"):
        refused(
            chat.connect(who).emit("edit", {"id": sent["id"], "body": "Changed"}), "forbidden", "your own"
        )
    assert chat.message(sent["id"]).body == "Mine"


@pytest.mark.parametrize(
    "body, words", [("x" * 2_001, "2,000"), ("", "Please write"), (None, "Please write")]
)
def test_an_edit_the_intake_refuses(chat, body, words):
    member = chat.connect("member")
    sent = accepted(member.send("Helo"))["message"]
    refused(member.emit("edit", {"id": sent["id"], "body": body}), "invalid", words)
    assert chat.message(sent["id"]).body == "Helo"


@pytest.mark.parametrize("message_id", [None, "1", 0, -1, True, 1.0, 2**40])
def test_an_edit_of_something_that_is_not_a_message_id(chat, message_id):
    refused(chat.connect("member").emit("edit", {"id": message_id, "body": "x"}), "invalid")


def test_an_edit_of_a_message_that_is_not_there(chat):
    refused(chat.connect("member").emit("edit", {"id": 999, "body": "x"}), "not_found")


def test_a_silenced_author_cannot_edit(app, chat, users):
    member = chat.connect("member")
    sent = accepted(member.send("Helo"))["message"]
    silence(app, users["member"], users["moderator"])
    refused(member.emit("edit", {"id": sent["id"], "body": "Hello"}), "silenced", "until")


def test_an_edit_that_adds_held_words_does_not_reach_the_room(app, chat, starter_words):
    member, other = chat.connect("member"), chat.connect("other")
    accepted(other.join("lounge"))
    sent = accepted(member.send("A question about my tablets"))["message"]
    other.events()
    ack = accepted(
        member.emit("edit", {"id": sent["id"], "body": "What would be a lethal dose of my tablets"})
    )
    assert ack["message"]["held"] is True and "lethal" in ack["message"]["html"]
    updates = other.received("message_updated")
    assert [(u["id"], u["deleted"], u["html"]) for u in updates] == [(sent["id"], True, "")]
    assert sent["id"] not in [m["id"] for m in accepted(chat.connect("other").join("lounge"))["messages"]]


# delete ----------------------------------------------------------------------------------------


def test_an_author_deletes_their_message(chat):
    member, other = chat.connect("member"), chat.connect("other")
    accepted(member.join("lounge"))
    accepted(other.join("lounge"))
    sent = accepted(member.send("Oops"))["message"]
    other.events()
    ack = accepted(member.emit("delete", {"id": sent["id"]}))
    assert ack["message"]["deleted"] is True and ack["message"]["html"] == ""
    [update] = other.received("message_updated")
    assert update["id"] == sent["id"] and update["deleted"] is True and update["html"] == ""
    # Reconnecting clients get the tombstone, so their copy goes too.
    [again] = accepted(chat.connect("other").join("lounge", since_id=0))["messages"]
    assert again["deleted"] is True and again["html"] == ""
    refused(member.emit("delete", {"id": sent["id"]}), "forbidden")  # already gone


def test_an_author_deletes_any_time_even_silenced(app, chat, users):
    member = chat.connect("member")
    sent = accepted(member.send("Oops"))["message"]
    silence(app, users["member"], users["moderator"])
    with freeze_time(datetime.now(UTC) + timedelta(hours=2)):  # long past the edit window
        accepted(member.emit("delete", {"id": sent["id"]}))


def test_members_do_not_delete_others_messages(chat):
    sent = accepted(chat.connect("other").send("Mine"))["message"]
    refused(chat.connect("member").emit("delete", {"id": sent["id"]}), "forbidden")
    assert not chat.message(sent["id"]).is_deleted


def test_a_moderator_deletes_anyones_message_and_it_is_logged(app, chat, users):
    other = chat.connect("other")
    accepted(other.join("lounge"))
    sent = accepted(chat.connect("member").send("Something unkind"))["message"]
    other.events()
    accepted(chat.connect("moderator").emit("delete", {"id": sent["id"]}))
    assert [u["deleted"] for u in other.received("message_updated")] == [True]
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "chat_delete"))
        assert entry.actor_id == users["moderator"] and entry.member_id == users["member"]
        assert (entry.subject_type, entry.subject_id) == ("chat_message", sent["id"])


def test_a_delete_of_a_bad_id(chat):
    socket = chat.connect("member")
    refused(socket.emit("delete", {"id": "1"}), "invalid")
    refused(socket.emit("delete", {"id": 12345}), "not_found")


# flag ------------------------------------------------------------------------------------------


def test_a_member_flags_anothers_message(app, chat, users):
    member = chat.connect("member")
    accepted(member.join("lounge"))
    sent = accepted(member.send("Buy cheap pills here"))["message"]
    member.events()
    other = chat.connect("other")
    ack = accepted(other.emit("flag", {"id": sent["id"], "reason": "spam", "note": ""}))
    assert ack["already"] is False and "Thank you" in ack["message"]
    with app.app_context():
        flag = db.session.scalar(select(Flag))
        assert (flag.subject_type, flag.subject_id, flag.flagger_id) == (
            "chat_message",
            sent["id"],
            users["other"],
        )
    items = review_items(app, subject_type="chat_message", subject_id=sent["id"])
    assert len(items) == 1 and "spam" in items[0].reasons
    # The author is told nothing, and never who flagged.
    assert "other_member" not in repr(member.events())


def test_a_second_flag_from_the_same_member_changes_nothing(app, chat):
    sent = accepted(chat.connect("member").send("Buy cheap pills here"))["message"]
    other = chat.connect("other")
    assert accepted(other.emit("flag", {"id": sent["id"], "reason": "spam"}))["already"] is False
    assert accepted(other.emit("flag", {"id": sent["id"], "reason": "unkind"}))["already"] is True
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Flag)) == 1
    [item] = review_items(app, subject_type="chat_message", subject_id=sent["id"])
    assert item.reasons == ["spam"] and item.flag_count == 1


def test_a_worried_flag_alerts_moderators_without_naming_the_flagger(chat):
    member, moderator = chat.connect("member"), chat.connect("moderator")
    sent = accepted(member.send("I can't go on like this"))["message"]
    member.events(), moderator.events()
    accepted(chat.connect("other").emit("flag", {"id": sent["id"], "reason": "worried"}))
    [alert] = moderator.received("mod_alert")
    assert alert["kind"] == "crisis" and "other_member" not in repr(alert)
    assert "other_member" not in repr(member.events())


def test_nobody_flags_their_own_message(chat):
    member = chat.connect("member")
    sent = accepted(member.send("Mine"))["message"]
    refused(member.emit("flag", {"id": sent["id"], "reason": "spam"}), "forbidden", "own")


@pytest.mark.parametrize(
    "reason, note, words",
    [
        ("rude", "", "reason"),
        (None, "", "reason"),
        (5, "", "reason"),
        ("other", "", "what is wrong"),
        ("other", "   ", "what is wrong"),
        ("other", ["note"], "reason"),
        ("spam", "x" * 501, "500"),
    ],
)
def test_a_flag_the_rules_refuse(app, chat, reason, note, words):
    sent = accepted(chat.connect("member").send("Hello"))["message"]
    other = chat.connect("other")
    refused(other.emit("flag", {"id": sent["id"], "reason": reason, "note": note}), "invalid", words)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Flag)) == 0


def test_other_with_a_note_is_a_flag(chat):
    sent = accepted(chat.connect("member").send("Hello"))["message"]
    other = chat.connect("other")
    accepted(other.emit("flag", {"id": sent["id"], "reason": "other", "note": "Feels off"}))


def test_a_silenced_member_cannot_flag(app, chat, users):
    sent = accepted(chat.connect("member").send("Hello"))["message"]
    other = chat.connect("other")
    silence(app, users["other"], users["moderator"])
    refused(other.emit("flag", {"id": sent["id"], "reason": "spam"}), "silenced", "until")


def test_a_flag_of_a_missing_message(chat):
    refused(chat.connect("member").emit("flag", {"id": 4242, "reason": "spam"}), "not_found")


# Moderators: mute, lock, end and refer --------------------------------------------------------------


def test_a_moderator_mutes_a_member_in_a_room(app, chat, users):
    member, moderator = chat.connect("member"), chat.connect("moderator")
    accepted(member.join("lounge"))
    member.events()
    accepted(moderator.emit("mute", {"room": "lounge", "username": "member", "minutes": 10}))
    [notice] = member.received("notice")
    assert notice["kind"] == "muted" and "until" in notice["html"]
    refused(member.send("Hello?"), "silenced", "muted", "until")
    accepted(member.send("Hello here", room="crps"))  # other rooms are open
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "chat_mute"))
        assert entry.member_id == users["member"] and entry.actor_id == users["moderator"]
    with freeze_time(datetime.now(UTC) + timedelta(minutes=11)):
        accepted(member.send("Back"))


def test_a_muted_members_typing_is_not_shown(chat):
    member, other, moderator = chat.connect("member"), chat.connect("other"), chat.connect("moderator")
    accepted(member.join("lounge"))
    accepted(other.join("lounge"))
    accepted(moderator.emit("mute", {"room": "lounge", "username": "member", "minutes": 60}))
    other.events()
    accepted(member.emit("typing", {"room": "lounge"}))
    assert other.received("typing") == []


@pytest.mark.parametrize(
    "who, payload, code",
    [
        ("member", {"room": "lounge", "username": "other_member", "minutes": 10}, "forbidden"),
        ("newcomer", {"room": "lounge", "username": "member", "minutes": 10}, "forbidden"),
        ("moderator", {"room": "lounge", "username": "admin", "minutes": 10}, "forbidden"),
        ("moderator", {"room": "lounge", "username": "moderator", "minutes": 10}, "forbidden"),
        ("moderator", {"room": "lounge", "username": "nobody", "minutes": 10}, "not_found"),
        ("moderator", {"room": "lounge", "username": ["member"], "minutes": 10}, "not_found"),
        ("moderator", {"room": "lounge", "username": "member", "minutes": 7}, "invalid"),
        ("moderator", {"room": "lounge", "username": "member", "minutes": "10"}, "invalid"),
        ("moderator", {"room": "nowhere", "username": "member", "minutes": 10}, "not_found"),
    ],
)
def test_a_mute_that_is_refused(app, chat, who, payload, code):
    refused(chat.connect(who).emit("mute", payload), code)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(RoomMute)) == 0


def test_an_admin_mutes_a_moderator(chat):
    accepted(chat.connect("admin").emit("mute", {"room": "lounge", "username": "moderator", "minutes": 60}))
    refused(chat.connect("moderator").send("Hi"), "silenced", "muted")


def test_a_moderator_locks_and_reopens_a_room(app, chat, users):
    member, moderator = chat.connect("member"), chat.connect("moderator")
    accepted(member.join("lounge"))
    member.events()
    assert accepted(moderator.emit("lock", {"room": "lounge", "locked": True}))["locked"] is True
    assert member.received("room") == [{"room": "lounge", "locked": True}]
    refused(member.send("Hello?"), "forbidden", "paused")
    accepted(moderator.send("Taking a short pause"))
    assert accepted(moderator.emit("lock", {"room": "lounge", "locked": False}))["locked"] is False
    assert member.received("room") == [{"room": "lounge", "locked": False}]
    accepted(member.send("Hello again"))
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions == ["chat_lock", "chat_unlock"]


@pytest.mark.parametrize("who", ["member", "newcomer"])
def test_members_do_not_lock_rooms(app, chat, who):
    refused(chat.connect(who).emit("lock", {"room": "lounge", "locked": True}), "forbidden")
    with app.app_context():
        assert chat.room("lounge").locked is False


def test_a_silenced_moderator_does_not_moderate(app, chat, users):
    moderator = chat.connect("moderator")
    silence(app, users["moderator"], users["admin"])
    refused(moderator.emit("lock", {"room": "lounge", "locked": True}), "forbidden")


def test_a_moderator_ends_and_refers(app, chat, users):
    member, moderator = chat.connect("member"), chat.connect("moderator")
    accepted(member.join("lounge"))
    member.events()
    ack = moderator.emit(
        "end_and_refer", {"room": "lounge", "username": "member", "note": "Checked in privately"}
    )
    accepted(ack)
    [notice] = member.received("notice")
    assert notice["kind"] == "referred" and 'href="tel:' in notice["html"]
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "chat_refer"))
        assert entry.member_id == users["member"] and entry.reason == "Checked in privately"


@pytest.mark.parametrize(
    "who, username, code",
    [
        ("member", "other_member", "forbidden"),
        ("moderator", "admin", "forbidden"),
        ("moderator", "moderator", "forbidden"),
        ("moderator", "nobody", "not_found"),
    ],
)
def test_end_and_refer_that_is_refused(chat, who, username, code):
    target = chat.connect("other")
    target.events()
    refused(chat.connect(who).emit("end_and_refer", {"room": "lounge", "username": username}), code)
    assert target.received("notice") == []


# Sign-outs, new passwords and suspensions close sockets -----------------------------------------------


def test_signing_out_closes_the_members_sockets(chat):
    client = chat.signed_in("member")
    sockets = [chat.connect("member", client=client) for _ in range(2)]
    other = chat.connect("other")
    assert all(s.connected for s in sockets)
    client.post_form("/auth/logout", page="/settings")
    assert all(s.wait_disconnected() for s in sockets)
    assert other.connected


def test_signing_out_one_device_closes_only_its_sockets(chat):
    phone, laptop = chat.signed_in("member"), chat.signed_in("member")
    on_phone, on_laptop = chat.connect("member", client=phone), chat.connect("member", client=laptop)
    phone.post_form("/auth/logout", page="/settings")
    assert on_phone.wait_disconnected()
    assert on_laptop.connected
    accepted(on_laptop.send("Still here"))


def test_signing_out_everywhere_closes_every_device(chat):
    phone, laptop = chat.signed_in("member"), chat.signed_in("member")
    on_phone, on_laptop = chat.connect("member", client=phone), chat.connect("member", client=laptop)
    laptop.post_form("/settings/devices/sign-out-everywhere", page="/settings/devices")
    assert on_phone.wait_disconnected() and on_laptop.wait_disconnected()


def test_a_new_password_closes_the_members_sockets(chat):
    phone, laptop = chat.signed_in("member"), chat.signed_in("member")
    on_phone, on_laptop = chat.connect("member", client=phone), chat.connect("member", client=laptop)
    other = chat.connect("other")
    new = "an entirely new passphrase here"
    response = laptop.post_form(
        "/settings/password", {"current_password": PASSWORD, "password": new, "confirm": new}
    )
    assert response.status_code == 302
    assert on_phone.wait_disconnected() and on_laptop.wait_disconnected()
    assert other.connected
    # The laptop was signed in again with the new password: a new socket works.
    accepted(chat.connect("member", client=laptop).send("New password, same me"))


def test_a_suspension_closes_the_members_sockets(app, chat):
    member, other = chat.connect("member"), chat.connect("other")
    with app.app_context():
        sanctions.suspend(chat.user("moderator"), chat.user("member"), "7", "Repeated harassment")
        db.session.commit()
    assert member.wait_disconnected()
    assert other.connected
    assert not chat.connect("member", client=member.client).connected


def test_a_socket_whose_sign_in_ended_is_refused_and_closed(app, chat, users, monkeypatch):
    """Even when the close has not arrived yet, the next event finds the sign-in gone."""
    from community.accounts import sessions
    from community.chat import events as chat_events

    socket = chat.connect("member")
    monkeypatch.setattr(chat_events.socketio, "start_background_task", lambda *args, **kwargs: None)
    with app.app_context():
        sessions.end_all(chat.user("member"))
        db.session.commit()
    assert socket.connected
    refused(socket.send("Hello?"), "forbidden", "sign in")
    assert not socket.connected
