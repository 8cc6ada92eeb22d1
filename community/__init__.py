"""Common Ground: the application factory."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from flask import Flask

from community.config import INSTANCE_PATH, PROJECT_ROOT, Config, engine_options


def create_app(config: type | dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_PATH),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    configure(app, config)
    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_sockets(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def configure(app: Flask, config: type | dict | None) -> None:
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    if app.config["SQLALCHEMY_ENGINE_OPTIONS"] is None:
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.debug or app.testing:
        app.config["SECRET_KEY"] = app.config.get("SECRET_KEY") or "dev-only-secret-key"
    else:
        require_production_settings(app)
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config["PROXY_HOPS"]:
        # Behind a proxy, the client's address (for sign-in limits) and scheme come from it.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def require_production_settings(app: Flask) -> None:
    """Outside development, refuse to start without what keeps members safe."""
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("Set SECRET_KEY in the environment (see README.md, Configuration).")
    base = app.config.get("BASE_URL")
    host = urlsplit(base or "").hostname
    if not host:
        raise RuntimeError(
            "Set BASE_URL to the site's public address, e.g. https://commonground.example "
            "(see README.md, Deployment): links in mail are built from it."
        )
    if not app.config.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = [host]


def register_extensions(app: Flask) -> None:
    from community import limits
    from community.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    # Flask-Limiter keeps the first app's options on its one instance; each app reads its own.
    limiter._swallow_errors = limiter._headers_enabled = limiter._fail_on_first_breach = None
    limiter.init_app(app)
    limits.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(key: str):
        """Both cookies carry a sign-in's key; a key whose sign-in has ended opens nothing."""
        from community.accounts import sessions

        return sessions.load(key)


def register_url_converters(app: Flask) -> None:
    from community.database import IdConverter

    app.url_map.converters["id"] = IdConverter


def register_blueprints(app: Flask) -> None:
    from community import accounts, chat, diary, forums, meetings, moderation, notifications, pages, resources

    app.register_blueprint(pages.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(forums.bp)
    app.register_blueprint(moderation.bp)
    app.register_blueprint(chat.bp)
    app.register_blueprint(meetings.bp)
    app.register_blueprint(resources.bp)
    app.register_blueprint(diary.bp)


def register_sockets(app: Flask) -> None:
    """After the blueprints, so every feature's events module has registered its handlers."""
    from community.sockets import init_socketio

    init_socketio(app)


def register_errorhandlers(app: Flask) -> None:
    from community.errors import register_errorhandlers as register

    register(app)


def register_request_hooks(app: Flask) -> None:
    from community.security import HostCase, VerifiedCookies, refuse_nul_bytes, set_security_headers

    app.session_interface = VerifiedCookies()
    app.wsgi_app = HostCase(app.wsgi_app)
    app.before_request(refuse_nul_bytes)
    app.after_request(set_security_headers)


def register_template_helpers(app: Flask) -> None:
    from community import kept_pages
    from community.templating import register

    register(app)
    kept_pages.register(app)


def register_commands(app: Flask) -> None:
    from community.commands import register

    register(app)
