"""Signing in and out, remember me, the session, and the failed-login limit."""

import pytest

from tests.helpers import PASSWORD

pytestmark = pytest.mark.both_databases


@pytest.mark.parametrize("login", ["member", "MEMBER", "member@example.org", "Member@Example.org"])
def test_login_with_username_or_email(client, auth, login):
    response = auth.login(login)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Welcome back, member" in home
    assert "Sign out" in home


def test_wrong_password_is_refused_with_a_clear_message(client, auth):
    response = auth.login(password="not the password")
    assert response.status_code == 401
    assert "do not match" in response.get_data(as_text=True)
    assert client.get("/settings").status_code == 302


def test_login_follows_only_safe_next(client, users):
    ok = client.post_form("/auth/login?next=/settings", {"login": "member", "password": PASSWORD})
    assert ok.headers["Location"] == "/settings"
    client.post_form("/auth/logout", page="/settings")
    for evil in ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]:
        response = client.post_form(f"/auth/login?next={evil}", {"login": "member", "password": PASSWORD})
        assert response.headers["Location"] == "/", evil
        client.post_form("/auth/logout", page="/settings")


def test_logout_needs_post_and_ends_the_session(client, auth):
    auth.login()
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/settings").status_code == 200
    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/settings").status_code == 302


def test_session_is_renewed_at_login(app, client, users):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.post_form("/auth/login", {"login": "member", "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        key = session["_user_id"]
    with app.app_context():
        from community.accounts import sessions

        assert sessions.load(key).id == users["member"]


def test_remember_me_sets_a_lasting_cookie(client, auth):
    plain = auth.login()
    assert "remember_token" not in plain.headers.get("Set-Cookie", "")
    auth.logout()
    remembered = auth.login(remember="y")
    cookies = " ".join(remembered.headers.getlist("Set-Cookie"))
    assert "remember_token=" in cookies and "HttpOnly" in cookies


def test_eleven_failed_logins_in_a_minute_for_an_account_give_429(client, users):
    for _ in range(10):
        response = client.post_form("/auth/login", {"login": "member", "password": "wrong wrong wrong"})
        assert response.status_code == 401
    response = client.post_form(
        "/auth/login", {"login": "member@example.org", "password": "wrong wrong wrong"}
    )
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Please wait a minute" in page and "too many attempts" in page


def test_failed_logins_from_one_address_are_limited_across_accounts(client, users):
    for i in range(10):
        client.post_form("/auth/login", {"login": f"nobody{i}", "password": "wrong wrong wrong"})
    response = client.post_form("/auth/login", {"login": "other_member", "password": PASSWORD})
    assert response.status_code == 429


def test_successful_logins_do_not_count_towards_the_limit(client, auth):
    for _ in range(12):
        assert auth.login().status_code == 302
        auth.logout()


def test_behind_a_proxy_limits_count_each_client_address(users):
    from community.extensions import db
    from tests.conftest import make_app
    from tests.helpers import Client

    app = make_app(PROXY_HOPS=1)
    app.test_client_class = Client
    with app.app_context():
        db.create_all()
        from community.accounts.services import create_user

        create_user("someone", "someone@example.org", PASSWORD)
        db.session.commit()
    client = app.test_client()
    for i in range(10):
        client.post_form(
            "/auth/login",
            {"login": f"nobody{i}", "password": "wrong wrong wrong"},
            headers={"X-Forwarded-For": "203.0.113.7"},
        )
    blocked = client.post_form(
        "/auth/login", {"login": "someone", "password": PASSWORD}, headers={"X-Forwarded-For": "203.0.113.7"}
    )
    assert blocked.status_code == 429
    other = client.post_form(
        "/auth/login", {"login": "someone", "password": PASSWORD}, headers={"X-Forwarded-For": "198.51.100.2"}
    )
    assert other.status_code == 302


def test_bad_sign_ins_sent_all_at_once_get_no_more_checks_than_the_limit(app, users, monkeypatch):
    """30 at once from one address: at most 10 passwords are checked, the rest get 429."""
    import threading

    from community.accounts.models import User

    checks, real_check, lock = [], User.check_password, threading.Lock()

    def counted(self, password):
        with lock:
            checks.append(1)
        return real_check(self, password)

    monkeypatch.setattr(User, "check_password", counted)
    client = app.test_client()
    token = client.csrf_token("/auth/login")
    statuses, start = [], threading.Barrier(30)

    def attempt():
        own = app.test_client()
        with own.session_transaction() as session, client.session_transaction() as shared:
            session.update(shared)
        start.wait()
        statuses.append(
            own.post(
                "/auth/login", data={"login": "member", "password": "wrong wrong wrong", "csrf_token": token}
            ).status_code
        )

    threads = [threading.Thread(target=attempt) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checks) <= 10
    assert statuses.count(429) >= 20


def test_a_stranger_cannot_lock_a_member_out(app, users):
    """Ten failures from elsewhere block that address, not the member's own correct password."""
    attacker, owner = app.test_client(), app.test_client()
    for _ in range(10):
        attacker.post_form(
            "/auth/login",
            {"login": "member", "password": "wrong wrong wrong"},
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        )
    assert (
        attacker.post_form(
            "/auth/login",
            {"login": "member", "password": PASSWORD},
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        ).status_code
        == 429
    )
    home = {"REMOTE_ADDR": "198.51.100.4"}
    assert (
        owner.post_form(
            "/auth/login", {"login": "member", "password": PASSWORD}, environ_base=home
        ).status_code
        == 302
    )


def test_past_the_account_limit_each_new_address_gets_one_try(app, users):
    for i in range(10):  # ten addresses, one failure each: the account's limit is used up
        app.test_client().post_form(
            "/auth/login",
            {"login": "member", "password": "wrong wrong wrong"},
            environ_base={"REMOTE_ADDR": f"203.0.113.{i}"},
        )
    guesser, here = app.test_client(), {"REMOTE_ADDR": "192.0.2.50"}
    assert (
        guesser.post_form(
            "/auth/login", {"login": "member", "password": "still wrong"}, environ_base=here
        ).status_code
        == 401
    )
    assert (
        guesser.post_form(
            "/auth/login", {"login": "member", "password": PASSWORD}, environ_base=here
        ).status_code
        == 429
    )


def test_a_very_long_login_is_refused_plainly(client, users):
    response = client.post_form("/auth/login", {"login": "x" * 100_000, "password": "whatever it is"})
    assert response.status_code == 422
    assert "longer than any username or email" in response.get_data(as_text=True)


def test_sign_ups_per_address_are_limited(client):
    for i in range(5):
        response = client.post_form(
            "/auth/register",
            {
                "username": f"newcomer{i}",
                "email": f"newcomer{i}@example.org",
                "password": PASSWORD,
                "confirm": PASSWORD,
                "accept_guidelines": "y",
            },
        )
        assert response.status_code == 302
        client.post_form("/auth/logout", page="/settings")
    response = client.post_form(
        "/auth/register",
        {
            "username": "newcomer9",
            "email": "newcomer9@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "accept_guidelines": "y",
        },
    )
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Many accounts were made from this network address today" in page
    assert 'value="newcomer9"' in page  # nothing typed is lost


def test_wrong_current_passwords_are_limited(client, auth):
    auth.login()
    new = "a brand new long password"
    for _ in range(5):
        response = client.post_form(
            "/settings/password", {"current_password": "guess guess guess", "password": new, "confirm": new}
        )
        assert response.status_code == 422
    response = client.post_form(
        "/settings/password", {"current_password": PASSWORD, "password": new, "confirm": new}
    )
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.get_data(as_text=True)


def test_past_the_account_limit_a_burst_from_a_new_address_gets_one_check(app, users):
    for i in range(10):
        app.test_client().post_form(
            "/auth/login",
            {"login": "member", "password": "wrong wrong wrong"},
            environ_base={"REMOTE_ADDR": f"203.0.113.{i}"},
        )
    guesser, here = app.test_client(), {"REMOTE_ADDR": "192.0.2.77"}
    statuses = [
        guesser.post_form(
            "/auth/login", {"login": "member", "password": f"guess number {i}"}, environ_base=here
        ).status_code
        for i in range(5)
    ]
    assert statuses == [401, 429, 429, 429, 429]


def test_an_ipv6_network_counts_as_one_address(app, users):
    client = app.test_client()
    for i in range(10):
        client.post_form(
            "/auth/login",
            {"login": f"nobody{i}", "password": "wrong wrong wrong"},
            environ_base={"REMOTE_ADDR": f"2001:db8:1:2::{i + 1:x}"},
        )
    response = client.post_form(
        "/auth/login",
        {"login": "member", "password": "wrong wrong wrong"},
        environ_base={"REMOTE_ADDR": "2001:db8:1:2:ffff::9"},
    )
    assert response.status_code == 429
