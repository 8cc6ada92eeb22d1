"""Sanctions hold everywhere and say until when; the posting pace follows trust; thread
tools work and are in the audit log, which nobody can change."""

from __future__ import annotations

import pytest

from community.accounts.models import User
from community.config import Config
from community.extensions import db
from community.forums.models import Post, Thread
from community.moderation.models import AuditEntry
from tests.conftest import AuthActions

pytestmark = pytest.mark.both_databases


def _login(client, name):
    return AuthActions(client).login(name)


def _moderator(app):
    moderator = app.test_client()
    _login(moderator, "moderator")
    return moderator


def test_silencing_refuses_the_next_post_naming_when_it_ends_and_keeps_the_text(app, client, users, forum):
    thread_id = forum.thread("other")
    _login(client, "member")
    moderator = _moderator(app)
    response = moderator.post_form(
        "/mod/users/member/silence",
        {"duration": "3", "reason": "Cooling off after an argument"},
        page="/mod/users/member",
    )
    assert response.status_code == 302
    response = client.post_form(
        f"/threads/{thread_id}/reply", {"body": "My angry reply"}, page="/groups/crps/"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "can read but not post until" in page and "Cooling off after an argument" in page
    assert "My angry reply" in page  # what they typed is not lost
    thread_page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "can read but not post until" in thread_page and 'id="reply"' not in thread_page
    assert (
        client.post_form("/groups/crps/new", {"title": "A new one", "body": "x"}, page="/").status_code == 403
    )
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(db.func.count()).select_from(Post).where(Post.author_id == users["member"])
            )
            == 0
        )
    # Lifting it lets them post again.
    moderator.post_form("/mod/users/member/lift", {}, page="/mod/users/member")
    assert (
        client.post_form(
            f"/threads/{thread_id}/reply", {"body": "Calmer now"}, page=f"/threads/{thread_id}"
        ).status_code
        == 302
    )


def test_suspending_ends_the_session_on_the_next_request_and_sign_in_says_why(app, client, users, forum):
    _login(client, "member")
    assert client.get("/settings").status_code == 200
    _moderator(app).post_form(
        "/mod/users/member/suspend",
        {"duration": "7", "reason": "Repeated harassment"},
        page="/mod/users/member",
    )
    response = client.get("/settings")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    response = AuthActions(client).login("member")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Your account is suspended until" in page and "Repeated harassment" in page


def test_a_silence_ends_by_itself(app, client, users, forum):
    from datetime import timedelta

    from freezegun import freeze_time

    from community.database import utcnow

    thread_id = forum.thread("other")
    _moderator(app).post_form(
        "/mod/users/member/silence", {"duration": "1", "reason": "A day off"}, page="/mod/users/member"
    )
    with freeze_time(utcnow() + timedelta(days=1, minutes=1)):
        _login(client, "member")
        response = client.post_form(
            f"/threads/{thread_id}/reply", {"body": "Back again"}, page=f"/threads/{thread_id}"
        )
        assert response.status_code == 302


@pytest.mark.parametrize(
    "actor, target, status",
    [
        ("moderator", "admin", 403),
        ("moderator", "moderator", 403),
        ("admin", "moderator", 302),
        ("member", "other_member", 403),
    ],
)
def test_who_may_sanction_whom(app, client, users, actor, target, status):
    _login(client, actor)
    response = client.post_form(
        f"/mod/users/{target}/silence", {"duration": "1", "reason": "Testing"}, page="/"
    )
    assert response.status_code == status


def test_remove_as_spam_takes_everything_down_and_closes_the_account(app, client, users, forum):
    thread_id = forum.thread("newcomer", title="Cheap pills here", body="Visit my shop")
    moderator = _moderator(app)
    response = moderator.post_form(
        "/mod/users/newcomer/remove_spammer", {"confirm": "yes"}, page="/mod/users/newcomer"
    )
    assert response.status_code == 302
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        # A new member's thread nobody has seen stays out of sight; its reason is recorded.
        assert thread.state == "held" and thread.hidden_reason == "Spam"
        newcomer = db.session.get(User, users["newcomer"])
        assert newcomer.standing == "suspended" and newcomer.standing_until is None
    _login(client, "other_member")
    assert client.get(f"/threads/{thread_id}").status_code == 404


# The posting pace -------------------------------------------------------------------------


@pytest.fixture
def paced(app):
    """The real intervals (the test settings turn them off for every other test)."""
    for name in (
        "NEW_THREAD_INTERVAL",
        "NEW_REPLY_INTERVAL",
        "TRUSTED_THREAD_INTERVAL",
        "TRUSTED_REPLY_INTERVAL",
    ):
        app.config[name] = getattr(Config, name)


