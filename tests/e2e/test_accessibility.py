"""axe-core finds no WCAG 2.x A/AA problem on any page, in the light and the dark theme."""
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import sign_in

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
               "resultTypes": ["violations"]}
VISITOR_PAGES = ["/", "/crisis", "/guidelines", "/auth/login", "/auth/register", "/auth/reset", "/no-such-page"]
MEMBER_PAGES = ["/", "/settings", "/settings/password", "/u/{me}"]

_axe = Axe()


def assert_no_violations(page, label):
    results = _axe.run(page, options=AXE_OPTIONS)
    problems = [f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                for v in results.response["violations"]]
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


@pytest.mark.parametrize("theme, text_size", [("light", "normal"), ("dark", "largest")])
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
