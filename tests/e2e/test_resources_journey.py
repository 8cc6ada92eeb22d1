"""The resource directory in Chromium: a member searches by keyboard alone for CRPS help near
ZIP 10001 within 50 km, reads the nearest first with distances and nationwide help apart,
opens one and reports outdated information, which a moderator then finds in /mod/; and
axe-core finds no WCAG 2.x A/AA problem on any directory page, in the light and dark themes.
"""

from __future__ import annotations

import itertools
import os
import re

import pytest
from playwright.sync_api import expect

from community.accounts.services import find_by_username
from community.extensions import db
from community.resources import review
from tests.e2e.conftest import sign_in, tab_to
from tests.e2e.test_accessibility import assert_no_violations
from tests.resources.conftest import BROOKLYN, MANHATTAN, NEWARK, PHILADELPHIA, _write

_n = itertools.count(1)


@pytest.fixture(params=["light", "dark"])
def color_scheme(request):
    return request.param


@pytest.fixture
def entries(live_app) -> dict[str, object]:
    """CRPS help around ZIP 10001, one too far, and a nationwide line; names unique to the test."""
    tag = f"{next(_n)}x{os.getpid() % 1000}"
    with live_app.app_context():
        made = [
            _write(
                f"Midtown CRPS Circle {tag}", kinds=["support-groups"], conditions=["crps"], at=[MANHATTAN]
            ),
            _write(f"Newark CRPS Friends {tag}", kinds=["support-groups"], conditions=["crps"], at=[NEWARK]),
            _write(
                f"Brooklyn CRPS Walkers {tag}", kinds=["support-groups"], conditions=["crps"], at=[BROOKLYN]
            ),
            _write(
                f"Philadelphia CRPS Group {tag}", kinds=["advocacy"], conditions=["crps"], at=[PHILADELPHIA]
            ),
            _write(
                f"National CRPS Line {tag}",
                kinds=["crisis-line"],
                conditions=["crps"],
                reach="national",
                phones=[("741741", "text", "HOME")],
            ),
        ]
        db.session.commit()
        return {"tag": tag, **{organization.name: organization.id for organization in made}}


def test_a_member_finds_crps_help_near_a_zip_by_keyboard_and_reports_it_outdated(
    page, entries, make_member, browser, live_server
):
    tag = entries["tag"]
    member = make_member("seeker")
    sign_in(page, member)
    page.goto("/resources/")

    tab_to(page, "#q")
    page.keyboard.type(f"CRPS {tag}")
    tab_to(page, "#near")
    page.keyboard.type("10001")
    tab_to(page, "#radius_km")
    page.keyboard.press("ArrowDown")  # 10, 25, [50], 100: 50 is the default; to 100 and back
    page.keyboard.press("ArrowUp")
    expect(page.locator("#radius_km")).to_have_value("50")
    tab_to(page, ".resource-search button[type=submit]")
    page.keyboard.press("Enter")

    # The browser's language is US English, so distances are in miles with kilometres beside them.
    expect(page.locator("#results-title")).to_have_text(
        "3 places within 31 miles (50 km) of New York, NY 10001"
    )
    names = page.locator(".resource-results").first.locator(".resource-name")
    expect(names).to_have_text(
        [f"Midtown CRPS Circle {tag}", f"Brooklyn CRPS Walkers {tag}", f"Newark CRPS Friends {tag}"]
    )
    distances = page.locator(".resource-results").first.locator(".resource-distance")
    expect(distances.first).to_contain_text("away")
    shown = [float(re.search(r"\(([\d.]+) km\)", text).group(1)) for text in distances.all_inner_texts()]
    assert shown == sorted(shown) and shown[0] < 3 < shown[-1] < 50, shown
    expect(page.get_by_text(f"Philadelphia CRPS Group {tag}")).to_have_count(0)  # 130 km away
    nationwide = page.locator("section[aria-labelledby=nationwide-title]")
    expect(nationwide.get_by_role("heading", name="Nationwide and online")).to_be_visible()
    expect(nationwide.locator(".resource-name")).to_have_text([f"National CRPS Line {tag}"])
    assert_no_violations(page, "search results")

    # Open the nearest by keyboard, then report it.
    midtown = entries[f"Midtown CRPS Circle {tag}"]
    tab_to(page, f".resource-name a[href='/resources/{midtown}']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Midtown CRPS Circle {tag}")
    tab_to(page, "a[href$='/report']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/report")
    tab_to(page, "#note")
    page.keyboard.type(f"They moved to Tuesdays at the library ({tag}).")
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")

    # A moderator finds it in the one review queue, with the member's note.
    moderator = make_member("steward", role="moderator")
    context = browser.new_context(base_url=live_server, reduced_motion="reduce")
    other = context.new_page()
    sign_in(other, moderator)
    other.goto("/mod/")
    item = other.locator("a", has_text=f"Midtown CRPS Circle {tag}").first
    expect(item).to_be_visible()
    item.click()
    expect(other.get_by_role("heading", level=1)).to_have_text(f"Out of date: Midtown CRPS Circle {tag}")
    expect(other.get_by_text(f"They moved to Tuesdays at the library ({tag}).").first).to_be_visible()
    context.close()


