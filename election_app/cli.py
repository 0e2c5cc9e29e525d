"""Flask commands: ``user create/grant/revoke``, ``audit verify``, ``demo seed``."""
from __future__ import annotations

import click
from flask import Flask

from .db import db
from .errors import DomainError


def _cli_run(act, cmd: dict, actor_name: str | None = None):
    """Run an action through the one door as the operator at the console."""
    from .door import cli_actor, run
    try:
        return run(act, actor=cli_actor(db.session, actor_name), cmd=cmd)
    except DomainError as err:
        msgs = [err.message] + [d["message"] for d in err.details if d.get("message") != err.message]
        raise click.ClickException(" ".join(msgs))


def register_cli(app: Flask) -> None:
    @app.cli.group("user", help="Tài khoản cán bộ (staff accounts).")
    def user_group():
        pass

    @user_group.command("create")
    @click.argument("name")
    @click.option("--role", required=True, type=click.Choice(["admin", "organizer", "board", "secretary"]))
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    @click.option("--full-name", default="")
    @click.option("--congress", "congresses", multiple=True, type=int,
                  help="Đại hội tài khoản được làm việc (lặp lại được); admin thấy mọi đại hội.")
    def user_create(name: str, role: str, password: str, full_name: str, congresses: tuple[int, ...]):
        from .accounts import actions
        _cli_run(actions.create_user, {"username": name, "password": password, "role": role,
                                       "full_name": full_name, "congress_ids": list(congresses)})
        scope = ", ".join(f"#{c}" for c in congresses) or ("mọi đại hội" if role == "admin" else "chưa có đại hội nào")
        click.echo(f"Đã tạo tài khoản {name} ({role}); phạm vi: {scope}.")

    @user_group.command("grant")
    @click.argument("name")
    @click.argument("congress_id", type=int)
    def user_grant(name: str, congress_id: int):
        """Cho tài khoản NAME làm việc với đại hội CONGRESS_ID."""
        from .accounts import actions
        changed = _cli_run(actions.grant_congress, {"username": name, "congress_id": congress_id})
        click.echo(f"{name}: {'đã cấp' if changed else 'đã có từ trước'} quyền với đại hội #{congress_id}.")

    @user_group.command("revoke")
    @click.argument("name")
    @click.argument("congress_id", type=int)
    def user_revoke(name: str, congress_id: int):
        """Thu hồi quyền của tài khoản NAME với đại hội CONGRESS_ID."""
        from .accounts import actions
        changed = _cli_run(actions.revoke_congress, {"username": name, "congress_id": congress_id})
        click.echo(f"{name}: {'đã thu hồi' if changed else 'không có'} quyền với đại hội #{congress_id}.")

    @app.cli.group("audit", help="Nhật ký thao tác (audit log).")
    def audit_group():
        pass

    @audit_group.command("verify")
    @click.option("--congress", "congress_id", type=int, default=None, help="Chỉ kiểm một đại hội.")
    def audit_verify(congress_id: int | None):
        """Kiểm chuỗi băm của nhật ký: 0 khi nguyên vẹn; khác 0, nêu mục hỏng đầu tiên."""
        from .audit.services import verify_chains
        checked, faults = verify_chains(db.session, chain=congress_id)
        if faults:
            for fault in faults:
                click.echo(f"HỎNG: {fault}", err=True)
            raise SystemExit(1)
        click.echo(f"Nhật ký nguyên vẹn: {checked} mục đã kiểm.")

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
