"""Members suggest entries and report outdated ones; moderators edit, approve, decline,
publish and take down. The rules are in review.py; every change by a moderator is in the
audit log, and the entry's review item is resolved with it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from community import unit_of_work
from community.extensions import db
from community.moderation.queue import ModerationError
from community.permissions import can, requires
from community.resources import bp, editing, review
from community.resources.forms import DeclineForm, EditForm, ReportForm, SuggestForm, UnpublishForm
from community.resources.models import Organization, Service
from community.resources.permissions import can_view_resource
from community.resources.services import ResourceError


def _entry_or_404(resource_id, *options) -> Organization:
    organization = db.get_or_404(Organization, resource_id, options=list(options))
    if not can_view_resource(current_user, organization):
        abort(404)  # a suggestion does not exist for other members
    return organization


def _field(form, name: str):
    """The form field a service's error names ("website", "services-0-url")."""
    field = form
    for part in name.split("-"):
        try:
            field = field[int(part)] if part.isdigit() else field[part]
        except (KeyError, IndexError, TypeError):
            return None
    return field


def _refuse(form, error: Exception, fallback: str) -> None:
    field = _field(form, getattr(error, "field", "") or fallback) or _field(form, fallback)
    field.errors = [*field.errors, str(error)] if isinstance(field.errors, list) else [str(error)]


# Members ----------------------------------------------------------------------------------


@bp.route("/resources/suggest", methods=["GET", "POST"])
@login_required
def suggest():
    if not can(current_user, "suggest_resource"):
        abort(403)  # a silenced member is told why (errors.py) and keeps their text
    form = SuggestForm()
    status = 200
    if form.is_submitted():
        status = 400
    if form.validate_on_submit():
        data = {name: form[name].data for name in review.Suggestion.__dataclass_fields__}
        try:
            review.suggest(current_user, review.Suggestion(**data))
            review.count_attempt(current_user, review.SUGGESTION)  # only what was accepted counts
        except (ResourceError, ModerationError, review.TooMany) as error:
            unit_of_work.rollback()
            _refuse(form, error, "name")
            status = 429 if isinstance(error, review.TooMany) else 400
        else:
            unit_of_work.commit()
            flash(
                "Thank you. Your suggestion is with the moderators. They check every entry before "
                "it appears in the directory; you can follow it here.",
                "success",
            )
            return redirect(url_for("resources.mine"))
    return render_template("resources/suggest.html", form=form), status


@bp.get("/resources/mine")
@login_required
def mine():
    return render_template("resources/mine.html", entries=review.suggestions_by(current_user))


@bp.route("/resources/<uuid:resource_id>/report", methods=["GET", "POST"])
@login_required
def report(resource_id):
    organization = _entry_or_404(resource_id)
    if not can(current_user, "report_resource", organization):
        abort(403)
    form = ReportForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            review.report_outdated(current_user, organization, form.note.data)
            review.count_attempt(current_user, review.OUTDATED)
        except (ResourceError, ModerationError, review.TooMany) as error:
            unit_of_work.rollback()
            _refuse(form, error, "note")
            status = 429 if isinstance(error, review.TooMany) else 400
        else:
            unit_of_work.commit()
            return render_template("resources/report.html", organization=organization, sent=True)
    return render_template("resources/report.html", organization=organization, form=form, sent=False), status


# Moderators -------------------------------------------------------------------------------


@bp.get("/resources/manage")
@requires("edit_resources")
def manage():
    return render_template(
        "resources/manage.html",
        waiting=review.waiting(),
        reports=review.open_reports(),
        changed=review.recently_changed(),
    )


def _editable(resource_id) -> Organization:
    organization = db.get_or_404(
        Organization,
        resource_id,
        options=[
            selectinload(Organization.services).selectinload(Service.areas),
            selectinload(Organization.phones),
            selectinload(Organization.locations),
            selectinload(Organization.terms),
        ],
    )
    return organization


