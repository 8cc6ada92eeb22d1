"""A third party's tabular HSDS package, as they come: a BOM, unknown columns, blank rows,
a missing optional file, markup and scripts in the text, and rows that point at nothing.
What can be placed is imported; the rest is named by file and row; nothing runs."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import String, Text, select

from community.extensions import db
from community.resources import models
from community.resources.hsds import IMPORT_NAMESPACE
from community.resources.models import DRAFT, Organization

pytestmark = pytest.mark.both_databases

ORGANIZATIONS = (
    "\ufeffid,name,description,website,email,favourite_colour\n"
    'org-1,"Hill <i>Pain</i> Club","<p>We meet <b>weekly</b>.</p><script>alert(1)</script>'
    '<a href=""javascript:alert(2)"">more</a>",https://hill.example.org,club@hill.example.org,blue\n'
    ",,,,,\n"
    'org-2,"&lt;script&gt;alert(3)&lt;/script&gt;Coast Carers","Carers <img src=x onerror=alert(4)>",'
    "javascript:alert(5),not-an-email,green\n"
    "\n"
    ",,No name or id,,,\n"
)
SERVICES = (
    "id,organization_id,name,status,url,shoe_size\n"
    "svc-1,org-1,Evening group,active,https://hill.example.org/evening,9\n"
    "svc-2,org-404,Orphan service,active,,\n"
    ",,,,,\n"
    'svc-3,org-2,Carers\' line <svg onload=alert(6)>,closed-ish,"data:text/html;base64,xx",\n'
)
PHONES = (
    "id,service_id,organization_id,number,type,description\n"
    "ph-1,svc-1,org-1,0300 123 4567,voice,<b onclick=alert(7)>Evenings</b>\n"
    "ph-2,,org-2,call us!,voice,\n"
    "ph-3,svc-404,,0300 999 9999,voice,\n"
)
LOCATIONS = (
    "id,organization_id,location_type,name,latitude,longitude\nloc-1,org-1,physical,Village hall,54.1,-2.9\n"
)
SERVICE_AREAS = "id,service_id,name\narea-1,svc-1,Online\narea-2,svc-9,Nowhere\n"
# No schedules.csv, addresses.csv, attributes.csv: each is optional.

EXECUTABLE = [
    re.compile(r"<\s*script", re.I),
    re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    re.compile(r"(href|src)\s*=\s*[\"']?\s*(javascript|data|vbscript):", re.I),
]
ANY_TAG = re.compile(r"<\s*/?\s*[a-z!]", re.I)


def write_package(folder):
    folder.mkdir()
    for name, text in {
        "organizations.csv": ORGANIZATIONS,
        "services.csv": SERVICES,
        "phones.csv": PHONES,
        "locations.csv": LOCATIONS,
        "service_areas.csv": SERVICE_AREAS,
    }.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def stored_strings():
    """(table.column, value) for every string column of every directory table."""
    tables = [m for m in vars(models).values() if isinstance(m, type) and hasattr(m, "__table__")]
    for model in tables:
        for column in model.__table__.columns:
            if isinstance(column.type, String | Text):
                for value in db.session.scalars(select(column)):
                    if value:
                        yield f"{model.__tablename__}.{column.name}", value


def test_third_party_tabular_package(app, runner, tmp_path):
    package = write_package(tmp_path / "package")
    result = runner.invoke(args=["resources", "import", str(package)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "created 2, updated 0, skipped 4"
    skipped = [line for line in lines if line.startswith("skipped ")]
    assert skipped == [
        "skipped organizations.csv row 6: it has neither an id nor a name",
        "skipped services.csv row 3: organization 'org-404' is not in the package",
        "skipped service_areas.csv row 3: service 'svc-9' is not in the package",
        "skipped phones.csv row 4: no organization, service or location here has it",
    ]
    notes = "\n".join(line for line in lines if line.startswith("note "))
    assert "website 'javascript:alert(5)' was left out" in notes
    assert "email 'not-an-email' was left out" in notes
    assert "phone 'call us!' was left out" in notes
    assert "service url 'data:text/html;base64,xx' was left out" in notes

    with app.app_context():
        hill = db.session.get(Organization, models.uuid.uuid5(IMPORT_NAMESPACE, "organization:org-1"))
        assert (hill.name, hill.state, hill.email) == ("Hill Pain Club", DRAFT, "club@hill.example.org")
        assert hill.description == "We meet weekly.alert(1)more"
        assert [s.name for s in hill.services] == ["Evening group"]
        assert hill.services[0].areas[0].scope == "online" and hill.reach == "online"
        assert hill.locations[0].latitude == 54.1
        assert [(p.number, p.description) for p in hill.phones] == [("0300 123 4567", "Evenings")]
        coast = db.session.scalar(select(Organization).where(Organization.id != hill.id))
        assert coast.name == "alert(3)Coast Carers"
        assert (coast.website, coast.email, coast.phones) == ("", "", [])
        assert coast.services[0].name == "Carers' line" and coast.services[0].status == "active"

        for where, value in stored_strings():
            for pattern in EXECUTABLE:
                assert not pattern.search(value), (where, value)
            if not where.endswith("_html"):
                assert not ANY_TAG.search(value), (where, value)
                assert "javascript:" not in value.lower(), (where, value)


def test_reimport_updates_and_publish_publishes(app, runner, tmp_path):
    package = write_package(tmp_path / "package")
    runner.invoke(args=["resources", "import", str(package)])
    result = runner.invoke(args=["resources", "import", str(package), "--publish"])
    assert result.output.splitlines()[0] == "created 0, updated 2, skipped 4"
    with app.app_context():
        assert set(db.session.scalars(select(Organization.state))) == {"published"}
        assert (
            len(
                db.session.get(Organization, models.uuid.uuid5(IMPORT_NAMESPACE, "organization:org-1")).phones
            )
            == 1
        )


def test_a_folder_without_organizations_is_refused(app, runner, tmp_path):
    (tmp_path / "services.csv").write_text(SERVICES, encoding="utf-8")
    result = runner.invoke(args=["resources", "import", str(tmp_path)])
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalars(select(Organization)).all() == []
