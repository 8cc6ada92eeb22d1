"""Sign-ins that end on the server: sign-out, copied cookies, devices, sign out everywhere."""

import pytest

from tests.helpers import PASSWORD

pytestmark = pytest.mark.both_databases


def _cookie(client, name):
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def test_sign_out_with_keep_me_signed_in_leaves_a_visitor(client, auth):
    auth.login(remember="y")
    assert _cookie(client, "remember_token")
    response = auth.logout()
    cookies = " ".join(response.headers.getlist("Set-Cookie"))
    assert "remember_token=;" in cookies  # the browser is told to forget it
    home = client.get("/").get_data(as_text=True)
    assert "Sign in" in home and "Welcome back" not in home
    assert client.get("/settings").status_code == 302


def test_cookies_copied_before_sign_out_open_nothing_after_it(app, client, auth):
    auth.login(remember="y")
    session_cookie, remember_cookie = _cookie(client, "session"), _cookie(client, "remember_token")
    auth.logout()
    for name, value in [("session", session_cookie), ("remember_token", remember_cookie)]:
        thief = app.test_client()
        thief.set_cookie(name, value)
        assert thief.get("/settings").status_code == 302, name


def test_the_remember_cookie_alone_signs_a_member_back_in(app, client, auth):
    auth.login(remember="y")
    browser_restarted = app.test_client()
    browser_restarted.set_cookie("remember_token", _cookie(client, "remember_token"))
    assert browser_restarted.get("/settings").status_code == 200


def test_a_session_ends_when_its_time_is_up(app, client, auth):
    from freezegun import freeze_time

    with freeze_time("2026-01-01 10:00:00"):
        auth.login(remember="y")
        with client.session_transaction() as session:
            key = session["_user_id"]
    with app.app_context():
        from community.accounts import sessions

        with freeze_time("2026-01-30 10:00:00"):
            assert sessions.load(key) is not None
        with freeze_time("2026-02-01 10:00:01"):
            assert sessions.load(key) is None  # 30 days for "keep me signed in"


def test_devices_page_lists_each_sign_in_and_signs_one_out(app, users):
    phone, laptop = app.test_client(), app.test_client()
    phone.post_form(
        "/auth/login",
        {"login": "member", "password": PASSWORD},
        headers={
            "User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
        },
    )
    laptop.post_form(
        "/auth/login",
        {"login": "member", "password": PASSWORD},
        headers={
            "User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
        },
    )
    page = laptop.get("/settings/devices").get_data(as_text=True)
    assert "Safari on iPhone" in page and "Firefox on Windows" in page
    assert "(this device)" in page and "today" in page
    from community.accounts.sessions import LoginSession
    from community.extensions import db

    with app.app_context():
        phone_id = db.session.scalar(
            db.select(LoginSession.id).where(LoginSession.device == "Safari on iPhone")
        )
    done = laptop.post_form(
        f"/settings/devices/{phone_id}/sign-out", page="/settings/devices", follow_redirects=True
    )
    assert "Safari on iPhone is signed out." in done.get_data(as_text=True)
    assert phone.get("/settings").status_code == 302
    assert laptop.get("/settings").status_code == 200


def test_a_member_cannot_sign_out_someone_elses_device(app, users):
    mine, theirs = app.test_client(), app.test_client()
    mine.post_form("/auth/login", {"login": "member", "password": PASSWORD})
    theirs.post_form("/auth/login", {"login": "other_member", "password": PASSWORD})
    from community.accounts.sessions import LoginSession
    from community.extensions import db

    with app.app_context():
        their_id = db.session.scalar(db.select(LoginSession.id).where(LoginSession.user_id == users["other"]))
    response = mine.post_form(f"/settings/devices/{their_id}/sign-out", page="/settings/devices")
    assert response.status_code == 404
    assert theirs.get("/settings").status_code == 200


def test_sign_out_everywhere_ends_every_sign_in(app, users):
    phone, laptop = app.test_client(), app.test_client()
    for device in (phone, laptop):
        device.post_form("/auth/login", {"login": "member", "password": PASSWORD, "remember": "y"})
    response = laptop.post_form(
        "/settings/devices/sign-out-everywhere", page="/settings/devices", follow_redirects=True
    )
    assert "You are signed out on every device, this one too." in response.get_data(as_text=True)
    assert phone.get("/settings").status_code == 302
    assert laptop.get("/settings").status_code == 302


def test_a_password_reset_ends_every_earlier_sign_in(app, client, users):
    from community.accounts import services
    from community.accounts.models import User
    from community.extensions import db

    phone = app.test_client()
    phone.post_form("/auth/login", {"login": "member", "password": PASSWORD, "remember": "y"})
    with app.app_context():
        token = services.make_reset_token(db.session.get(User, users["member"]))
    client.post_form(
        f"/auth/reset/{token}",
        {"password": "a brand new long password", "confirm": "a brand new long password"},
    )
    assert client.get("/settings").status_code == 200
    assert phone.get("/settings").status_code == 302


def test_a_new_password_also_retires_this_devices_old_cookie(app, client, auth):
    """Changing a password because a cookie was copied must stop the copy too."""
    auth.login(remember="y")
    copied = _cookie(client, "session")
    new = "a brand new long password"
    client.post_form("/settings/password", {"current_password": PASSWORD, "password": new, "confirm": new})
    assert client.get("/settings").status_code == 200  # this device stays signed in
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/settings").status_code == 302