def _edit_form(organization: Organization) -> EditForm:
    """The form filled from the entry, with a blank row to add a service and a number."""
    location = organization.locations[0] if organization.locations else None
    area = next((service.areas[0] for service in organization.services if service.areas), None)
    data = {
        "name": organization.name,
        "alternate_name": organization.alternate_name,
        "description": organization.description,
        "website": organization.website,
        "email": organization.email,
        "country": organization.country,
        "sources": organization.sources,
        "kinds": [term.code for term in organization.terms if term.vocabulary == "kind"],
        "conditions": [term.code for term in organization.terms if term.vocabulary == "condition"],
        "services": [
            {
                "id": str(service.id),
                "name": service.name,
                "description": service.description,
                "status": service.status,
                "url": service.url,
                "email": service.email,
                "languages": service.languages,
                "fees_description": service.fees_description,
            }
            for service in organization.services
        ]
        + [{"status": "active"}],
        "phones": [
            {
                "id": str(phone.id),
                "number": phone.number,
                "extension": phone.extension,
                "type": phone.type,
                "description": phone.description,
                "text_keyword": phone.text_keyword,
            }
            for phone in organization.phones
        ]
        + [{"type": "voice"}],
        "location_type": location.location_type if location else "physical",
        "location_name": location.name if location else "",
        "address_1": location.address_1 if location else "",
        "city": location.city if location else "",
        "state_province": location.state_province if location else "",
        "postal_code": location.postal_code if location else "",
        "location_country": location.country if location else organization.country,
        "latitude": "" if not location or location.latitude is None else f"{location.latitude:g}",
        "longitude": "" if not location or location.longitude is None else f"{location.longitude:g}",
        "area_scope": area.scope if area else "",
        "area_name": area.name if area else "",
        "area_country": area.country if area else organization.country,
    }
    return EditForm(data=data)


@bp.route("/resources/<uuid:resource_id>/edit", methods=["GET", "POST"])
@requires("edit_resources")
def edit(resource_id):
    organization = _editable(resource_id)
    form = EditForm() if request.method == "POST" else _edit_form(organization)
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                changed = editing.edit_entry(organization, current_user, form.data)
            except ResourceError as error:
                unit_of_work.rollback()
                _refuse(form, error, "name")
                organization = _editable(resource_id)
            else:
                unit_of_work.commit()
                flash("Saved: " + ", ".join(changed) + "." if changed else "Nothing had changed.", "success")
                return redirect(url_for("resources.edit", resource_id=resource_id))
    return render_template(
        "resources/edit.html",
        organization=organization,
        form=form,
        decline_form=DeclineForm(formdata=None),
        unpublish_form=UnpublishForm(formdata=None),
        item=review.open_item(organization),
    ), status


def _act(resource_id, do, done: str):
    organization = db.get_or_404(Organization, resource_id)
    try:
        do(organization)
    except (ResourceError, ModerationError) as error:
        unit_of_work.rollback()
        flash(str(error), "error")
        return redirect(url_for("resources.edit", resource_id=resource_id)), 303
    unit_of_work.commit()
    flash(done, "success")
    return redirect(url_for("resources.edit", resource_id=resource_id))


@bp.post("/resources/<uuid:resource_id>/publish")
@requires("edit_resources")
def publish(resource_id):
    return _act(
        resource_id,
        lambda organization: review.approve_entry(organization, current_user),
        "Published: everyone can find it in the directory now.",
    )


@bp.post("/resources/<uuid:resource_id>/decline")
@requires("edit_resources")
def decline(resource_id):
    form = DeclineForm()
    if not form.validate_on_submit():
        flash("Please give the reason the member will see.", "error")
        return redirect(url_for("resources.edit", resource_id=resource_id)), 303
    return _act(
        resource_id,
        lambda organization: review.decline_entry(organization, current_user, form.reason.data),
        "Declined. The member who suggested it sees your reason.",
    )


@bp.post("/resources/<uuid:resource_id>/unpublish")
@requires("edit_resources")
def unpublish(resource_id):
    form = UnpublishForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(
        resource_id,
        lambda organization: review.unpublish_entry(organization, current_user, form.reason.data),
        "Taken out of the directory. Publish it again when it is right.",
    )
