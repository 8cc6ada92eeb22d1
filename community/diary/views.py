"""The diary's pages: "How is today?" with the recent days, a day's full entry, flare notes and the
opt-in reminder. Every page is its owner's alone (privacy.diary_owner) and never cached."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from community import unit_of_work
from community.diary import bp, services
from community.diary.forms import EntryForm, FlareForm, QuickEntryForm, ReminderForm
from community.diary.models import HELPER, TAG_KINDS, TREATMENT, TRIGGER, DiaryEntry
from community.diary.privacy import diary_owner
from community.diary.scales import (
    BODY_AREAS,
    BY_FIELD,
    HELPER_SUGGESTIONS,
    PEG,
    QUALITIES,
    SCALES,
    TRIGGER_SUGGESTIONS,
)
from community.diary.services import DiaryError

TAG_FIELDS = {TRIGGER: "triggers", HELPER: "helpers", TREATMENT: "treatments"}
SUGGESTIONS = {TRIGGER: TRIGGER_SUGGESTIONS, HELPER: HELPER_SUGGESTIONS, TREATMENT: ()}  # never a dose


@bp.after_request
def never_cache(response):
    """Health data on a shared computer: no copy kept by the browser or anything between."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.context_processor
def diary_words():
    return {"scales": BY_FIELD, "one_day": timedelta(days=1)}


@bp.app_template_filter("diary_time")
def diary_time(value: datetime, zone: str | None) -> str:
    """ "Tuesday 12 March, 14:05" on the member's clock (UTC until their browser says)."""
    local = value.astimezone(ZoneInfo(zone) if zone else UTC)
    return local.strftime("%A %-d %B %Y, %H:%M") + ("" if zone else " UTC")


@bp.app_context_processor
def reminder_helper():
    """`diary_reminder()` for the home page: asked only there, so other pages cost no query."""

    def diary_reminder() -> bool:
        if not current_user.is_authenticated:
            return False
        return services.reminder_due(current_user, session.get(services.ZONE_KEY))

    return {"diary_reminder": diary_reminder}


def _zone() -> str | None:
    """The member's time zone: as this form's hidden field gives it (static/js/diary.js), else as
    an earlier form gave it, else None (UTC)."""
    posted = services.zone_named(request.form.get("time_zone"))
    if posted:
        session[services.ZONE_KEY] = posted
    return posted or services.zone_named(session.get(services.ZONE_KEY))


def _day_or_404(text: str) -> date:
    day = services.parse_day(text)
    if day is None:
        abort(404)
    return day


def _scale_data(form, names) -> dict[str, int | None]:
    return {name: form[name].data for name in names}


# "How is today?" -------------------------------------------------------------------------


@bp.get("/diary/")
@login_required
def index():
    me = diary_owner()
    return _render_index(me, QuickEntryForm(formdata=None), FlareForm(formdata=None))


def _render_index(me, quick: QuickEntryForm, flare: FlareForm, status: int = 200, prefill: bool = True):
    zone = _zone()
    today = services.today(zone)
    todays = services.entry_for(me, today)
    if todays is not None and prefill:
        for name in ("pain_average", "mood", "sleep_quality"):
            quick[name].data = getattr(todays, name)
    chosen = services.settings_of(me)
    reminder = ReminderForm(
        formdata=None,
        reminders=chosen.reminders,
        reminder_hour="" if chosen.reminder_hour is None else str(chosen.reminder_hour),
    )
    return render_template(
        "diary/index.html",
        today=today,
        todays=todays,
        quick=quick,
        flare=flare,
        reminder=reminder,
        days=services.recent_days(me, today),
        flares=services.recent_flares(me, limit=3),
        zone=zone,
    ), status


@bp.post("/diary/")
@login_required
def quick_entry():
    me = diary_owner()
    form = QuickEntryForm()
    if form.validate_on_submit():
        names = ("pain_average", "mood", "sleep_quality")
        try:
            services.quick_entry(me, services.today(_zone()), _scale_data(form, names))
            unit_of_work.commit()
            flash("Saved for today. You can add more whenever you like.", "success")
            return redirect(url_for("diary.index"))
        except DiaryError as error:
            unit_of_work.rollback()
            form[error.field or "pain_average"].errors.append(str(error))
    return _render_index(me, form, FlareForm(formdata=None), 400, prefill=False)


@bp.get("/diary/day")
@login_required
def go_to_day():
    """The "go to a day" form: a date field, then that day's page."""
    diary_owner()
    day = services.parse_day(request.args.get("on"))
    if day is None:
        flash("Please choose a day.", "error")
        return redirect(url_for("diary.index"))
    return redirect(url_for("diary.entry", day=day.isoformat()))


# A day's full entry ----------------------------------------------------------------------


def _choices(me, entry: DiaryEntry | None, form: EntryForm) -> None:
    """Suggestions, the member's own words, and what this entry already holds, once each."""
    known = services.known_tags(me)

    def once(*groups):
        seen, out = set(), []
        for group in groups:
            for word in group:
                if word.casefold() not in seen:
                    seen.add(word.casefold())
                    out.append(SelectChoice(word, word))
        return out

    for kind, name in TAG_FIELDS.items():
        current = [tag.name for tag in entry.tags_of(kind)] if entry else []
        form[name].choices = once(SUGGESTIONS[kind], known[kind], current)
    current = entry.qualities if entry else []
    form.qualities.choices = once(QUALITIES, services.known_qualities(me), current)


