"""axe-core finds no WCAG 2.x A/AA problem on any page, in the light and the dark theme."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import sign_in

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
VISITOR_PAGES = [
    "/",
    "/crisis",
    "/guidelines",
    "/auth/login",
    "/auth/register",
    "/auth/reset",
    "/no-such-page",
]
MEMBER_PAGES = ["/", "/settings", "/settings/password", "/settings/devices", "/u/{me}"]

_axe = Axe()


def assert_no_violations(page, label):
    results = _axe.run(page, options=AXE_OPTIONS)
    problems = [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]
    assert problems == [], f"{label}: {problems}"


@pytest.fixture(params=["light", "dark"])
def color_scheme(request):
    return request.param


def test_visitor_pages(page, color_scheme):
    for path in VISITOR_PAGES:
        page.goto(path)
        assert_no_violations(page, f"{path} ({color_scheme})")


def test_visitor_form_errors(page, color_scheme):
    page.goto("/auth/register")
    page.get_by_role("button", name="Create my account").click()
    assert_no_violations(page, f"register with errors ({color_scheme})")
    page.goto("/auth/login")
    page.get_by_role("button", name="Sign in").click()
    assert_no_violations(page, f"login with errors ({color_scheme})")


@pytest.mark.parametrize(
    "theme, text_size", [("light", "normal"), ("dark", "largest"), ("light", "largest"), ("dark", "normal")]
)
def test_member_pages_with_chosen_theme(page, make_member, theme, text_size):
    me = make_member()
    sign_in(page, me)
    page.goto("/settings")
    page.locator(f"input[name=theme][value={theme}]").check()
    page.locator(f"input[name=text_size][value={text_size}]").check()
    page.get_by_role("button", name="Save settings").click()
    assert page.locator("html").get_attribute("data-theme") == theme
    for path in MEMBER_PAGES:
        page.goto(path.format(me=me))
        assert_no_violations(page, f"{path} ({theme}, {text_size})")


# Every kind of page a member reaches from the header, checked again at 320px and the largest
# text, where the header folds into its Menu button and long words wrap.
LARGEST_TEXT_PAGES = [
    "/",
    "/groups/",
    "/search?q=pain",
    "/chat/",
    "/meetings/",
    "/resources/",
    "/diary/",
    "/notifications",
    "/settings",
    "/crisis",
]
# And the pages behind them: a group, a thread, writing one, a profile, a room, a resource,
# the diary's insights and report, and the member's data.
PAGES_WITH_CONTENT = [
    "/groups/crps/",
    "/threads/{thread}",
    "/groups/crps/new",
    "/u/{me}",
    "/chat/lounge",
    "/resources/{resource}",
    "/resources/suggest",
    "/diary/insights",
    "/diary/report",
    "/settings/data",
]


def test_pages_at_the_largest_text_on_a_small_screen(page, live_app, make_member, color_scheme):
    theme = color_scheme  # the member's chosen theme, the same as the device's here
    from community.accounts.services import find_by_username
    from community.extensions import db
    from community.forums import groups, services
    from community.forums.models import Group
    from community.resources.models import Organization
    from community.seed import seed

    me = make_member()
    with live_app.app_context():
        list(seed())
        member = find_by_username(me)
        member.theme, member.text_size = theme, "largest"
        group = db.session.scalar(db.select(Group).where(Group.slug == "crps"))
        groups.join_group(member, group)
        thread = services.create_thread(
            member, group, "What helps you get back to sleep at 3am?", "Warm socks and the *radio*."
        )
        db.session.commit()
        resource = db.session.scalar(db.select(Organization.id).order_by(Organization.name).limit(1))
        made = {"thread": thread.id, "me": me, "resource": resource}
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, me)
    for path in LARGEST_TEXT_PAGES + PAGES_WITH_CONTENT:
        path = path.format(**made)
        page.goto(path)
        assert page.locator("html").get_attribute("data-text-size") == "largest"
        assert_no_violations(page, f"{path} ({theme}, largest, 320px)")
    page.get_by_role("button", name="Menu").click()  # the folded links, shown
    assert_no_violations(page, f"the open menu ({theme}, largest, 320px)")


def test_visitor_pages_at_the_largest_text(page, color_scheme):
    for path in VISITOR_PAGES:
        page.goto(path)
        page.evaluate("document.documentElement.dataset.textSize = 'largest'")
        assert_no_violations(page, f"{path} ({color_scheme}, largest)")


def assert_fits(page, path):
    page.goto(path)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"


def test_pages_fit_a_320px_screen(page, make_member):
    page.set_viewport_size({"width": 320, "height": 640})
    for path in VISITOR_PAGES + ["/groups/", "/search?q=pain"]:
        assert_fits(page, path)
    me = make_member("a_rather_long_username_here"[:20])
    sign_in(page, me)
    for path in MEMBER_PAGES + ["/groups/", "/notifications", "/settings/notifications"]:
        assert_fits(page, path.format(me=me))


# Pages that only show up in a particular state: each test first checks the state is on screen,
# so axe is never run against some other page by mistake.


def test_reset_password_page(page, live_app, make_member, color_scheme):
    from community.accounts.services import find_by_username, make_reset_token

    me = make_member("resetter")
    with live_app.app_context():
        token = make_reset_token(find_by_username(me))
    page.goto(f"/auth/reset/{token}")
    assert page.get_by_role("heading", level=1).inner_text() == "Choose a new password"
    assert page.get_by_label("Type the password again").is_visible()
    assert_no_violations(page, f"/auth/reset/<token> ({color_scheme})")


def test_refused_form_page_with_typed_text(page, make_member, color_scheme):
    sign_in(page, make_member())
    page.goto("/settings")
    typed = "Today was hard, but the walk helped a little."
    page.get_by_label("About you").fill(typed)
    settings_form = page.locator("main form", has=page.get_by_role("button", name="Save settings"))
    settings_form.locator("input[name=csrf_token]").evaluate("input => { input.value = 'stale'; }")
    with page.expect_response(lambda r: r.url.endswith("/settings") and r.request.method == "POST") as answer:
        page.get_by_role("button", name="Save settings").click()
    assert answer.value.status == 400
    main = page.inner_text("main")
    assert "did not save it" in main and "What you typed" in main
    assert typed in [area.input_value() for area in page.locator("main textarea").all()]
    assert_no_violations(page, f"400 with typed text ({color_scheme})")


def test_forbidden_page(page, make_member, color_scheme):
    sign_in(page, make_member())
    response = page.goto("/groups/manage")
    assert response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "You can't do that here"
    assert_no_violations(page, f"403 ({color_scheme})")


@pytest.fixture
def fresh_limits(live_app):
    """The sign-in limits start empty, and are emptied again so later tests can sign in."""
    from community import limits

    with live_app.app_context():
        limits.reset()
        yield
        limits.reset()


def test_too_many_attempts_page(page, make_member, fresh_limits, color_scheme):
    me = make_member("forgetful")
    page.goto("/auth/login")
    statuses = []
    for _ in range(11):
        page.get_by_label("Username or email").fill(me)
        page.get_by_label("Password", exact=True).fill("not my password at all")
        with page.expect_response(
            lambda r: r.url.endswith("/auth/login") and r.request.method == "POST"
        ) as answer:
            page.get_by_role("button", name="Sign in").click()
        statuses.append(answer.value.status)
        page.wait_for_load_state()
    assert statuses == [401] * 10 + [429]
    assert page.get_by_role("heading", level=1).inner_text() == "Please wait a minute"
    assert_no_violations(page, f"429 ({color_scheme})")


def test_settings_with_an_error(page, make_member, color_scheme):
    sign_in(page, make_member())
    page.goto("/settings")
    name = page.get_by_label("Display name")
    # The browser stops typing at maxlength="50"; the server's own check is what a client that ignores
    # the attribute meets, so the attribute is taken off to reach that page.
    assert name.get_attribute("maxlength") == "50"
    name.evaluate("input => input.removeAttribute('maxlength')")
    name.fill("A display name that is far longer than fifty characters")
    with page.expect_response(lambda r: r.url.endswith("/settings") and r.request.method == "POST") as answer:
        page.get_by_role("button", name="Save settings").click()
    assert answer.value.status == 422
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#display_name").get_attribute("aria-invalid") == "true"
    assert "Display name" in page.locator(".error-summary").inner_text()
    assert_no_violations(page, f"/settings with an error ({color_scheme})")


def test_change_password_with_errors(page, make_member, color_scheme):
    sign_in(page, make_member())
    page.goto("/settings/password")
    page.get_by_label("Current password").fill("not my password at all")
    with page.expect_response(
        lambda r: r.url.endswith("/settings/password") and r.request.method == "POST"
    ) as answer:
        page.get_by_role("button", name="Change my password").click()
    assert answer.value.status == 422
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.is_visible() and "Choose a password." in summary.inner_text()
    assert page.locator("#password").get_attribute("aria-invalid") == "true"
    assert_no_violations(page, f"/settings/password with errors ({color_scheme})")
