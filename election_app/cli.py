"""Flask commands: ``user create|password|disable|enable``, ``demo seed``,
``congress export|import|backup``."""
from __future__ import annotations

import click
from flask import Flask

from .db import db
from .errors import DomainError


def register_cli(app: Flask) -> None:
    @app.cli.group("user", help="Tài khoản cán bộ (staff accounts).")
    def user_group():
        pass

    @user_group.command("create")
    @click.argument("name")
    @click.option("--role", required=True, type=click.Choice(["admin", "organizer", "board", "secretary"]))
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    @click.option("--full-name", default="")
    def user_create(name: str, role: str, password: str, full_name: str):
        from .auth.services import create_user
        try:
            create_user(db.session, username=name, password=password, role=role, full_name=full_name)
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            msgs = [err.message] + [d["message"] for d in err.details]
            raise click.ClickException(" ".join(msgs))
        click.echo(f"Đã tạo tài khoản {name} ({role}).")

    def _fail(err: DomainError):
        db.session.rollback()
        raise click.ClickException(" ".join([err.message] + [d["message"] for d in err.details]))

    @user_group.command("password")
    @click.argument("name")
    @click.option("--password", prompt="Mật khẩu mới", hide_input=True, confirmation_prompt=True)
    def user_password(name: str, password: str):
        """Set a new password; every session and API token of the account stops working."""
        from .auth.services import get_user_by_name, set_password
        try:
            set_password(db.session, user=get_user_by_name(db.session, name), password=password)
            db.session.commit()
        except DomainError as err:
            _fail(err)
        click.echo(f"Đã đặt mật khẩu mới cho {name}; mọi phiên đăng nhập và mã API cũ đã hết hiệu lực.")

    @user_group.command("disable")
    @click.argument("name")
    def user_disable(name: str):
        """Disable an account; its sessions and API tokens end at once."""
        from .auth.services import get_user_by_name, set_account_active
        try:
            set_account_active(db.session, user=get_user_by_name(db.session, name), active=False)
            db.session.commit()
        except DomainError as err:
            _fail(err)
        click.echo(f"Đã khoá tài khoản {name}.")

    @user_group.command("enable")
    @click.argument("name")
    def user_enable(name: str):
        from .auth.services import get_user_by_name, set_account_active
        try:
            set_account_active(db.session, user=get_user_by_name(db.session, name), active=True)
            db.session.commit()
        except DomainError as err:
            _fail(err)
        click.echo(f"Đã mở lại tài khoản {name}.")

    @app.cli.group("demo", help="Dữ liệu mẫu.")
    def demo_group():
        pass

    @demo_group.command("seed")
    @click.option("--admin-password", default=None,
                  help="Mật khẩu cho admin (mặc định: sinh ngẫu nhiên, in ra một lần).")
    def demo_seed(admin_password: str | None):
        """Seed the demo congress once (does nothing when it already exists). The accounts get
        generated passwords, printed here once and stored nowhere in clear."""
        from .demo import seed_demo
        try:
            made = seed_demo(db.session, admin_password=admin_password)
            db.session.commit()
        except DomainError as err:
            _fail(err)
        if made:
            click.echo("Đã tạo đại hội mẫu và các tài khoản (mật khẩu chỉ hiện MỘT LẦN, hãy ghi lại;")
            click.echo("đổi bằng trang «Đổi mật khẩu» hoặc `flask --app election_app user password TÊN`):")
            for username, role, pw in made:
                click.echo(f"  {username:<10} {role:<10} mật khẩu: {pw}")
        else:
            click.echo("Dữ liệu mẫu đã có sẵn; không tạo lại.")
