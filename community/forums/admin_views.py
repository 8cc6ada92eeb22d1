"""Admins create, edit, reorder and archive groups."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from community import unit_of_work
from community.extensions import db
from community.forums import bp, groups, services
from community.forums.forms import GroupForm
from community.moderation import audit
from community.permissions import requires


def _group_or_404(slug: str):
    return groups.group_by_slug(slug) or abort(404)


@bp.route("/groups/manage")
@requires("manage_groups")
def manage_groups():
    return render_template("forums/manage_groups.html", groups=groups.list_groups(include_archived=True))


def _save(form: GroupForm, group):
    """Create or change a group; the audit log has who did it."""
    action = "group_edit" if group is not None else "group_create"
    try:
        group = groups.save_group(group, {name: form[name].data for name in groups.GROUP_FIELDS})
    except services.ForumError as error:
        form[error.field].errors.append(str(error))
        return None
    db.session.flush()
    audit.record(current_user, action, subject=("group", group.id), reason=group.name, slug=group.slug)
    unit_of_work.commit()
    return group


@bp.route("/groups/manage/new", methods=["GET", "POST"])
@requires("manage_groups")
def create_group():
    form = GroupForm()
    if form.validate_on_submit() and (group := _save(form, None)):
        flash(f"{group.name} is created.", "success")
        return redirect(url_for("forums.manage_groups"))
    return render_template("forums/group_form.html", form=form, group=None), 422 if form.errors else 200


@bp.route("/groups/<slug>/edit", methods=["GET", "POST"])
@requires("manage_groups")
def edit_group(slug: str):
    group = _group_or_404(slug)
    form = GroupForm(obj=group)
    if form.validate_on_submit() and _save(form, group):
        flash(f"{group.name} is saved.", "success")
        return redirect(url_for("forums.manage_groups"))
    return render_template("forums/group_form.html", form=form, group=group), 422 if form.errors else 200


@bp.route("/groups/<slug>/move", methods=["POST"])
@requires("manage_groups")
def move_group(slug: str):
    group = _group_or_404(slug)
    up = request.form.get("direction") == "up"
    groups.move_group(group, up=up)
    audit.record(current_user, "group_move", subject=("group", group.id), reason=group.name, up=up)
    unit_of_work.commit()
    return redirect(url_for("forums.manage_groups", _anchor=f"group-{group.id}"))


@bp.route("/groups/<slug>/archive", methods=["POST"])
@requires("manage_groups")
def archive_group(slug: str):
    group = _group_or_404(slug)
    groups.set_archived(group, request.form.get("archived") != "0")
    action = "group_archive" if group.archived_at else "group_restore"
    audit.record(current_user, action, subject=("group", group.id), reason=group.name)
    unit_of_work.commit()
    flash(f"{group.name} is {'archived' if group.archived_at else 'back in the list'}.", "info")
    return redirect(url_for("forums.manage_groups"))
