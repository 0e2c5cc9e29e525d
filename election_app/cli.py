"""Flask commands: ``user create``, ``demo seed``."""
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

    @app.cli.group("demo", help="Dữ liệu mẫu.")
    def demo_group():
        pass

    @demo_group.command("seed")
    @click.option("--admin-password", default="admin12345", show_default=True)
    def demo_seed(admin_password: str):
        """Seed the demo congress once (does nothing when it already exists)."""
        from .demo import seed_demo
        made = seed_demo(db.session, admin_password=admin_password)
        db.session.commit()
        if made:
            click.echo("Đã tạo đại hội mẫu và các tài khoản:")
            for username, role, pw in made:
                click.echo(f"  {username:<10} {role:<10} mật khẩu: {pw}")
        else:
            click.echo("Dữ liệu mẫu đã có sẵn; không tạo lại.")
