"""A new member's first posts wait for a moderator; crisis words bring support at once and
an urgent item; moderators approve, hide and dismiss in one queue, and the log says so."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community.database import utcnow
from community.extensions import db
from community.forums.models import Post, Thread
from community.moderation.models import AuditEntry, ReviewItem
from community.notifications.models import Notification
from tests.conftest import AuthActions

pytestmark = pytest.mark.both_databases


def _login(client, name):
    return AuthActions(client).login(name)


def _new_thread(client, title="Hello from a newcomer", body="I have CRPS in my left hand."):
    return client.post_form("/groups/crps/new", {"title": title, "body": body})


def test_a_new_members_first_post_waits_for_a_moderator_and_is_published_on_approval(
    app, client, second_client, users, groups
):
    _login(client, "newcomer")
    response = _new_thread(client)
    assert response.status_code == 302
    own_view = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "waiting for a moderator" in own_view
    assert "I have CRPS in my left hand." in own_view  # the author sees their own post
    with app.app_context():
        thread = db.session.scalar(db.select(Thread))
        thread_id = thread.id
        item = db.session.scalar(db.select(ReviewItem))
        assert item.held and item.reasons == ["new_member"] and item.state == "pending"

    # Nobody else sees it: not the thread, not the group list, not search.
    _login(second_client, "other_member")
    assert second_client.get(f"/threads/{thread_id}").status_code == 404
    assert "Hello from a newcomer" not in second_client.get("/groups/crps/").get_data(as_text=True)
    assert "Hello from a newcomer" not in second_client.get("/search?q=newcomer").get_data(as_text=True)

    # A moderator approves it in the queue; then everyone sees it, and the log says who.
    moderator = app.test_client()
    _login(moderator, "moderator")
    queue = moderator.get("/mod/").get_data(as_text=True)
    assert "Hello from a newcomer" in queue
    response = moderator.post_form(f"/mod/items/{item.id}/approve", {}, page=f"/mod/items/{item.id}")
    assert response.status_code == 302
    assert second_client.get(f"/threads/{thread_id}").status_code == 200
    assert "Hello from a newcomer" in second_client.get("/groups/crps/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ReviewItem, item.id).state == "resolved"
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "approve"))
        assert entry.actor_name == "moderator" and entry.member_name == "newcomer"
        told = db.session.scalar(db.select(Notification).where(Notification.kind == "mod_outcome"))
        assert told.params["outcome"] == "approved"
    log = moderator.get("/mod/log").get_data(as_text=True)
    assert "Approved" in log and "newcomer" in log


def test_a_member_becomes_trusted_after_three_approved_posts_and_three_days(app, client, users, groups):
    from freezegun import freeze_time

    from community.accounts.models import User

    moderator = app.test_client()
    _login(moderator, "moderator")
    _login(client, "newcomer")
    for number in range(3):
        _new_thread(client, title=f"Thread number {number}", body=f"Body {number}")
    with app.app_context():
        ids = [item.id for item in db.session.scalars(db.select(ReviewItem).order_by(ReviewItem.id))]
    assert len(ids) == 3
    for item_id in ids:
        moderator.post_form(f"/mod/items/{item_id}/approve", {}, page=f"/mod/items/{item_id}")
    with app.app_context():
        newcomer = db.session.get(User, users["newcomer"])
        assert newcomer.approved_posts == 3 and not newcomer.trusted  # not three days yet
    # The fourth post is published at once: three were approved. (A fourth thread on the
    # first day would be refused: new members start three threads a day.)
    refused = _new_thread(client, title="Fourth thread here", body="Too many")
    assert refused.status_code == 429
    assert "On your first day you can start 3 threads" in refused.get_data(as_text=True)
    with app.app_context():
        thread_id = db.session.scalar(db.select(Thread.id).where(Thread.title == "Thread number 0"))
    reply_page = f"/threads/{thread_id}"
    client.post_form(f"{reply_page}/reply", {"body": "Published straight away"}, page=reply_page)
    with app.app_context():
        assert (
            db.session.scalar(db.select(Post).where(Post.body == "Published straight away")).state
            == "published"
        )
    with freeze_time(utcnow() + timedelta(days=4)):  # days later, the next post makes them trusted
        client.post_form(f"{reply_page}/reply", {"body": "Later"}, page=reply_page)
    with app.app_context():
        assert db.session.get(User, users["newcomer"]).trusted


def test_a_crisis_phrase_shows_support_at_once_queues_an_urgent_item_first_and_stays_visible(
    app, client, second_client, users, groups, starter_words
):
    # An older, ordinary item is already waiting.
    newcomer = app.test_client()
    _login(newcomer, "newcomer")
    _new_thread(newcomer)
    _login(client, "member")
    response = client.post_form(
        "/groups/crps/new",
        {"title": "A very bad night", "body": "Tonight I just want to die, it never stops."},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200  # the panel comes in this very response
    assert 'class="crisis-panel"' in page and 'href="tel:988"' in page and 'href="/crisis"' in page
    with app.app_context():
        thread = db.session.scalar(db.select(Thread).where(Thread.title == "A very bad night"))
        assert thread.state == "published"
        items = list(db.session.scalars(db.select(ReviewItem)))
        crisis = next(item for item in items if item.crisis)
        assert crisis.reasons == ["crisis"] and not crisis.held
        staff_told = db.session.scalars(
            db.select(Notification.user_id).where(Notification.kind == "mod_crisis")
        )
        assert set(staff_told) == {users["moderator"], users["admin"]}
    _login(second_client, "other_member")
    assert "it never stops" in second_client.get(f"/threads/{thread.id}").get_data(as_text=True)
    moderator = app.test_client()
    _login(moderator, "moderator")
    queue = moderator.get("/mod/").get_data(as_text=True)
    assert queue.index("A very bad night") < queue.index("Hello from a newcomer")  # crisis first
    assert "Urgent" in queue


def test_a_tier_two_phrase_holds_the_post_and_still_shows_support(
    app, client, second_client, users, groups, starter_words
):
    _login(client, "member")
    response = client.post_form(
        "/groups/crps/new", {"title": "A question tonight", "body": "What is a lethal dose of my pills?"}
    )
    assert response.status_code == 200 and 'class="crisis-panel"' in response.get_data(as_text=True)
    with app.app_context():
        thread = db.session.scalar(db.select(Thread))
        assert thread.state == "held"
        item = db.session.scalar(db.select(ReviewItem))
        assert item.crisis and item.held and "crisis_hold" in item.reasons
    _login(second_client, "other_member")
    assert second_client.get(f"/threads/{thread.id}").status_code == 404


def test_a_blocked_word_is_refused_kindly_and_the_text_kept(app, client, users, groups, watch_word):
    watch_word("rudeword", action="block")
    _login(client, "member")
    response = client.post_form("/groups/crps/new", {"title": "Plain title", "body": "You are a RudeWord."})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "includes words our community guidelines" in page and "You are a RudeWord." in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


def test_hiding_shows_the_author_the_reason_and_others_a_line(
    app, client, second_client, users, groups, forum
):
    thread_id = forum.thread("member", title="Something to hide", body="Buy my stuff")
    with app.app_context():
        post_id = forum.first_post(thread_id)
    _login(second_client, "other_member")
    second_client.post_form(f"/flag/post/{post_id}", {"reason": "spam"}, page=f"/flag/post/{post_id}")
    moderator = app.test_client()
    _login(moderator, "moderator")
    with app.app_context():
        item_id = db.session.scalar(db.select(ReviewItem.id))
    moderator.post_form(
        f"/mod/items/{item_id}/hide", {"reason": "Advertising is not allowed"}, page=f"/mod/items/{item_id}"
    )
    _login(client, "member")
    assert "Advertising is not allowed" in client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert (
        second_client.get(f"/threads/{thread_id}").status_code == 404
    )  # a hidden opening post hides its thread


def test_two_moderators_do_not_handle_one_item(app, users, groups, forum, client):
    thread_id = forum.thread("member")
    other_mod = app.test_client()
    _login(client, "moderator")
    _login(other_mod, "admin")
    with app.app_context():
        from community.moderation import queue

        post = db.session.get(Post, forum.first_post(thread_id))
        item = queue.queue_item("post", post.id, "spam")
        db.session.commit()
        item_id = item.id
    client.post_form(f"/mod/items/{item_id}/claim", {}, page=f"/mod/items/{item_id}")
    response = other_mod.post_form(f"/mod/items/{item_id}/dismiss", {}, page=f"/mod/items/{item_id}")
    assert response.status_code == 303
    page = other_mod.get(f"/mod/items/{item_id}").get_data(as_text=True)
    assert "moderator is handling this item" in page
    with app.app_context():
        assert db.session.get(ReviewItem, item_id).state == "claimed"


def test_a_reply_sent_twice_is_stored_once(app, client, users, forum):
    thread_id = forum.thread("other")
    _login(client, "member")
    page = f"/threads/{thread_id}"
    first = client.post_form(f"{page}/reply", {"body": "Same words"}, page=page)
    again = client.post_form(f"{page}/reply", {"body": "Same words"}, page=page)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    with app.app_context():
        assert (
            db.session.scalar(db.select(db.func.count()).select_from(Post).where(Post.body == "Same words"))
            == 1
        )
