"""A notification says something new once: no repeats from edits, toggles or code samples."""

import re

import pytest

pytestmark = pytest.mark.both_databases


def notifications(client) -> str:
    return client.get("/notifications").get_data(as_text=True)


def open_each_notification(client) -> str:
    """Each notification is read once opened from the list, not when the list is shown."""
    page = notifications(client)
    for link in re.findall(r'href="(/notifications/\d+)"', page):
        client.get(link, headers={"Sec-Fetch-Site": "same-origin"})
    return page


def test_editing_a_mention_out_and_in_again_notifies_once(client, auth, forum):
    thread_id = forum.thread(who="member", body="Hello @moderator")
    post_id = forum.first_post(thread_id)
    auth.login("member")
    for body in ["Hello everyone", "Hello @moderator again", "Hello", "Hello @moderator"]:
        response = client.post_form(
            f"/posts/{post_id}/edit", {"title": "A thread about flares", "body": body}
        )
        assert response.status_code == 302
    auth.logout()
    auth.login("moderator")
    assert notifications(client).count("mentioned you") == 1


def test_taking_a_reaction_back_and_giving_it_again_leaves_the_notification_read(client, auth, forum):
    thread_id = forum.thread(who="member")
    post_id = forum.first_post(thread_id)
    auth.login("other_member")
    client.post_form(f"/posts/{post_id}/react", {"reaction": "support:on"}, page=f"/threads/{thread_id}")
    auth.logout()
    auth.login("member")
    assert "other_member sent you support" in open_each_notification(client)  # now read
    auth.logout()
    auth.login("other_member")
    for state in ("off", "on", "off", "on"):
        client.post_form(
            f"/posts/{post_id}/react", {"reaction": f"support:{state}"}, page=f"/threads/{thread_id}"
        )
    auth.logout()
    auth.login("member")
    assert 'class="count-badge"' not in client.get("/groups/").get_data(as_text=True)


def test_a_new_person_reacting_is_news_again(client, auth, forum):
    thread_id = forum.thread(who="member")
    post_id = forum.first_post(thread_id)
    for who in ("other_member", "moderator"):
        auth.login(who)
        client.post_form(f"/posts/{post_id}/react", {"reaction": "support:on"}, page=f"/threads/{thread_id}")
        auth.logout()
        if who == "other_member":
            auth.login("member")
            open_each_notification(client)
            auth.logout()
    auth.login("member")
    assert 'class="count-badge"' in client.get("/groups/").get_data(as_text=True)


@pytest.mark.parametrize(
    "body",
    [
        "Try `@moderator` in the search box",
        "```\nping @moderator\n```",
        "    indented @moderator code",
        "[@moderator](https://example.org)",
    ],
)
def test_a_name_in_code_or_a_link_is_no_mention(client, auth, forum, body):
    thread_id = forum.thread(who="member")
    forum.reply(thread_id, who="other", body=body)
    page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    auth.login("moderator")
    assert "mentioned you" not in notifications(client)
    assert 'class="mention"' not in client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert page
