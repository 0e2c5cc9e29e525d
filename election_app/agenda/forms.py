"""Forms of the agenda pages (CSRF on every post)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .presets import KIND_LABELS, SECTION_LABELS


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token."""


class ItemForm(FlaskForm):
    title = StringField("Tên mục", validators=[DataRequired("Nhập tên mục."), Length(max=400)])
    section = SelectField("Phần", choices=[(k, f"{k}. {v}") for k, v in SECTION_LABELS.items()], default="B")
    planned_time = StringField("Giờ dự kiến", validators=[Length(max=10)], description="Ví dụ: 08:15")
    duration_min = IntegerField("Thời lượng (phút)", validators=[Optional(), NumberRange(0, 720, "Từ 0 đến 720 phút.")])
    presenter = StringField("Người trình bày / điều hành", validators=[Length(max=200)])
    kind = SelectField("Loại", choices=list(KIND_LABELS.items()), default="other")
    motion_id = SelectField("Biểu quyết của mục", coerce=int, default=0)
    election_id = SelectField("Cuộc bầu cử của mục", coerce=int, default=0)

    def data_dict(self) -> dict:
        return {k: getattr(self, k).data for k in ("title", "section", "planned_time", "duration_min",
                                                    "presenter", "kind", "motion_id", "election_id")}


class TemplateForm(FlaskForm):
    start = StringField("Giờ bắt đầu", default="07:30", validators=[Length(max=10)])
    replace = BooleanField("Thay thế chương trình hiện có (xoá các mục và ghi chép hiện có)")


class NotesForm(FlaskForm):
    notes = TextAreaField("Ghi chép", validators=[Length(max=100_000)])


class UploadForm(FlaskForm):
    title = StringField("Tên tài liệu", validators=[Length(max=300)],
                        description="Để trống thì lấy theo tên tệp.")
    file = FileField("Tệp PDF (tối đa 20 MB)", validators=[FileRequired("Chọn tệp PDF.")])


class HandsForm(FlaskForm):
    agree = IntegerField("Tán thành", validators=[InputRequired("Nhập số tán thành."), NumberRange(0)])
    disagree = IntegerField("Không tán thành", validators=[Optional(), NumberRange(0)], default=0)
    other = IntegerField("Ý kiến khác", validators=[Optional(), NumberRange(0)], default=0)
