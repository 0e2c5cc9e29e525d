"""Flask commands: ``user create|grant|revoke|password|disable|enable``, ``audit verify``,
``congress export|import|backup``, ``demo seed``."""
from __future__ import annotations

import click
from flask import Flask

from .db import db
from .door import unit
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

    def _fail(err: DomainError):
        db.session.rollback()
        raise click.ClickException(" ".join([err.message] + [d["message"] for d in err.details]))

    @user_group.command("password")
    @click.argument("name")
    @click.option("--password", prompt="Mật khẩu mới", hide_input=True, confirmation_prompt=True)
    def user_password(name: str, password: str):
        """Set a new password; every session and API token of the account stops working."""
        from .accounts import actions
        _cli_run(actions.set_password, {"username": name, "password": password})
        click.echo(f"Đã đặt mật khẩu mới cho {name}; mọi phiên đăng nhập và mã API cũ đã hết hiệu lực.")

    @user_group.command("disable")
    @click.argument("name")
    def user_disable(name: str):
        """Disable an account; its sessions and API tokens end at once."""
        from .accounts import actions
        _cli_run(actions.set_active, {"username": name, "active": False})
        click.echo(f"Đã khoá tài khoản {name}.")

    @user_group.command("enable")
    @click.argument("name")
    def user_enable(name: str):
        """Enable a disabled account again."""
        from .accounts import actions
        _cli_run(actions.set_active, {"username": name, "active": True})
        click.echo(f"Đã mở lại tài khoản {name}.")

    @app.cli.group("congress", help="Sao lưu và khôi phục một đại hội (backup).")
    def congress_group():
        pass

    @congress_group.command("export")
    @click.argument("cid", type=int)
    @click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, writable=True),
                  help="Tệp .json (hoặc .json.gz) để ghi.")
    def congress_export(cid: int, output: str):
        """Write the whole congress CID (roll, attendance, agenda, motions, elections, rounds,
        ballots, receipts, seals, documents' numbers) to FILE."""
        import gzip
        import json
        import os
        from .backup.services import export_congress
        try:
            data = export_congress(db.session, congress_id=cid)
        except DomainError as err:
            _fail(err)
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(gzip.compress(body, mtime=0) if output.endswith(".gz") else body)
        rows = sum(len(t["rows"]) for t in data["tables"].values())
        click.echo(f"Đã xuất đại hội {cid}: {len(data['tables'])} bảng, {rows} dòng → {output}")

    @congress_group.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    def congress_import(file: str):
        """Load a congress from FILE (written by `congress export` or an automatic backup
        under instance/backups/) as a new congress with new ids."""
        from pathlib import Path
        from .backup.files import load_file
        from .backup.actions import import_congress_file
        try:
            data = load_file(Path(file))
        except DomainError as err:
            _fail(err)
        cid = _cli_run(import_congress_file, {"data": data, "source": Path(file).name})
        click.echo(f"Đã nhập đại hội: số {cid}.")

    @congress_group.command("backup")
    @click.argument("cid", type=int, required=False)
    @click.option("--all", "all_", is_flag=True, help="Mọi đại hội (cho cron cuối ngày).")
    def congress_backup(cid: int | None, all_: bool):
        """Write a backup now into instance/backups/ (rotated), e.g. from cron at 23:59."""
        from flask import current_app
        from sqlalchemy import select
        from .backup.files import write_backup
        from .congress.models import Congress
        ids = db.session.scalars(select(Congress.id)).all() if all_ else [cid]
        if not all_ and cid is None:
            raise click.UsageError("Cần số đại hội CID hoặc --all.")
        for one in ids:
            try:
                path = write_backup(db.session, current_app, congress_id=one, reason="end-of-day" if all_ else "manual")
            except DomainError as err:
                _fail(err)
            click.echo(f"Đã sao lưu đại hội {one} → {path}")

    @app.cli.group("org", help="Cây công đoàn trên máy chủ liên đoàn (federation).")
    def org_group():
        pass

    @org_group.command("create")
    @click.argument("name")
    @click.option("--level", required=True, type=click.Choice(
        ["tong_ldld", "ldld_tinh", "cd_nganh_tw", "cd_nganh", "ldld_huyen", "cd_cap_tren_co_so", "cdcs"]))
    @click.option("--parent", "parent_id", type=int, default=None, help="Số của công đoàn cấp trên trực tiếp.")
    def org_create(name: str, level: str, parent_id: int | None):
        """Add a union to the tree."""
        from .federation.actions import create_organization
        org = _cli_run(create_organization, {"name": name, "level": level, "parent_id": parent_id})
        click.echo(f"Đã thêm công đoàn số {org.id}: {org.name}")

    @org_group.command("attach")
    @click.argument("cid", type=int)
    @click.argument("org_id", type=int)
    def org_attach(cid: int, org_id: int):
        """Attach congress CID to union ORG_ID."""
        from .federation.actions import attach_congress
        _cli_run(attach_congress, {"congress_id": cid, "organization_id": org_id})
        click.echo(f"Đã gắn đại hội {cid} vào công đoàn {org_id}.")

    @org_group.command("grant")
    @click.argument("username")
    @click.argument("org_id", type=int)
    def org_grant(username: str, org_id: int):
        """Let account USERNAME watch every congress at or below union ORG_ID."""
        from sqlalchemy import select
        from .auth.models import User
        from .federation.actions import grant_organization
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"Không có tài khoản {username}.")
        _cli_run(grant_organization, {"user_id": user.id, "organization_id": org_id})
        click.echo(f"Tài khoản {username} theo dõi các đại hội thuộc công đoàn {org_id}.")

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
            made = unit(lambda: seed_demo(db.session, admin_password=admin_password))
        except DomainError as err:
            _fail(err)
        if made:
            click.echo("Đã tạo đại hội mẫu và các tài khoản (mật khẩu chỉ hiện MỘT LẦN, hãy ghi lại;")
            click.echo("đổi bằng trang «Đổi mật khẩu» hoặc `flask --app election_app user password TÊN`):")
            for username, role, pw in made:
                click.echo(f"  {username:<10} {role:<10} mật khẩu: {pw}")
        else:
            click.echo("Dữ liệu mẫu đã có sẵn; không tạo lại.")
