"""Titles and names as readers see them: nothing invisible, and staff marked in words."""

import re

import pytest

from community.accounts.models import User
from community.extensions import db
from community.forums import services
from community.forums.models import Post, Thread

pytestmark = pytest.mark.both_databases

ZWSP, RLO, PDF = "\u200b", "\u202e", "\u202c"


def count_threads() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Thread))


@pytest.mark.parametrize("title", [ZWSP * 5, ZWSP * 10 + "Hey", "\u3164" * 6, f"{RLO}{PDF}{RLO}{PDF}{RLO}"])
def test_a_title_needs_five_visible_characters(app, client, auth, groups, title):
    auth.login()
    response = client.post_form("/groups/crps/new", {"title": title, "body": "Some words"})
    assert response.status_code == 422
    assert "A title needs 5 to 150 characters." in response.get_data(as_text=True)
    with app.app_context():
        assert count_threads() == 0


def test_the_service_refuses_an_invisible_title_too(app, forum):
    with app.app_context(), pytest.raises(services.ForumError) as refused:
        services.create_thread(forum.user("member"), forum.group("crps"), ZWSP * 5, "Some words")
    assert refused.value.field == "title"


def test_titles_and_warnings_are_stored_without_reordering_or_invisible_characters(app, client, auth, groups):
    auth.login()
    response = client.post_form(
        "/groups/crps/new",
        {
            "title": f"{RLO}Flare diary{PDF} {ZWSP}week one",
            "body": "Some words",
            "content_warning": f"nee{ZWSP}dles{RLO}",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        thread = db.session.scalar(db.select(Thread))
        post = db.session.scalar(db.select(Post))
        assert thread.title == "Flare diary week one"
        assert post.content_warning == "needles"


def _post_header(page: str, post_id: int) -> str:
    match = re.search(rf'<article [^>]*id="post-{post_id}".*?</header>', page, re.S)
    assert match, f"post {post_id} is not on the page"
    return match.group()


def test_staff_carry_their_role_in_words_and_members_do_not(app, client, auth, forum):
    thread_id = forum.thread(who="moderator", title="Welcome to the CRPS group")
    member_reply = forum.reply(thread_id, who="member")
    admin_reply = forum.reply(thread_id, who="admin")
    with app.app_context():
        # A name saved before names were checked still cannot pass as staff: the badge is the role's.
        db.session.get(User, forum.user("member").id).display_name = "Robin (moderator)"
        db.session.commit()
    auth.login("other_member")
    page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    moderator_head = _post_header(page, forum.first_post(thread_id))
    assert '<span class="role-badge">Moderator</span>' in moderator_head
    assert '<span class="role-badge">Admin</span>' in _post_header(page, admin_reply)
    member_head = _post_header(page, member_reply)
    assert "Robin (moderator)" in member_head and "role-badge" not in member_head
    listing = client.get("/groups/crps/").get_data(as_text=True)
    assert 'Started by moderator <span class="role-badge">Moderator</span>' in listing
    assert 'by admin <span class="role-badge">Admin</span>' in listing  # the last post


def test_a_member_cannot_take_a_moderators_look(app, client, auth, users):
    auth.login()
    response = client.post_form(
        "/settings",
        {"display_name": "Robin (moderator)", "theme": "system", "text_size": "normal", "relationship": ""},
    )
    assert response.status_code == 422
    assert "That name is kept for the site&#39;s own staff. Please choose another." in response.get_data(
        as_text=True
    )


def test_who_reacted_names_staff_as_staff(client, auth, forum):
    thread_id = forum.thread(who="member")
    post_id = forum.first_post(thread_id)
    auth.login("moderator")
    client.post_form(f"/posts/{post_id}/react", {"reaction": "support:on"}, page=f"/threads/{thread_id}")
    page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert f'id="who-{post_id}-support">moderator (Moderator)</span>' in page


@pytest.mark.parametrize("blank", ["\u2800" * 5, "\U000e0041" * 6, "\U0001d173" * 6, "\u17b4" * 6])
def test_titles_of_other_invisible_characters_are_refused(client, auth, forum, blank):
    auth.login()
    response = client.post_form("/groups/crps/new", {"title": blank, "body": "Some words"})
    assert response.status_code == 422


def test_a_body_of_zero_width_spaces_is_refused(client, auth, forum):
    auth.login()
    response = client.post_form("/groups/crps/new", {"title": "A real title", "body": "\u200b" * 10})
    assert response.status_code == 422
    assert "Please write something before posting." in response.get_data(as_text=True)
