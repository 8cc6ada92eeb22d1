"""The security baseline: CSRF, headers on every response, size limits, role checks."""

import importlib

import pytest
from flask import Blueprint

from community.permissions import requires
from community.security import has_role, safe_next
from tests.helpers import PASSWORD

PAGES = [
    "/",
    "/crisis",
    "/guidelines",
    "/auth/login",
    "/auth/register",
    "/auth/reset",
    "/healthz",
    "/no-such-page",
    "/static/css/site.css",
    "/mod/",
    "/flag/post/1",
]


@pytest.mark.parametrize("path", PAGES)
def test_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "path, data",
    [
        ("/auth/login", {"login": "member", "password": PASSWORD}),
        (
            "/auth/register",
            {
                "username": "someone",
                "email": "s@example.org",
                "password": "x" * 20,
                "confirm": "x" * 20,
                "accept_guidelines": "y",
            },
        ),
        ("/auth/reset", {"email": "member@example.org"}),
        ("/auth/logout", {}),
    ],
)
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


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/settings", "/settings"),
        ("/groups/?page=2", "/groups/?page=2"),
        (None, "/"),
        ("https://evil.example", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("settings", "/"),
        ("/\x00x", "/"),
    ],
)
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


def test_a_rule_required_by_a_view_refuses_visitors_and_members_it_does_not_allow(users):
    from tests.conftest import make_app
    from tests.helpers import Client

    app = make_app()
    bp = Blueprint("probe", __name__)
    bp.add_url_rule("/probe", "probe", requires("moderate")(lambda: "moderators only"))
    app.register_blueprint(bp)
    app.test_client_class = Client
    from community.extensions import db

    with app.app_context():
        db.create_all()
        from community.accounts.services import create_user

        create_user("mem", "mem@example.org", PASSWORD)
        create_user("mod", "mod@example.org", PASSWORD, role="moderator")
        db.session.commit()
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


def test_production_refuses_to_start_without_base_url():
    from community import create_app
    from community.config import Config

    production = type(
        "NoBase", (Config,), {"SECRET_KEY": "s" * 32, "BASE_URL": None, "TESTING": False, "DEBUG": False}
    )
    with pytest.raises(RuntimeError, match="Set BASE_URL"):
        create_app(production)


def test_production_answers_only_its_own_host_and_mails_links_to_it(tmp_path):
    """With BASE_URL set and TRUSTED_HOSTS not, the app answers BASE_URL's host alone."""
    from community import create_app
    from community.config import Config

    production = type(
        "Prod",
        (Config,),
        {
            "SECRET_KEY": "s" * 32,
            "BASE_URL": "https://commonground.example",
            "TRUSTED_HOSTS": None,
            "TESTING": False,
            "DEBUG": False,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SQLALCHEMY_ENGINE_OPTIONS": {},
        },
    )
    app = create_app(production)
    client = app.test_client()
    assert client.get("/guidelines", base_url="https://commonground.example").status_code == 200
    assert client.get("/guidelines", base_url="https://COMMONGROUND.example").status_code == 200
    assert client.get("/guidelines", base_url="https://evil.example").status_code == 400


@pytest.mark.parametrize("host", ["evil.example", "EVIL.example"])
def test_an_unknown_host_gets_a_plain_400_not_a_traceback(host):
    from tests.conftest import make_app

    app = make_app(TRUSTED_HOSTS=["commonground.example"])
    response = app.test_client().get("/groups/", base_url=f"http://{host}")
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)
    assert len(response.get_data()) < 500


def test_trusted_hosts_compare_without_case():
    from tests.conftest import make_app

    app = make_app(TRUSTED_HOSTS=["commonground.example"])
    with app.app_context():
        from community.extensions import db

        db.create_all()
    assert app.test_client().get("/guidelines", base_url="http://CommonGround.Example").status_code == 200


