"""`flask resources import PATH [--publish]` and `flask resources export PATH`: HSDS 3 packages
in and out (JSON, or the tabular datapackage of CSVs). The group is the blueprint's own, so it
registers with the blueprint."""

from __future__ import annotations

import json
from pathlib import Path

import click

from community.resources import bp, hsds, tabular
from community.resources.services import ResourceError
from community.unit_of_work import commit, rollback

bp.cli.help = "Import and export the resource directory as HSDS 3 packages."
EXPORT_JSON = "organizations.json"


@bp.cli.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--publish", is_flag=True, help="Publish what is imported (otherwise new entries are drafts).")
def import_command(path: Path, publish: bool):
    """Import an HSDS package: a .json file, or a folder with HSDS JSON or the CSVs."""
    report = hsds.ImportReport()
    try:
        for source, organizations in _read(path, report):
            hsds.import_organizations(organizations, report, publish=publish, source=source)
    except (ResourceError, ValueError, UnicodeDecodeError) as error:
        rollback()
        raise click.ClickException(f"Nothing was imported: {error}") from error
    commit()
    for line in report.lines():
        click.echo(line)


def _read(path: Path, report: hsds.ImportReport):
    """(name, organisation objects) for each HSDS document at `path`."""
    if path.is_file():
        yield path.name, hsds.organizations_in(json.loads(path.read_text(encoding="utf-8-sig")))
        return
    documents = sorted(p for p in path.glob("*.json") if p.name != "datapackage.json")
    if documents:
        for document in documents:
            yield document.name, hsds.organizations_in(json.loads(document.read_text(encoding="utf-8-sig")))
    elif (path / "organizations.csv").is_file():
        yield "", tabular.read_package(path, report.skipped)
    else:
        raise ResourceError(f"{path} holds neither HSDS JSON nor organizations.csv.")


@bp.cli.command("export")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
def export_command(path: Path):
    """Write the published directory into PATH: organizations.json (HSDS 3) and the CSVs."""
    organizations = [hsds.organization_to_hsds(org) for org in hsds.exported_organizations()]
    path.mkdir(parents=True, exist_ok=True)
    text = json.dumps(organizations, indent=2, ensure_ascii=False)
    (path / EXPORT_JSON).write_text(text + "\n", encoding="utf-8")
    tabular.write_package(organizations, path)
    click.echo(f"Exported {len(organizations)} organisations to {path}.")
