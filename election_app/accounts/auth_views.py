"""Login, logout, language switch, staff accounts."""
from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from ..db import db
from ..errors import TooManyRequests
from .forms import LoginForm, PasswordChangeForm, PasswordResetForm, UserForm
from ..auth.models import User
from ..auth.permissions import public, require
from ..auth.services import guarded_authenticate
from ..door import current_actor, page_run, run, unit
from . import actions

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
            # not a staff action (no actor yet): a unit of work without audit keeps the
            # attempt's bookkeeping, whatever the answer
            user = unit(lambda: guarded_authenticate(db.session, username=form.username.data,
                                                     password=form.password.data,
                                                     client=request.remote_addr or "unknown"))
        except TooManyRequests as err:
            flash(err.message, "error")
            return render_template("auth/login.html", form=form), 429
        if user is None:
            flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "error")
        else:
            session.clear()
            login_user(user)
            session["epoch"] = user.session_epoch
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@public("logging out needs only a session")
@login_required
def logout():
    # Logging out ends every session and API token of the account (a copied cookie is dead too).
    run(actions.logout, actor=current_actor("page"))
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
        done, _user = page_run(actions.create_user, {
            "username": form.username.data or "", "password": form.password.data or "",
            "role": form.role.data, "full_name": form.full_name.data or ""},
            success=_("Đã tạo tài khoản %(name)s.", name=form.username.data))
        if done:
            return redirect(url_for("auth.list_users"))
    users = db.session.scalars(select(User).order_by(User.username)).all()
    return render_template("auth/users.html", users=users, form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@require("account.own")
def change_password():
    """Staff change their own password; every other session and token of the account ends,
    this one continues under the new epoch."""
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        done, _result = page_run(actions.change_own_password,
                                 {"current_password": form.current.data, "password": form.password.data},
                                 success=_("Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản đã kết thúc."))
        if done:
            session["epoch"] = db.session.get(User, current_user.id).session_epoch
            return redirect(url_for("congress.list_congresses"))
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("auth/password.html", form=form), status


def _target_user(uid: int) -> User:
    user = db.session.get(User, uid) if 0 < uid < 2**63 else None
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:uid>/password", methods=["GET", "POST"])
@require("users.manage")
def reset_password(uid: int):
    """An admin sets a new password for an account; its sessions and tokens end."""
    user = _target_user(uid)
    form = PasswordResetForm()
    status = 200
    if form.validate_on_submit():
        done, _result = page_run(actions.set_password, {"username": user.username, "password": form.password.data},
                                 success=_("Đã đặt mật khẩu mới cho %(name)s; mọi phiên đăng nhập của tài khoản "
                                           "đã kết thúc.", name=user.username))
        if done:
            if user.id == current_user.id:
                session["epoch"] = db.session.get(User, user.id).session_epoch
            return redirect(url_for("auth.list_users"))
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("auth/reset_password.html", form=form, user=user), status


@bp.route("/users/<int:uid>/active", methods=["POST"])
@require("users.manage")
def set_active(uid: int):
    """Disable (ends every session and token at once) or enable an account."""
    user = _target_user(uid)
    active = request.form.get("active") == "1"
    page_run(actions.set_active, {"username": user.username, "active": active},
             success=(_("Đã mở lại tài khoản %(name)s.", name=user.username) if active
                      else _("Đã khoá tài khoản %(name)s; mọi phiên đăng nhập đã kết thúc.", name=user.username)))
    return redirect(url_for("auth.list_users"))
