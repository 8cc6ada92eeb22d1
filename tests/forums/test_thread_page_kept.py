"""The thread page is kept whole for a kind of reader (community/kept_pages.py), and each
post's rendered pieces are kept too (forums/fragments.py): whatever changes, by the app or by
SQL behind its back, the next view shows it at once, and what one reader sees never reaches
another."""

from __future__ import annotations

import re

import pytest

from community.accounts import account_deletion
from community.extensions import db
from community.forums import moderation, services
from community.forums.models import Post, Thread
from tests.helpers import csrf_token_in

pytestmark = pytest.mark.both_databases  # the revision's triggers are the databases' own


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


def _store(app, name: str):
    return app.extensions.get(f"community.kept.{name}")


def _frames(app) -> int:
    store = _store(app, "post.frame")
    return len(store._items) if store else 0


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


def test_kept_markup_is_bounded_by_size_as_well_as_count(app, client, seen):
    from community.forums import fragments

    thread_id, post_id, _ = seen
    with app.test_request_context():
        fragments.forget_all()
    store = _store(app, "post.frame")
    store.characters = 1  # no piece fits: nothing is kept
    assert "Short walks, then rest." in _page(client, thread_id)  # rendered all the same
    assert _frames(app) == 0 and store.size == 0
    with app.test_request_context():
        fragments.forget_all()
    store.characters = 10**9
    _page(client, thread_id)
    assert _frames(app) == 2
    assert store.size == sum(size for _, size in store._items.values())


def test_forgetting_before_any_page_does_not_hang(app):
    from community.forums import fragments

    with app.test_request_context():
        fragments.forget_all()  # the caches do not exist yet: their lock is taken twice
        fragments.forget_all()


def _bodies(app) -> int:
    store = _store(app, "body")
    return len(store._items) if store else 0


def test_a_change_made_in_sql_behind_the_apps_back_shows_at_once(app, client, seen):
    """The thread's revision is raised by the database: a bulk statement, an operator's SQL
    or a migration cannot leave a kept page showing what was."""
    from sqlalchemy import text

    thread_id, post_id, _ = seen
    with app.app_context():
        db.session.execute(
            text("UPDATE posts SET body_html = '<p>Changed by hand.</p>' WHERE id = :id"), {"id": post_id}
        )
        db.session.execute(
            text("UPDATE users SET display_name = 'Renamed In SQL' WHERE username = 'other_member'")
        )
        db.session.commit()
    post = _article(_page(client, thread_id), post_id)
    assert "Changed by hand." in post and "Renamed In SQL" in post
    with app.app_context():
        db.session.execute(text("DELETE FROM reactions"))
        db.session.execute(
            text(
                "INSERT INTO reactions (post_id, user_id, kind, created_at) "
                "SELECT :post, id, 'support', CURRENT_TIMESTAMP FROM users WHERE username = 'admin'"
            ),
            {"post": post_id},
        )
        db.session.commit()
    assert "admin (Admin)" in _article(_page(client, thread_id), post_id)


def test_members_alike_share_the_page_and_each_has_their_own_header_and_token(
    app, client, auth, forum, seen, monkeypatch
):
    from community.forums import thread_views

    thread_id, _, _ = seen
    auth.logout()
    auth.login("newcomer")
    first = _page(client, thread_id)
    with app.app_context():
        from community.accounts.services import create_user

        create_user("second_reader", "second@example.org", "correct horse battery", trusted=False)
        db.session.commit()
    rendered = []
    real_page = thread_views.thread_page
    monkeypatch.setattr(thread_views, "thread_page", lambda *a: rendered.append(a) or real_page(*a))
    second = app.test_client()
    second.post_form("/auth/login", {"login": "second_reader", "password": "correct horse battery"})
    page = second.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert rendered == []  # the newcomer's page, kept: only the header is this reader's
    assert ">second_reader</a>" in page and ">newcomer</a>" not in page
    assert csrf_token_in(page) != csrf_token_in(first) and csrf_token_in(first) not in page
    assert len(set(re.findall(r'name="csrf_token" value="([^"]+)"', page))) == 1
    assert page.split('<main id="main"')[1].replace(csrf_token_in(page), "") == first.split(
        '<main id="main"'
    )[1].replace(csrf_token_in(first), "")


