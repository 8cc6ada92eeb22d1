"""The chat pages: the rooms with who is online, and a room that works without JavaScript."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from community.chat.models import ChatMessage
from community.extensions import db
from community.moderation import sanctions
from tests.conftest import AuthActions

pytestmark = pytest.mark.both_databases


def page(response) -> str:
    return response.get_data(as_text=True)


def room_links(html: str) -> list[str]:
    return re.findall(r'href="/chat/([^"#?]+)"', html)


def test_members_see_every_room_with_how_many_are_online(app, client, auth, chat):
    other = chat.connect("other")
    assert other.join("lounge")["ok"] and other.join("crps")["ok"]
    auth.login("member")
    html = page(client.get("/chat/"))
    links = room_links(html)
    assert links[0] == "lounge" and {"crps", "work-advocacy", "good-days"} <= set(links)
    lounge = html[html.index('href="/chat/lounge"') :]
    assert re.search(r"1 online", lounge[: lounge.index("</li>")])
    introductions = html[html.index('href="/chat/introductions"') :]
    assert "0 online" in introductions[: introductions.index("</li>")]


def test_visitors_see_only_public_groups_rooms(client, chat):
    html = page(client.get("/chat/"))
    assert room_links(html) == ["work-advocacy"]
    assert "/auth/login?next=" in html


def test_a_room_shows_the_latest_50_messages(client, auth, chat):
    ids = chat.post("other", 60)
    auth.login("member")
    html = page(client.get("/chat/lounge"))
    shown = [int(i) for i in re.findall(r'id="message-(\d+)"', html)]
    assert shown == ids[-50:]
    assert "Message 59" in html and "<p>Message 9</p>" not in html
    assert 'name="client_id"' in html and 'name="body"' in html


def test_a_room_marks_the_first_unread_message(client, auth, chat):
    chat.post("other", 3)
    auth.login("member")
    assert 'id="first-unread"' not in page(client.get("/chat/lounge"))  # first visit: all read now
    new = chat.post("other", 2, body="Later {n}")
    html = page(client.get("/chat/lounge"))
    assert html.index('id="first-unread"') < html.index(f'id="message-{new[0]}"')
    assert 'id="first-unread"' not in page(client.get("/chat/lounge"))


def test_the_form_posts_a_message_once(app, client, auth, chat):
    auth.login("member")
    form = {"body": "Hello from a page without *script*", "client_id": "form-1"}
    response = client.post_form("/chat/lounge", form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/chat/lounge#composer")
    html = page(client.get("/chat/lounge"))
    assert "Hello from a page without <em>script</em>" in html
    # Sent twice (a reload that posts again): stored once.
    assert client.post_form("/chat/lounge", form).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ChatMessage)) == 1


def test_the_form_reaches_connected_members(client, auth, chat):
    other = chat.connect("other")
    assert other.join("lounge")["ok"]
    other.events()
    auth.login("member")
    client.post_form("/chat/lounge", {"body": "From the form", "client_id": "form-2"})
    assert [m["html"] for m in other.received("message")] == ["<p>From the form</p>"]


def test_a_message_too_long_keeps_the_text_with_the_error(client, auth, chat):
    auth.login("member")
    body = "A long story. " * 150
    response = client.post_form("/chat/lounge", {"body": body, "client_id": "form-3"})
    assert response.status_code == 422
    html = page(response)
    assert "at most 2,000 characters" in html and body.strip() in html
    assert 'aria-invalid="true"' in html


def test_an_empty_message_is_refused(client, auth, chat):
    auth.login("member")
    response = client.post_form("/chat/lounge", {"body": "  ", "client_id": "form-4"})
    assert response.status_code == 422 and "Please write a message" in page(response)


def test_a_form_without_its_client_id_is_refused(client, auth, chat):
    auth.login("member")
    response = client.post_form("/chat/lounge", {"body": "Hello"})
    assert response.status_code == 422 and "missing its id" in page(response)


def test_a_silenced_member_is_told_until_when(app, client, auth, chat):
    auth.login("member")
    token = client.csrf_token("/chat/lounge")
    with app.app_context():
        sanctions.silence(chat.user("moderator"), chat.user("member"), "3", "Please cool off.")
        db.session.commit()
    response = client.post("/chat/lounge", data={"body": "Hello", "client_id": "f5", "csrf_token": token})
    assert response.status_code == 403
    html = page(response)
    assert "can read but not post until" in html and "Please cool off." in html
    assert 'name="body"' not in html  # no composer while silenced
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ChatMessage)) == 0


def test_a_locked_room_refuses_the_form(app, client, auth, chat):
    auth.login("member")
    token = client.csrf_token("/chat/lounge")
    with app.app_context():
        chat.room("lounge").locked = True
        db.session.commit()
    response = client.post("/chat/lounge", data={"body": "Hello", "client_id": "f6", "csrf_token": token})
    assert response.status_code == 403 and "paused this room" in page(response)


def test_the_form_is_flood_limited(app, client, auth, chat):
    app.config.update(CHAT_TRUSTED_LIMIT="2 per 30 seconds")
    auth.login("member")
    for n in range(2):
        assert client.post_form("/chat/lounge", {"body": f"Hi {n}", "client_id": f"f{n}"}).status_code == 302
    response = client.post_form("/chat/lounge", {"body": "Once more", "client_id": "f9"})
    assert response.status_code == 429 and "wait a little" in page(response)
    assert "Once more" in page(response)  # the text is kept


def test_a_held_message_shows_only_to_its_author(client, auth, chat, app, starter_words):
    auth.login("member")
    client.post_form("/chat/lounge", {"body": "What is a lethal dose of these", "client_id": "f7"})
    html = page(client.get("/chat/lounge"))
    assert "lethal dose" in html and "waiting for a moderator" in html
    other = app.test_client()
    AuthActions(other).login("other_member")
    assert "lethal dose" not in page(other.get("/chat/lounge"))


def test_an_unknown_room_is_404(client, auth, chat):
    assert client.get("/chat/no-such-room").status_code == 404
    auth.login("member")
    assert client.get("/chat/no-such-room").status_code == 404
    assert client.post_form("/chat/no-such-room", {"body": "x"}, page="/chat/").status_code == 404


def test_visitors_read_a_public_groups_room_and_are_asked_to_sign_in(client, chat):
    chat.post("member", 2, room="work-advocacy", body="Benefits tip {n}")
    response = client.get("/chat/work-advocacy")
    assert response.status_code == 200
    html = page(response)
    assert "Benefits tip 1" in html and 'name="body"' not in html
    assert 'href="/auth/login?next=/chat/work-advocacy"' in html
    assert client.get("/chat/lounge").status_code == 404  # the Lounge is for members
    assert client.get("/chat/crps").status_code == 404  # and so are members-only groups' rooms


def test_a_visitor_who_posts_is_sent_to_sign_in(app, client, chat):
    response = client.post_form("/chat/work-advocacy", {"body": "Hi", "client_id": "v1"}, page="/auth/login")
    assert response.status_code == 302
    assert "/auth/login?next=" in response.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ChatMessage)) == 0


@pytest.mark.parametrize("token", [None, "stale"])
def test_a_post_without_a_valid_csrf_token_is_refused(app, client, auth, chat, token):
    auth.login("member")
    data = {"body": "Hello", "client_id": "csrf-1"}
    if token:
        data["csrf_token"] = token
    response = client.post("/chat/lounge", data=data)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ChatMessage)) == 0
