"""The thread page keeps each post's rendered pieces (forums/fragments.py): whatever changes,
the next view shows it at once, and what one reader sees never reaches another."""

from __future__ import annotations

import re

import pytest

from community.accounts import account_deletion
from community.extensions import db
from community.forums import moderation, services
from community.forums.models import Post
from tests.helpers import csrf_token_in


def _page(client, thread_id: int) -> str:
    response = client.get(f"/threads/{thread_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _article(page: str, post_id: int) -> str:
    return re.search(rf'<article[^>]* id="post-{post_id}".*?</article>', page, re.S).group(0)


@pytest.fixture
def seen(app, client, auth, forum):
    """A thread by "other" with a reply by the member, already read once by the member, so
    every piece of it is kept before the change a test makes."""
    thread_id = forum.thread(who="other", body="How do you pace a bad day?")
    post_id = forum.first_post(thread_id)
    reply_id = forum.reply(thread_id, who="member", body="Short walks, then rest.")
    auth.login()
    _page(client, thread_id)
    return thread_id, post_id, reply_id


def test_reactions_show_at_once_and_the_pressed_state_is_the_readers_own(app, client, auth, forum, seen):
    thread_id, post_id, _ = seen
    with app.app_context():
        services.set_reaction(forum.user("moderator"), db.session.get(Post, post_id), "support", on=True)
        db.session.commit()
    post = _article(_page(client, thread_id), post_id)
    assert 'aria-pressed="false"' in post and "moderator (Moderator)" in post

    client.post_form(f"/posts/{post_id}/react", {"reaction": "support:on"}, page=f"/threads/{thread_id}")
    post = _article(_page(client, thread_id), post_id)
    assert 'value="support:off" class="reaction-button" aria-pressed="true"' in post
    assert "moderator (Moderator), member" in post

    auth.logout()
    auth.login("newcomer")  # the same post and the same rights as the member: not their reaction
    post = _article(_page(client, thread_id), post_id)
    assert "moderator (Moderator), member" in post and 'aria-pressed="true"' not in post


def test_a_new_display_name_and_a_deleted_account_show_at_once(app, client, forum, seen):
    thread_id, post_id, _ = seen
    with app.app_context():
        other = forum.user("other")
        other.display_name = "Quiet Fern"
        db.session.commit()
    post = _article(_page(client, thread_id), post_id)
    assert "Quiet Fern" in post and "@other_member" in post

    with app.app_context():
        account_deletion.delete_account(forum.user("other"), keep_posts=True)
        db.session.commit()
    post = _article(_page(client, thread_id), post_id)
    assert "Former member" in post and "Quiet Fern" not in post and "other_member" not in post


def test_a_hidden_post_and_a_removed_one_show_at_once(app, client, forum, seen):
    thread_id, post_id, reply_id = seen
    with app.app_context():
        moderation.hide(db.session.get(Post, post_id), "Off topic", whole_thread=False)
        db.session.commit()
    page = _page(client, thread_id)
    assert "This post is hidden by the moderators." in _article(page, post_id)
    assert "How do you pace" not in page

    client.post_form(f"/posts/{reply_id}/delete", {}, page=f"/posts/{reply_id}/delete")
    reply = _article(_page(client, thread_id), reply_id)
    assert "This post was removed by the author." in reply and "Short walks" not in reply
    assert "Edit" not in reply and 'class="reactions"' not in reply


def test_an_edit_shows_at_once_and_the_readers_own_links_are_theirs(app, client, auth, forum, seen):
    thread_id, post_id, reply_id = seen
    with app.app_context():
        services.edit_post(db.session.get(Post, reply_id), forum.user("member"), "Short walks, and heat.")
        db.session.commit()
    page = _page(client, thread_id)
    assert "Short walks, and heat." in page and "edited" in _article(page, reply_id)
    assert f"/posts/{reply_id}/edit" in page and f"/posts/{post_id}/edit" not in page

    auth.logout()
    auth.login("other_member")
    page = _page(client, thread_id)
    assert f"/posts/{post_id}/edit" in page and f"/posts/{reply_id}/edit" not in page
    assert f"/posts/{reply_id}/delete" not in page


def test_every_form_on_the_page_carries_this_pages_token(client, seen):
    thread_id, post_id, _ = seen
    page = _page(client, thread_id)
    token = csrf_token_in(page)
    reaction_form = _article(page, post_id)
    assert f'name="csrf_token" value="{token}"' in reaction_form
    assert "\x00" not in page


def _frames(app) -> int:
    return len(app.extensions.get("community.post_fragments.frame", {}))


def test_an_address_cannot_make_new_frames(app, client, seen):
    """?focus= names the reaction control to focus again; anything else it says is ignored,
    so nobody can fill the process's memory or push out what others need from the address bar."""
    thread_id, post_id, _ = seen
    before = _frames(app)
    for junk in (f"react-{post_id}-x{n}" for n in range(5)):
        assert client.get(f"/threads/{thread_id}?focus={junk}").status_code == 200
    assert _frames(app) == before
    page = client.get(f"/threads/{thread_id}?focus=react-{post_id}-support").get_data(as_text=True)
    assert re.search(rf'id="react-{post_id}-support"[^>]* autofocus', page)


def test_kept_markup_is_bounded_by_size_as_well_as_count(app, client, seen, monkeypatch):
    from community.forums import fragments

    thread_id, post_id, _ = seen
    monkeypatch.setattr(fragments, "MAX_CHARACTERS", 1)  # no piece fits: nothing is kept
    with app.test_request_context():
        fragments.forget_all()
    assert "Short walks, then rest." in _page(client, thread_id)  # rendered all the same
    assert _frames(app) == 0 and app.extensions["community.post_fragments.frame.size"] == 0
    monkeypatch.setattr(fragments, "MAX_CHARACTERS", 10**9)
    _page(client, thread_id)
    kept = app.extensions["community.post_fragments.frame"]
    assert len(kept) == 2
    assert app.extensions["community.post_fragments.frame.size"] == sum(size for _, size in kept.values())


def test_forgetting_before_any_page_does_not_hang(app):
    from community.forums import fragments

    with app.test_request_context():
        fragments.forget_all()  # the caches do not exist yet: their lock is taken twice
        fragments.forget_all()
