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
        assert session["_user_id"].startswith(f"{users['member']}:")


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
    response = client.post_form("/auth/login", {"login": "member@example.org", "password": "wrong wrong wrong"})
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
    from tests.conftest import make_app
    from tests.helpers import Client
    from community.extensions import db
    app = make_app(PROXY_HOPS=1)
    app.test_client_class = Client
    with app.app_context():
        db.create_all()
        from community.accounts.services import create_user
        create_user("someone", "someone@example.org", PASSWORD)
    client = app.test_client()
    for i in range(10):
        client.post_form("/auth/login", {"login": f"nobody{i}", "password": "wrong wrong wrong"},
                         headers={"X-Forwarded-For": "203.0.113.7"})
    blocked = client.post_form("/auth/login", {"login": "someone", "password": PASSWORD},
                               headers={"X-Forwarded-For": "203.0.113.7"})
    assert blocked.status_code == 429
    other = client.post_form("/auth/login", {"login": "someone", "password": PASSWORD},
                             headers={"X-Forwarded-For": "198.51.100.2"})
    assert other.status_code == 302
