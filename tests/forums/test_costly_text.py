"""Text that would cost seconds of server work is refused with a reason, and nothing typed is lost;
posts and previews are limited per member per minute."""

import pytest

from community.content import TooComplex, render_markdown

pytestmark = pytest.mark.both_databases


@pytest.mark.parametrize(
    "body, message",
    [
        ("x.co\n" * 4000, "at most 500 lines"),
        ("a\n" * 10000, "at most 500 lines"),
        ("x.co " * 4000, "at most 100 links"),
        ("see https://example.org/a " * 120, "at most 100 links"),
        ("".join("  " * depth + "- a\n" for depth in range(8)), "nest quotes and lists less deeply"),
        (">" * 40 + " deep", "nest quotes and lists less deeply"),
    ],
)
def test_costly_markdown_is_refused_with_a_reason_on_preview_and_post(
    app, client, auth, groups, body, message
):
    auth.login()
    for button in ({"preview": "1"}, {}):
        response = client.post_form("/groups/crps/new", {"title": "A long one", "body": body, **button})
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert message in page
        assert "A long one" in page  # the title typed is kept; the body is back in its box


def test_a_long_ordinary_post_is_fine():
    body = ("Some days the pain is a seven and the fog is thick. " * 6 + "\n\n") * 40
    assert render_markdown(body).count("<p>") == 40


def test_ordinary_nesting_and_links_are_fine():
    render_markdown("> > > a quote in a quote in a quote")
    render_markdown("- one\n  - two\n    - three\n      - four")
    render_markdown(" ".join(f"https://example.org/{i}" for i in range(100)))


def test_the_limits_apply_to_a_bio_too(client, auth):
    auth.login()
    response = client.post_form("/settings", {"bio": "x.co " * 350, "theme": "system", "text_size": "normal"})
    assert response.status_code == 422
    assert "at most 100 links" in response.get_data(as_text=True)
    with pytest.raises(TooComplex):
        render_markdown("x.co " * 350)


def test_previews_are_limited_per_member_per_minute(client, auth, forum):
    thread_id = forum.thread()
    auth.login()
    for _ in range(20):
        assert (
            client.post_form(
                f"/threads/{thread_id}/reply",
                {"body": "Draft words", "preview": "1"},
                page=f"/threads/{thread_id}",
            ).status_code
            == 200
        )
    response = client.post_form(
        f"/threads/{thread_id}/reply", {"body": "Draft words", "preview": "1"}, page=f"/threads/{thread_id}"
    )
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "You are previewing very quickly" in page and "Draft words" in page
