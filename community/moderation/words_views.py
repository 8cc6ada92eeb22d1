"""Admins' page for the watched words: the rules by list, adding and removing one, testing
a phrase against them all, and the rules as a CSV file to export and import.

Every change is audited, committed once, and then screening.forget() drops this process's
compiled rules, so the next post is screened by the rules as they are now."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from community import unit_of_work
from community.extensions import db
from community.moderation import audit, bp, screening, starter_lists, words
from community.moderation.forms import WORD_NOTE_MAX, WatchedWordForm, WordImportForm
from community.moderation.models import WatchedWord
from community.permissions import requires

OWN_LIST = "Added here"
# The phrase travels in the address (a GET changes nothing), and servers cap an address
# line near 4 KB (gunicorn's limit_request_line), so the box holds 1,000 characters.
TEST_PHRASE_MAX = 1_000
MAX_IMPORT_BYTES = 1_000_000  # 5,000 rules of a line each fit; MAX_CONTENT_LENGTH is 2 MB
PROBLEMS_ON_FORM = 10  # a file with no good rows: its first problems are said on the form

# What each action does to a member's text, in the words the page explains them with.
ACTION_HELP = {
    "block": "The text is refused with a kind message naming the words. What the member wrote stays "
    "in the form, so they can change it and send again.",
    "hold": "The post is saved but waits for a moderator before anyone else can see it.",
    "flag": "The post is published at once and goes into the review queue for a moderator to look at.",
    "crisis": "Tier 1. The post is published, the author sees crisis support straight away, and an "
    "urgent item goes to the top of the review queue.",
    "crisis_hold": "Tier 2. The post is held, the author sees crisis support straight away, and an "
    "urgent item goes to the top of the review queue.",
}


def _key(pattern: str, match_type: str, action: str) -> tuple[str, str, str]:
    """Two rules with the same pattern, match type and action are the same rule."""
    return (pattern, match_type, action)


def _grouped(rows: list[WatchedWord]) -> list[tuple[str, str, list[WatchedWord]]]:
    """(list key, title, rules) for each list with rules: ours first, then the starter lists
    in their own order, then any other list key the rows name."""
    by_list: dict[str, list[WatchedWord]] = {}
    for row in rows:
        by_list.setdefault(row.list_key or "", []).append(row)
    order = ["", *starter_lists.STARTER_LISTS, *sorted(set(by_list) - {"", *starter_lists.STARTER_LISTS})]
    titles = {key: title for key, (title, _) in starter_lists.STARTER_LISTS.items()} | {"": OWN_LIST}
    return [(key, titles.get(key, key), by_list[key]) for key in order if key in by_list]


def _all_rows() -> list[WatchedWord]:
    return list(db.session.scalars(select(WatchedWord).order_by(WatchedWord.id)))


def _page(form: WatchedWordForm | None = None, import_form: WordImportForm | None = None, status: int = 200):
    tested = None
    if request.method == "GET" and "test" in request.args:
        phrase = request.args.get("test", "")
        tested = {
            "phrase": phrase[:TEST_PHRASE_MAX],
            "cut": len(phrase) > TEST_PHRASE_MAX,
            "hits": screening.test_phrase(phrase[:TEST_PHRASE_MAX]) if phrase.strip() else None,
        }
    rows = _all_rows()
    return render_template(
        "moderation/words.html",
        form=form or WatchedWordForm(formdata=None),
        import_form=import_form or WordImportForm(formdata=None),
        lists=_grouped(rows),
        count=len(rows),
        actions=words.ACTIONS,
        action_help=ACTION_HELP,
        match_types=words.MATCH_TYPES,
        tested=tested,
        test_max=TEST_PHRASE_MAX,
    ), status


@bp.route("/mod/words", methods=["GET", "POST"], endpoint="words")
@requires("manage_words")
def words_page():
    if request.method == "GET":
        return _page()
    form = WatchedWordForm()
    if form.validate_on_submit():
        pattern, match_type, action = form.pattern.data or "", form.match_type.data, form.action.data
        note = form.note.data or ""
        problem = words.problem_with(pattern, match_type)
        if problem is None and ("\x00" in pattern or "\x00" in note):
            problem = "Please leave out the invisible NUL character."
        if problem:
            form.pattern.errors.append(problem)
        elif db.session.scalar(
            select(WatchedWord.id).where(
                WatchedWord.pattern == pattern,
                WatchedWord.match_type == match_type,
                WatchedWord.action == action,
            )
        ):
            form.pattern.errors.append(
                "That rule is here already, with the same match type and action. You can find it in the "
                "rules below."
            )
        else:
            db.session.add(
                WatchedWord(
                    pattern=pattern,
                    match_type=match_type,
                    action=action,
                    whole_word=form.whole_word.data,
                    note=note,
                    list_key="",
                    created_by_id=current_user.id,
                )
            )
            audit.record(current_user, "word_add", reason=pattern, rule_action=action, match_type=match_type)
            unit_of_work.commit()
            screening.forget()
            flash(f"The rule “{pattern}” is saved. It applies to everything sent from now on.", "success")
            return redirect(url_for("moderation.words"), 303)
    return _page(form=form, status=422)


@bp.route("/mod/words/<id:word_id>/remove", methods=["POST"], endpoint="words_remove")
@requires("manage_words")
def words_remove(word_id: int):
    row = db.get_or_404(WatchedWord, word_id)
    pattern, action, match_type = row.pattern, row.action, row.match_type
    db.session.delete(row)
    audit.record(current_user, "word_remove", reason=pattern, rule_action=action, match_type=match_type)
    unit_of_work.commit()
    screening.forget()
    flash(f"The rule “{pattern}” ({words.ACTIONS.get(action, action)}) is removed.", "success")
    return redirect(url_for("moderation.words"), 303)


@bp.route("/mod/words/export.csv", endpoint="words_export")
@requires("manage_words")
def words_export():
    # A byte order mark first, so that Excel reads the file as UTF-8; from_csv skips it.
    body = "\ufeff" + words.to_csv(screening.rule_for(row) for row in _all_rows())
    return Response(
        body,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="watched-words.csv"',
            "Cache-Control": "no-store",
        },
    )


NOT_UTF8 = (
    "This file is not saved as UTF-8 text, so we can't read it safely. In your spreadsheet, choose "
    "“Save as” and the type “CSV UTF-8”, then choose the new file here."
)


def _uploaded_text(form: WordImportForm) -> str | None:
    """The CSV text from the file or the pasted rows; None, with an error on the form, when
    there is none or it can't be read."""
    upload, pasted = form.file.data, form.rows.data or ""
    if upload and pasted.strip():
        form.file.errors.append("Please choose a file or paste rows, not both.")
        return None
    if not upload:
        if pasted.strip():
            return pasted
        form.file.errors.append("Please choose a CSV file to import, or paste its rows.")
        return None
    data = upload.stream.read(MAX_IMPORT_BYTES + 1)
    problem = None
    if len(data) > MAX_IMPORT_BYTES:
        problem = (
            f"The file is larger than {MAX_IMPORT_BYTES // 1_000_000} MB. Please split it into smaller files."
        )
    elif not data.strip():
        problem = "The file is empty."
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            problem = NOT_UTF8
        else:
            if "\x00" in text:  # UTF-16 without its mark, or not text at all
                problem = NOT_UTF8
    if problem:
        form.file.errors.append(problem)
        return None
    return text


