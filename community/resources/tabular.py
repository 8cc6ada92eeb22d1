"""The HSDS 3 tabular datapackage: one CSV a table (organizations.csv, services.csv, ...) and
datapackage.json. Export flattens the HSDS JSON that hsds.py makes; import gathers the rows
back into organisation objects for hsds.py, so both formats share one mapping and one intake.

Import is forgiving about the shape of a file (a UTF-8 BOM, unknown columns, blank rows,
missing optional files) and strict about its links: a row that points at an organisation,
service or location the package does not have is skipped and named by file and row.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from community.resources.services import ResourceError

# file: (HSDS table name, columns we write). Columns prefixed x_ are ours (see hsds.py).
TABLES = {
    "organizations.csv": (
        "organization",
        ["id", "name", "alternate_name", "description", "email", "website", "x_country", "x_sources"],
    ),
    "services.csv": (
        "service",
        ["id", "organization_id", "name", "description", "url", "email", "status", "fees_description"]
        + ["assured_date"],
    ),
    "locations.csv": (
        "location",
        ["id", "location_type", "url", "organization_id", "name", "latitude", "longitude"],
    ),
    "addresses.csv": (
        "address",
        ["id", "location_id", "address_1", "city", "state_province", "postal_code", "country"]
        + ["address_type"],
    ),
    "phones.csv": (
        "phone",
        ["id", "location_id", "service_id", "organization_id", "number", "extension", "type"]
        + ["description", "x_text_keyword"],
    ),
    "schedules.csv": (
        "schedule",
        ["id", "service_id", "location_id", "freq", "byday", "opens_at", "closes_at", "description"],
    ),
    "service_areas.csv": (
        "service_area",
        ["id", "service_id", "name", "description", "x_scope", "x_country"],
    ),
    "service_at_location.csv": ("service_at_location", ["id", "service_id", "location_id"]),
    "languages.csv": ("language", ["id", "service_id", "name", "code"]),
    "attributes.csv": (
        "attribute",
        ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity"],
    ),
    "taxonomy_terms.csv": ("taxonomy_term", ["id", "code", "name", "description", "taxonomy", "taxonomy_id"]),
    "taxonomies.csv": ("taxonomy", ["id", "name", "description"]),
}
NUMBERS = {"latitude", "longitude", "extension"}


# Export ------------------------------------------------------------------------------------


def write_package(organizations: list[dict], folder: Path) -> None:
    """The CSVs and datapackage.json for HSDS organisation objects, into `folder`."""
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    terms: dict[str, dict] = {}
    for org in organizations:
        rows["organizations.csv"].append(org)
        rows["phones.csv"] += org.get("phones", [])
        rows["attributes.csv"] += org.get("attributes", [])
        for location in org.get("locations", []):
            rows["locations.csv"].append(location)
            rows["addresses.csv"] += location.get("addresses", [])
            rows["schedules.csv"] += location.get("schedules", [])
        for service in org.get("services", []):
            rows["services.csv"].append(service)
            for key, file in (
                ("phones", "phones.csv"),
                ("schedules", "schedules.csv"),
                ("service_areas", "service_areas.csv"),
                ("service_at_locations", "service_at_location.csv"),
                ("languages", "languages.csv"),
                ("attributes", "attributes.csv"),
            ):
                rows[file] += service.get(key, [])
        for attribute in org.get("attributes", []):
            terms[attribute["taxonomy_term_id"]] = attribute["taxonomy_term"]
    rows["taxonomy_terms.csv"] = sorted(terms.values(), key=lambda term: term["id"])
    rows["taxonomies.csv"] = list({t["taxonomy_id"]: t["taxonomy_detail"] for t in terms.values()}.values())
    folder.mkdir(parents=True, exist_ok=True)
    for file, (_name, columns) in TABLES.items():
        with (folder / file).open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows[file])
    (folder / "datapackage.json").write_text(json.dumps(datapackage(), indent=2) + "\n", encoding="utf-8")


def datapackage() -> dict:
    return {
        "name": "common_ground_resource_directory",
        "title": "Common Ground resource directory",
        "profile": "tabular-data-package",
        "version": "3.0.0",
        "homepage": "http://docs.openreferral.org",
        "resources": [
            {
                "name": name,
                "path": file,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": {
                    "primaryKey": "id",
                    "fields": [
                        {"name": column, "type": "number" if column in NUMBERS else "string"}
                        for column in columns
                    ],
                },
            }
            for file, (name, columns) in TABLES.items()
        ],
    }


# Import ------------------------------------------------------------------------------------


def read_package(folder: Path, skipped: list[str]) -> list[dict]:
    """HSDS organisation objects gathered from the CSVs in `folder`; rows that cannot be
    placed are added to `skipped` as "file row N: why"."""
    if not (folder / "organizations.csv").is_file():
        raise ResourceError(f"{folder} has no organizations.csv.")
    tables = {file: _rows(folder / file) for file in TABLES}
    orgs: dict[str, dict] = {}
    for number, row in tables["organizations.csv"]:
        if not row.get("id") and not row.get("name"):
            skipped.append(f"organizations.csv row {number}: it has neither an id nor a name")
            continue
        empty = {"phones": [], "locations": [], "services": [], "attributes": []}
        orgs[row.get("id") or f"row-{number}"] = {**row, **empty}

    def place(file: str, key: str, targets: dict, what: str):
        """Each row of `file` with the object its `key` names, skipping the rest."""
        for number, row in tables[file]:
            target = targets.get(row.get(key, ""))
            if target is None:
                skipped.append(f"{file} row {number}: {what} {row.get(key, '')!r} is not in the package")
                continue
            yield row, target

    locations, services = {}, {}
    for row, org in place("locations.csv", "organization_id", orgs, "organization"):
        locations[row.get("id", "")] = location = {**row, "addresses": [], "schedules": [], "phones": []}
        org["locations"].append(location)
    for row, location in place("addresses.csv", "location_id", locations, "location"):
        location["addresses"].append(row)
    for row, org in place("services.csv", "organization_id", orgs, "organization"):
        services[row.get("id", "")] = service = {
            **row,
            **{key: [] for key in ("phones", "schedules", "service_areas", "languages", "attributes")},
            "service_at_locations": [],
        }
        org["services"].append(service)
    for file, key in (
        ("service_areas.csv", "service_areas"),
        ("service_at_location.csv", "service_at_locations"),
        ("languages.csv", "languages"),
    ):
        for row, service in place(file, "service_id", services, "service"):
            service[key].append(row)
    for number, row in tables["phones.csv"]:
        owner = (
            services.get(row.get("service_id") or "")
            or locations.get(row.get("location_id") or "")
            or orgs.get(row.get("organization_id") or "")
        )
        if owner is None:
            skipped.append(f"phones.csv row {number}: no organization, service or location here has it")
            continue
        owner["phones"].append(row)
    for number, row in tables["schedules.csv"]:
        owner = services.get(row.get("service_id") or "") or locations.get(row.get("location_id") or "")
        if owner is None:
            skipped.append(f"schedules.csv row {number}: it belongs to no service or location here")
            continue
        owner["schedules"].append(row)
    terms = {row.get("id", ""): row for _number, row in tables["taxonomy_terms.csv"]}
    for number, row in tables["attributes.csv"]:
        owner = services.get(row.get("link_id", "")) or orgs.get(row.get("link_id", ""))
        if owner is None:
            skipped.append(f"attributes.csv row {number}: it links to nothing in the package")
            continue
        owner["attributes"].append({**row, "taxonomy_term": terms.get(row.get("taxonomy_term_id", ""))})
    return list(orgs.values())


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(row number, row) for each row with something in it; [] for a missing file. Numbers
    are lines of the file as a spreadsheet shows them, the header being 1. Empty cells are left
    out, so a blank is absent."""
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        rows = []
        for row in reader:
            number = reader.line_num  # the row's line in the file, blank lines counted
            values = {
                key.strip(): value.strip()
                for key, value in row.items()
                if isinstance(key, str) and isinstance(value, str) and value.strip()
            }
            if values:
                rows.append((number, values))
        return rows