@pytest.mark.both_databases
@pytest.mark.parametrize(
    "path", ["/groups/%00/", "/search?q=x&group=%00", "/u/%00", "/threads/1?page=%00", "/search?q=%00"]
)
def test_nul_bytes_in_a_request_get_400(client, auth, path):
    auth.login()
    assert client.get(path).status_code == 400


@pytest.mark.both_databases
def test_nul_byte_in_a_sign_in_gets_400(client, users):
    response = client.post_form("/auth/login", {"login": "jon\x00back", "password": "whatever whatever"})
    assert response.status_code == 400


def test_csrf_page_shows_back_only_the_members_own_form_fields(client, auth):
    auth.login()
    response = client.post(
        "/settings",
        data={"bio": "My long story about today", "notice": "Security notice", "csrf_token": "stale"},
    )
    page = response.get_data(as_text=True)
    assert "My long story about today" in page
    assert "Security notice" not in page


def test_csrf_page_shows_nothing_from_a_form_on_another_site(client, auth):
    """A cross-site form could otherwise put its words on this site's page."""
    auth.login()
    fake = "Security notice from the moderators: email your password to"
    for headers in [{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}]:
        response = client.post("/settings", data={"bio": fake, "csrf_token": "stale"}, headers=headers)
        assert response.status_code == 400
        assert fake not in response.get_data(as_text=True)
    visitor = client.application.test_client()
    response = visitor.post("/auth/register", data={"username": fake, "csrf_token": "stale"})
    assert fake not in response.get_data(as_text=True)


def test_only_real_static_files_are_public_in_caches(client, auth):
    assert client.get("/static/css/site.css").headers["Cache-Control"] == "public, max-age=3600"
    auth.login()
    missing = client.get("/static/no-such-file.css")
    assert missing.status_code == 404
    assert missing.headers["Cache-Control"] == "no-store"


def test_hsts_is_sent_over_https_or_when_the_site_is_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/guidelines").headers
    assert client.get("/guidelines", base_url="https://localhost").headers["Strict-Transport-Security"]
    app.config["BASE_URL"] = "https://commonground.example"
    assert client.get("/guidelines").headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.both_databases
@pytest.mark.parametrize(
    "path",
    ["/threads/99999999999999999999", "/posts/99999999999999999999", "/threads/2147483648", "/posts/0"],
)
def test_ids_no_database_can_hold_get_404(client, auth, path):
    auth.login()
    assert client.get(path).status_code == 404


@pytest.mark.both_databases
def test_a_quote_of_an_impossible_post_is_ignored(client, auth):
    from community.extensions import db
    from community.forums import groups, services
    from community.forums.seed import seed_groups

    with client.application.app_context():
        list(seed_groups())
        from community.accounts.services import find_by_username

        thread = services.create_thread(
            find_by_username("member"), groups.group_by_slug("crps"), "A thread", "Hi"
        )
        db.session.commit()
        thread_id = thread.id
    auth.login()
    assert client.get(f"/threads/{thread_id}?quote=99999999999999999999").status_code == 200


def test_a_session_cookie_checked_once_still_ends_with_its_lifetime(client, auth, app, monkeypatch):
    """Each cookie's signature is checked once per process (security.VerifiedCookies), and a
    cookie kept that way still stops opening the session once its lifetime has passed."""
    import time

    auth.login()
    assert client.get("/settings").status_code == 200
    assert client.get("/settings").status_code == 200  # the same cookie, already checked
    lifetime = app.permanent_session_lifetime.total_seconds()
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + lifetime + 60)
    response = client.get("/settings")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_changed_session_cookie_opens_nothing(client, auth, app):
    auth.login()
    assert client.get("/settings").status_code == 200
    name = app.config["SESSION_COOKIE_NAME"]
    value = client.get_cookie(name).value
    client.set_cookie(name, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    response = client.get("/settings")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_form_with_a_nul_byte_gets_400(client, auth):
    auth.login()
    response = client.post_form("/settings", {"bio": "a\x00b"}, page="/settings")
    assert response.status_code == 400
