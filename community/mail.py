"""Mail: sent on a background thread after the response, by SMTP or into the outbox folder.

A request only puts a job on the queue, so a slow mail server never holds a page, and a
reset request takes the same path and time whether or not the address is a member's.
"""

from __future__ import annotations

import queue
import smtplib
import threading
import uuid
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

from flask import Flask, current_app

_jobs: queue.Queue = queue.Queue()
_worker: threading.Thread | None = None
_worker_lock = threading.Lock()


def send_later(job: Callable[..., None], *args) -> None:
    """Run `job(*args)` on the mail thread, in this app's context, after the response."""
    global _worker
    _jobs.put((current_app._get_current_object(), job, args))
    with _worker_lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work, name="mail", daemon=True)
            _worker.start()


def wait_until_sent(timeout: float = 10.0) -> None:
    """Block until every queued job has run (tests, and a clean shutdown)."""
    done = threading.Event()
    threading.Thread(target=lambda: (_jobs.join(), done.set()), daemon=True).start()
    done.wait(timeout)


def _work() -> None:
    while True:
        app, job, args = _jobs.get()
        try:
            _run(app, job, args)
        finally:
            _jobs.task_done()


def _run(app: Flask, job: Callable[..., None], args: tuple) -> None:
    from community.extensions import db

    with app.app_context():
        try:
            job(*args)
        except Exception:  # a failed mail must never stop the ones after it
            app.logger.exception("Mail job %s failed", getattr(job, "__name__", job))
        finally:
            db.session.remove()


def send_template(to: str, subject: str, template: str, **context) -> None:
    """Send the words in templates/mail/<template>.txt; call it from a mail job.

    Rendered without the page context processors: there is no request or member here."""
    body = current_app.jinja_env.get_template(f"mail/{template}.txt").render(**context)
    send_mail(to, subject, body)


def send_mail(to: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)

    if config.get("MAIL_SERVER"):
        smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
        return

    outbox = Path(config["MAIL_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{uuid.uuid4().hex}.eml"
    path.write_bytes(bytes(message))
    current_app.logger.info("Mail to %s (%s) written to %s", to, subject, path)
