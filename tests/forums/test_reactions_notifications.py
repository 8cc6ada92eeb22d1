"""Reactions, mentions, replies to watched threads, and the notifications they bring."""

import re

import pytest
from freezegun import freeze_time

from community.notifications.kinds import KINDS

pytestmark = pytest.mark.both_databases


def open_each_notification(client) -> str:
    """The list, then every notification on it opened as a click on the list would (each is
    read only once opened); returns the list as it was."""
    page = client.get("/notifications").get_data(as_text=True)
    for link in re.findall(r'href="(/notifications/\d+)"', page):
        client.get(link, headers={"Sec-Fetch-Site": "same-origin"})
    return page


def unread_badge(client) -> str | None:
    page = client.get("/groups/").get_data(as_text=True)
    marker = '<span class="count-badge">'
    if marker not in page:
        return None
    return page.split(marker, 1)[1].split("<", 1)[0]


def test_reactions_toggle_count_and_name_who_reacted(client, auth, forum):
    thread_id = forum.thread()
    post_id = forum.first_post(thread_id)
    auth.login("other_member")
    response = client.post_form(
        f"/posts/{post_id}/react", {"reaction": "support:on"}, page=f"/threads/{thread_id}"
    )
    # Back to the button pressed (autofocus: a #fragment would stop it), not to the top of the post.
    assert response.headers["Location"].endswith(f"?page=1&focus=react-{post_id}-support")
    client.post_form(
        f"/posts/{post_id}/react", {"reaction": "support:on"}, page=f"/threads/{thread_id}"
    )  # a double click
    page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert 'value="support:off" class="reaction-button" aria-pressed="true"' in page
    assert 'Sending support <span class="count">1</span>' in page
    assert f'<span class="who" role="tooltip" id="who-{post_id}-support">other_member</span>' in page
    client.post_form(f"/posts/{post_id}/react", {"reaction": "support:off"}, page=f"/threads/{thread_id}")
    page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert 'value="support:on" class="reaction-button" aria-pressed="false"' in page
    assert 'role="tooltip"' not in page


def test_no_downvotes_or_unknown_reactions(client, auth, forum):
    thread_id = forum.thread()
    post_id = forum.first_post(thread_id)
    auth.login("other_member")
    response = client.post_form(
        f"/posts/{post_id}/react", {"reaction": "downvote:on"}, page=f"/threads/{thread_id}"
    )
    assert response.status_code == 400


def test_mention_links_and_notifies(client, auth, forum):
    thread_id = forum.thread()
    forum.reply(thread_id, who="other", body="Thinking of you @Moderator and @nobody_here")
    auth.login("moderator")
    assert unread_badge(client) == "1"
    page = client.get("/notifications").get_data(as_text=True)
    assert "other_member mentioned you in “A thread about flares”" in page
    assert unread_badge(client) == "1"  # seen in the list is not yet read
    open_each_notification(client)
    assert unread_badge(client) is None  # opened is read
    thread = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert '<a href="/u/moderator" class="mention">@moderator</a>' in thread
    assert "@nobody_here" in thread and "/u/nobody_here" not in thread


def test_replies_notify_watchers_until_they_stop_watching(client, auth, forum):
    thread_id = forum.thread(who="member")  # the author watches automatically
    forum.reply(thread_id, who="other", body="first reply")
    auth.login("member")
    assert unread_badge(client) == "1"
    assert "other_member replied in “A thread about flares”" in open_each_notification(client)
    client.post_form(f"/threads/{thread_id}/watch", {"watching": "0"}, page=f"/threads/{thread_id}")
    forum.reply(thread_id, who="other", body="second reply")
    assert unread_badge(client) is None
    forum.reply(thread_id, who="member", body="posting again does not undo an explicit stop")
    forum.reply(thread_id, who="other", body="third reply")
    assert unread_badge(client) is None


def test_posting_in_a_thread_watches_it(client, auth, forum):
    thread_id = forum.thread(who="member")
    forum.reply(thread_id, who="other", body="I'm in")
    forum.reply(thread_id, who="member", body="welcome")
    auth.login("other_member")
    assert "member replied in" in client.get("/notifications").get_data(as_text=True)


def test_reactions_are_grouped_per_post_per_day(client, auth, forum):
    thread_id = forum.thread(who="member")
    post_id = forum.first_post(thread_id)
    with freeze_time("2026-03-01 09:00"):
        for who in ("other_member", "moderator", "admin"):
            client.post_form("/auth/login", {"login": who, "password": "a long test password"})
            for kind in ("support", "metoo"):  # two reactions from one person count as one person
                client.post_form(
                    f"/posts/{post_id}/react", {"reaction": f"{kind}:on"}, page=f"/threads/{thread_id}"
                )
            client.post_form("/auth/logout", page="/settings")
    auth.login("member")
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count("reacted to your post") == 1
    # the actor's role shows beside their name here as everywhere
    assert (
        'admin <span class="role-badge">Admin</span> and 2 others reacted to your post in '
        "“A thread about flares”" in page
    )


def test_each_kind_can_be_turned_off(client, auth, forum):
    auth.login("member")
    response = client.post_form("/settings/notifications", {"reaction": "y"}, follow_redirects=True)
    assert "Your notification settings are saved." in response.get_data(as_text=True)
    thread_id = forum.thread(who="member")
    forum.reply(thread_id, who="other", body="reply to @member")  # mention and reply both off
    assert unread_badge(client) is None
    client.post_form("/settings/notifications", {"mention": "y", "reply": "y"})
    forum.reply(thread_id, who="other", body="@member again")
    assert unread_badge(client) == "1"  # a mention, not also a reply


def test_visitors_have_no_notifications(client):
    assert client.get("/notifications").status_code == 302


def test_reading_the_first_page_leaves_later_replies_unread(client, auth, forum):
    thread_id = forum.thread(who="member")
    for i in range(25):
        forum.reply(thread_id, who="other", body=f"reply {i}")
    auth.login("member")
    client.get(f"/threads/{thread_id}")
    assert "A thread about flares" in client.get("/").get_data(as_text=True).split("New in your groups")[0]
    client.get(f"/threads/{thread_id}?page=2")
    assert "No new replies in the threads you watch." in client.get("/").get_data(as_text=True)


def test_replies_in_a_thread_are_one_notification_until_it_is_opened(client, auth, forum):
    thread_id = forum.thread(who="member")
    for i in range(35):
        forum.reply(thread_id, who="other", body=f"reply {i}")
    auth.login("member")
    assert unread_badge(client) == "1"
    page = open_each_notification(client)
    assert "35 replies in “A thread about flares”, the latest from other_member" in page
    assert unread_badge(client) is None
    forum.reply(thread_id, who="other", body="one more")  # read: the next reply starts afresh
    assert "other_member replied in “A thread about flares”" in open_each_notification(client)


def test_a_member_who_never_saved_settings_sees_every_kind_on_and_keeps_them_on(client, auth, forum):
    """Saving the settings page unchanged must not switch every notification off."""
    auth.login("member")
    page = client.get("/settings/notifications").get_data(as_text=True)
    kinds = [name for name, kind in KINDS.items() if kind.can_turn_off]  # every feature's
    assert page.count("checked") == len(kinds)
    form = dict.fromkeys(kinds, "y")  # what the browser sends for ticked boxes
    client.post_form("/settings/notifications", form)
    thread_id = forum.thread(who="member")
    forum.reply(thread_id, who="other", body="A reply")
    assert unread_badge(client) == "1"
    assert client.get("/settings/notifications").get_data(as_text=True).count("checked") == len(kinds)
