"""Crisis help for people who can't talk: /crisis lists every crisis line of the directory's
checked list (community/resources/data/resources.csv), with a Text link (sms:) wherever a
line takes texts, the reader's country first; the directory is seeded from the same rows."""

import csv
import html
import re
from pathlib import Path

import pytest

from community.extensions import db

# Read here with nothing of the app's, so the test checks the page against the file itself.
SEED_FILE = Path(__file__).parent.parent / "community" / "resources" / "data" / "resources.csv"


def crisis_rows() -> list[dict[str, str]]:
    with SEED_FILE.open(newline="", encoding="utf-8-sig") as file:
        return [row for row in csv.DictReader(file) if row["category"] == "crisis-line"]


def digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def country_section(page: str, code: str) -> str:
    start = page.index(f'<li id="crisis-{code.lower()}">')
    return page[start : page.index("</ul>", start)]


def test_every_crisis_line_in_the_list_is_on_the_page_under_its_country(client):
    page = client.get("/crisis").get_data(as_text=True)
    rows = crisis_rows()
    assert len(rows) >= 8
    for row in rows:
        section = html.unescape(country_section(page, row["country"]))
        assert row["name"] in section, row["name"]
        if row["phone"]:
            number = row["phone"].split(" then ")[0]
            assert f'href="tel:{digits(number)}"' in section and f"Call {number}" in section, row["name"]
        if row["text"]:
            keyword, _, number = row["text"].rpartition(" to ")
            body = f"?body={keyword}" if keyword else ""
            assert f'href="sms:{digits(number)}{body}"' in section, row["name"]
            assert f"Text {row['text']}" in section, row["name"]


@pytest.mark.parametrize(
    "country, link, words",
    [
        ("US", "sms:988", "Text 988"),
        ("US", "sms:741741?body=HOME", "Text HOME to 741741"),
        ("GB", "sms:85258?body=SHOUT", "Text SHOUT to 85258"),
        ("NZ", "sms:1737", "Text 1737"),
        ("NZ", "tel:1737", "Call 1737"),
    ],
)
def test_lines_that_take_texts_can_be_texted_from_the_page(client, country, link, words):
    section = country_section(client.get("/crisis").get_data(as_text=True), country)
    assert f'<a href="{link}" class="phone">{words}</a>' in section


def test_a_line_that_only_takes_calls_has_no_text_link(client):
    section = country_section(client.get("/crisis").get_data(as_text=True), "GB")
    samaritans = section[section.index("Samaritans") : section.index("</li>", section.index("Samaritans"))]
    assert "tel:116123" in samaritans and "sms:" not in samaritans


@pytest.mark.parametrize("language, first", [("en-NZ", "NZ"), ("en-GB,en;q=0.8", "GB"), ("en-IE", "GB")])
def test_the_readers_country_comes_first(client, language, first):
    page = client.get("/crisis", headers={"Accept-Language": language}).get_data(as_text=True)
    assert re.search(r'<li id="crisis-(\w+)">', page).group(1) == first.lower()


def test_the_panel_for_a_member_in_danger_offers_texting_too(app):
    with app.test_request_context(headers={"Accept-Language": "en-GB"}):
        from flask import render_template

        from community.moderation.crisis import countries_for_member

        panel = render_template("moderation/_crisis_panel.html", crisis_countries=countries_for_member)
    assert panel.index("United Kingdom") < panel.index("United States")
    assert 'href="sms:85258?body=SHOUT"' in panel and 'href="tel:988"' in panel


def test_the_directory_is_seeded_from_the_same_rows(app):
    from community.resources.models import Organization
    from community.resources.seed import seed_id, seed_resources

    with app.app_context():
        list(seed_resources())
        db.session.commit()
        for row in crisis_rows():
            entry = db.session.get(Organization, seed_id(row["name"]))
            numbers = {phone.type: digits(phone.number) for phone in entry.phones}
            if row["phone"]:
                assert numbers["voice"] == digits(row["phone"].split(" then ")[0])
            if row["text"]:
                assert numbers["text"] == digits(row["text"].rpartition(" to ")[2])
