"""Diary insights and the clinician's report in the browser: axe-core finds no WCAG 2.x A/AA
problem on /diary/insights (with data and empty), /diary/report (on screen, printed, and with a
date error), in the light and the dark theme; each chart's data table is announced as a table."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from community.accounts.services import find_by_username
from community.database import utcnow
from tests.diary import dataset
from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import assert_no_violations


@pytest.fixture(params=["light", "dark"])
def color_scheme(request):
    return request.param


@pytest.fixture
def keeper(live_app, make_member) -> str:
    """A member with the fixed 60-day diary, ending today."""
    username = make_member("diarist")
    with live_app.app_context():
        dataset.write_diary(find_by_username(username).id, utcnow().date())
    return username


def test_insights_with_a_diary(page, color_scheme, keeper):
    sign_in(page, keeper)
    page.goto("/diary/insights?range=all")
    expect(page.get_by_role("heading", level=1)).to_have_text("Diary insights")
    for name in ("Average pain each day", "PEG score each day", "Average pain on each day of the week"):
        expect(page.get_by_role("table", name=name)).to_be_visible()
    expect(page.get_by_role("img", name="Average pain each day")).to_be_visible()
    expect(page.locator(".tag-comparisons li")).to_have_count(3)
    expect(page.locator(".tag-comparisons li").first).to_contain_text("On the 12 days you noted poor sleep")
    assert_no_violations(page, f"/diary/insights ({color_scheme})")
    page.get_by_role("link", name="Last 7 days").click()
    expect(page.get_by_role("link", name="Last 7 days")).to_have_attribute("aria-current", "page")
    assert_no_violations(page, f"/diary/insights?range=7 ({color_scheme})")


def test_insights_with_nothing_yet(page, color_scheme, make_member):
    sign_in(page, make_member("newdiary"))
    page.goto("/diary/insights")
    expect(page.get_by_role("heading", name="Nothing to show yet")).to_be_visible()
    expect(page.get_by_role("link", name="Go to your diary")).to_have_attribute("href", "/diary/")
    assert_no_violations(page, f"/diary/insights, empty ({color_scheme})")


def test_the_report_on_screen_and_printed(page, color_scheme, keeper):
    sign_in(page, keeper)
    page.goto("/diary/report")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pain diary report")
    expect(page.get_by_role("table", name="PEG score each day")).to_be_visible()
    expect(page.get_by_role("table", name="Values the member recorded")).to_be_visible()
    print_button = page.get_by_role("button", name="Print or save as PDF")
    expect(print_button).to_be_visible()  # static/js/diary-print.js shows it
    assert_no_violations(page, f"/diary/report ({color_scheme})")

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator("form.report-period")).to_be_hidden()
    expect(print_button).to_be_hidden()
    expect(page.get_by_role("table", name="PEG score each day")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    assert_no_violations(page, f"/diary/report printed ({color_scheme})")
    page.emulate_media(media="screen")


def test_the_report_with_a_date_error(page, color_scheme, keeper):
    sign_in(page, keeper)
    page.goto("/diary/report")
    page.get_by_label("From", exact=True).fill("2026-03-02")
    page.get_by_label("To", exact=True).fill("2026-03-01")
    with page.expect_response(lambda r: "/diary/report?" in r.url) as answer:
        page.get_by_role("button", name="Show this period").click()
    assert answer.value.status == 400
    expect(page.locator(".error-summary")).to_contain_text("The start date is after the end date")
    assert_no_violations(page, f"/diary/report with a date error ({color_scheme})")
