"""Meeting pages: the coming weeks, one meeting and its calendar file, planning one, answers,
and the host's start, pin and end."""

from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from community import unit_of_work
from community.chat import services as chat
from community.chat.models import Room
from community.database import utcnow
from community.extensions import db
from community.meetings import bp, dates, ics, permissions, services
from community.meetings.forms import MeetingForm, PinForm
from community.meetings.models import Meeting
from community.meetings.services import MeetingError
from community.permissions import requires
from community.security import safe_next


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.get_or_404(
        Meeting,
        meeting_id,
        options=[joinedload(Meeting.room).joinedload(Room.group), joinedload(Meeting.host)],
    )
    if not permissions.can_read_meeting(current_user, meeting):
        abort(404)  # a members-only room's meetings do not exist for visitors
    return meeting


def _hosted_or_403(meeting_id: int) -> Meeting:
    meeting = _meeting_or_404(meeting_id)
    if not permissions.can_host_meeting(current_user, meeting):
        abort(403)
    return meeting


@bp.app_template_filter("meeting_time")
def meeting_time(value: datetime) -> str:
    """ "Tuesday 12 January, 19:00" (with the year when it is not this one); static/js/local-time.js
    writes the same shape in the reader's own zone."""
    year = f" {value.year}" if value.year != utcnow().year else ""
    return value.strftime(f"%A %-d %B{year}, %H:%M")


@bp.app_template_filter("minutes")
def minutes_words(value: int) -> str:
    hours, minutes = divmod(value, 60)
    words = [f"{hours} hour{'s' if hours > 1 else ''}"] if hours else []
    if minutes or not hours:
        words.append(f"{minutes} minutes")
    return " ".join(words)


@bp.route("/meetings/")
def index():
    upcoming = services.upcoming(current_user)
    firsts = {}  # answers are for each meeting's next date: its first in the list
    for occurrence in upcoming.dates:
        firsts.setdefault(occurrence.meeting.id, occurrence)
    return render_template(
        "meetings/index.html",
        upcoming=upcoming,
        firsts={o.meeting.id: o.on for o in firsts.values()},
        label=dates.zone_label,
        is_running=services.is_running,
    )


@bp.route("/meetings/<id:meeting_id>")
def meeting(meeting_id: int):
    return _render_meeting(_meeting_or_404(meeting_id), PinForm(formdata=None))


def _render_meeting(meeting: Meeting, pin_form: PinForm, status: int = 200):
    coming = dates.upcoming_dates(meeting)
    following = coming[:1]
    if pin_form.pinned.data is None:
        pin_form.pinned.data = meeting.pinned
    return render_template(
        "meetings/meeting.html",
        meeting=meeting,
        dates=coming,
        going=services.going_counts(following),
        mine=services.answers(current_user, following),
        running=services.is_running(meeting),
        start_refusal=services.start_refusal(meeting),
        pin_form=pin_form,
        label=dates.zone_label,
    ), status


@bp.route("/meetings/<id:meeting_id>.ics")
def calendar_file(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    response = current_app.response_class(ics.calendar_for(meeting), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}.ics"'
    return response


# Planning --------------------------------------------------------------------------------


def _form(meeting: Meeting | None) -> MeetingForm:
    data = None
    if meeting is not None:
        data = {name: getattr(meeting, name) for name in services.PLAN_FIELDS if name != "host"}
        data["host"] = meeting.host.username if meeting.host else ""
    form = MeetingForm(data=data)
    form.room_id.choices = [(room.id, room.name) for room in chat.rooms_for(current_user)]
    form.time_zone.choices = [(zone, zone.replace("_", " ")) for zone in dates.time_zone_names()]
    if meeting is None and not form.is_submitted():
        form.time_zone.data = "UTC"
        form.time_zone.render_kw = {"data-browser-zone": ""}  # local-time.js picks the planner's zone
    return form


def _save(form: MeetingForm, meeting: Meeting | None) -> Meeting | None:
    plan = services.Plan(**{name: form[name].data for name in services.PLAN_FIELDS})
    try:
        meeting = services.save_meeting(current_user, meeting, plan)
    except MeetingError as error:
        unit_of_work.rollback()
        form[error.field].errors.append(str(error))
        return None
    unit_of_work.commit()
    return meeting


def _render_form(form: MeetingForm, meeting: Meeting | None):
    status = 422 if form.errors else 200
    return render_template("meetings/form.html", form=form, meeting=meeting), status


@bp.route("/meetings/new", methods=["GET", "POST"])
@requires("manage_meetings")
def new():
    form = _form(None)
    if form.validate_on_submit() and (meeting := _save(form, None)):
        flash(f"“{meeting.title}” is planned. Members can see it in Support meetings.", "success")
        return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return _render_form(form, None)


@bp.route("/meetings/<id:meeting_id>/edit", methods=["GET", "POST"])
@requires("manage_meetings")
def edit(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = _form(meeting)
    if form.validate_on_submit() and _save(form, meeting):
        flash("The meeting is saved.", "success")
        return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return _render_form(form, meeting)


# Answers and the host's tools ------------------------------------------------------------


def _back(meeting: Meeting):
    return redirect(safe_next(request.form.get("next"), url_for("meetings.meeting", meeting_id=meeting.id)))


@bp.route("/meetings/<id:meeting_id>/rsvp", methods=["POST"])
@login_required
def rsvp(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    if not permissions.can_rsvp(current_user, meeting):
        abort(403)
    going = request.form.get("going") == "yes"
    try:
        services.rsvp(current_user, meeting, going)
        unit_of_work.commit()
    except MeetingError as error:
        unit_of_work.rollback()
        flash(str(error), "error")
        return _back(meeting)
    if going:
        flash(f"You're going to “{meeting.title}”. We'll let you know when it starts.", "success")
    else:
        flash(f"Thanks for letting us know you can't make “{meeting.title}” this time.", "info")
    return _back(meeting)


@bp.route("/meetings/<id:meeting_id>/start", methods=["POST"])
@login_required
def start(meeting_id: int):
    meeting = _hosted_or_403(meeting_id)
    try:
        services.start(current_user, meeting)
        unit_of_work.commit()
    except MeetingError as error:
        unit_of_work.rollback()
        flash(str(error), "error")
        return redirect(url_for("meetings.meeting", meeting_id=meeting.id, _anchor="host-tools"))
    flash("The meeting has started. Members who said they'd come have been told.", "success")
    return redirect(url_for("chat.room", slug=meeting.room.slug))


@bp.route("/meetings/<id:meeting_id>/end", methods=["POST"])
@login_required
def end(meeting_id: int):
    meeting = _hosted_or_403(meeting_id)
    try:
        services.end(current_user, meeting)
        unit_of_work.commit()
        flash("The meeting has ended. Thank you for hosting.", "success")
    except MeetingError as error:
        unit_of_work.rollback()
        flash(str(error), "error")
    return _back(meeting)


@bp.route("/meetings/<id:meeting_id>/pin", methods=["POST"])
@login_required
def pin(meeting_id: int):
    meeting = _hosted_or_403(meeting_id)
    form = PinForm()
    if form.validate_on_submit():
        try:
            services.pin(current_user, meeting, form.pinned.data or "")
            unit_of_work.commit()
            flash("The message is pinned." if meeting.pinned else "The pin is taken down.", "success")
            return _back(meeting)
        except MeetingError as error:
            unit_of_work.rollback()
            if not error.field:  # the meeting is not on: there is no form to show the words by
                flash(str(error), "error")
                return _back(meeting)
            form.pinned.errors.append(str(error))
    return _render_meeting(meeting, form, 422)
