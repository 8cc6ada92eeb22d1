"""A closed thread and an archived group stay as they are: no edits, reactions, watches or joins."""

import pytest

from community.database import utcnow
from community.extensions import db
from community.forums.models import Reaction, Thread, ThreadWatch

pytestmark = pytest.mark.both_databases


def _lock(app, thread_id):
    with app.app_context():
        db.session.get(Thread, thread_id).locked = True
        db.session.commit()


def _archive(app, forum, slug="crps"):
    with app.app_context():
        forum.group(slug).archived_at = utcnow()
        db.session.commit()


def test_in_a_closed_thread_the_author_cannot_edit_post_or_title(app, client, auth, forum):
    thread_id = forum.thread(who="member", title="Before it closed", body="Hello @other_member")
    post_id = forum.first_post(thread_id)
    _lock(app, thread_id)
    auth.login("member")
    page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert f"/posts/{post_id}/edit" not in page
    assert client.get(f"/posts/{post_id}/edit").status_code == 403
    response = client.post_form(
        f"/posts/{post_id}/edit",
        {"title": "A new title", "body": "Hi @moderator"},
        page=f"/threads/{thread_id}",
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Thread, thread_id).title == "Before it closed"
    auth.logout()
    auth.login("moderator")
    assert "mentioned you" not in client.get("/notifications").get_data(as_text=True)


def test_in_a_closed_thread_the_author_may_still_remove_their_post(app, client, auth, forum):
    thread_id = forum.thread(who="member")
    post_id = forum.first_post(thread_id)
    _lock(app, thread_id)
    auth.login("member")
    assert f"/posts/{post_id}/delete" in client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert client.post_form(f"/posts/{post_id}/delete", page=f"/posts/{post_id}/delete").status_code == 302


def test_in_an_archived_group_nobody_reacts_watches_or_joins(app, client, auth, forum):
    thread_id = forum.thread(who="member")
    post_id = forum.first_post(thread_id)
    _archive(app, forum)
    auth.login("other_member")
    thread_page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert f"/posts/{post_id}/react" not in thread_page
    assert f"/threads/{thread_id}/watch" not in thread_page
    assert "/groups/crps/join" not in client.get("/groups/crps/").get_data(as_text=True)

    token_page = "/settings"
    assert (
        client.post_form(f"/posts/{post_id}/react", {"reaction": "support:on"}, page=token_page).status_code
        == 403
    )
    assert (
        client.post_form(f"/threads/{thread_id}/watch", {"watching": "1"}, page=token_page).status_code == 403
    )
    assert client.post_form("/groups/crps/join", page=token_page).status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Reaction)) == 0
        assert db.session.get(ThreadWatch, (forum.user("other").id, thread_id)) is None
    auth.logout()
    auth.login("member")
    assert "reacted" not in client.get("/notifications").get_data(as_text=True)