def _entry_form(me, entry: DiaryEntry | None) -> EntryForm:
    if request.method == "POST":
        form = EntryForm()
    elif entry is None:
        form = EntryForm(formdata=None)
    else:
        data = {scale.field: getattr(entry, scale.field) for scale in SCALES}
        data |= {name: [tag.name for tag in entry.tags_of(kind)] for kind, name in TAG_FIELDS.items()}
        hours = entry.sleep_hours
        data |= {
            "body_areas": list(entry.body_areas or []),
            "qualities": list(entry.qualities or []),
            "sleep_hours": "" if hours is None else f"{hours:g}",
            "notes": entry.notes,
        }
        form = EntryForm(formdata=None, data=data)
    _choices(me, entry, form)
    return form


@bp.route("/diary/<day>", methods=["GET", "POST"])
@login_required
def entry(day: str):
    me = diary_owner()
    on = _day_or_404(day)
    zone = _zone()
    try:
        services.check_day(on, zone)
    except DiaryError as error:
        return render_template("diary/refused.html", day=on, message=str(error)), 400
    found = services.entry_for(me, on)
    form = _entry_form(me, found)
    if form.validate_on_submit():
        data = services.EntryData(
            scales=_scale_data(form, [scale.field for scale in SCALES]),
            sleep_hours=form.hours,
            body_areas=list(form.body_areas.data or []),
            qualities=list(form.qualities.data or []) + services.split_words(form.qualities_other.data),
            tags={kind: form.tag_words(name) for kind, name in TAG_FIELDS.items()},
            notes=form.notes.data or "",
        )
        try:
            services.save_entry(me, on, data)
            unit_of_work.commit()
            flash(f"Your entry for {_day_words(on, zone)} is saved.", "success")
            return redirect(url_for("diary.entry", day=on.isoformat()))
        except DiaryError as error:
            unit_of_work.rollback()
            form[error.field or "notes"].errors.append(str(error))
    status = 400 if form.errors else 200
    return render_template(
        "diary/entry.html",
        day=on,
        day_words=_day_words(on, zone),
        entry=found,
        form=form,
        peg=PEG,
        body_areas=BODY_AREAS,
        tag_fields=TAG_FIELDS,
        tag_kinds=TAG_KINDS,
        is_today=on == services.today(zone),
    ), status


def _day_words(day: date, zone: str | None) -> str:
    today = services.today(zone)
    words = day.strftime("%A %-d %B %Y")
    return {0: f"today, {words}", 1: f"yesterday, {words}"}.get((today - day).days, words)


@bp.route("/diary/<day>/delete", methods=["GET", "POST"])
@login_required
def delete_entry(day: str):
    me = diary_owner()
    on = _day_or_404(day)
    found = services.entry_for(me, on)
    if found is None:
        abort(404)
    if request.method == "POST":
        services.delete_entry(me, found)
        unit_of_work.commit()
        flash(f"The entry for {_day_words(on, _zone())} is deleted.", "success")
        return redirect(url_for("diary.index"))
    return render_template("diary/delete.html", day=on, day_words=_day_words(on, _zone()))


# Flare notes -----------------------------------------------------------------------------


def _flare_time(form: FlareForm, zone: str | None):
    """The form's local time as UTC; None (now) when it was left empty."""
    if form.at.data is None:
        return None
    return form.at.data.replace(tzinfo=ZoneInfo(zone or "UTC"))


@bp.get("/diary/flares")
@login_required
def flares():
    me = diary_owner()
    form = FlareForm(formdata=None)
    return _render_flares(me, form)


def _render_flares(me, form: FlareForm, status: int = 200):
    zone = _zone()
    if form.at.data is None and not form.is_submitted():
        form.at.data = services.local_now(zone).replace(second=0, microsecond=0, tzinfo=None)
    return render_template(
        "diary/flares.html", form=form, flares=services.recent_flares(me), zone=zone
    ), status


@bp.post("/diary/flares")
@login_required
def add_flare():
    me = diary_owner()
    form = FlareForm()
    from_index = request.form.get("from") == "index"
    if form.validate_on_submit():
        try:
            services.add_flare(me, _flare_time(form, _zone()), form.pain.data, form.note.data)
            unit_of_work.commit()
            flash("Your flare note is saved.", "success")
            return redirect(url_for("diary.index" if from_index else "diary.flares"))
        except DiaryError as error:
            unit_of_work.rollback()
            form[error.field or "note"].errors.append(str(error))
    if from_index:
        return _render_index(me, QuickEntryForm(formdata=None), form, 400)
    return _render_flares(me, form, 400)


@bp.post("/diary/flares/<id:flare_id>/delete")
@login_required
def delete_flare(flare_id: int):
    me = diary_owner()
    found = services.flare_of(me, flare_id)
    if found is None:
        abort(404)
    services.delete_flare(me, found)
    unit_of_work.commit()
    flash("The flare note is deleted.", "success")
    return redirect(url_for("diary.flares"))


# Reminders -------------------------------------------------------------------------------


@bp.post("/diary/reminders")
@login_required
def reminders():
    me = diary_owner()
    form = ReminderForm()
    if not form.validate_on_submit():
        flash("Please choose again: that did not save.", "error")
        return redirect(url_for("diary.index", _anchor="reminders"))
    _zone()
    hour = int(form.reminder_hour.data) if form.reminder_hour.data else None
    services.save_settings(me, bool(form.reminders.data), hour)
    unit_of_work.commit()
    if form.reminders.data:
        flash("Reminders are on. You'll see a gentle note on the home page on days with no entry.", "success")
    else:
        flash("Reminders are off.", "success")
    return redirect(url_for("diary.index"))
