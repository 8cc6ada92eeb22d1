"""Insights over a fixed 60-day diary: the numbers on /diary/insights and from insights.py equal
a hand computation; a tag below the 3/3 threshold is not shown; missing days are gaps."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from html import unescape

import pytest
from sqlalchemy import select

from community.database import utcnow
from community.diary import charts, insights
from community.diary.models import DiaryEntry
from community.extensions import db
from tests.diary import dataset

pytestmark = pytest.mark.both_databases


def half_up(numerator, denominator=1) -> Decimal:
    """The hand rule: exact decimal division, then one decimal with halves up."""
    value = Decimal(numerator) / Decimal(denominator)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@pytest.fixture
def diary(app, users):
    with app.app_context():
        return dataset.write_diary(users["member"], utcnow().date())


def entries(app, user_id):
    with app.app_context():
        query = select(DiaryEntry).where(DiaryEntry.owner_id == user_id).order_by(DiaryEntry.day)
        found = list(db.session.scalars(query))
        for entry in found:
            entry.tags  # noqa: B018 -- loaded while the session is open
        return found


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize(
    "value, shown",
    [
        (Fraction(725, 100), "7.3"),  # Python's round() gives 7.2 (half to even)
        (7.25, "7.3"),
        (Fraction(705, 100), "7.1"),
        (Fraction(704, 100), "7.0"),
        (2.675, "2.7"),  # the float is 2.67499…; the value as written is 2.675
        (0.05, "0.1"),
        (Fraction(1, 3), "0.3"),
        (Fraction(2, 3), "0.7"),
        (Fraction(-125, 100), "-1.3"),
        (0, "0.0"),
        (10, "10.0"),
    ],
)
def test_one_decimal_rounds_halves_up(value, shown):
    assert str(insights.one_decimal(value)) == shown


def test_the_numbers_equal_a_hand_computation(app, users, diary):
    pain = {n: dataset.pain_on(n) for n in range(dataset.DAYS) if dataset.pain_on(n) is not None}
    assert len(pain) == 54

    def compare(days: set[int]):
        with_tag = [p for n, p in pain.items() if n in days]
        without = [p for n, p in pain.items() if n not in days]
        shown_with, shown_without = half_up(sum(with_tag), len(with_tag)), half_up(sum(without), len(without))
        return len(with_tag), shown_with, len(without), shown_without, shown_with - shown_without

    amitriptyline = {n for n in pain if n >= dataset.TREATMENT_FROM}
    expected = [
        ("poor sleep", *compare(dataset.POOR_SLEEP)),
        ("heat", *compare(dataset.HEAT)),
        ("Amitriptyline", *compare(amitriptyline)),
    ]
    # Worked once by hand: 93/12 = 7.75 and 183/42 = 4.357…; 36/10 = 3.6 and 240/44 = 5.45…
    assert expected[0] == ("poor sleep", 12, Decimal("7.8"), 42, Decimal("4.4"), Decimal("3.4"))
    assert expected[1] == ("heat", 10, Decimal("3.6"), 44, Decimal("5.5"), Decimal("-1.9"))

    found = insights.insights(entries(app, users["member"]), diary, utcnow().date())
    got = [
        (c.name, c.days_with, c.mean_with, c.days_without, c.mean_without, c.difference)
        for c in found.comparisons
    ]
    assert got == expected  # sorted by the size of the difference
    assert found.held_back == 1  # weather, on 2 days only
    assert found.days_recorded == dataset.DAYS - len(dataset.MISSING)

    # Trends: one point a day, None (a gap) where nothing was recorded, never 0.
    assert [day for day, _ in found.pain] == [diary + timedelta(days=n) for n in range(dataset.DAYS)]
    assert [value for _, value in found.pain] == [pain.get(n) for n in range(dataset.DAYS)]
    pegs = {}
    for n in range(dataset.DAYS):
        if dataset.peg_items(n):
            enjoyment, activity = dataset.peg_items(n)
            pegs[n] = Fraction(pain[n] + enjoyment + activity, 3)
    assert [value for _, value in found.peg] == [pegs.get(n) for n in range(dataset.DAYS)]

    by_weekday = {name: [] for name in insights.WEEKDAYS}
    for n, value in pain.items():
        by_weekday[insights.WEEKDAYS[(diary + timedelta(days=n)).weekday()]].append(value)
    assert [(w.name, w.days, w.mean) for w in found.weekdays] == [
        (name, len(v), half_up(sum(v), len(v))) for name, v in by_weekday.items()
    ]


def test_the_insights_page_shows_the_same_numbers(client, auth, app, diary):
    auth.login()
    response = client.get("/diary/insights?range=all")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    text = text_of(html)
    sentences = [
        "On the 12 days you noted poor sleep, your average pain was 7.8, "
        "against 4.4 on the other 42 days. 3.4 higher.",
        "On the 10 days you noted heat, your average pain was 3.6, "
        "against 5.5 on the other 44 days. 1.9 lower.",
        "On the 28 days you noted Amitriptyline, your average pain was 4.9, "
        "against 5.4 on the other 26 days. 0.5 lower.",
    ]
    places = [text.index(sentence) for sentence in sentences]
    assert places == sorted(places)
    assert "This shows an association, not a cause" in text
    assert "weather" not in text.lower()
    assert "1 tag needs more days" in text
    assert "You noted 56 of the 60 days" in text

    # The pain table: a row for each of the 54 days with pain, the value as recorded.
    table = re.search(r"<table[^>]*>\s*<caption>Average pain each day.*?</table>", html, re.S).group(0)
    rows = re.findall(r'<time datetime="([\d-]+)">.*?</time></th><td>([^<]*)</td>', table)
    start = diary
    expected = [
        ((start + timedelta(days=n)).isoformat(), str(dataset.pain_on(n)))
        for n in range(dataset.DAYS)
        if dataset.pain_on(n) is not None
    ]
    assert rows == expected
    # The PEG table: one decimal, half up.
    table = re.search(r"<table[^>]*>\s*<caption>PEG score each day.*?</table>", html, re.S).group(0)
    rows = re.findall(r'<time datetime="([\d-]+)">.*?</time></th><td>([^<]*)</td>', table)
    expected = []
    for n in range(dataset.DAYS):
        if dataset.peg_items(n):
            enjoyment, activity = dataset.peg_items(n)
            total = dataset.pain_on(n) + enjoyment + activity
            expected.append(((start + timedelta(days=n)).isoformat(), str(half_up(total, 3))))
    assert rows == expected

    # Gaps: the pain line breaks at days 5, 10-11, 25, 33 and 40, so it is six pieces.
    pain_chart = re.search(r'<svg[^>]*aria-labelledby="pain-chart-title.*?</svg>', html, re.S).group(0)
    assert pain_chart.count('class="chart-line"') == 6
    assert 'role="img"' in pain_chart and '<title id="pain-chart-title">' in pain_chart
    assert "<caption>" in html and 'scope="col"' in html and 'scope="row"' in html


def test_weekday_table_on_the_page(client, auth, app, diary):
    auth.login()
    text = text_of(client.get("/diary/insights?range=all").get_data(as_text=True))
    by_weekday = {name: [] for name in insights.WEEKDAYS}
    for n in range(dataset.DAYS):
        if dataset.pain_on(n) is not None:
            by_weekday[insights.WEEKDAYS[(diary + timedelta(days=n)).weekday()]].append(dataset.pain_on(n))
    for name, values in by_weekday.items():
        assert f"{name} {len(values)} {half_up(sum(values), len(values))}" in text


@pytest.mark.parametrize("asked, days", [("7", 7), ("30", 30), ("90", 90), ("nonsense", 30), ("", 30)])
def test_ranges(client, auth, diary, asked, days):
    auth.login()
    html = client.get(f"/diary/insights?range={asked}").get_data(as_text=True)
    start = utcnow().date() - timedelta(days=days - 1)
    assert f"What your diary shows for {start.strftime('%-d %B %Y')} to " in unescape(html)


def test_a_short_range_holds_back_what_it_cannot_compare(client, auth, diary):
    auth.login()
    text = text_of(client.get("/diary/insights?range=7").get_data(as_text=True))
    # Days 53-59: pain every day, heat on day 54 only, Amitriptyline on all seven: nothing to compare.
    assert "There is nothing to compare yet" in text
    assert "On the " not in text


def test_no_entries_is_a_kind_empty_state(client, auth):
    auth.login()
    response = client.get("/diary/insights")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing to show yet" in html and 'href="/diary/"' in html
    assert "<svg" not in html


def test_a_day_alone_between_gaps_is_a_dot_and_no_gap_is_a_zero():
    day = date(2026, 3, 1)
    points = [(day, Fraction(5)), (day + timedelta(1), None), (day + timedelta(2), Fraction(6))]
    points.append((day + timedelta(3), Fraction(7)))
    chart = charts.line_chart("c", "Pain", points, 0, 10, "Pain", "average pain")
    assert len(chart.segments) == 1 and chart.segments[0].count("L") == 1  # days 2 and 3 only
    assert len(chart.dots) == 3
    bottom = chart.bottom
    assert all(y != bottom for _, y in chart.dots)  # nothing drawn at zero
    assert "3 of 4 days have a value" in chart.description
    long = [(day + timedelta(n), None if n % 2 else Fraction(4)) for n in range(40)]
    chart = charts.line_chart("d", "Pain", long, 0, 10, "Pain", "average pain")
    assert chart.segments == [] and len(chart.dots) == 20
