"""A form sent after the session ended says "You were signed out" and keeps the words for
drafts.js to put back after signing in: only this site's own fields, never a password, and
nothing a form on another site sent."""

import pytest

SAME_SITE = {"Sec-Fetch-Site": "same-origin", "Referer": "http://localhost/threads/7"}


@pytest.fixture
def signed_out(client, auth):
    """A member who was signed in, then lost the session (it expired, or another tab signed out)."""
    auth.login()
    client.delete_cookie("session")
    return client


def test_a_member_signed_out_while_writing_is_told_so_and_keeps_the_words(signed_out):
    response = signed_out.post(
        "/threads/7/reply",
        data={"body": "Three hours of careful words", "password": "secret words", "csrf_token": "old"},
        headers=SAME_SITE,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<h1>You were signed out</h1>" in page
    assert "Three hours of careful words" in page and "secret words" not in page
    assert 'data-draft-for="/threads/7"' in page and 'data-draft-field="body"' in page
    assert "/static/js/drafts.js" in page
    assert 'href="/auth/login?next=/threads/7"' in page


@pytest.mark.parametrize(
    "headers",
    [
        {},  # a browser that does not say where the form came from: no proof it was ours
        {"Sec-Fetch-Site": "cross-site", "Referer": "https://evil.example/"},
        {"Sec-Fetch-Site": "same-origin", "Origin": "https://evil.example"},
    ],
)
def test_words_from_elsewhere_are_never_shown_or_kept(signed_out, headers):
    fake = "Security notice from the moderators: email your password to"
    response = signed_out.post("/threads/7/reply", data={"body": fake, "csrf_token": "old"}, headers=headers)
    page = response.get_data(as_text=True)
    assert "You were signed out" in page
    # drafts.js is on every page (it puts drafts back after sign-in); here it is given nothing.
    assert fake not in page and "data-draft-for" not in page


def test_only_the_sites_own_fields_are_kept(signed_out):
    response = signed_out.post(
        "/threads/7/reply",
        data={"body": "My reply", "notice": "Injected words", "csrf_token": "old"},
        headers=SAME_SITE,
    )
    page = response.get_data(as_text=True)
    assert "My reply" in page and "Injected words" not in page


def test_a_stale_sign_in_form_is_not_called_a_sign_out(client, users):
    response = client.post("/auth/login", data={"login": "member", "password": "x", "csrf_token": "old"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "You were signed out" not in page


def test_a_signed_in_member_with_a_stale_form_sees_the_old_words(client, auth):
    auth.login()
    response = client.post("/settings", data={"bio": "My story", "csrf_token": "stale"})
    page = response.get_data(as_text=True)
    assert "You were signed out" not in page and "My story" in page and "data-draft-for" not in page


def test_the_draft_script_sets_text_never_markup():
    from pathlib import Path

    script = (Path(__file__).parent.parent / "static" / "js" / "drafts.js").read_text()
    assert "innerHTML" not in script and "sessionStorage" in script and "type = (field" in script
