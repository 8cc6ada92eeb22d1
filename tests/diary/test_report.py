"""The clinician's report and the CSV export over the fixed 60-day diary, their refusals, and
privacy: the three pages show the signed-in member's own diary and nobody else's."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from html import unescape

import pytest

from community.database import utcnow
from community.diary import report_views
from tests.diary import dataset

pytestmark = pytest.mark.both_databases

PAGES = ["/diary/insights?range=all", "/diary/report", "/diary/export.csv"]
OTHER_MARK = " (other's)"


def half_up(numerator, denominator=1) -> str:
    value = Decimal(numerator) / Decimal(denominator)
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def diary(app, users):
    with app.app_context():
        return dataset.write_diary(users["member"], utcnow().date())


def summary_row(text: str, label: str) -> str:
    return re.search(re.escape(label) + r" (.*?)(?= [A-Z][a-z]|$)", text).group(1)


def test_the_report_numbers_for_a_period(client, auth, diary):
    auth.login()
    first, last = diary + timedelta(days=30), diary + timedelta(days=59)
    response = client.get(f"/diary/report?from={first.isoformat()}&to={last.isoformat()}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    text = text_of(html)

    days = [n for n in range(30, 60) if n not in dataset.MISSING]
    assert len(days) == 29
    assert "Days recorded 29 of 30" in text
    assert f"{first.strftime('%-d %B %Y')} to {last.strftime('%-d %B %Y')} (30 days)" in text

    pain = [dataset.pain_on(n) for n in days if dataset.pain_on(n) is not None]
    expected_pain = f"0–10 {len(pain)} {half_up(sum(pain), len(pain))} {min(pain)} {max(pain)}"
    assert f"Average pain today {expected_pain}" in text
    pegs = [(dataset.pain_on(n) + sum(dataset.peg_items(n)), n) for n in days if dataset.peg_items(n)]
    totals = [total for total, _ in pegs]
    expected_peg = (
        f"0–10 {len(totals)} {half_up(sum(totals), 3 * len(totals))} "
        f"{half_up(min(totals), 3)} {half_up(max(totals), 3)}"
    )
    assert f"PEG score (mean of the three above) {expected_peg}" in text
    sleep = [Decimal("5.5") if n in dataset.POOR_SLEEP else Decimal("7.25") for n in days if n not in (33,)]
    expected_sleep = f"hours {len(sleep)} {half_up(sum(sleep), len(sleep))} 5.5 7.3"
    assert f"Sleep {expected_sleep}" in text  # 7.25 hours shows as 7.3 (half up)
    assert "Mood 1–5 29 3.0 3 3" in text
    assert "How well you slept 1–5 0 Not recorded" in text

    # Treatments, triggers and helpers with their days in the period.
    assert "Treatments taken As the member wrote it Days noted Amitriptyline 29" in text
    poor_sleep = len([n for n in dataset.POOR_SLEEP if n >= 30])
    heat = len([n for n in dataset.HEAT if n >= 30])
    assert f"Triggers noted As the member wrote it Days noted poor sleep {poor_sleep}" in text
    assert f"What helped As the member wrote it Days noted heat {heat}" in text
    assert "weather" not in text  # days 2 and 3 are before the period

    # The notes as stored safe HTML, the formula as text, and the flare note.
    assert "Walked to the <strong>park</strong>; the bench helped." in html
    assert "=HYPERLINK(" in text
    assert "Flare after the long drive" in text and "pain 8 of 10" in text
    # The PEG chart and its table.
    assert 'aria-labelledby="report-peg-chart-title" aria-describedby="report-peg-chart-desc"' in html
    assert len(re.findall(r"<tr><th scope=\"row\"><time", html)) == len(pegs)
    assert "diary-print.js" in html


def test_the_report_defaults_to_the_last_30_days(client, auth, diary):
    auth.login()
    text = text_of(client.get("/diary/report").get_data(as_text=True))
    today = utcnow().date()
    first = today - timedelta(days=29)
    assert f"{first.strftime('%-d %B %Y')} to {today.strftime('%-d %B %Y')} (30 days)" in text
    assert "Days recorded 29 of 30" in text


@pytest.mark.parametrize(
    "query, words",
    [
        ("from=2026-13-01", "The start date should be a day written as year-month-day"),
        ("from=yesterday", "The start date should be a day written as year-month-day"),
        ("to=20260101", "The end date should be a day written as year-month-day"),
        ("to=2026-02-30", "The end date should be a day written as year-month-day"),
        ("from=2026-03-02&to=2026-03-01", "The start date is after the end date"),
        ("from=2020-01-01&to=2024-06-01", "A report can cover up to 3 years"),
        ("from=0001-01-01&to=0001-12-31", "Please choose dates between the years 1900 and 2999"),
        ("from=9999-01-01&to=9999-12-31", "Please choose dates between the years 1900 and 2999"),
        ("from=2999-01-01&to=2999-12-31", ""),
        ("from=%ff", "year-month-day"),
        ("to=٢٠٢٦-٠١-٠١", "year-month-day"),  # Arabic-Indic digits: \d would take them
    ],
)
def test_bad_report_dates_are_a_readable_400(client, auth, query, words):
    auth.login()
    response = client.get(f"/diary/report?{query}")
    if not words:  # a far year is a valid, empty period
        assert response.status_code == 200
        return
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert words in unescape(html)
    assert 'class="error-summary"' in html and '<input type="date" id="from"' in html


def test_three_years_to_the_day_is_allowed():
    today = utcnow().date()
    assert report_views.report_period("2021-02-28", "2024-02-28", today)[1].isoformat() == "2024-02-28"
    assert report_views.report_period("2024-02-29", "2027-02-28", today)[0].isoformat() == "2024-02-29"
    with pytest.raises(report_views.PeriodError):
        report_views.report_period("2024-02-29", "2027-03-01", today)


def test_the_csv_export_has_every_field(client, auth, diary):
    auth.login()
    response = client.get("/diary/export.csv")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    today = utcnow().date().isoformat()
    assert response.headers["Content-Disposition"] == f'attachment; filename="diary-{today}.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == [
        "day",
        "pain_average (0-10)",
        "enjoyment_interference (0-10)",
        "activity_interference (0-10)",
        "peg_score (0-10)",
        "pain_now (0-10)",
        "pain_worst (0-10)",
        "mood (1-5)",
        "sleep_hours",
        "sleep_quality (1-5)",
        "body_areas",
        "qualities",
        "triggers",
        "helpers",
        "treatments",
        "notes",
        "created_at (UTC)",
        "updated_at (UTC)",
    ]
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert len(body) == dataset.DAYS - len(dataset.MISSING)
    by_day = {row["day"]: row for row in body}
    day = lambda n: (diary + timedelta(days=n)).isoformat()  # noqa: E731
    assert day(10) not in by_day  # a missing day is not a row of blanks
    formula = by_day[day(50)]
    assert formula["notes"] == "'" + dataset.FORMULA_NOTE  # never run as a formula
    full = by_day[day(55)]
    assert full["body_areas"] == "Lower back; Left hip" and full["qualities"] == "aching; burning"
    assert full["notes"] == "Walked to the **park**; the bench helped."  # the source, not HTML
    assert full["treatments"] == "Amitriptyline" and full["helpers"] == ""
    enjoyment, activity = dataset.peg_items(1)
    assert by_day[day(1)]["triggers"] == "poor sleep"
    assert by_day[day(1)]["peg_score (0-10)"] == half_up(dataset.pain_on(1) + enjoyment + activity, 3)
    assert by_day[day(1)]["sleep_hours"] == "5.5"
    assert by_day[day(2)]["peg_score (0-10)"] == ""  # a partial PEG has no score
    partial = by_day[day(5)]
    assert partial["pain_average (0-10)"] == "" and partial["mood (1-5)"] == "3"
    assert full["created_at (UTC)"].endswith("+00:00")


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_get_an_apostrophe(value):
    from community.diary.csv_export import safe_cell

    assert safe_cell(value) == "'" + value
    assert safe_cell("poor sleep") == "poor sleep" and safe_cell(7) == "7" and safe_cell(None) == ""


@pytest.mark.parametrize("path", PAGES)
def test_visitors_are_sent_to_sign_in(client, users, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["other_member", "moderator", "admin"])
def test_others_see_only_their_own_diary(app, client, auth, users, diary, who):
    with app.app_context():
        dataset.write_diary(users["other"], utcnow().date(), marker=OTHER_MARK)
    auth.login(who)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        body = unescape(response.get_data(as_text=True))
        # The member's words appear nowhere: not their tags, notes or flare notes.
        for words in ("poor sleep", "Amitriptyline", "the bench helped", "HYPERLINK", "long drive"):
            assert all(words not in line or OTHER_MARK in line for line in body.splitlines()), (who, path)
        if who == "other_member":
            assert "Amitriptyline" + OTHER_MARK in body  # their own diary, and only theirs
        else:
            assert "Amitriptyline" not in body


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("asking", ["user=member", "username=member", "owner_id=1", "id=1"])
def test_no_url_reaches_another_members_diary(client, auth, users, diary, path, asking):
    auth.login("moderator")
    joiner = "&" if "?" in path else "?"
    body = unescape(client.get(f"{path}{joiner}{asking}").get_data(as_text=True))
    assert "poor sleep" not in body and "Amitriptyline" not in body


def test_the_diary_routes_take_no_one_elses_id(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("diary.")]
    for endpoint in ("diary.insights", "diary.report", "diary.export_csv"):
        (rule,) = [rule for rule in rules if rule.endpoint == endpoint]
        assert rule.arguments == set()


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])  # UTC+14, UTC-11
def test_the_default_period_ends_on_the_members_own_today(client, auth, zone):
    from zoneinfo import ZoneInfo

    auth.login()
    with client.session_transaction() as session:
        session["diary_zone"] = zone  # as the diary's pages keep what the browser said
    today = utcnow().astimezone(ZoneInfo(zone)).date()
    text = text_of(client.get("/diary/report").get_data(as_text=True))
    assert f"to {today.strftime('%-d %B %Y')} (30 days)" in text
