"""Admins create, edit, reorder and archive groups."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from community.database import utcnow
from community.extensions import db
from community.forums import bp, services
from community.forums.forms import GroupForm
from community.forums.models import Group
from community.security import role_required


@bp.route("/groups/manage")
@role_required("admin")
def manage_groups():
    return render_template("forums/manage_groups.html", groups=services.list_groups(include_archived=True))


def _save(form: GroupForm, group: Group | None):
    clash = db.session.scalar(select(Group).where(Group.slug == form.slug.data))
    if clash is not None and clash is not group:
        form.slug.errors.append("Another group already uses that web address.")
        return None
    group = group or Group()
    form.populate_obj(group)
    db.session.add(group)
    db.session.commit()
    return group


@bp.route("/groups/manage/new", methods=["GET", "POST"])
@role_required("admin")
def create_group():
    form = GroupForm()
    if form.validate_on_submit() and (group := _save(form, None)):
        flash(f"{group.name} is created.", "success")
        return redirect(url_for("forums.manage_groups"))
    return render_template("forums/group_form.html", form=form, group=None), 422 if form.errors else 200


@bp.route("/groups/<slug>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_group(slug: str):
    group = services.group_by_slug(slug) or abort(404)
    form = GroupForm(obj=group)
    if form.validate_on_submit() and _save(form, group):
        flash(f"{group.name} is saved.", "success")
        return redirect(url_for("forums.manage_groups"))
    return render_template("forums/group_form.html", form=form, group=group), 422 if form.errors else 200


@bp.route("/groups/<slug>/move", methods=["POST"])
@role_required("admin")
def move_group(slug: str):
    """Swap places with the neighbour above or below; positions are renumbered 10, 20, …"""
    group = services.group_by_slug(slug) or abort(404)
    ordered = services.list_groups(include_archived=True)
    index = ordered.index(group)
    other = index - 1 if request.form.get("direction") == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position * 10
    db.session.commit()
    return redirect(url_for("forums.manage_groups", _anchor=f"group-{group.id}"))


@bp.route("/groups/<slug>/archive", methods=["POST"])
@role_required("admin")
def archive_group(slug: str):
    group = services.group_by_slug(slug) or abort(404)
    group.archived_at = None if request.form.get("archived") == "0" else utcnow()
    db.session.commit()
    flash(f"{group.name} is {'archived' if group.archived_at else 'back in the list'}.", "info")
    return redirect(url_for("forums.manage_groups"))
