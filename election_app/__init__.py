"""election_app: running a Vietnamese trade-union congress (Đại hội Công đoàn) from set-up
to the signed results.

``create_app()`` builds the application: config → db → extensions → blueprints → cli →
error handlers. It never migrates, prompts or touches the network."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Flask, g, jsonify, render_template, request, session
from flask_babel import get_locale

from .config import build_config
from .errors import DomainError
from .extensions import babel, csrf, db, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _select_locale():
    lang = session.get("lang")
    if lang in ("vi", "en"):
        return lang
    return "vi"


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(build_config(Path(app.instance_path), test_config))

    # Import every model so metadata (and Alembic autogenerate) sees the whole schema.
    from . import models  # noqa: F401

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), compare_type=True,
                     render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale,
                   default_translation_directories=str(PROJECT_ROOT / "translations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "warning"

    @login_manager.user_loader
    def _load_user(user_id: str):
        from .auth.services import user_for_session
        return user_for_session(db.session, user_id=user_id, epoch=session.get("epoch"))

    from . import hardening
    hardening.install(app)  # bounded <int:> ids, strict JSON, bad input → 400 (before the routes)

    # First, so that its after_request (cache headers, gzip) runs last, on the final body.
    from . import assets
    assets.init_app(app)

    from .blueprints import register_blueprints
    register_blueprints(app)

    from .cli import register_cli
    register_cli(app)

    from .templating import register_template_helpers
    register_template_helpers(app)

    _register_error_handlers(app)
    _register_security_headers(app)
    return app


def _register_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(resp):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        # Everything is served from here (hall Wi-Fi, no Internet): no CDN, and no inline
        # script but the files a page inlined on purpose, each allowed by its own hash.
        from .assets import csp_script_hashes
        resp.headers.setdefault("Content-Security-Policy", _csp(tuple(csp_script_hashes())))
        if request.path.startswith("/api/"):
            resp.headers.setdefault("Cache-Control", "no-store")
        return resp


@lru_cache(maxsize=64)
def _csp(script_hashes: tuple[str, ...]) -> str:
    script_src = " ".join(["'self'", *script_hashes])
    return (f"default-src 'self'; script-src {script_src}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; media-src 'self' blob:; object-src 'none'; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'self'")


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(err: DomainError):
        db.session.rollback()
        if _wants_json():
            return jsonify(err.to_json()), err.status
        return render_template("errors/error.html", status=err.status, message=err.message), err.status

    messages = {
        400: "Yêu cầu không hợp lệ.",
        403: "Bạn không có quyền thực hiện thao tác này.",
        404: "Không tìm thấy trang hoặc dữ liệu yêu cầu.",
        405: "Phương thức không được hỗ trợ.",
        413: "Tệp tải lên quá lớn.",
        429: "Quá nhiều yêu cầu, vui lòng thử lại sau.",
        500: "Đã xảy ra lỗi hệ thống. Thao tác chưa được lưu.",
    }
    codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
             413: "too_large", 429: "rate_limited", 500: "server_error"}

    def make_handler(status: int):
        def handler(err):
            db.session.rollback()
            message = messages[status]
            description = getattr(err, "description", None)
            if status == 400 and description and "CSRF" in str(description):
                message = "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ (CSRF). Vui lòng tải lại trang."
            if _wants_json():
                return jsonify({"error": codes[status], "message": message, "details": []}), status
            return render_template("errors/error.html", status=status, message=message), status
        return handler

    for status in messages:
        app.register_error_handler(status, make_handler(status))
