"""HSDS 3 in and out: the export is valid against the vendored HSDS 3.0 schema, an export
imported into an empty directory exports again unchanged (JSON and CSV), and a third party's
JSON with ids that are not UUIDs imports under stable ids."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import func, select

from community.extensions import db
from community.resources import taxonomy
from community.resources.hsds import IMPORT_NAMESPACE
from community.resources.models import DRAFT, PUBLISHED, Location, Organization, Schedule, ServiceAtLocation
from community.resources.seed import seed_id, seed_resources

pytestmark = pytest.mark.both_databases

SCHEMA = Path(__file__).resolve().parents[2] / "community" / "resources" / "hsds_schema" / "organization.json"


@pytest.fixture
def seeded(app):
    with app.app_context():
        list(seed_resources())
        place = Location(
            organization_id=seed_id("Pain Concern"),
            name="Edinburgh office",
            address_1="62-66 Newhaven Road",
            city="Edinburgh",
            postal_code="EH6 5QB",
            country="GB",
            latitude=55.977,
            longitude=-3.196,
        )
        db.session.add(place)
        service = db.session.get(Organization, seed_id("Pain Concern")).services[0]
        service.languages = "en,cy"
        service.at_locations.append(ServiceAtLocation(location=place))
        service.schedules.append(Schedule(byday="TU", description="Helpline, Tuesday mornings"))
        place.schedules.append(Schedule(description="By appointment"))
        db.session.commit()


def export(runner, folder: Path) -> list[dict]:
    result = runner.invoke(args=["resources", "export", str(folder)])
    assert result.exit_code == 0, result.output
    return json.loads((folder / "organizations.json").read_text(encoding="utf-8"))


def run_import(runner, path: Path, *options: str) -> str:
    result = runner.invoke(args=["resources", "import", str(path), *options])
    assert result.exit_code == 0, result.output
    return result.output


def empty_directory(app, keep: str = "") -> None:
    """Every entry deleted through the ORM (SQLite in tests does not cascade by itself)."""
    with app.app_context():
        for organization in db.session.scalars(select(Organization).where(Organization.name != keep)):
            db.session.delete(organization)
        db.session.commit()
        if keep:
            return
        assert db.session.scalar(select(func.count()).select_from(Organization)) == 0


def test_export_is_valid_hsds_3(seeded, runner, tmp_path):
    organizations = export(runner, tmp_path)
    assert len(organizations) == 30
    validator = jsonschema.Draft202012Validator(
        json.loads(SCHEMA.read_text(encoding="utf-8")), format_checker=jsonschema.FormatChecker()
    )
    for organization in organizations:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(organization)]
        assert errors == [], organization["name"]
    package = json.loads((tmp_path / "datapackage.json").read_text())
    assert package["profile"] == "tabular-data-package"
    for resource in package["resources"]:
        assert (tmp_path / resource["path"]).is_file()

    crisis_text = next(org for org in organizations if org["name"] == "Crisis Text Line")
    (service,) = crisis_text["services"]
    assert service["phones"] == [
        {
            "id": service["phones"][0]["id"],
            "organization_id": crisis_text["id"],
            "service_id": service["id"],
            "number": "741741",
            "type": "text",
            "x_text_keyword": "HOME",
        }
    ]
    assert service["service_areas"][0]["name"] == "United States"
    terms = {a["taxonomy_term"]["code"]: a["taxonomy_term_id"] for a in service["attributes"]}
    assert terms == {code: str(taxonomy.BY_CODE[code].id) for code in ("crisis-line", "mental-health")}
    pain_concern = next(org for org in organizations if org["name"] == "Pain Concern")
    assert [lang["code"] for lang in pain_concern["services"][0]["languages"]] == ["en", "cy"]
    assert pain_concern["locations"][0]["addresses"][0]["city"] == "Edinburgh"


def test_drafts_are_not_exported(seeded, app, runner, tmp_path):
    with app.app_context():
        db.session.get(Organization, seed_id("Samaritans")).state = DRAFT
        db.session.commit()
    assert "Samaritans" not in {org["name"] for org in export(runner, tmp_path)}


@pytest.mark.parametrize("form", ["json", "csv"])
def test_export_import_export_is_identical(seeded, app, runner, tmp_path, form):
    first = export(runner, tmp_path / "first")
    package = tmp_path / "first"
    if form == "csv":
        package = tmp_path / "csv-only"
        package.mkdir()
        for csv_file in (tmp_path / "first").glob("*.csv"):
            shutil.copy(csv_file, package)
    empty_directory(app)
    output = run_import(runner, package, "--publish")
    assert output.splitlines()[0] == "created 30, updated 0, skipped 0"
    assert "note" not in output
    assert export(runner, tmp_path / "second") == first
    for file in ("organizations.csv", "services.csv", "phones.csv", "service_areas.csv", "attributes.csv"):
        assert (tmp_path / "second" / file).read_text() == (tmp_path / "first" / file).read_text()

    # Importing the same package again updates in place: same ids, nothing added.
    output = run_import(runner, package, "--publish")
    assert output.splitlines()[0] == "created 0, updated 30, skipped 0"
    assert export(runner, tmp_path / "third") == first


def test_imports_are_drafts_unless_published(seeded, app, runner, tmp_path):
    export(runner, tmp_path)
    empty_directory(app, keep="Samaritans")
    assert run_import(runner, tmp_path).splitlines()[0] == "created 29, updated 1, skipped 0"
    with app.app_context():
        states = dict(db.session.execute(select(Organization.name, Organization.state)).all())
        assert states.pop("Samaritans") == PUBLISHED  # an existing published entry keeps its state
        assert set(states.values()) == {DRAFT}
    run_import(runner, tmp_path, "--publish")
    with app.app_context():
        assert set(db.session.scalars(select(Organization.state))) == {PUBLISHED}


THIRD_PARTY = {
    "total_items": 1,
    "contents": [
        {
            "id": "org-17",
            "name": "  Valley <b>Pain</b> Network ",
            "description": "Peer support <img src=x onerror=alert(1)>in the valley.",
            "website": "javascript:alert(1)",
            "email": "hello@valley.example.org",
            "phones": [{"id": "p-1", "number": "+44 1234 567890", "extension": 12, "type": "voice"}],
            "locations": [
                {
                    "id": "loc-1",
                    "location_type": "physical",
                    "name": "Community hall",
                    "latitude": 51.5,
                    "longitude": -3.2,
                    "addresses": [
                        {
                            "id": "a-1",
                            "address_1": "1 High Street",
                            "city": "Pontypridd",
                            "state_province": "Wales",
                            "postal_code": "CF37 1AA",
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                }
            ],
            "services": [
                {
                    "id": "svc-1",
                    "name": "Monday group",
                    "status": "active",
                    "url": "https://valley.example.org/monday",
                    "languages": [{"id": "l-1", "name": "Welsh", "code": "cy"}],
                    "schedules": [{"id": "s-1", "freq": "WEEKLY", "byday": "MO,WE", "opens_at": "18:00"}],
                    "service_areas": [{"id": "area-1", "name": "Rhondda Cynon Taf"}],
                    "service_at_locations": [{"id": "sal-1", "location_id": "loc-1"}],
                    "attributes": [
                        {
                            "id": "att-1",
                            "taxonomy_term_id": "x-1",
                            "taxonomy_term": {"code": "support-groups"},
                        },
                        {"id": "att-2", "taxonomy_term": {"code": "crps"}},
                        {"id": "att-3", "taxonomy_term": {"code": "not-ours"}},
                    ],
                }
            ],
        }
    ],
}


def test_third_party_json_with_other_ids(app, runner, tmp_path):
    path = tmp_path / "page.json"
    path.write_text(json.dumps(THIRD_PARTY), encoding="utf-8")
    output = run_import(runner, path)
    assert output.splitlines()[0] == "created 1, updated 0, skipped 0"
    assert "website 'javascript:alert(1)' was left out" in output
    assert run_import(runner, path).splitlines()[0] == "created 0, updated 1, skipped 0"
    with app.app_context():
        org = db.session.get(Organization, uuid.uuid5(IMPORT_NAMESPACE, "organization:org-17"))
        assert (org.name, org.state, org.website) == ("Valley Pain Network", DRAFT, "")
        assert "onerror" not in org.description and "<img" not in org.description_html
        assert [t.code for t in org.terms] == ["crps", "support-groups"]
        (service,) = org.services
        assert service.id == uuid.uuid5(IMPORT_NAMESPACE, "service:svc-1")
        assert service.languages == "cy"
        assert sorted(s.byday for s in service.schedules) == ["MO", "WE"]
        assert service.at_locations[0].location.city == "Pontypridd"
        assert service.areas[0].scope == "city" and org.reach == "city"
        assert (org.phones[0].number, org.phones[0].extension) == ("+44 1234 567890", "12")


def test_a_single_organization_object_and_a_bad_file(app, runner, tmp_path):
    path = tmp_path / "one.json"
    path.write_text(
        json.dumps({"id": str(uuid.uuid4()), "name": "Solo", "description": ""}), encoding="utf-8"
    )
    assert run_import(runner, path).splitlines()[0] == "created 1, updated 0, skipped 0"
    bad = tmp_path / "bad.json"
    bad.write_text("[{", encoding="utf-8")
    result = runner.invoke(args=["resources", "import", str(bad)])
    assert result.exit_code != 0 and "Nothing was imported" in result.output
    nothing = tmp_path / "empty"
    nothing.mkdir()
    result = runner.invoke(args=["resources", "import", str(nothing)])
    assert result.exit_code != 0 and "neither HSDS JSON nor organizations.csv" in result.output
