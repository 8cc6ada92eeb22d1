"""Error pages in the site's layout, for people and for JSON clients."""

from __future__ import annotations

from flask import Response, render_template, request
from flask.globals import request_ctx
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from wtforms.fields.core import UnboundField

from community import unit_of_work

MESSAGES = {
    400: ("Something in that request was not right", "Please go back and try again."),
    403: ("You can't do that here", "Your account does not have permission for this page."),
    404: ("We couldn't find that page", "It may have been moved or removed, or the link may be mistyped."),
    405: ("That didn't work", "This page can't be used that way."),
    413: ("That was too large", "What you sent is larger than we accept. Please shorten it and try again."),
    429: (
        "Please wait a minute",
        "There have been too many attempts in a short time. "
        "Wait a minute, then try again. If you have forgotten your password, you can reset it.",
    ),
    500: ("Something went wrong on our side", "It is not your fault. Please try again in a moment."),
}

# Fields that must never be echoed back, even to their owner.
_SECRET_FIELDS = {"password", "confirm", "current_password", "csrf_token"}


def _form_text_fields() -> set[str]:
    """The names of the text fields the site's own forms have."""
    from flask_wtf import FlaskForm
    from wtforms import StringField

    names, forms = set(), list(FlaskForm.__subclasses__())
    while forms:
        form = forms.pop()
        forms.extend(form.__subclasses__())
        for name in dir(form):
            field = getattr(form, name, None)
            if isinstance(field, UnboundField) and issubclass(field.field_class, StringField):
                names.add(name)
    return names - _SECRET_FIELDS


def _typed_text() -> list[tuple[str, str]]:
    """What the member typed, so a refused form loses none of it.

    Only to a signed-in member whose own page sent it (Lax cookies are not sent with a
    cross-site form, and the browser says where the form came from), and only fields the
    site's forms have: another site must not be able to put its words on our page.
    """
    if request.method != "POST" or (request.content_length or 0) > 1_000_000:
        return []
    if (
        not current_user.is_authenticated
        or request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin"
    ):
        return []
    origin = request.headers.get("Origin")
    if origin and origin != request.host_url.rstrip("/"):
        return []
    fields = _form_text_fields()
    return [
        (name, value) for name, value in request.form.items(multi=True) if name in fields and value.strip()
    ]


def render_error(code: int, description: str | None = None, typed=None):
    title, message = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    if request.accept_mimetypes.best == "application/json":
        return {"error": title, "message": description or message}, code
    if request_ctx.url_adapter is None:
        # No URL can be built for this request (an unknown Host): the layout's links need one.
        return Response(f"{title}. {description or message}\n", code, mimetype="text/plain")
    return render_template(
        "errors/error.html", code=code, title=title, message=description or message, typed=typed or []
    ), code


def register_errorhandlers(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            "This form was open too long or came from somewhere else, so we did not "
            "save it. Your text is below: copy it, go back, reload the page and send it "
            "again.",
            typed=_typed_text(),
        )

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code == 403 and current_user.is_authenticated:
            from community.accounts import standing

            refusal = standing.refusal(current_user)
            if refusal:  # a silenced member is told why and until when, and keeps their text
                return render_error(403, refusal, typed=_typed_text())
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def server_error(error):
        unit_of_work.rollback()  # and nothing the request queued is sent
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(500)
