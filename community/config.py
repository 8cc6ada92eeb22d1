"""Settings, read from the environment. See README.md, "Configuration"."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_PATH = PROJECT_ROOT / "instance"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_PATH / 'community.db'}")
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def engine_options(url: str) -> dict:
    """One process's pool: a connection for each of gunicorn's threads (with the default 5,
    and 10 more opened and closed as needed, 16 busy threads kept opening and closing them),
    each checked before use on a database server, which can drop it (a restart, an idle
    timeout). A SQLite file's connections never drop: there the check was one statement more
    on every page. An in-memory SQLite database keeps Flask-SQLAlchemy's single connection."""
    pool = {"pool_size": int(os.environ.get("GUNICORN_THREADS", "16")), "max_overflow": 8}
    if not url.startswith("sqlite"):
        return {**pool, "pool_pre_ping": True}
    if url in ("sqlite://", "sqlite:///") or ":memory:" in url or "mode=memory" in url:
        return {}
    return pool


class Config:
    DEBUG = _bool("FLASK_DEBUG")
    TESTING = False
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = None  # chosen by the database (engine_options) unless set

    # Forms: tokens live as long as the session so a slow writer never loses a post.
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", not DEBUG)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", not DEBUG)
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    # Sign-in attempts per network address (a correct one is given back), and failures per
    # account; past the account's limit, only addresses that have not failed on it may try,
    # after LOGIN_SLOW_DOWN_SECONDS (see accounts.services.sign_in).
    LOGIN_FAILURE_LIMIT = "10 per minute"
    LOGIN_SLOW_DOWN_SECONDS = 1.0
    LOGIN_NEW_ADDRESS_LIMIT = "30 per hour"  # tries from new addresses once an account's limit is reached
    PASSWORD_CHECK_LIMIT = "5 per 15 minutes"  # wrong current passwords at /settings/password, per member
    # Refused sign-ups per network address: "that email is taken" must not become a way
    # to test which addresses belong to members.
    REGISTRATION_FAILURE_LIMIT = "20 per hour"
    REGISTRATION_LIMIT = "5 per day"  # new accounts per network address
    RESET_MAIL_LIMIT = "5 per 10 minutes"  # reset requests per network address
    # Previews per member: each runs Markdown and bleach, which cost real time.
    PREVIEW_LIMIT = "20 per minute"
    # Moderation (community.moderation): a new member's first posts wait for review; they
    # become trusted after TRUST_AFTER_POSTS approved posts and TRUST_AFTER_DAYS days.
    NEW_MEMBER_HELD_POSTS = int(os.environ.get("NEW_MEMBER_HELD_POSTS", "3"))
    TRUST_AFTER_POSTS = int(os.environ.get("TRUST_AFTER_POSTS", "3"))
    TRUST_AFTER_DAYS = int(os.environ.get("TRUST_AFTER_DAYS", "3"))
    FLAGS_TO_HIDE = int(os.environ.get("FLAGS_TO_HIDE", "3"))  # from distinct trusted members
    # Seconds between posts by trust (0: no wait); moderators never wait.
    NEW_THREAD_INTERVAL = 120
    NEW_REPLY_INTERVAL = 30
    NEW_MEMBER_FIRST_DAY_THREADS = 3
    TRUSTED_THREAD_INTERVAL = 15
    TRUSTED_REPLY_INTERVAL = 5
    # Chat messages per member (moderators are not limited); going over CHAT_FLOOD_STRIKES
    # times silences for 10 minutes and puts an item in the review queue.
    CHAT_NEW_LIMIT = "20 per 30 seconds"
    CHAT_TRUSTED_LIMIT = "40 per 30 seconds"
    CHAT_FLOOD_STRIKES = "3 per 5 minutes"
    # A room's "who is online" goes out at most once in this many seconds a process: when
    # 300 members arrive at a meeting, each of them gets a handful of updates, not 300.
    CHAT_PRESENCE_INTERVAL = float(os.environ.get("CHAT_PRESENCE_INTERVAL", "1"))
    # How often (seconds) a process asks whether the watched words changed in another one.
    WATCHED_WORDS_RECHECK = float(os.environ.get("WATCHED_WORDS_RECHECK", "1"))
    RESET_INBOX_LIMIT = "3 per hour"  # reset mails per inbox, so nobody floods one through us

    SOCKETIO_MESSAGE_QUEUE = os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "threading")
    # Other sites whose pages may open Socket.IO here (comma-separated). Unset means this
    # site only: Engine.IO then compares the Origin header with the Host.
    SOCKETIO_CORS_ORIGINS = [
        o.strip() for o in os.environ.get("SOCKETIO_CORS_ORIGINS", "").split(",") if o.strip()
    ] or None
    # Live requests (long-polls, WebSockets) one network address, or one member, may hold
    # open at once in each server process, each holding a thread; past that they get 429.
    # Live requests held at once per process: in all (keep it below GUNICORN_THREADS, so
    # pages always have threads), per network and per member.
    SOCKETIO_MAX_TOTAL = int(os.environ.get("SOCKETIO_MAX_TOTAL", "12"))
    SOCKETIO_MAX_PER_ADDRESS = int(os.environ.get("SOCKETIO_MAX_PER_ADDRESS", "8"))
    SOCKETIO_MAX_PER_MEMBER = int(os.environ.get("SOCKETIO_MAX_PER_MEMBER", "6"))

    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Common Ground <no-reply@localhost>")
    MAIL_OUTBOX = os.environ.get("MAIL_OUTBOX") or str(INSTANCE_PATH / "outbox")

    PASSWORD_RESET_MAX_AGE = 3600
    PASSWORD_HASH_METHOD = "scrypt"
    # The site's public address, used in mail; required in production (see README.md).
    BASE_URL = os.environ.get("BASE_URL") or None
    # Host names the app answers to (comma-separated); others get 400. In production it
    # defaults to BASE_URL's host.
    TRUSTED_HOSTS = [
        h.strip().lower() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()
    ] or None
    # How many proxies in front set X-Forwarded-For/-Proto/-Host (0: trust none of it).
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))


class TestConfig(Config):
    TESTING = True
    DEBUG = False
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS = {}
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    RATELIMIT_STORAGE_URI = "memory://"
    SOCKETIO_MESSAGE_QUEUE = None
    MAIL_SERVER = None
    LOGIN_SLOW_DOWN_SECONDS = 0
    # Tests post many times a second; tests of the posting pace set the real intervals.
    NEW_THREAD_INTERVAL = NEW_REPLY_INTERVAL = TRUSTED_THREAD_INTERVAL = TRUSTED_REPLY_INTERVAL = 0
    CHAT_PRESENCE_INTERVAL = 0  # every change at once; tests/chat/test_events.py sets it where it counts
    WATCHED_WORDS_RECHECK = 0  # tests add rules straight to the table and expect them at once
    # A fast hash keeps the suite quick; production uses scrypt (see Config).
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
