"""Every action control on every forum page is shown if and only if its POST succeeds,
for every role, in an open thread, a closed one, and an archived group.

A control is a form posting to the action's URL, or a link to the page that does; success
is a redirect anywhere but the sign-in page (or 200 for a page). One fresh forum per case,
so no action changes the ground under the next.
"""

from __future__ import annotations

import pytest

from community.database import utcnow
from community.extensions import db
from community.forums import groups, services
from community.forums.models import Thread
from tests.helpers import PASSWORD

ROLES = ["visitor", "member", "author", "moderator", "admin"]
STATES = ["open", "closed", "archived"]
SLUG = "work-advocacy"  # public, so a visitor sees the pages too

# name: (page to look on, kind of control, URL, form data); {t} thread, {p} author's post, {r} another's reply
ACTIONS = {
    "join": ("/groups/{g}/", "form", "/groups/{g}/join", {}),
    "leave": ("/groups/{g}/", "form", "/groups/{g}/leave", {}),
    "start thread": (
        "/groups/{g}/",
        "link",
        "/groups/{g}/new",
        {"title": "A new thread here", "body": "Words"},
    ),
    "reply": ("/threads/{t}", "form", "/threads/{t}/reply", {"body": "A reply"}),
    "edit own post": (
        "/threads/{t}",
        "link",
        "/posts/{p}/edit",
        {"title": "A changed title", "body": "New words"},
    ),
    "remove own post": ("/threads/{t}", "link", "/posts/{p}/delete", {}),
    "edit a reply": ("/threads/{t}", "link", "/posts/{r}/edit", {"body": "New words"}),
    "remove a reply": ("/threads/{t}", "link", "/posts/{r}/delete", {}),
    "react": ("/threads/{t}", "form", "/posts/{r}/react", {"reaction": "support:on"}),
    "watch": ("/threads/{t}", "form", "/threads/{t}/watch", {"watching": "1"}),
    "pin": ("/threads/{t}", "form", "/threads/{t}/pin", {"pinned": "1"}),
    "close": ("/threads/{t}", "form", "/threads/{t}/lock", {"locked": "1"}),
    "manage groups": ("/groups/", "link", "/groups/manage", None),
}


@pytest.fixture
def place(app, forum):
    """A thread by "author" in a public group the author joined (so "join" is not theirs,
    "leave" is), with a reply by another member."""
    with app.app_context():
        from community.accounts.services import create_user

        create_user("author", "author@example.org", PASSWORD)
        db.session.commit()
    with app.app_context():
        from community.accounts.services import find_by_username

        author = find_by_username("author")
        group = groups.group_by_slug(SLUG)
        groups.join_group(author, group)
        thread = services.create_thread(author, group, "The author's thread", "Opening words")
        db.session.commit()
        thread_id = thread.id
    post_id = forum.first_post(thread_id)
    reply_id = forum.reply(thread_id, who="other", body="Another member's reply")
    return {"g": SLUG, "t": thread_id, "p": post_id, "r": reply_id}


def _enter(app, client, role, state, ids):
    with app.app_context():
        thread = db.session.get(Thread, ids["t"])
        if state == "closed":
            thread.locked = True
        if state == "archived":
            thread.group.archived_at = utcnow()
        db.session.commit()
    if role != "visitor":
        login = {"member": "other_member"}.get(role, role)
        assert client.post_form("/auth/login", {"login": login, "password": PASSWORD}).status_code == 302


def _shown(page_html: str, kind: str, url: str) -> bool:
    attribute = "action" if kind == "form" else "href"
    return f'{attribute}="{url}"' in page_html or f'{attribute}="{url}#' in page_html


def _succeeds(client, url: str, data, page: str) -> bool:
    if data is None:
        return client.get(url).status_code == 200
    response = client.post_form(url, data, page=page)
    if response.status_code != 302:
        return False
    return not response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_control_is_shown_if_and_only_if_its_post_succeeds(app, client, users, place, role, state, action):
    page, kind, url, data = (
        part.format(**place) if isinstance(part, str) else part for part in ACTIONS[action]
    )
    _enter(app, client, role, state, place)
    html = client.get(page).get_data(as_text=True)
    shown = _shown(html, kind, url)
    token_page = page if role != "visitor" else "/auth/login"
    allowed = _succeeds(client, url, data, token_page)
    assert shown == allowed, f"{role} in a {state} place: {action} shown={shown} but succeeds={allowed}"
