"""Changing a password, and resetting it by a single-use emailed link."""

import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from freezegun import freeze_time

from community.mail import wait_until_sent
from tests.helpers import PASSWORD

pytestmark = pytest.mark.both_databases
NEW = "a brand new long password"


def outbox(app) -> list:
    wait_until_sent()  # mail goes out on its own thread, after the response
    folder = Path(app.config["MAIL_OUTBOX"])
    return (
        [message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(folder.glob("*.eml"))]
        if folder.exists()
        else []
    )


def reset_link(app) -> str:
    (mail,) = outbox(app)
    body = mail.get_content()
    return re.search(r"http://localhost(/auth/reset/\S+)", body).group(1)


def test_change_password_needs_the_current_one(client, auth):
    auth.login()
    wrong = client.post_form(
        "/settings/password", {"current_password": "nope nope nope", "password": NEW, "confirm": NEW}
    )
    assert wrong.status_code == 422
    assert "That is not your current password." in wrong.get_data(as_text=True)
    right = client.post_form(
        "/settings/password", {"current_password": PASSWORD, "password": NEW, "confirm": NEW}
    )
    assert right.status_code == 302
    auth.logout()
    assert auth.login(password=PASSWORD).status_code == 401
    assert auth.login(password=NEW).status_code == 302


def test_reset_by_email_link_works_once(app, client, users):
    response = client.post_form("/auth/reset", {"email": "MEMBER@example.org"}, follow_redirects=True)
    assert "If an account uses that address, we have sent it a link" in response.get_data(as_text=True)
    (mail,) = outbox(app)
    assert mail["To"] == "member@example.org"
    link = reset_link(app)

    done = client.post_form(link, {"password": NEW, "confirm": NEW}, follow_redirects=True)
    assert "Your password is changed and you are signed in." in done.get_data(as_text=True)
    client.post_form("/auth/logout", page="/settings")

    again = client.get(link, follow_redirects=True)
    assert "expired or was already used" in again.get_data(as_text=True)
    assert client.post_form("/auth/login", {"login": "member", "password": NEW}).status_code == 302


def test_reset_for_an_unknown_address_says_the_same_and_sends_nothing(app, client, users):
    response = client.post_form("/auth/reset", {"email": "stranger@example.org"}, follow_redirects=True)
    assert "If an account uses that address, we have sent it a link" in response.get_data(as_text=True)
    assert outbox(app) == []


def test_reset_link_expires_after_an_hour(app, client, users):
    with freeze_time("2026-01-01 10:00:00"):
        client.post_form("/auth/reset", {"email": "member@example.org"})
        wait_until_sent()
    link = reset_link(app)
    with freeze_time("2026-01-01 10:59:00"):
        assert client.get(link).status_code == 200
    with freeze_time("2026-01-01 11:01:00"):
        response = client.get(link, follow_redirects=True)
        assert "expired or was already used" in response.get_data(as_text=True)


def test_a_tampered_reset_link_is_refused(app, client, users):
    client.post_form("/auth/reset", {"email": "member@example.org"})
    link = reset_link(app)
    response = client.get(link[:-3] + "abc", follow_redirects=True)
    assert "expired or was already used" in response.get_data(as_text=True)


def test_reset_requests_are_limited_per_address(app, client, users):
    for name in ["member", "other_member", "moderator", "admin", "nobody"]:
        assert client.post_form("/auth/reset", {"email": f"{name}@example.org"}).status_code == 302
    response = client.post_form("/auth/reset", {"email": "member@example.org"})
    assert response.status_code == 429
    assert len(outbox(app)) == 4  # "nobody" has no account


def test_reset_mail_to_one_inbox_is_limited_whoever_asks(app, users):
    """From four addresses, fifteen requests for one inbox send it three mails, and every
    answer is the same, so the limit tells nobody whether the address is a member's."""
    answers = set()
    for i in range(15):
        client = app.test_client()
        response = client.post_form(
            "/auth/reset",
            {"email": "member@example.org"},
            follow_redirects=True,
            environ_base={"REMOTE_ADDR": f"192.0.2.{i % 4}"},
        )
        answers.add(response.status_code)
        assert "If an account uses that address, we have sent it a link" in response.get_data(as_text=True)
    assert answers == {200}
    assert len(outbox(app)) == 3


def test_reset_request_does_the_same_work_for_members_and_strangers(app, client, users, monkeypatch):
    """Mail, even the member lookup, happens on the mail thread after the response."""
    import community.mail

    queued = []
    monkeypatch.setattr(community.mail, "send_later", lambda job, *args: queued.append((job.__name__, args)))
    monkeypatch.setattr("community.accounts.services.send_later", community.mail.send_later)
    for email in ["member@example.org", "stranger@example.org"]:
        client.post_form("/auth/reset", {"email": email})
    assert queued == [
        ("send_reset_link", ("member@example.org", "http://localhost")),
        ("send_reset_link", ("stranger@example.org", "http://localhost")),
    ]


def test_reset_links_use_base_url_whatever_the_host_header(app, client, users):
    app.config["BASE_URL"] = "https://commonground.example"
    evil = {"base_url": "http://evil.example"}  # every request says Host: evil.example
    html = client.get("/auth/reset", **evil).get_data(as_text=True)
    token = html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/auth/reset", data={"email": "member@example.org", "csrf_token": token}, **evil)
    (mail,) = outbox(app)
    assert "https://commonground.example/auth/reset/" in mail.get_content()
    assert "evil.example" not in mail.get_content()


def test_a_new_password_signs_out_every_other_session(app, users):
    phone, laptop = app.test_client(), app.test_client()
    for device in (phone, laptop):
        device.post_form("/auth/login", {"login": "member", "password": PASSWORD, "remember": "y"})
        assert device.get("/settings").status_code == 200
    laptop.post_form("/settings/password", {"current_password": PASSWORD, "password": NEW, "confirm": NEW})
    assert laptop.get("/settings").status_code == 200  # the device that changed it stays in
    assert phone.get("/settings").status_code == 302
