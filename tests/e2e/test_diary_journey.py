"""The diary by keyboard alone: a fresh account answers "How is today?" with Tab, the arrow keys,
Space and Enter, sees it saved, then writes the day's full entry, choosing body areas from the
list and on the body map without a mouse. axe-core finds no WCAG 2.x A/AA problem on either
page, in the light and the dark theme."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in, tab_to
from tests.e2e.test_accessibility import assert_no_violations


@pytest.fixture(params=["light", "dark"])
def color_scheme(request):
    return request.param


def test_quick_entry_then_a_full_entry_by_keyboard(page, color_scheme, make_member):
    sign_in(page, make_member("diarist"))
    page.goto("/diary/")
    expect(page.get_by_role("heading", name="How is today?")).to_be_visible()
    assert_no_violations(page, f"/diary/ ({color_scheme})")

    # Pain: into the group, then the arrow keys choose (0 → 6).
    tab_to(page, "input[name=pain_average]")
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#pain_average-6")).to_be_checked()
    # Mood: Space chooses the focused one (1), the arrows move on to 3.
    tab_to(page, "input[name=mood]")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#mood-2")).to_be_checked()
    tab_to(page, "input[name=sleep_quality]")
    page.keyboard.press("Space")
    tab_to(page, ".diary-quick button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.locator(".flash")).to_contain_text("Saved for today")
    expect(page.locator(".diary-days li").first).to_contain_text("Pain 6 of 10, mood 3 of 5, sleep 1 of 5")
    expect(page.locator(".diary-days li").nth(1)).to_contain_text("Nothing noted")
    expect(page.locator("#pain_average-6")).to_be_checked()  # what is saved shows
    assert_no_violations(page, f"/diary/ after saving ({color_scheme})")

    # The full entry for today, reached by keyboard.
    tab_to(page, ".diary-quick p a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    expect(page.locator("[data-body-map]")).to_be_visible()
    assert_no_violations(page, f"a day's entry ({color_scheme})")

    # A scale not yet noted has "Not noted" chosen, last: the arrow keys go round to 0, 1, ...
    tab_to(page, "input[name=enjoyment_interference]")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#enjoyment_interference-4")).to_be_checked()
    tab_to(page, "input[name=activity_interference]")
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#activity_interference-5")).to_be_checked()
    # A body area from the list...
    tab_to(page, "input[name=body_areas][value=lower-back]", limit=100)
    page.keyboard.press("Space")
    # ...and two on the map: one Tab stop, the arrows move, Space ticks the same checkboxes.
    tab_to(page, ".body-region", limit=100)
    expect(page.locator(".body-region[data-area=head]")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(page.locator(".body-region[data-area=neck]")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("input[name=body_areas][value=head]")).to_be_checked()
    expect(page.locator(".body-region[data-area=neck]")).to_have_attribute("aria-checked", "true")
    # Tab leaves the map at once: it is no trap.
    page.keyboard.press("Tab")
    assert page.evaluate("!document.activeElement.closest('[data-body-map]')")
    tab_to(page, "#notes", limit=100)
    page.keyboard.type("Slept badly; the stairs were hard.")
    tab_to(page, ".diary-entry-form button[type=submit]", limit=100)
    page.keyboard.press("Enter")

    expect(page.locator(".flash")).to_contain_text("is saved")
    for area in ("lower-back", "head", "neck"):
        expect(page.locator(f"input[name=body_areas][value={area}]")).to_be_checked()
    expect(page.locator("input[name=body_areas][value=chest]")).not_to_be_checked()
    expect(page.locator(".body-region[data-area=head]")).to_have_attribute("aria-checked", "true")
    expect(page.locator("#pain_average-6")).to_be_checked()
    expect(page.locator("#notes")).to_have_value("Slept badly; the stairs were hard.")
    expect(page.locator(".meta").first).to_contain_text("PEG score 5.0")
    assert_no_violations(page, f"a day's entry after saving ({color_scheme})")


def test_the_entry_page_with_errors_and_the_flare_page(page, color_scheme, make_member):
    sign_in(page, make_member("diarist"))
    page.goto("/diary/")
    page.locator("a", has_text="fuller entry").click()
    page.locator("#sleep_hours").fill("lots")
    page.get_by_role("button", name="Save this day").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#sleep_hours")).to_have_value("lots")
    assert_no_violations(page, f"a day's entry with errors ({color_scheme})")
    page.goto("/diary/flares")
    page.locator("#note").fill("After the drive")
    page.get_by_role("button", name="Save the flare note").click()
    expect(page.locator(".diary-flare")).to_contain_text("After the drive")
    assert_no_violations(page, f"flare notes ({color_scheme})")
