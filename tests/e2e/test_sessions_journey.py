"""Signing out on a shared computer, and ending a session left open on another device."""

from tests.e2e.conftest import sign_in
from tests.helpers import PASSWORD


def test_sign_out_after_keep_me_signed_in_leaves_a_visitor(page, make_member):
    """The family computer: "Keep me signed in", then "Sign out" must really sign out."""
    username = make_member("shared")
    page.goto("/auth/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Keep me signed in on this device").check()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    assert "Welcome back" in page.inner_text("main")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")
    assert "You have signed out" in page.inner_text("main")
    assert "Welcome back" not in page.inner_text("main")

    page.reload()
    assert page.get_by_role("link", name="Sign in").is_visible()
    assert "Welcome back" not in page.inner_text("main")
    assert not any(cookie["name"] == "remember_token" for cookie in page.context.cookies())
    page.goto("/settings")
    assert "/auth/login" in page.url


def test_a_member_signs_out_a_forgotten_device(browser, live_server, page, make_member):
    """Signed in at a library; from home, the member ends that session by keyboard and mouse."""
    username = make_member("traveller")
    library = browser.new_context(base_url=live_server)
    try:
        other = library.new_page()
        sign_in(other, username)

        sign_in(page, username)
        page.goto("/settings")
        page.get_by_role("link", name="See where you are signed in").click()
        page.wait_for_url("**/settings/devices")
        assert page.locator(".device-list li").count() == 2
        assert "(this device)" in page.inner_text("main")
        page.locator(".device-list li", has_not_text="this device").get_by_role("button").click()
        page.wait_for_url("**/settings/devices")
        assert "is signed out" in page.inner_text("main")
        assert page.locator(".device-list li").count() == 1

        other.reload()
        assert other.get_by_role("link", name="Sign in").is_visible()
    finally:
        library.close()
