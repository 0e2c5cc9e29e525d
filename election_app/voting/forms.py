"""Forms of the voting feature. The ballot form carries the CSRF token (Flask-WTF); the
names kept are read as a plain list (``kept``) because the list depends on the round."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from .services import MAX_SLIPS_PER_BATCH
from ..formkit import options

# services.METHOD_STATUS is shown translated on the ballot desk (``_(label)``); listed here for
# `make i18n`, and the i18n test checks every one has English.
LABEL_MSGIDS = (_l("Đã bỏ phiếu"), _l("Đã nhận phiếu giấy"), _l("Đã nhận phiếu QR ẩn danh"))


class BallotForm(FlaskForm):
    election_id = HiddenField()
    step = HiddenField(default="review")
    confirm_invalid = BooleanField(_l("Tôi hiểu phiếu gạch hết tên là phiếu không hợp lệ và vẫn muốn gửi"))


class IssueLinksForm(FlaskForm):
    mode = SelectField(_l("Cấp cho"), choices=options([("missing", _l("Những người chưa có liên kết")),
                                               ("selected", _l("Những người đã chọn")),
                                               ("all", _l("Tất cả (cấp lại, liên kết cũ mất hiệu lực)"))]),
                       default="missing")


class SlipsForm(FlaskForm):
    count = IntegerField(_l("Số phiếu QR cần in"), default=10, validators=[
        InputRequired(_l("Nhập số phiếu.")),
        NumberRange(1, MAX_SLIPS_PER_BATCH, _l("Số phiếu phải từ 1 đến %(n)s.", n=MAX_SLIPS_PER_BATCH))])
    output = SelectField(_l("Định dạng"), choices=options([("html", _l("Trang in (HTML)")), ("pdf", _l("PDF khổ A4"))]),
                         default="html")


class DeskForm(FlaskForm):
    """The ballot desk's strike-off button (CSRF only)."""
