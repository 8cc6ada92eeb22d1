"""Registration: who can join, and the clear messages when something is not right."""

import pytest
from sqlalchemy import func

from community.accounts.models import User
from community.extensions import db

pytestmark = pytest.mark.both_databases

GOOD = {
    "username": "river_stone",
    "email": "River@Example.org",
    "password": "three quiet mornings",
    "confirm": "three quiet mornings",
    "accept_guidelines": "y",
}


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(func.count()).select_from(User))


def test_register_signs_in_and_keeps_email_private(app, client):
    response = client.post_form("/auth/register", GOOD, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Welcome to Common Ground, river_stone" in page
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert user.email == "river@example.org"
        assert user.role == "member"
        assert user.check_password(GOOD["password"]) and not user.check_password(GOOD["password"] + "x")
        assert user.password_hash.startswith(app.config["PASSWORD_HASH_METHOD"].split(":")[0] + ":")
    profile = client.get("/u/river_stone").get_data(as_text=True)
    assert "river@example.org" not in profile.lower()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"username": "ab"}, "Use 3 to 30 characters."),
        ({"username": "x" * 31}, "Use 3 to 30 characters."),
        ({"username": "no spaces"}, "Use only letters, numbers, _ and -."),
        ({"username": "émile"}, "Use only letters, numbers, _ and -."),
        ({"email": "not-an-address"}, "Enter an email address like name@example.com."),
        ({"email": ""}, "Enter your email address."),
        ({"password": "short pass", "confirm": "short pass"}, "Use at least 12 characters."),
        ({"password": "password1234", "confirm": "password1234"}, "one of the most common"),
        ({"password": "qwerty123456", "confirm": "qwerty123456"}, "one of the most common"),
        ({"confirm": "something different"}, "The two passwords are not the same."),
        ({"accept_guidelines": None}, "Please read and accept the community guidelines"),
        ({"accept_guidelines": "false"}, "Please read and accept the community guidelines"),
    ],
)
def test_register_refuses_bad_input_and_keeps_what_was_typed(app, client, change, message):
    data = {**GOOD, **change}
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post_form("/auth/register", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    if "username" not in change:
        assert 'value="river_stone"' in page  # nothing the member typed is lost
    assert count_users(app) == 0


def test_usernames_are_unique_ignoring_case(app, client, users):
    response = client.post_form("/auth/register", {**GOOD, "username": "MEMBER"})
    assert response.status_code == 422
    assert "That username is taken" in response.get_data(as_text=True)


def test_emails_are_unique_ignoring_case(app, client, users):
    response = client.post_form("/auth/register", {**GOOD, "email": "Member@Example.ORG"})
    assert response.status_code == 422
    assert "An account already uses that email" in response.get_data(as_text=True)


def test_the_common_password_list_is_large():
    from community.accounts.passwords import common_passwords

    assert len(common_passwords()) >= 3000
    assert {"password", "123456", "iloveyou", "qwerty"} <= common_passwords()


def test_production_hashes_with_scrypt():
    """An app on the production settings stores scrypt hashes (the tests use a faster one)."""
    from community import create_app
    from community.accounts.models import User
    from community.config import Config

    production = type(
        "Prod",
        (Config,),
        {
            "SECRET_KEY": "s" * 32,
            "BASE_URL": "https://commonground.example",
            "TESTING": False,
            "DEBUG": False,
        },
    )
    with create_app(production).app_context():
        user = User()
        user.set_password("three quiet mornings")
    assert user.password_hash.startswith("scrypt:")


def test_refused_sign_ups_are_limited_per_address(app, client, users):
    for i in range(20):
        response = client.post_form(
            "/auth/register",
            {**GOOD, "username": f"probe{i}", "email": f"x{i}@example.org", "confirm": "different"},
        )
        assert response.status_code == 422
    response = client.post_form("/auth/register", {**GOOD, "email": "member@example.org"})
    assert response.status_code == 429