def test_a_page_whose_posts_changed_while_it_was_rendered_is_not_kept(app, client, seen, monkeypatch):
    from community.forums import thread_views

    thread_id, _, _ = seen
    with app.test_request_context():
        from community.forums import fragments

        fragments.forget_all()
    monkeypatch.setattr(thread_views, "thread_revision", lambda thread_id: -1)  # raised meanwhile
    assert "Short walks, then rest." in _page(client, thread_id)
    assert _bodies(app) == 0


def test_a_visitors_kept_page_sets_no_cookie(app, client, forum):
    thread_id = forum.thread(who="other", slug="work-advocacy", body="Public words.")
    for _ in range(2):
        response = client.get(f"/threads/{thread_id}")
        assert "Public words." in response.get_data(as_text=True)
        assert "Set-Cookie" not in response.headers
    assert _bodies(app) == 1


def test_blocking_muting_and_being_silenced_show_at_once(app, client, forum, seen):
    from community.moderation import blocking, sanctions

    thread_id, post_id, _ = seen
    with app.app_context():
        blocking.block(forum.user("member"), forum.user("other"))
        db.session.commit()
    assert "You blocked this member" in _article(_page(client, thread_id), post_id)
    with app.app_context():
        blocking.unblock(forum.user("member"), forum.user("other"))
        blocking.set_muted_words(forum.user("member"), "pace")
        db.session.commit()
    post = _article(_page(client, thread_id), post_id)
    assert "You blocked this member" not in post and "This post has a word you muted" in post
    with app.app_context():
        blocking.set_muted_words(forum.user("member"), "")
        sanctions.silence(forum.user("moderator"), forum.user("member"), "1", "Cooling off")
        db.session.commit()
    page = _page(client, thread_id)
    assert 'id="reply-title"' not in page and "Cooling off" in page
    assert "This post has a word you muted" not in page


def test_the_thread_and_the_header_count_show_at_once(app, client, forum, seen):
    from community.notifications import services as notifications

    thread_id, _, _ = seen
    with app.app_context():
        thread = forum.get(Thread, thread_id)
        thread.title, thread.locked = "Pacing on the worst days", True
        notifications.notify(
            {forum.user("member").id},
            "reply",
            actor_id=forum.user("other").id,
            subject=("thread", thread_id),
            url="/",
        )
        db.session.commit()
    page = _page(client, thread_id)
    assert "<h1>Pacing on the worst days</h1>" in page and "Closed to new replies" in page
    assert '1<span class="visually-hidden"> unread</span>' in page


def test_a_message_after_an_action_shows_once(client, seen):
    thread_id, _, _ = seen
    client.post_form(f"/threads/{thread_id}/watch", {"watching": "1"}, page=f"/threads/{thread_id}")
    page = _page(client, thread_id)
    assert 'class="flashes"' in page and "Stop watching" in page
    assert 'class="flashes"' not in _page(client, thread_id)


def test_times_read_as_they_should_when_a_kept_page_outlives_them(app, client, seen, monkeypatch):
    from datetime import timedelta

    from community import database, kept_pages

    thread_id, _, _ = seen
    assert "just now" in _page(client, thread_id)
    later = database.utcnow() + timedelta(minutes=3)
    for module in (database, kept_pages):
        monkeypatch.setattr(module, "utcnow", lambda: later)
    from community.forums import fragments, thread_views

    monkeypatch.setattr(fragments, "utcnow", lambda: later)
    monkeypatch.setattr(thread_views, "utcnow", lambda: later)
    page = _page(client, thread_id)
    assert "just now" not in page and "3 minutes ago" in page
