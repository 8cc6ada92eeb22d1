"""Every form that changes something refuses a request without a valid CSRF token, and changes nothing.

Each case is sent three ways by someone allowed to use it: with no token and with a stale token (both
must get the 400 page and leave every table as it was), then with a real token, which must change the
database: that proves the request was one that would have done something.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from community.accounts import sessions
from community.extensions import db
from community.forums import groups
from tests.helpers import PASSWORD

NEW_GROUP = {
    "name": "Migraine",
    "slug": "migraine",
    "description": "Head pain",
    "visibility": "public",
    "position": "5",
}
EDITED_GROUP = {
    "name": "CRPS and RSD",
    "slug": "crps",
    "description": "Renamed",
    "visibility": "members",
    "position": "10",
}
SETTINGS = {
    "display_name": "Maria",
    "pronouns": "she/her",
    "relationship": "pain",
    "conditions": "CRPS",
    "bio": "A new bio",
    "theme": "dark",
    "text_size": "largest",
}
NEW_PASSWORD = "an entirely new passphrase here"
MEETING = {
    "title": "Evening circle",
    "description": "A gentle hour together.",
    "room_id": "1",  # the Lounge: ensure_rooms makes it first
    "host": "",
    "starts_on": (date.today() + timedelta(days=30)).isoformat(),
    "starts_at_local": "19:00",
    "time_zone": "America/New_York",
    "duration_minutes": "60",
    "weekly": "y",
    "guidelines": "One person at a time.",
}

# (who, path, form data); {other_thread}, {my_thread}, {my_post} and {other_post} are filled in below.
CASES = [
    ("member", "/groups/crps/join", {}),
    ("member", "/groups/sleep-fatigue/leave", {}),
    ("member", "/groups/crps/new", {"title": "A brand new thread", "body": "Some words"}),
    ("member", "/threads/{other_thread}/reply", {"body": "A reply that must not appear"}),
    ("member", "/posts/{my_post}/edit", {"title": "A changed title", "body": "Changed words"}),
    ("member", "/posts/{my_post}/delete", {}),
    ("member", "/posts/{other_post}/react", {"reaction": "support:on"}),
    ("member", "/threads/{other_thread}/watch", {"watching": "1"}),
    ("moderator", "/threads/{other_thread}/pin", {"pinned": "1"}),
    ("moderator", "/threads/{other_thread}/lock", {"locked": "1"}),
    ("admin", "/groups/manage/new", NEW_GROUP),
    ("admin", "/groups/crps/edit", EDITED_GROUP),
    ("admin", "/groups/crps/move", {"direction": "down"}),
    ("admin", "/groups/crps/archive", {"archived": "1"}),
    ("member", "/settings/notifications", {"mention": "", "reply": "y", "reaction": ""}),
    ("member", "/settings", SETTINGS),
    (
        "member",
        "/settings/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ),
    ("member", "/settings/devices/{my_other_device}/sign-out", {}),
    ("member", "/settings/devices/sign-out-everywhere", {}),
    ("member", "/settings/data/delete", {"password": PASSWORD, "posts": "keep"}),
    ("moderator", "/threads/{other_thread}/tools", {"tool": "slow_mode", "seconds": "60"}),
    ("moderator", "/mod/items/{item}/claim", {}),
    ("moderator", "/mod/users/member/warn", {"message": "Please be gentle in replies."}),
    ("moderator", "/mod/replies", {"title": "Hello", "body": "A kind hello"}),
    ("member", "/flag/post/{other_post}", {"reason": "spam"}),
    ("member", "/u/newcomer/block", {}),
    ("member", "/u/other_member/unblock", {}),
    ("member", "/settings/safety", {"words": "weather"}),
    ("admin", "/mod/words", {"pattern": "a new phrase", "match_type": "word", "action": "flag"}),
    ("admin", "/mod/words/{word}/remove", {}),
    ("admin", "/mod/words/import", {"rows": "pattern,action\nanother new phrase,hold\n"}),
    ("member", "/chat/lounge", {"body": "A chat message that must not appear", "client_id": "csrf-case"}),
    ("moderator", "/meetings/new", MEETING),
    ("moderator", "/meetings/{meeting}/edit", {**MEETING, "title": "Evening circle, moved"}),
    ("member", "/meetings/{meeting}/rsvp", {"going": "yes"}),
    ("moderator", "/meetings/{meeting}/start", {}),
    ("moderator", "/meetings/{live_meeting}/pin", {"pinned": "Welcome, everyone"}),
    ("moderator", "/meetings/{live_meeting}/end", {}),
]


def snapshot(app) -> dict[str, list[str]]:
    """Every row of every table, so any change at all shows up."""
    with app.app_context():
        return {
            table.name: sorted(repr(tuple(row)) for row in db.session.execute(table.select()))
            for table in db.metadata.sorted_tables
        }


def changed_tables(before, after) -> list[str]:
    return [name for name in before if before[name] != after[name]]


@pytest.fixture
def targets(app, forum):
    other_thread = forum.thread(who="other", slug="crps", title="Someone else's thread")
    my_thread = forum.thread(who="member", slug="crps", title="My own thread")
    with app.app_context():
        groups.join_group(forum.user("member"), forum.group("sleep-fatigue"))
        phone = forum.user("member")
        with app.test_request_context(headers={"User-Agent": "Firefox/128.0 (Android)"}):
            sessions.start(phone, remember=True)
        db.session.commit()
        device_id = phone.login_session.id
    other_post = forum.first_post(other_thread)
    with app.app_context():
        from community.moderation import blocking, queue

        blocking.block(forum.user("member"), forum.user("other"))
        item_id = queue.queue_item("post", other_post, "spam").id
        from community.chat.services import ensure_rooms
        from community.moderation.models import WatchedWord

        ensure_rooms()
        word = WatchedWord(pattern="an old phrase", action="flag")
        db.session.add(word)
        db.session.commit()
        word_id = word.id
        moderator_id = forum.user("moderator").id
    from tests.meetings.helpers import plan

    meeting = plan(app, moderator_id)  # starts in half an hour, so it may be started
    live_meeting = plan(app, moderator_id, room="crps", running=True)
    return {
        "item": item_id,
        "other_thread": other_thread,
        "my_thread": my_thread,
        "my_post": forum.first_post(my_thread),
        "other_post": forum.first_post(other_thread),
        "my_other_device": device_id,
        "word": word_id,
        "meeting": meeting,
        "live_meeting": live_meeting,
    }


@pytest.mark.parametrize("who, path, data", CASES, ids=[f"{who}:{path}" for who, path, _ in CASES])
def test_a_post_without_a_valid_token_is_refused_and_changes_nothing(
    app, client, auth, targets, who, path, data
):
    path = path.format(**targets)
    auth.login(who)

    for token in (None, "stale"):
        before = snapshot(app)
        form = dict(data) if token is None else {**data, "csrf_token": token}
        response = client.post(path, data=form)
        assert response.status_code == 400, f"{path} with token {token!r}"
        assert "did not save it" in response.get_data(as_text=True)
        after = snapshot(app)
        assert changed_tables(before, after) == [], f"{path} with token {token!r} changed the database"

    # The same request with the token the page gives does change something.
    before = snapshot(app)
    response = client.post_form(path, dict(data), page="/")
    assert response.status_code in (200, 302, 303), (
        f"{path} with a valid token answered {response.status_code}"
    )
    assert changed_tables(before, snapshot(app)) != [], f"{path} changed nothing even with a valid token"


def test_every_state_changing_forum_and_settings_route_is_covered(app):
    """A new POST route in the forums, moderation or settings needs a case in CASES above, or this fails."""
    adapter = app.url_map.bind("localhost")
    ids = dict.fromkeys(
        ["other_thread", "my_thread", "my_post", "other_post", "my_other_device", "item", "word"], 1
    )
    ids |= {"meeting": 1, "live_meeting": 1}
    covered = {adapter.match(path.format(**ids), method="POST")[0] for _, path, _ in CASES}
    changing = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods
        and rule.endpoint.split(".")[0] in {"forums", "accounts", "moderation", "chat", "meetings"}
        and not rule.rule.startswith("/auth/")
    }  # sign-in, sign-up, reset, sign-out: test_security.py
    assert changing - covered == set(), "POST routes with no CSRF case"
    assert len(covered) == len(CASES)
