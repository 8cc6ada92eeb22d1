"""Common Ground: the application factory."""
from __future__ import annotations

import os

from flask import Flask

from community.config import INSTANCE_PATH, PROJECT_ROOT, Config


def create_app(config: type | dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_PATH),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    configure(app, config)
    register_extensions(app)
    register_blueprints(app)
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
    if not app.config.get("SECRET_KEY"):
        if app.debug or app.testing:
            app.config["SECRET_KEY"] = "dev-only-secret-key"
        else:
            raise RuntimeError("Set SECRET_KEY in the environment (see README.md, Configuration).")
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config["PROXY_HOPS"]:
        # Behind a proxy, the client's address (for sign-in limits) and scheme come from it.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_extensions(app: Flask) -> None:
    from community.extensions import csrf, db, limiter, login_manager, migrate, socketio

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    socketio.init_app(
        app,
        async_mode="threading",
        message_queue=app.config.get("SOCKETIO_MESSAGE_QUEUE"),
        cors_allowed_origins=app.config.get("SOCKETIO_CORS_ORIGINS"),
        manage_session=False,
    )

    from community.accounts.models import User

    @login_manager.user_loader
    def load_user(session_id: str):
        """The id carries a password fingerprint: a new password signs out every other session."""
        user_id, _, fingerprint = session_id.partition(":")
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        return user if user is not None and user.session_fingerprint == fingerprint else None


def register_blueprints(app: Flask) -> None:
    from community import accounts, forums, pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(forums.bp)


def register_errorhandlers(app: Flask) -> None:
    from community.errors import register_errorhandlers as register

    register(app)


def register_request_hooks(app: Flask) -> None:
    from community.security import set_security_headers

    app.after_request(set_security_headers)


def register_template_helpers(app: Flask) -> None:
    from community.templating import register

    register(app)


def register_commands(app: Flask) -> None:
    from community.commands import register

    register(app)
