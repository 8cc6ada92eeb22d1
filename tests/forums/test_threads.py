"""Threads and posts: writing, previewing, quoting, paging, editing and removing."""

import pytest

from community.extensions import db
from community.forums.models import Post, PostRevision, Thread

pytestmark = pytest.mark.both_databases


def test_member_starts_a_thread_with_markdown_and_a_content_warning(app, client, auth, groups):
    auth.login()
    response = client.post_form(
        "/groups/crps/new",
        {
            "title": "My first flare diary",
            "body": "It **burns** today.",
            "content_warning": "procedure details",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<h1>My first flare diary</h1>" in page
    assert "<strong>burns</strong>" in page
    assert "<summary>Content warning: procedure details." in page
    with app.app_context():
        post = db.session.scalar(db.select(Post))
        assert (
            post.body == "It **burns** today." and post.body_html == "<p>It <strong>burns</strong> today.</p>"
        )


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title": "Hey", "body": "Text"}, "A title needs 5 to 150 characters."),
        ({"title": "x" * 151, "body": "Text"}, "A title needs 5 to 150 characters."),
        ({"title": "A good title", "body": "   "}, "Please write something before posting."),
        (
            {"title": "A good title", "body": "Text", "content_warning": "x" * 101},
            "Keep the warning under 100 characters.",
        ),
    ],
)
def test_bad_threads_are_refused_keeping_the_text(app, client, auth, groups, data, message):
    auth.login()
    response = client.post_form("/groups/crps/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    if data["body"].strip():
        assert data["body"] in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Thread)) == 0


def test_preview_renders_without_posting(app, client, auth, groups):
    auth.login()
    response = client.post_form(
        "/groups/crps/new", {"title": "Preview me please", "body": "*gentle* @other_member", "preview": "1"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h2 id="preview-title">Preview</h2>' in page and "<em>gentle</em>" in page
    assert '<a href="/u/other_member" class="mention">@other_member</a>' in page
    assert "*gentle* @other_member</textarea>" in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Thread)) == 0


def test_quote_reply_prefills_the_reply(client, auth, forum):
    thread_id = forum.thread(body="Line one\nLine two")
    post_id = forum.first_post(thread_id)
    auth.login("other_member")
    page = client.get(f"/threads/{thread_id}?quote={post_id}").get_data(as_text=True)
    assert "&gt; **@member** wrote:\n&gt; Line one\n&gt; Line two" in page
    response = client.post_form(
        f"/threads/{thread_id}/reply",
        {"body": "> **@member** wrote:\n> Line one\n\nSame here"},
        page=f"/threads/{thread_id}",
    )
    assert "#post-" in response.headers["Location"]
    thread_page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "<blockquote>" in thread_page and "Same here" in thread_page


def test_threads_list_pinned_first_then_by_last_activity(app, client, auth, forum):
    first = forum.thread(title="Oldest thread here")
    second = forum.thread(title="Middle thread here")
    forum.thread(title="Newest thread here")
    forum.reply(first, body="bump")
    auth.login("moderator")
    client.post_form(f"/threads/{second}/pin", {"pinned": "1"}, page=f"/threads/{second}")
    page = client.get("/groups/crps/").get_data(as_text=True)
    order = [page.index(t) for t in ("Middle thread here", "Oldest thread here", "Newest thread here")]
    assert order == sorted(order)
    assert "Pinned" in page


def test_members_cannot_pin_or_lock(client, auth, forum):
    thread_id = forum.thread()
    auth.login()
    assert (
        client.post_form(
            f"/threads/{thread_id}/pin", {"pinned": "1"}, page=f"/threads/{thread_id}"
        ).status_code
        == 403
    )
    assert (
        client.post_form(
            f"/threads/{thread_id}/lock", {"locked": "1"}, page=f"/threads/{thread_id}"
        ).status_code
        == 403
    )


def test_locked_threads_take_no_replies_from_members(client, auth, forum):
    thread_id = forum.thread()
    auth.login("moderator")
    client.post_form(f"/threads/{thread_id}/lock", {"locked": "1"}, page=f"/threads/{thread_id}")
    auth.logout()
    auth.login("other_member")
    page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "closed to new replies" in page
    assert (
        client.post_form(f"/threads/{thread_id}/reply", {"body": "hi"}, page="/settings").status_code == 403
    )


