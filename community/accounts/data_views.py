"""/settings/data: what we hold, a download of all of it, and deleting the account."""

from __future__ import annotations

from flask import Response, redirect, render_template, session, url_for
from flask_login import current_user, login_required, logout_user

from community import unit_of_work
from community.accounts import account_deletion, bp, data_rights, services
from community.accounts.forms import DeleteAccountForm


def _page(form: DeleteAccountForm, status: int = 200, refusal: str | None = None):
    return render_template(
        "accounts/data.html",
        form=form,
        files=data_rights.FILES,
        refusal=refusal or account_deletion.deletion_refusal(current_user),
    ), status


@bp.route("/settings/data")
@login_required
def data():
    return _page(DeleteAccountForm())


@bp.route("/settings/data/export.zip")
@login_required
def export_data():
    """A GET: only the signed-in member gets it, and another site can start the download but
    never read it; it writes nothing, so a prefetch costs only the work of building it."""
    filename, payload = data_rights.export_zip(current_user._get_current_object())
    return Response(
        payload,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/settings/data/delete", methods=["POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    user = current_user._get_current_object()
    if not form.validate_on_submit():
        return _page(form, 422)
    refusal = account_deletion.deletion_refusal(user)
    if refusal:
        return _page(form, 409, refusal)
    try:
        correct = services.check_current_password(user, form.password.data)
    except services.TooManyAttempts as error:
        form.password.errors.append(str(error))
        return _page(form, 429)
    if not correct:
        form.password.errors.append("That is not your password. Nothing has been deleted.")
        return _page(form, 400)
    account_deletion.delete_account(user, keep_posts=form.posts.data == "keep")
    unit_of_work.commit()
    logout_user()  # the sign-in rows are gone; this clears the browser's side, remember cookie too
    for key in [key for key in session if key != "_remember"]:
        session.pop(key)
    return redirect(url_for("accounts.account_deleted"))


@bp.route("/settings/data/deleted")
def account_deleted():
    return render_template("accounts/deleted.html")
