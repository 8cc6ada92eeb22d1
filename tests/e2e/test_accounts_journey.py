"""A newcomer joins, signs out and signs back in using only the keyboard."""
import itertools
import os

from tests.e2e.conftest import tab_to

_n = itertools.count(1)


def test_register_logout_login_by_keyboard_alone(page):
    username = f"newcomer{next(_n)}_{os.getpid() % 1000}"
    password = "slow mornings and warm tea"
    page.goto("/")

    tab_to(page, "a[href='/auth/register']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/auth/register")

    tab_to(page, "#username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(f"{username}@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    tab_to(page, "#accept_guidelines")
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/settings")
    assert f"Welcome to Common Ground, {username}" in page.inner_text("main")

    tab_to(page, "form[action='/auth/logout'] button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    assert "You have signed out" in page.inner_text("main")

    tab_to(page, "a[href='/auth/login']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/auth/login")
    tab_to(page, "#login")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    assert f"Welcome back, {username}" in page.inner_text("main")


def test_registration_errors_are_announced_and_linked(page):
    page.goto("/auth/register")
    page.get_by_label("Username").fill("ab")
    page.get_by_role("button", name="Create my account").click()
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert "Use 3 to 30 characters." in summary.inner_text()
    assert page.locator("#username").get_attribute("aria-invalid") == "true"
    assert page.locator("#username").input_value() == "ab"


def test_skip_link_is_first_and_moves_focus_to_main(page):
    page.goto("/guidelines")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
