"""Forms of the election pages. Most actions are one button: ``ActionForm`` only carries
the CSRF token and the view reads the few fields itself, passing them to a service that
validates them (one set of rules for pages and API)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..errors import ValidationFailed
from ..rules import normalize_text
from .models import BODY_LABELS

NOMINATION_WORDS = {"ứng cử": "self", "ung cu": "self", "uc": "self", "self": "self",
                    "đề cử": "nominated", "de cu": "nominated", "dc": "nominated", "nominated": "nominated"}


class ActionForm(FlaskForm):
    """A button or a small form whose fields the view reads: only the CSRF token."""


class ElectionForm(FlaskForm):
    title = StringField("Tên cuộc bầu cử", validators=[DataRequired("Nhập tên cuộc bầu cử."), Length(max=300)],
                        description="Ví dụ: Bầu Ban Chấp hành Công đoàn cơ sở nhiệm kỳ 2023–2028")
    body = SelectField("Cơ quan bầu", choices=[(k, v) for k, v in BODY_LABELS.items()])
    seats = IntegerField("Số lượng bầu", validators=[DataRequired("Nhập số lượng bầu (ít nhất 1)."),
                                                     NumberRange(1, 500, "Số lượng bầu phải từ 1 trở lên.")])
    entry_teams = SelectField("Số tổ nhập phiếu độc lập", coerce=int, default=1,
                              choices=[(1, "1 tổ"), (2, "2 tổ (nhập hai lần, đối chiếu)"),
                                       (3, "3 tổ (nhập ba lần, đối chiếu)")])
    outside = TextAreaField(
        "Người ngoài danh sách đại biểu (mỗi dòng một người)", validators=[Optional(), Length(max=20000)],
        description="Họ và tên; năm sinh; chức vụ; đơn vị; ứng cử hoặc đề cử — các phần sau có thể bỏ trống.")


class EditElectionForm(FlaskForm):
    title = StringField("Tên cuộc bầu cử", validators=[DataRequired("Nhập tên cuộc bầu cử."), Length(max=300)])
    seats = IntegerField("Số lượng bầu", validators=[DataRequired("Nhập số lượng bầu (ít nhất 1).")])
    entry_teams = SelectField("Số tổ nhập phiếu độc lập", coerce=int,
                              choices=[(1, "1 tổ"), (2, "2 tổ"), (3, "3 tổ")])


class CandidateForm(FlaskForm):
    full_name = StringField("Họ và tên", validators=[DataRequired("Nhập họ và tên."), Length(max=300)])
    birth_year = IntegerField("Năm sinh", validators=[Optional(), NumberRange(1900, 2015, "Năm sinh không hợp lý.")])
    position = StringField("Chức vụ", validators=[Length(max=300)])
    unit = StringField("Đơn vị", validators=[Length(max=300)])
    nomination = SelectField("Hình thức", choices=[("nominated", "Đề cử"), ("self", "Ứng cử")])


def parse_outside_lines(text: str) -> list[dict]:
    """The textarea of outside candidates: "Họ và tên; năm sinh; chức vụ; đơn vị; ứng cử"."""
    rows: list[dict] = []
    problems: list[dict] = []
    for line_no, line in enumerate((text or "").splitlines(), start=1):
        parts = [normalize_text(p) for p in line.split(";")]
        if not parts or not parts[0]:
            continue
        row: dict = {"full_name": parts[0]}
        if len(parts) > 1 and parts[1]:
            if parts[1].isdigit():
                row["birth_year"] = int(parts[1])
            else:
                problems.append({"row": line_no, "field": "birth_year",
                                 "message": f"Dòng {line_no}: năm sinh «{parts[1]}» không phải số."})
        if len(parts) > 2:
            row["position"] = parts[2]
        if len(parts) > 3:
            row["unit"] = parts[3]
        if len(parts) > 4 and parts[4]:
            word = NOMINATION_WORDS.get(parts[4].casefold())
            if word is None:
                problems.append({"row": line_no, "field": "nomination",
                                 "message": f"Dòng {line_no}: ghi «ứng cử» hoặc «đề cử», không phải «{parts[4]}»."})
            row["nomination"] = word or "nominated"
        rows.append(row)
    if problems:
        raise ValidationFailed(problems[0]["message"], problems)
    return rows
