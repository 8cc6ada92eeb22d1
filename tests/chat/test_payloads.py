"""Hostile and strange input through the /chat events: every line of the XSS and naughty
strings corpora sent as a message, and odd payloads of every type for every event. Each
gets an acknowledgement from the protocol, never an exception, and what is stored is inert."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from community.chat.models import ChatMessage
from community.extensions import db
from tests.helpers import corpus_lines
from tests.test_content import assert_inert

# Every test here runs on both databases (PostgreSQL refuses NULs SQLite takes), except the
# 6,600 lines of the XSS list, which take 30 s on SQLite and 100 s on PostgreSQL: what it
# checks (the stored HTML is inert) does not depend on the database, and blns.txt, with its
# control characters and odd encodings, runs on both.
both = pytest.mark.both_databases

CODES = {"invalid", "forbidden", "not_found", "rate_limited", "silenced"}
EVENTS = [
    "join",
    "leave",
    "send",
    "history",
    "typing",
    "edit",
    "delete",
    "flag",
    "mute",
    "lock",
    "end_and_refer",
]
HUGE = "x" * 1_000_000

# Payloads no event can use: each must be refused as invalid (or name something not there).
ODD = [
    None,
    [],
    ["lounge"],
    "x",
    "",
    1,
    -1,
    1.5,
    True,
    b"bytes",
    HUGE,
    {},
    {"room": ["a"]},
    {"room": {"slug": "lounge"}},
    {"room": None},
    {"room": 5},
    {"room": HUGE},
    {"room": "no-such-room"},
    {"room": "\x00"},
    {"room": "\ud800"},
    {"room": "../lounge"},
    {"id": True},
    {"id": "1"},
    {"id": -1},
    {"id": 2**64},
    {"id": 1.0},
    {"id": None},
    {"id": [1]},
    {"id": "\ud800\x00"},
    {HUGE: HUGE},
]


def answer_is_from_the_protocol(ack, context) -> None:
    assert isinstance(ack, dict), f"no acknowledgement for {context!r}: {ack!r}"
    if ack.get("ok") is True:
        return
    assert ack.get("ok") is False, (context, ack)
    assert ack.get("code") in CODES, (context, ack)
    assert isinstance(ack.get("error"), str) and ack["error"], (context, ack)


def no_event_failed(caplog) -> None:
    failures = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.ERROR or ("Chat event" in r.getMessage() and "failed" in r.getMessage())
    ]
    assert failures == []


@pytest.fixture
def unlimited(app):
    app.config.update(CHAT_NEW_LIMIT="100000 per 30 seconds", CHAT_TRUSTED_LIMIT="100000 per 30 seconds")


XSS_PARTS = 4  # the list in parts, so each test stays well under a minute


@pytest.mark.parametrize("part", range(XSS_PARTS))
def test_every_xss_payload_as_a_message(app, chat, unlimited, caplog, part):
    lines = corpus_lines("xss", "payloadbox-xss-payload-list.txt")
    size = -(-len(lines) // XSS_PARTS)
    send_every_line(app, chat, caplog, lines[part * size : (part + 1) * size])


@both
def test_every_naughty_string_as_a_message(app, chat, unlimited, caplog):
    send_every_line(app, chat, caplog, corpus_lines("blns.txt"))


def send_every_line(app, chat, caplog, lines: list[str]) -> None:
    assert len(lines) > 500
    caplog.set_level(logging.INFO)
    sender, reader = chat.connect("member"), chat.connect("other")
    assert sender.join("lounge")["ok"] and reader.join("lounge")["ok"]
    stored, refusals = set(), {}
    for n, line in enumerate(lines):
        ack = sender.send(line, client_id=f"corpus-{n}")
        answer_is_from_the_protocol(ack, line)
        if ack["ok"]:
            stored.add(ack["message"]["id"])
            assert_inert(ack["message"]["html"], line)
        else:
            refusals[line] = ack["code"]
        if n % 500 == 499:
            reader.events()  # what was broadcast, read in batches
    assert set(refusals.values()) <= {"invalid"}, refusals  # only text the intake refuses (blank ones)
    assert len(stored) >= len(lines) * 0.95
    no_event_failed(caplog)
    with app.app_context():
        rows = db.session.execute(select(ChatMessage.id, ChatMessage.body_html)).all()
    assert {row.id for row in rows} == stored
    for message_id, html in rows:
        assert_inert(html, f"message {message_id}")
        assert 'href="javascript' not in html.lower() and "<script" not in html.lower()


@both
@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("who", ["member", "moderator"])
def test_odd_payloads_are_refused_as_invalid(app, chat, caplog, event, who):
    ids = chat.post("other", 1)
    assert ids
    socket = chat.connect(who)
    assert socket.join("lounge")["ok"]
    for payload in ODD:
        ack = socket.emit(event, payload)
        answer_is_from_the_protocol(ack, (event, payload))
        assert ack["ok"] is False and ack["code"] in {"invalid", "not_found"}, (
            event,
            repr(payload)[:80],
            ack,
        )
    assert socket.connected
    no_event_failed(caplog)


@both
@pytest.mark.parametrize("event", EVENTS)
def test_extra_or_missing_arguments_are_refused(chat, caplog, event):
    socket = chat.connect("member")
    for args in [(), ({"room": "lounge"}, "extra"), ({"room": "lounge"}, {"room": "lounge"}, 3)]:
        ack = socket.emit(event, *args)
        answer_is_from_the_protocol(ack, (event, args))
        if not args:
            assert ack["ok"] is False and ack["code"] == "invalid"
    assert socket.connected
    no_event_failed(caplog)


@both
@pytest.mark.parametrize("since_id", [-1, "1", 1.5, True, False, [1], {"id": 1}, 2**31, 2**70, "\ud800"])
def test_odd_since_ids(chat, since_id):
    ack = chat.connect("member").emit("join", {"room": "lounge", "since_id": since_id})
    assert ack["ok"] is False and ack["code"] == "invalid", ack


@both
@pytest.mark.parametrize("since_id", [0, None, 2**31 - 1])
def test_since_id_at_the_edges(chat, since_id):
    assert chat.connect("member").emit("join", {"room": "lounge", "since_id": since_id})["ok"] is True


@both
@pytest.mark.parametrize(
    "payload",
    [
        {"room": "lounge", "body": HUGE, "client_id": "huge"},
        {"room": "lounge", "body": "hi", "client_id": HUGE},
        {"room": "lounge", "body": "\x00" * 50, "client_id": "nul"},
        {"room": "lounge", "body": "\u200b" * 50, "client_id": "zero-width"},
        {"room": "lounge", "body": "\ud800", "client_id": "surrogate"},
        {"room": "lounge", "body": "hi", "client_id": "\ud800"},
        {"room": "lounge", "body": "hi", "client_id": "\x00"},
    ],
    ids=[
        "huge-body",
        "huge-client-id",
        "nul-body",
        "zero-width-body",
        "surrogate-body",
        "surrogate-id",
        "nul-id",
    ],
)
def test_odd_sends(app, chat, caplog, payload):
    ack = chat.connect("member").emit("send", payload)
    answer_is_from_the_protocol(ack, payload)
    no_event_failed(caplog)
    if ack["ok"]:
        assert_inert(ack["message"]["html"], payload["body"])


STRANGE = [
    "\ud800",
    "\udfff\ud800",
    "a\x00b",
    "\x00",
    "\u202e\u2066",
    "\ufeff",
    "🙂" * 40,
    "%s%n",
    "' OR 1=1 --",
]


@both
@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("who", ["member", "moderator"])
def test_strange_strings_in_every_field(app, chat, caplog, event, who):
    """Lone surrogates and NULs, which JSON carries but a database refuses, in every field."""
    [message_id] = chat.post("other", 1)
    socket = chat.connect(who)
    for n, text in enumerate(STRANGE):
        for room in ("lounge", text):
            payload = {
                "room": room,
                "id": message_id,
                "body": text,
                "client_id": f"{text}{n}",
                "note": text,
                "reason": text,
                "username": text,
                "minutes": 10,
            }
            answer_is_from_the_protocol(socket.emit(event, payload), (event, payload))
    assert socket.connected
    no_event_failed(caplog)
    with app.app_context():
        for (html,) in db.session.execute(select(ChatMessage.body_html)):
            assert "\x00" not in html
            assert_inert(html, "strange")
