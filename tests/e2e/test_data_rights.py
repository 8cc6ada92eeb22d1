"""/settings/data in the browser: axe-core finds no WCAG 2.x A/AA problem on the page (as it
is, with a form error, and for the last admin) or on the page after a deletion, in the light
and the dark theme; and a deletion sent with Enter from the password field."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import assert_no_violations
from tests.helpers import PASSWORD


@pytest.fixture(params=["light", "dark"])
def color_scheme(request):
    return request.param


def test_the_data_page_and_its_errors(page, color_scheme, make_member):
    sign_in(page, make_member("data"))
    page.goto("/settings/data")
    assert_no_violations(page, f"/settings/data ({color_scheme})")
    page.get_by_role("button", name="Delete my account").click()
    assert page.get_by_text("Please choose what happens").first.is_visible()
    assert_no_violations(page, f"/settings/data with errors ({color_scheme})")


def test_deleting_then_the_confirmation(page, color_scheme, make_member):
    sign_in(page, make_member("leaving"))
    page.goto("/settings/data")
    page.get_by_label("Keep them for others to read").check()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("Your password").press("Enter")
    page.wait_for_url("**/settings/data/deleted")
    assert page.get_by_role("heading", name="Your account is deleted").is_visible()
    assert_no_violations(page, f"account deleted ({color_scheme})")