def _suggestion(live_app, username: str, tag: str):
    """A member's suggestion through the same service the form calls."""
    with live_app.app_context():
        organization = review.suggest(
            find_by_username(username),
            review.Suggestion(
                name=f"Hudson Valley Pain Friends {tag}",
                website="https://hudson.example.org",
                phone="(845) 555-0100",
                phone_type="voice",
                email="",
                description="We meet *monthly* in Kingston.\n\n- tea\n- a quiet room",
                kind="support-groups",
                conditions=["crps"],
                reach="city",
                country="US",
                region="NY",
                city="Kingston",
                note="I go there.",
            ),
        )
        db.session.commit()
        return organization.id


def test_every_directory_page_has_no_accessibility_violations(
    page, color_scheme, entries, make_member, live_app
):
    tag = entries["tag"]
    member = make_member("finder")
    moderator = make_member("keeper", role="moderator")
    suggested = _suggestion(live_app, member, tag)
    midtown = entries[f"Midtown CRPS Circle {tag}"]

    page.goto("/resources/")  # a visitor
    expect(page.locator("#q")).to_be_visible()
    assert_no_violations(page, f"/resources/ as a visitor ({color_scheme})")
    page.goto("/resources/?near=Springfield")
    expect(page.locator(".resource-suggestions")).to_be_visible()
    assert_no_violations(page, f"an ambiguous place ({color_scheme})")
    page.goto(f"/resources/{midtown}")
    assert_no_violations(page, f"an entry as a visitor ({color_scheme})")

    sign_in(page, member)
    for path, label in [
        ("/resources/?category=support-groups&condition=crps", "facets"),
        (f"/resources/?near=10001&radius_km=25&q={tag}", "near a ZIP"),
        (f"/resources/{entries[f'National CRPS Line {tag}']}", "a text line"),
        (f"/resources/{midtown}/report", "report outdated"),
        ("/resources/suggest", "suggest a resource"),
        ("/resources/mine", "my suggestions"),
        (f"/resources/{suggested}", "my waiting suggestion"),
    ]:
        page.goto(path)
        expect(page.locator("main")).to_be_visible()
        assert_no_violations(page, f"{label} ({color_scheme})")
    page.goto("/resources/suggest")
    page.get_by_role("button", name="Send to the moderators").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_violations(page, f"suggest with errors ({color_scheme})")

    page.context.clear_cookies()
    sign_in(page, moderator)
    for path, label in [
        ("/resources/manage", "manage"),
        (f"/resources/{suggested}/edit", "edit a suggestion"),
    ]:
        page.goto(path)
        expect(page.locator("main")).to_be_visible()
        assert_no_violations(page, f"{label} ({color_scheme})")
