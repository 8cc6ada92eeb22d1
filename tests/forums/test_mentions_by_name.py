"""Mentions by the name you see: @username beside the display name, completion from
/api/v1/members (members only, names only), and the preview's "did you mean"."""

from __future__ import annotations

import pytest

from community.accounts.models import User
from community.extensions import db
from community.moderation import blocking
from tests.conftest import _create


@pytest.fixture
def maria(app, users):
    """maria_crps, shown as "Maria"; and mariana, shown as "Mariana Lopez"."""
    ids = {
        "maria": _create(app, "maria_crps", trusted=True),
        "mariana": _create(app, "mariana", trusted=True),
    }
    with app.app_context():
        db.session.get(User, ids["maria"]).display_name = "Maria"
        db.session.get(User, ids["mariana"]).display_name = "Mariana Lopez"
        db.session.commit()
    return ids


def members(client, prefix: str) -> list[dict]:
    response = client.get(f"/api/v1/members?prefix={prefix}")
    assert response.status_code == 200
    return response.get_json()["members"]


def test_a_post_shows_the_username_beside_the_display_name(client, auth, forum, maria):
    thread_id = forum.thread(who=maria["maria"])
    auth.login("member")
    page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert ">Maria</a>" in page
    assert '<span class="username">@maria_crps</span>' in page


def test_completion_needs_sign_in(client, maria):
    response = client.get("/api/v1/members?prefix=mar")
    assert response.status_code == 401
    assert response.get_json()["ok"] is False
    assert "maria_crps" not in response.get_data(as_text=True)


@pytest.mark.parametrize("prefix", ["Mar", "mar", "MARIA", "@mar"])
def test_completion_matches_usernames_and_display_names_by_prefix(client, auth, maria, prefix):
    auth.login("member")
    found = members(client, prefix)
    assert {"username": "maria_crps", "display_name": "Maria"} in found
    assert {"username": "mariana", "display_name": "Mariana Lopez"} in found


def test_completion_matches_a_later_word_of_a_display_name(client, auth, maria):
    auth.login("member")
    assert [m["username"] for m in members(client, "lop")] == ["mariana"]


def test_completion_answers_names_only(client, auth, maria):
    auth.login("member")
    response = client.get("/api/v1/members?prefix=mar")
    assert "@example.org" not in response.get_data(as_text=True)
    assert all(set(member) == {"username", "display_name"} for member in response.get_json()["members"])


def test_an_underscore_is_a_letter_not_a_wildcard(client, auth, maria):
    auth.login("member")
    assert members(client, "m_") == []
    assert [m["username"] for m in members(client, "maria_")] == ["maria_crps"]


def test_completion_offers_at_most_eight(app, client, auth, users):
    for n in range(12):
        _create(app, f"pat{n:02d}")
    auth.login("member")
    assert len(members(client, "pat")) == 8


def test_completion_leaves_out_the_writer_and_who_blocked_them(app, client, auth, users, maria):
    with app.app_context():
        blocking.block(db.session.get(User, maria["mariana"]), db.session.get(User, users["member"]))
        db.session.commit()
    auth.login("member")
    assert [m["username"] for m in members(client, "mar")] == ["maria_crps"]
    assert members(client, "member") == []


def test_an_empty_prefix_offers_no_one(client, auth, maria):
    auth.login("member")
    assert members(client, "") == []


def test_completion_is_rate_limited(app, client, auth, maria, monkeypatch):
    from community.forums import mentions

    monkeypatch.setattr(mentions, "COMPLETION_LIMIT", "3 per minute")
    auth.login("member")
    codes = [client.get("/api/v1/members?prefix=mar").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def preview(client, thread_id: int, body: str) -> str:
    response = client.post_form(
        f"/threads/{thread_id}/reply", {"body": body, "preview": "1"}, page=f"/threads/{thread_id}"
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_preview_says_when_an_at_name_matches_no_one(client, auth, forum, maria):
    thread_id = forum.thread()
    auth.login("member")
    page = preview(client, thread_id, "Thank you @Maria, and @maria_crps too")
    assert "@Maria matches no one — did you mean @maria_crps?" in page
    assert "@maria_crps matches no one" not in page  # a real username is linked, not questioned


def test_the_preview_offers_close_usernames_and_says_when_there_are_none(client, auth, forum, maria):
    thread_id = forum.thread()
    auth.login("member")
    page = preview(client, thread_id, "Hi @mari and @zzyzx")
    assert "@mari matches no one — did you mean @maria_crps or @mariana?" in page
    assert "@zzyzx matches no one.</p>" in page


def test_the_preview_says_nothing_of_an_at_name_in_code(client, auth, forum, maria):
    thread_id = forum.thread()
    auth.login("member")
    page = preview(client, thread_id, "Type `@Maria` to say hello")
    assert "matches no one" not in page


def test_the_preview_names_no_one_who_blocked_the_writer(app, client, auth, forum, users, maria):
    with app.app_context():
        blocking.block(db.session.get(User, maria["maria"]), db.session.get(User, users["member"]))
        db.session.commit()
    thread_id = forum.thread()
    auth.login("member")
    page = preview(client, thread_id, "Hello @maria_crps and @Maria")
    hints = [line for line in page.splitlines() if 'class="mention-hint"' in line]
    assert hints == ['  <p class="mention-hint">@Maria matches no one — did you mean @mariana?</p>']


def test_the_new_thread_preview_says_it_too(client, auth, forum, maria):
    auth.login("member")
    response = client.post_form(
        "/groups/crps/new", {"title": "Hello to Maria", "body": "Hello @Maria", "preview": "1"}
    )
    assert "@Maria matches no one — did you mean @maria_crps?" in response.get_data(as_text=True)


def test_a_picked_mention_notifies_once(client, auth, forum, maria):
    thread_id = forum.thread()
    auth.login("member")
    body = "Thinking of you @maria_crps. @maria_crps, @MARIA_CRPS"
    response = client.post_form(f"/threads/{thread_id}/reply", {"body": body}, page=f"/threads/{thread_id}")
    assert response.status_code == 302
    auth.logout()
    auth.login("maria_crps")
    assert client.get("/notifications").get_data(as_text=True).count("mentioned you") == 1
