"""Login, logout, language switch, staff accounts."""
from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from ..db import db
from ..errors import DomainError, TooManyRequests
from .forms import LoginForm, UserForm
from .models import User
from .permissions import public, require
from .services import create_user, guarded_authenticate

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlparse(target).netloc:
        return target
    return url_for("congress.list_congresses")


@bp.route("/login", methods=["GET", "POST"])
@public("the login form")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("congress.list_congresses"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = guarded_authenticate(db.session, username=form.username.data,
                                        password=form.password.data,
                                        client=request.remote_addr or "unknown")
        except TooManyRequests as err:
            db.session.rollback()
            flash(err.message, "error")
            return render_template("auth/login.html", form=form), 429
        db.session.commit()  # keeps the failure count
        if user is None:
            flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "error")
        else:
            session.clear()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@public("logging out needs only a session")
@login_required
def logout():
    logout_user()
    session.clear()
    flash(_("Đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>", methods=["POST"])
@public("language switch (also on the delegate pages)")
def set_language(code: str):
    if code in ("vi", "en"):
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/users", methods=["GET", "POST"])
@require("users.manage")
def list_users():
    form = UserForm()
    if form.validate_on_submit():
        try:
            create_user(db.session, username=form.username.data, password=form.password.data,
                        role=form.role.data, full_name=form.full_name.data or "")
            db.session.commit()
            flash(_("Đã tạo tài khoản %(name)s.", name=form.username.data), "success")
            return redirect(url_for("auth.list_users"))
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
            for d in err.details:
                flash(d["message"], "error")
    users = db.session.scalars(select(User).order_by(User.username)).all()
    return render_template("auth/users.html", users=users, form=form)
