"""Names: staff-like names kept for staff, and no invisible or reordering characters in them."""

import pytest

from community.accounts.models import User
from community.accounts.services import AccountError, create_user, find_by_username
from community.extensions import db
from community.names import RESERVED_MESSAGE, is_reserved, reserved_name_problem, strip_invisible
from community.seed import DEMO_MEMBERS
from tests.helpers import PASSWORD

pytestmark = pytest.mark.both_databases

REFUSED = [
    "Moderation Team",
    "M\u00f8d\u00e9rator",
    "admin",
    "Admin",
    "moderator",
    "demo-admin",
    "dem0_admin",
    "ADM1N",
    "AdMiN",
    "Admln",
    "adrnin",
    "m0derator",
    "Robin (moderator)",
    "Sam (admin)",
    "Robin the Mod",
    "SiteMod",
    "MODS",
    "A.D.M.I.N",
    "$taff",
    "r00t",
    "Official_Sam",
    "Help Desk",
    "sysop",
    "root",
    "Team",
    "SYSTEM",
    "Jo (staff)",
    "Peer-Support",
    "C\u043emmon Ground Team",  # Cyrillic о
    "\u0430dmin",  # Cyrillic а
    "\uff41\uff44\uff4d\uff49\uff4e",  # fullwidth
    "ad\u200bmin",
    "a\u0336dmin",  # a zero-width space; a strike-through mark
]
ALLOWED = [
    "maria_crps",
    "Modesty",
    "Edmond",
    "jon_back",
    "Ade",
    "Rootsy",
    "Rootbeer",
    "Teamster",
    "badminton_fan",
    "Chad Minogue",
    "supporter",
    "officially_tired",
    "Systematic",
    "Renée",
    "river_stone",
    "Sam",
    "Robin",
    "Joe Root",
    "Team Spoonie",
    "Modi",
]


@pytest.mark.parametrize("name", REFUSED)
def test_staff_like_names_and_their_lookalikes_are_reserved(name):
    assert is_reserved(name)
    assert reserved_name_problem(name) == "That name is kept for the site's own staff. Please choose another."


@pytest.mark.parametrize("name", ALLOWED)
def test_everyday_pseudonyms_are_free(name):
    assert not is_reserved(name)
    assert reserved_name_problem(name) is None


def test_the_demo_names_are_free_now_the_badge_says_the_role():
    assert not any(is_reserved(display_name) for _, display_name, *_ in DEMO_MEMBERS)


@pytest.mark.parametrize(
    "text, kept",
    [
        ("\u202eSam\u202c", "Sam"),  # right-to-left override and its pop
        ("\u2067Sam\u2069 \u200e\u200f\u061c", "Sam"),
        ("S\u200ba\u200cm\u200d\u2060\ufeff", "Sam"),
        ("Sa\u00adm\u034f \u180e", "Sam"),
        ("\u3164\u115f\u1160\uffa0", ""),  # Hangul fillers: blank, not empty-looking text
        ("  two \n\t words  ", "two words"),
        ("\u200b" * 5, ""),
        (
            "\U0001f469\u200d\U0001f9bd",
            "\U0001f469\u200d\U0001f9bd",
        ),  # woman in a wheelchair stays one picture
    ],
)
def test_strip_invisible(text, kept):
    assert strip_invisible(text) == kept


GOOD = {
    "email": "someone@example.org",
    "password": "three quiet mornings",
    "confirm": "three quiet mornings",
    "accept_guidelines": "y",
}


@pytest.mark.parametrize(
    "username", ["admin", "Admin", "moderator", "demo-admin", "dem0_admin", "ADM1N", "m0derator"]
)
def test_register_refuses_staff_like_usernames(app, client, username):
    response = client.post_form("/auth/register", {**GOOD, "username": username})
    assert response.status_code == 422
    assert RESERVED_MESSAGE.replace("'", "&#39;") in response.get_data(as_text=True)
    with app.app_context():
        assert find_by_username(username) is None


def test_create_user_refuses_members_but_not_staff_or_operators(app):
    with app.app_context():
        with pytest.raises(AccountError) as refused:
            create_user("admin", "a@example.org", PASSWORD)
        assert refused.value.field == "username" and str(refused.value) == RESERVED_MESSAGE
        assert create_user("support", "s@example.org", PASSWORD, allow_reserved=True).role == "member"
        assert create_user("team_mod", "t@example.org", PASSWORD, role="moderator").role == "moderator"


def test_operators_still_create_an_admin_named_admin(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "admin",
            "--email",
            "admin@example.org",
            "--password",
            "a strong pass phrase",
            "--role",
            "admin",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert find_by_username("admin").role == "admin"


SETTINGS = {
    "display_name": "",
    "pronouns": "",
    "relationship": "",
    "conditions": "",
    "bio": "",
    "theme": "system",
    "text_size": "normal",
}


@pytest.mark.parametrize(
    "display_name", ["Robin (moderator)", "Sam (admin)", "C\u043emmon Ground Team", "\u202eRobin (moderator)"]
)
def test_settings_refuse_staff_like_display_names(app, client, auth, display_name):
    auth.login()
    response = client.post_form("/settings", {**SETTINGS, "display_name": display_name})
    assert response.status_code == 422
    assert RESERVED_MESSAGE.replace("'", "&#39;") in response.get_data(as_text=True)
    with app.app_context():
        assert find_by_username("member").display_name == ""


def test_settings_store_names_without_invisible_characters(app, client, auth, users):
    auth.login()
    response = client.post_form(
        "/settings",
        {
            **SETTINGS,
            "display_name": "\u202eMa\u200bria\u202c  \u2066R\u2069",
            "pronouns": "she/\u200dher\u200f",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, users["member"])
        assert (user.display_name, user.pronouns) == ("Maria R", "she/her")


def test_pronouns_cannot_carry_a_staff_title(app, client, auth):
    """Pronouns show as "(…)" beside the name: "Robin" + "moderator" must not read as staff."""
    auth.login()
    response = client.post_form("/settings", {**SETTINGS, "display_name": "Robin", "pronouns": "moderator"})
    assert response.status_code == 422
    with app.app_context():
        assert find_by_username("member").pronouns == ""