@pytest.mark.parametrize(
    "who, waits", [("newcomer", "30 seconds"), ("member", "5 seconds"), ("moderator", None)]
)
def test_replies_are_paced_by_trust_with_the_text_kept(app, client, users, forum, paced, who, waits):
    thread_id = forum.thread("other")
    _login(client, who)
    page = f"/threads/{thread_id}"
    assert client.post_form(f"{page}/reply", {"body": "First reply"}, page=page).status_code == 302
    response = client.post_form(f"{page}/reply", {"body": "Second reply straight after"}, page=page)
    if waits is None:
        assert response.status_code == 302  # moderators are never paced
        return
    text = response.get_data(as_text=True)
    assert response.status_code == 429
    assert f"wait {waits} between replies" in text and "Second reply straight after" in text


def test_new_members_wait_two_minutes_between_threads(app, client, users, groups, paced):
    _login(client, "newcomer")
    assert client.post_form("/groups/crps/new", {"title": "First thread", "body": "Hello"}).status_code == 302
    response = client.post_form("/groups/crps/new", {"title": "Second thread", "body": "Again"})
    assert response.status_code == 429 and "New members wait 2 minutes between threads" in response.get_data(
        as_text=True
    )


def test_slow_mode_spaces_each_members_replies(app, client, users, forum):
    thread_id = forum.thread("other")
    moderator = _moderator(app)
    page = f"/threads/{thread_id}"
    moderator.post_form(f"{page}/tools", {"tool": "slow_mode", "seconds": "300"}, page=page)
    _login(client, "member")
    assert "Slow mode: one reply per member every 5 minutes" in client.get(page).get_data(as_text=True)
    assert client.post_form(f"{page}/reply", {"body": "One"}, page=page).status_code == 302
    response = client.post_form(f"{page}/reply", {"body": "Two"}, page=page)
    assert response.status_code == 429 and "This thread is in slow mode" in response.get_data(as_text=True)
    assert moderator.post_form(f"{page}/reply", {"body": "Mod one"}, page=page).status_code == 302
    assert moderator.post_form(f"{page}/reply", {"body": "Mod two"}, page=page).status_code == 302


# Thread tools and the audit log -----------------------------------------------------------


def test_thread_tools_move_hide_and_show_and_the_log_says_so(app, client, users, forum):
    thread_id = forum.thread("member", title="In the wrong place")
    moderator = _moderator(app)
    page = f"/threads/{thread_id}"
    moderator.post_form(f"{page}/tools", {"tool": "move", "group": "sleep-fatigue"}, page=page)
    moderator.post_form(f"{page}/tools", {"tool": "hide", "reason": "Off topic for now"}, page=page)
    _login(client, "other_member")
    assert client.get(page).status_code == 404
    assert "In the wrong place" not in client.get("/groups/sleep-fatigue/").get_data(as_text=True)
    author = app.test_client()
    _login(author, "member")
    assert "Off topic for now" in author.get(page).get_data(as_text=True)
    moderator.post_form(f"{page}/tools", {"tool": "unhide"}, page=page)
    assert client.get(page).status_code == 200
    with app.app_context():
        assert db.session.get(Thread, thread_id).group.slug == "sleep-fatigue"
        actions = list(db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["move", "hide_thread", "unhide_thread"]
    log = moderator.get("/mod/log?action=move").get_data(as_text=True)
    assert "<td>Moved</td>" in log and "<td>Showed a thread again</td>" not in log


def test_the_audit_log_cannot_be_changed(app, users):
    from community.moderation import audit

    with app.app_context():
        entry = audit.record(None, "warn", reason="Kept for ever")
        db.session.commit()
        entry.reason = "Changed"
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEntry, entry.id))
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.commit()


def test_group_management_and_role_changes_are_in_the_audit_log(app, client, users, groups, runner):
    AuthActions(client).login("admin")
    client.post_form(
        "/groups/manage/new",
        {
            "name": "Migraine",
            "slug": "migraine",
            "description": "Head pain",
            "visibility": "public",
            "position": "5",
        },
    )
    client.post_form("/groups/migraine/archive", {"archived": "1"}, page="/groups/manage")
    runner.invoke(args=["users", "set-role", "other_member", "moderator"])
    with app.app_context():
        actions = [
            (e.action, e.actor_name)
            for e in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))
        ]
    assert actions == [("group_create", "admin"), ("group_archive", "admin"), ("set_role", "")]
