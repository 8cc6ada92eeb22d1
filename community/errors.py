"""Error pages in the site's layout, for people and for JSON clients."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, render_template, request
from flask.globals import request_ctx
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from wtforms.fields.core import UnboundField

from community import unit_of_work
from community.security import safe_next

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
    site's forms have: another site must not be able to put its words on our page. A person
    whose session has gone has no cookie to prove it, so for them the browser must say the
    form came from this site (Sec-Fetch-Site), not merely fail to say otherwise.
    """
    if request.method != "POST" or (request.content_length or 0) > 1_000_000:
        return []
    sent_from = request.headers.get("Sec-Fetch-Site")
    if (sent_from or "same-origin") != "same-origin":
        return []
    if not current_user.is_authenticated and sent_from is None:
        return []
    origin = request.headers.get("Origin")
    if origin and origin != request.host_url.rstrip("/"):
        return []
    fields = _form_text_fields()
    return [
        (name, value) for name, value in request.form.items(multi=True) if name in fields and value.strip()
    ]


def _page_the_form_was_on() -> str | None:
    """The path of our own page that sent this form (to sign in and go back to), or None."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or not referrer.path.startswith("/"):
        return None
    return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""), None) or None


def _signed_out_while_writing() -> bool:
    """The form's session has gone and nobody is signed in: a member's form (anything but
    signing in, joining or resetting a password) means they were signed out meanwhile."""
    return not current_user.is_authenticated and request.blueprint != "accounts"


def render_error(code: int, description: str | None = None, typed=None, title: str | None = None, **extra):
    default_title, message = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    title = title or default_title
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        # JSON clients get JSON whatever went wrong, in the shape the APIs answer refusals in.
        return {"ok": False, "error": title, "message": description or message}, code
    if request_ctx.url_adapter is None:
        # No URL can be built for this request (an unknown Host): the layout's links need one.
        return Response(f"{title}. {description or message}\n", code, mimetype="text/plain")
    page = render_template(
        "errors/error.html",
        code=code,
        title=title,
        message=description or message,
        typed=typed or [],
        **extra,
    )
    return page, code


def _signed_out_page():
    """The form's words are shown (when this site's own page sent them) and drafts.js keeps
    them in this tab's sessionStorage, to put back in the same form after signing in."""
    back_to, typed = _page_the_form_was_on(), _typed_text()
    if not typed:
        message = "Nothing was saved. Please sign in again and go back to what you were doing."
    elif back_to:
        message = (
            "Nothing was saved, but your words are not lost: they are below, and when you sign in "
            "again they will be put back in the form (in this browser tab)."
        )
    else:
        message = "Nothing was saved, but your words are below: copy them, sign in and send them again."
    return render_error(
        400, message, typed=typed, title="You were signed out", signed_out=True, back_to=back_to
    )


def register_errorhandlers(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if _signed_out_while_writing():
            return _signed_out_page()
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
