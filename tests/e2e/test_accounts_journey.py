"""A newcomer joins, signs out and signs back in using only the keyboard."""

import itertools
import os

from tests.e2e.conftest import sign_up_by_keyboard, tab_to

_n = itertools.count(1)


def test_register_logout_login_by_keyboard_alone(page):
    username = f"newcomer{next(_n)}_{os.getpid() % 1000}"
    password = "slow mornings and warm tea"
    page.goto("/")

    tab_to(page, "a[href='/auth/register']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/auth/register")

    sign_up_by_keyboard(page, username, password)
    page.wait_for_url("**/auth/welcome")  # sign-up's last step: pick your groups
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

    # The page opens with the keyboard focus on the summary, so the next Tab reaches its first link.
    assert focus_reaches(page, ".error-summary"), (
        f"focus is on {page.evaluate('document.activeElement.outerHTML.slice(0, 80)')}, not the error summary"
    )
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('.error-summary li:first-child a')"), (
        "Tab from the error summary did not reach its first link"
    )
    # The summary lists problems in page order, so the first link is the username's.
    assert page.evaluate("document.activeElement.textContent").startswith("Username:")
    page.keyboard.press("Enter")
    assert focus_reaches(page, "#username"), "the summary link for Username did not move focus to the field"
    page.keyboard.press("End")
    page.keyboard.type("c")  # what is typed now goes into the field that needs fixing
    assert page.locator("#username").input_value() == "abc"


def test_error_summary_lists_problems_in_page_order(page):
    """Tabbing through the summary then the form meets the problems in the same order."""
    page.goto("/auth/register")
    page.get_by_role("button", name="Create my account").click()
    summary = page.eval_on_selector_all(".error-summary a", "links => links.map(a => a.hash.slice(1))")
    in_form = page.eval_on_selector_all("main form [aria-invalid=true]", "fields => fields.map(f => f.id)")
    assert len(summary) == 5 and sorted(summary) == sorted(in_form)
    assert summary == in_form, f"summary order {summary} differs from the page order {in_form}"


def focus_reaches(page, selector: str, timeout: int = 3_000) -> bool:
    """True once the element matching `selector` has the keyboard focus."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "(s) => document.activeElement && document.activeElement.matches(s)",
            arg=selector,
            timeout=timeout,
        )
    except PlaywrightTimeout:
        return False
    return True


def test_skip_link_is_first_and_moves_focus_to_main(page):
    page.goto("/guidelines")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
