"""Actions that keep your place: a reaction answered in place as JSON, and after a full reload
the focus back on the control used and an opened content warning still open."""

from __future__ import annotations

import re

from tests.helpers import csrf_token_in

JSON = {"Accept": "application/json"}


def test_a_reaction_asked_for_json_is_answered_in_place(client, auth, forum):
    thread_id = forum.thread(cw="surgery details")
    post_id = forum.first_post(thread_id)
    auth.login("other_member")
    response = client.post_form(
        f"/posts/{post_id}/react", {"reaction": "support:on"}, page=f"/threads/{thread_id}", headers=JSON
    )
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["ok"] is True and answer["post"] == post_id
    support = next(r for r in answer["reactions"] if r["kind"] == "support")
    assert support == {
        "kind": "support",
        "label": "Sending support",
        "count": 1,
        "names": ["other_member"],
        "mine": True,
    }
    assert {r["kind"] for r in answer["reactions"]} == {"support", "metoo", "helpful", "thanks"}

    taken_back = client.post_form(
        f"/posts/{post_id}/react", {"reaction": "support:off"}, page=f"/threads/{thread_id}", headers=JSON
    ).get_json()
    assert next(r for r in taken_back["reactions"] if r["kind"] == "support")["count"] == 0


def test_fetch_sends_the_token_in_a_header_and_is_refused_without_it(client, auth, forum):
    thread_id = forum.thread()
    post_id = forum.first_post(thread_id)
    auth.login("other_member")
    token = csrf_token_in(client.get(f"/threads/{thread_id}").get_data(as_text=True))
    refused = client.post(f"/posts/{post_id}/react", data={"reaction": "support:on"}, headers=JSON)
    assert refused.status_code == 400
    sent = client.post(
        f"/posts/{post_id}/react", data={"reaction": "support:on"}, headers={**JSON, "X-CSRFToken": token}
    )
    assert sent.status_code == 200 and sent.get_json()["ok"] is True


def test_a_wrong_reaction_asked_for_json_gets_json_words(client, auth, forum):
    thread_id = forum.thread()
    post_id = forum.first_post(thread_id)
    auth.login("other_member")
    response = client.post_form(
        f"/posts/{post_id}/react", {"reaction": "downvote:on"}, page=f"/threads/{thread_id}", headers=JSON
    )
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_without_javascript_the_reload_focuses_the_button_and_keeps_the_warning_open(client, auth, forum):
    thread_id = forum.thread(cw="surgery details")
    post_id = forum.first_post(thread_id)
    auth.login("other_member")
    response = client.post_form(
        f"/posts/{post_id}/react", {"reaction": "metoo:on", "open": "1"}, page=f"/threads/{thread_id}"
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.endswith(f"/threads/{thread_id}?page=1&focus=react-{post_id}-metoo&open={post_id}")
    page = client.get(location).get_data(as_text=True)
    assert '<details class="cw" open>' in page
    button = re.search(rf'<button [^>]*id="react-{post_id}-metoo"[^>]*>', page).group()
    assert " autofocus " in button and 'aria-pressed="true"' in button
    assert page.count("autofocus") == 1


def test_a_warning_the_reader_did_not_open_stays_closed(client, auth, forum):
    thread_id = forum.thread(cw="surgery details")
    post_id = forum.first_post(thread_id)
    auth.login("other_member")
    response = client.post_form(
        f"/posts/{post_id}/react", {"reaction": "metoo:on"}, page=f"/threads/{thread_id}"
    )
    assert "open=" not in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<details class="cw">' in page
    # The page as everyone else sees it is not changed by one reader's opened warning.
    client.get(f"/threads/{thread_id}?open={post_id}")
    assert '<details class="cw">' in client.get(f"/threads/{thread_id}").get_data(as_text=True)


def test_quoting_a_warned_post_marks_the_warning_and_puts_the_focus_in_the_reply(client, auth, forum):
    thread_id = forum.thread(cw="surgery details")
    post_id = forum.first_post(thread_id)
    auth.login("other_member")
    page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert f'href="/threads/{thread_id}?quote={post_id}"' in page  # no #fragment: it would stop autofocus
    page = client.get(f"/threads/{thread_id}?quote={post_id}&open={post_id}").get_data(as_text=True)
    assert 'value="surgery details"' in page
    assert "Added from the post you quoted — remove it if your reply doesn&#39;t need it." in page
    assert re.search(r"<textarea [^>]*autofocus[^>]*>\s*&gt; \*\*@member\*\* wrote:", page)
    assert '<details class="cw" open>' in page


def test_quoting_a_post_without_a_warning_adds_no_mark(client, auth, forum):
    thread_id = forum.thread()
    post_id = forum.first_post(thread_id)
    auth.login("other_member")
    page = client.get(f"/threads/{thread_id}?quote={post_id}").get_data(as_text=True)
    assert "Added from the post you quoted" not in page
    assert "Readers choose whether to open the post." in page
