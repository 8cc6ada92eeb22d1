"""The directory's seed: every row of data/resources.csv, published, mapped to the right terms,
numbers and service areas, and a second run that changes nothing a moderator edited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from community.extensions import db
from community.resources.models import PUBLISHED, Organization, Phone
from community.resources.seed import seed_id, seed_resources, seed_rows

pytestmark = pytest.mark.both_databases


def entry(name: str) -> Organization:
    return db.session.get(Organization, seed_id(name))


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Organization))


def test_seed_loads_every_row_published(app):
    with app.app_context():
        assert list(seed_resources()) == ["Resource directory: 30 organisations added."]
        db.session.commit()
        assert len(seed_rows()) == count() == 30
        organizations = db.session.scalars(select(Organization)).all()
        assert {org.state for org in organizations} == {PUBLISHED}
        assert all(org.description_html.startswith("<p>") for org in organizations)
        assert all(org.website.startswith("https://") for org in organizations)
        assert all(org.sources.startswith("http") for org in organizations)
        assert all(org.assured_date is None for org in organizations)  # nobody has verified them here
        assert all(len(org.services) == 1 and len(org.services[0].areas) == 1 for org in organizations)


def test_seed_is_idempotent_and_keeps_a_moderators_edit(app):
    with app.app_context():
        list(seed_resources())
        db.session.commit()
        entry("Pain Concern").description = "Edited by a moderator."
        db.session.commit()
        assert list(seed_resources()) == ["Resource directory: up to date (30 organisations already there)."]
        db.session.commit()
        assert count() == 30
        assert entry("Pain Concern").description == "Edited by a moderator."
        db.session.delete(entry("Samaritans"))
        db.session.commit()
        assert list(seed_resources()) == ["Resource directory: 1 organisations added (29 already there)."]


def test_seed_maps_terms_phones_and_coverage(app):
    with app.app_context():
        list(seed_resources())
        db.session.commit()

        neuropathy = entry("Foundation for Peripheral Neuropathy")
        assert [t.code for t in neuropathy.terms] == ["education-research", "neuropathic-pain"]
        assert [(p.type, p.number) for p in neuropathy.phones] == [("voice", "(877) 883-9942")]
        assert [t.code for t in entry("National Fibromyalgia & Chronic Pain Association (NFMCPA)").terms] == [
            "advocacy",
            "chronic-pain",
            "fibromyalgia",
        ]
        assert entry("Patient Advocate Foundation").terms[0].code == "financial-legal"

        (text,) = entry("Crisis Text Line").phones
        assert (text.type, text.number, text.text_keyword) == ("text", "741741", "HOME")
        assert text.service_id == entry("Crisis Text Line").services[0].id

        veterans = {p.type: p for p in entry("Veterans Crisis Line").phones}
        assert (veterans["voice"].number, veterans["voice"].description) == ("988", "then press 1")
        assert (veterans["text"].number, veterans["text"].text_keyword) == ("838255", "")
        lifeline = {p.type: (p.number, p.text_keyword) for p in entry("988 Suicide & Crisis Lifeline").phones}
        assert lifeline == {"voice": ("988", ""), "text": ("988", "")}
        nami = {p.type: (p.number, p.text_keyword) for p in entry("NAMI HelpLine").phones}
        assert nami["text"] == ("62640", "HELPLINE")

        samaritans = entry("Samaritans")
        (area,) = samaritans.services[0].areas
        assert (samaritans.country, samaritans.reach) == ("GB", "national")
        assert (area.scope, area.name, area.country) == ("national", "United Kingdom", "GB")
        mighty = entry("The Mighty")
        assert mighty.reach == "online" and mighty.services[0].areas[0].name == "Online (United States)"
        iasp = entry("International Association for the Study of Pain (IASP)")
        assert (iasp.country, iasp.reach, iasp.services[0].areas[0].name) == (
            "",
            "international",
            "Worldwide",
        )
        assert "neuropathy" in neuropathy.search_text
        assert db.session.scalar(select(func.count()).select_from(Phone)) == sum(
            bool(row["phone"]) + bool(row["text"]) for row in seed_rows()
        )


def test_flask_seed_loads_the_directory(app, runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "Resource directory: 30 organisations added." in result.output
    again = runner.invoke(args=["seed"])
    assert "Resource directory: up to date" in again.output
    with app.app_context():
        assert count() == 30