def test_posts_are_paged_twenty_oldest_first_with_permalinks(app, client, auth, forum):
    thread_id = forum.thread(body="post number 0")
    ids = [forum.reply(thread_id, body=f"post number {i}") for i in range(1, 25)]
    auth.login()
    first_page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert first_page.count('<article class="post') == 20
    assert first_page.index("post number 1<") < first_page.index("post number 2<")
    second_page = client.get(f"/threads/{thread_id}?page=2").get_data(as_text=True)
    assert second_page.count('<article class="post') == 5
    assert f'id="post-{ids[-1]}"' in second_page
    response = client.get(f"/posts/{ids[-1]}")
    assert response.headers["Location"] == f"/threads/{thread_id}?page=2#post-{ids[-1]}"


def test_authors_edit_with_revisions_kept_for_moderators(app, client, auth, forum):
    thread_id = forum.thread(title="Original title here", body="First words")
    post_id = forum.first_post(thread_id)
    auth.login()
    response = client.post_form(
        f"/posts/{post_id}/edit", {"title": "Better title here", "body": "Second words"}
    )
    assert response.status_code == 302
    page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "Better title here" in page and "Second words" in page and ">edited<" in page
    assert client.get(f"/posts/{post_id}/revisions").status_code == 403
    auth.logout()
    auth.login("other_member")
    assert client.get(f"/posts/{post_id}/edit").status_code == 403
    assert client.post_form(f"/posts/{post_id}/delete", page=f"/threads/{thread_id}").status_code == 403
    auth.logout()
    auth.login("moderator")
    revisions = client.get(f"/posts/{post_id}/revisions").get_data(as_text=True)
    assert "First words" in revisions and "Original title here" in revisions and "Second words" in revisions
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(PostRevision)) == 1


def test_authors_remove_posts_softly(app, client, auth, forum):
    thread_id = forum.thread()
    reply_id = forum.reply(thread_id, who="member", body="I regret this")
    auth.login()
    client.post_form(f"/posts/{reply_id}/delete", page=f"/threads/{thread_id}")
    page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "This post was removed by the author." in page and "I regret this" not in page
    assert client.get(f"/posts/{reply_id}/edit").status_code == 403
    with app.app_context():
        post = db.session.get(Post, reply_id)
        assert post is not None and post.body == "I regret this" and post.deleted_at is not None


def test_posting_needs_an_account(client, forum):
    thread_id = forum.thread()
    assert client.get("/groups/crps/new").status_code == 302
    response = client.post_form(f"/threads/{thread_id}/reply", {"body": "hi"}, page="/auth/login")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_unknown_things_are_404(client, auth, groups):
    auth.login()
    for path in ["/groups/nope/", "/threads/999", "/posts/999", "/groups/nope/new"]:
        assert client.get(path).status_code == 404, path


def test_quoting_a_warned_post_keeps_its_warning(client, auth, forum):
    thread_id = forum.thread(body="Details of the procedure", cw="procedure details")
    post_id = forum.first_post(thread_id)
    auth.login("other_member")
    page = client.get(f"/threads/{thread_id}?quote={post_id}").get_data(as_text=True)
    assert 'name="content_warning" type="text" value="procedure details"' in page


def test_removing_asks_first(client, auth, forum):
    thread_id = forum.thread()
    post_id = forum.first_post(thread_id)
    auth.login()
    page = client.get(f"/posts/{post_id}/delete").get_data(as_text=True)
    assert "Remove your post?" in page and "You cannot undo this." in page and "Keep it" in page
    assert "This post was removed" not in client.get(f"/threads/{thread_id}").get_data(as_text=True)


def test_a_blank_title_in_an_edit_is_reported_on_the_title(client, auth, forum):
    thread_id = forum.thread()
    post_id = forum.first_post(thread_id)
    auth.login()
    response = client.post_form(f"/posts/{post_id}/edit", {"title": "", "body": "kept words"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<p class="error" id="title-error">A title needs 5 to 150 characters.</p>' in page
    assert "kept words</textarea>" in page
