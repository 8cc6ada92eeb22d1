"""The security baseline: CSRF, headers on every response, size limits, role checks."""
import importlib

import pytest
from flask import Blueprint

from community.security import has_role, role_required, safe_next
from tests.helpers import PASSWORD

PAGES = ["/", "/crisis", "/guidelines", "/auth/login", "/auth/register", "/auth/reset", "/healthz",
         "/no-such-page", "/static/css/site.css"]


@pytest.mark.parametrize("path", PAGES)
def test_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path, data", [
    ("/auth/login", {"login": "member", "password": PASSWORD}),
    ("/auth/register", {"username": "someone", "email": "s@example.org", "password": "x" * 20,
                        "confirm": "x" * 20, "accept_guidelines": "y"}),
    ("/auth/reset", {"email": "member@example.org"}),
    ("/auth/logout", {}),
])
def test_post_without_csrf_token_is_refused(client, users, path, data):
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert "did not save it" in response.get_data(as_text=True)


def test_refused_form_shows_back_what_was_typed_but_never_passwords(client, auth):
    auth.login()
    response = client.post("/settings", data={"bio": "My long story about today", "csrf_token": "stale"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "My long story about today" in page
    response = client.post("/auth/login", data={"login": "member", "password": "secret words here"})
    assert "secret words here" not in response.get_data(as_text=True)


def test_session_cookie_flags(client, users):
    response = client.post_form("/auth/login", {"login": "member", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.fixture
def fresh_config(monkeypatch):
    """community.config imported again under the environment a test sets; put back afterwards."""
    import community.config

    for name in ("FLASK_DEBUG", "SESSION_COOKIE_SECURE"):
        monkeypatch.delenv(name, raising=False)
    yield lambda: importlib.reload(community.config)
    monkeypatch.undo()
    importlib.reload(community.config)


def test_production_cookies_are_secure(fresh_config):
    config = fresh_config().Config
    assert config.DEBUG is False
    assert config.SESSION_COOKIE_SECURE is True
    assert config.REMEMBER_COOKIE_SECURE is True


@pytest.mark.parametrize("value", ["1", "true"])
def test_debug_cookies_work_over_plain_http(fresh_config, monkeypatch, value):
    monkeypatch.setenv("FLASK_DEBUG", value)
    config = fresh_config().Config
    assert config.DEBUG is True
    assert config.SESSION_COOKIE_SECURE is False
    assert config.REMEMBER_COOKIE_SECURE is False


def test_production_refuses_to_start_without_a_secret_key():
    from community import create_app
    from community.config import Config

    production = type("NoSecret", (Config,), {"SECRET_KEY": None, "TESTING": False, "DEBUG": False})
    with pytest.raises(RuntimeError, match="Set SECRET_KEY in the environment"):
        create_app(production)


def test_too_large_requests_get_413(client):
    response = client.post("/auth/login", data={"login": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "That was too large" in response.get_data(as_text=True)


@pytest.mark.parametrize("target, expected", [
    ("/settings", "/settings"), ("/groups/?page=2", "/groups/?page=2"), (None, "/"),
    ("https://evil.example", "/"), ("//evil.example", "/"), ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"), ("settings", "/"), ("/\x00x", "/"),
])
def test_safe_next(target, expected):
    assert safe_next(target) == expected


def test_roles_are_ordered(app, users):
    from community.accounts.models import User
    from community.extensions import db
    with app.app_context():
        member, moderator, admin = (db.session.get(User, users[r]) for r in ("member", "moderator", "admin"))
        assert not has_role(member, "moderator") and has_role(member, "member")
        assert has_role(moderator, "moderator") and not has_role(moderator, "admin")
        assert has_role(admin, "moderator") and has_role(admin, "admin")
        assert not has_role(None, "member")


def test_role_required_refuses_visitors_and_lower_roles(users):
    from tests.conftest import make_app
    from tests.helpers import Client
    app = make_app()
    bp = Blueprint("probe", __name__)
    bp.add_url_rule("/probe", "probe", role_required("moderator")(lambda: "moderators only"))
    app.register_blueprint(bp)
    app.test_client_class = Client
    from community.extensions import db
    with app.app_context():
        db.create_all()
        from community.accounts.services import create_user
        create_user("mem", "mem@example.org", PASSWORD)
        create_user("mod", "mod@example.org", PASSWORD, role="moderator")
    client = app.test_client()
    assert client.get("/probe").status_code == 302
    client.post_form("/auth/login", {"login": "mem", "password": PASSWORD})
    assert client.get("/probe").status_code == 403
    client.post_form("/auth/logout", page="/settings")
    client.post_form("/auth/login", {"login": "mod", "password": PASSWORD})
    assert client.get("/probe").get_data(as_text=True) == "moderators only"


def test_500_rolls_back_and_shows_a_calm_page(app, users):
    from community.accounts.models import User
    from community.extensions import db

    @app.route("/boom")
    def boom():
        user = db.session.get(User, users["member"])
        user.display_name = "should not stick"
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, users["member"]).display_name == ""