@bp.route("/mod/words/import", methods=["POST"], endpoint="words_import")
@requires("manage_words")
def words_import():
    form = WordImportForm()
    text = _uploaded_text(form) if form.validate_on_submit() else None
    if text is None:
        return _page(import_form=form, status=422)
    rules, problems = words.from_csv(text)
    if not rules:
        shown = problems[:PROBLEMS_ON_FORM]
        more = len(problems) - len(shown)
        (form.file if form.file.data else form.rows).errors.extend(
            ["No rules could be read, so nothing was imported.", *shown]
            + ([f"And {more} more lines with problems."] if more else [])
        )
        return _page(import_form=form, status=422)

    present = {
        _key(*row)
        for row in db.session.execute(select(WatchedWord.pattern, WatchedWord.match_type, WatchedWord.action))
    }
    added = skipped = 0
    for rule in rules:
        key = _key(rule.pattern, rule.match_type, rule.action)
        if key in present:  # here already, or twice in the file
            skipped += 1
            continue
        present.add(key)
        db.session.add(
            WatchedWord(
                pattern=rule.pattern,
                match_type=rule.match_type,
                action=rule.action,
                whole_word=rule.whole_word,
                note=rule.note[:WORD_NOTE_MAX],
                list_key="",
                created_by_id=current_user.id,
            )
        )
        added += 1
    audit.record(
        current_user,
        "words_import",
        reason=f"Added {added}, skipped {skipped} already here, {len(problems)} lines left out.",
        added=added,
        skipped=skipped,
        problems=len(problems),
    )
    unit_of_work.commit()
    screening.forget()
    return render_template(
        "moderation/words_import.html",
        added=added,
        skipped=skipped,
        problems=problems,
        import_form=WordImportForm(formdata=None),
    )
