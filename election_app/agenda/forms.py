"""Forms of the agenda pages (CSRF on every post)."""
from __future__ import annotations

from flask_babel import LazyString, lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .presets import KIND_LABELS, SECTION_LABELS
from ..formkit import options

# The labels of agenda.presets are shown translated (``_(label)`` in the templates); they are
# listed here for `make i18n`, and the i18n test checks every one of them has English.
LABEL_MSGIDS = (
    _l("Phần nghi thức"), _l("Phần nội dung"), _l("Phần bầu cử"), _l("Phần bế mạc"),
    _l("Nghi thức"), _l("Báo cáo"), _l("Biểu quyết"), _l("Bầu cử (bỏ phiếu kín)"), _l("Thảo luận"),
    _l("Công bố quyết định chỉ định"), _l("Góp ý dự thảo văn kiện"), _l("Khác"),
    # inputs.APPOINTED_BODY_LABELS not already in elections.models.BODY_LABELS
    _l("Ban Thường vụ"), _l("Phó Chủ tịch Công đoàn"),
    _l("Chưa diễn ra"), _l("Đang diễn ra"), _l("Đã xong"),
)


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token."""


class ItemForm(FlaskForm):
    title = StringField(_l("Tên mục"), validators=[DataRequired(_l("Nhập tên mục.")), Length(max=400)])
    section = SelectField(_l("Phần"), choices=options([(k, LazyString("{}. {}".format, k, _l(v)))
                                               for k, v in SECTION_LABELS.items()]),
                          default="B")
    planned_time = StringField(_l("Giờ dự kiến"), validators=[Length(max=10)], description=_l("Ví dụ: 08:15"))
    duration_min = IntegerField(_l("Thời lượng (phút)"),
                                validators=[Optional(), NumberRange(0, 720, _l("Từ 0 đến 720 phút."))])
    presenter = StringField(_l("Người trình bày / điều hành"), validators=[Length(max=200)])
    kind = SelectField(_l("Loại"), choices=options([(k, _l(v)) for k, v in KIND_LABELS.items()]), default="other")
    motion_id = SelectField(_l("Biểu quyết của mục"), coerce=int, default=0)
    election_id = SelectField(_l("Cuộc bầu cử của mục"), coerce=int, default=0)

    def data_dict(self) -> dict:
        return {k: getattr(self, k).data for k in ("title", "section", "planned_time", "duration_min",
                                                    "presenter", "kind", "motion_id", "election_id")}


class TemplateForm(FlaskForm):
    start = StringField(_l("Giờ bắt đầu"), default="07:30", validators=[Length(max=10)])
    replace = BooleanField(_l("Thay thế chương trình hiện có (xoá các mục và ghi chép hiện có)"))


class NotesForm(FlaskForm):
    notes = TextAreaField(_l("Ghi chép"), validators=[Length(max=100_000)])


class UploadForm(FlaskForm):
    title = StringField(_l("Tên tài liệu"), validators=[Length(max=300)],
                        description=_l("Để trống thì lấy theo tên tệp."))
    file = FileField(_l("Tệp PDF (tối đa 20 MB)"), validators=[FileRequired(_l("Chọn tệp PDF."))])


class HandsForm(FlaskForm):
    agree = IntegerField(_l("Tán thành"), validators=[InputRequired(_l("Nhập số tán thành.")), NumberRange(0)])
    disagree = IntegerField(_l("Không tán thành"), validators=[Optional(), NumberRange(0)], default=0)
    other = IntegerField(_l("Ý kiến khác"), validators=[Optional(), NumberRange(0)], default=0)
