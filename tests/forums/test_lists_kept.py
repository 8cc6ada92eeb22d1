"""A group's page and search are kept whole for a kind of reader (community/kept_pages.py),
current while the groups' revisions are the same: whatever changes, by the app or by SQL
behind its back, the next view shows it at once, and what one reader may see never reaches
another."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from community.extensions import db
from community.forums import moderation, services
from community.forums.models import Post, Thread

pytestmark = pytest.mark.both_databases  # the revisions' triggers are the databases' own


def _get(client, path: str, **query) -> str:
    response = client.get(path, query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_groups_page_shows_replies_renames_and_new_threads_at_once(app, client, auth, forum):
    thread_id = forum.thread(who="other", title="Heat or ice")
    auth.login()
    assert "0 replies" in _get(client, "/groups/crps/")
    forum.reply(thread_id, who="member", body="Heat, mostly.")
    page = _get(client, "/groups/crps/")
    assert "1 reply" in page and "by member" in page
    with app.app_context():
        db.session.execute(text("UPDATE users SET display_name = 'Quiet Fern' WHERE username = 'member'"))
        db.session.execute(
            text("UPDATE threads SET title = 'Heat, ice or neither' WHERE id = :id"), {"id": thread_id}
        )
        db.session.commit()
    page = _get(client, "/groups/crps/")
    assert "Heat, ice or neither" in page and "by Quiet Fern" in page
    forum.thread(who="other", title="Pacing on bad days")
    assert "Pacing on bad days" in _get(client, "/groups/crps/")


def test_a_groups_page_is_each_readers_own_where_it_should_be(app, client, auth, forum):
    forum.thread(who="other", title="Heat or ice")
    held = forum.thread(who="newcomer", title="My first thread")  # waits for a moderator
    with app.app_context():
        assert db.session.get(Thread, held).state != "published"
    auth.login("newcomer")
    assert "My first thread" in _get(client, "/groups/crps/")
    auth.logout()
    auth.login()
    page = _get(client, "/groups/crps/")
    assert "My first thread" not in page and "Heat or ice" in page and "Join group" in page
    client.post_form("/groups/crps/join", {}, page="/groups/crps/")
    assert "Leave group" in _get(client, "/groups/crps/")


def test_search_shows_edits_hides_and_names_at_once(app, client, auth, forum):
    thread_id = forum.thread(who="other", title="Heat or ice", body="Heat pads help me most")
    reply_id = forum.reply(thread_id, who="member", body="Heat wraps at night")
    auth.login()
    assert "wraps at night" in _get(client, "/search", q="heat")
    with app.app_context():
        services.edit_post(db.session.get(Post, reply_id), forum.user("member"), "Heat wraps, then rest")
        db.session.commit()
    page = _get(client, "/search", q="heat")
    assert "wraps, then rest" in page and "wraps at night" not in page
    with app.app_context():
        moderation.hide(db.session.get(Post, reply_id), "Off topic", whole_thread=False)
        db.session.execute(
            text("UPDATE users SET display_name = 'Quiet Fern' WHERE username = 'other_member'")
        )
        db.session.commit()
    page = _get(client, "/search", q="heat")
    assert "wraps, then rest" not in page and "Quiet Fern" in page


def test_search_finds_for_each_reader_only_what_they_may_read(app, client, auth, forum):
    forum.thread(who="other", slug="crps", title="Members only", body="Heat in the members' group")
    forum.thread(who="other", slug="work-advocacy", title="In the open", body="Heat in the public group")
    page = _get(client, "/search", q="heat")
    assert "In the open" in page and "Members only" not in page
    auth.login()
    page = _get(client, "/search", q="heat")
    assert "In the open" in page and "Members only" in page
    auth.logout()
    page = _get(client, "/search", q="heat")
    assert "Members only" not in page
