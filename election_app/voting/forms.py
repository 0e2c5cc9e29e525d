"""Forms of the voting feature. The ballot form carries the CSRF token (Flask-WTF); the
names kept are read as a plain list (``kept``) because the list depends on the round."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from .services import MAX_SLIPS_PER_BATCH


class BallotForm(FlaskForm):
    election_id = HiddenField()
    step = HiddenField(default="review")
    confirm_invalid = BooleanField("Tôi hiểu phiếu gạch hết tên là phiếu không hợp lệ và vẫn muốn gửi")


class IssueLinksForm(FlaskForm):
    mode = SelectField("Cấp cho", choices=[("missing", "Những người chưa có liên kết"),
                                           ("selected", "Những người đã chọn"),
                                           ("all", "Tất cả (cấp lại, liên kết cũ mất hiệu lực)")],
                       default="missing")


class SlipsForm(FlaskForm):
    count = IntegerField("Số phiếu QR cần in", default=10, validators=[
        InputRequired("Nhập số phiếu."),
        NumberRange(1, MAX_SLIPS_PER_BATCH, f"Số phiếu phải từ 1 đến {MAX_SLIPS_PER_BATCH}.")])
    output = SelectField("Định dạng", choices=[("html", "Trang in (HTML)"), ("pdf", "PDF khổ A4")],
                         default="html")


class DeskForm(FlaskForm):
    """The ballot desk's strike-off button (CSRF only)."""
