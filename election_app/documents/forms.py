"""Forms of the documents pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..documents.services import RESOLUTION_MAX


class ResolutionForm(FlaskForm):
    text = TextAreaField(_l("Nội dung nghị quyết"), validators=[
        DataRequired(_l("Nội dung nghị quyết không được để trống.")),
        Length(max=RESOLUTION_MAX, message=_l("Nội dung nghị quyết quá dài."))])


class JobForm(FlaskForm):
    """Ask for a document to be made in the background (big card sheets, ballots)."""
    kind = HiddenField(validators=[DataRequired()])
    election_id = IntegerField(validators=[Optional()])
    round = IntegerField(_l("Lần bầu"), validators=[Optional(), NumberRange(1, 99)])
    copies = IntegerField(_l("Số bản"), validators=[Optional(), NumberRange(1, 500, _l("Số bản từ 1 đến 500."))])
    voting_links = BooleanField(_l("Kèm mã QR bỏ phiếu cá nhân"))
    reissue_links = BooleanField(_l("Cấp lại liên kết mới cho mọi người trên thẻ"))
    confirm_reissue = BooleanField(_l("Tôi hiểu: các liên kết bỏ phiếu đã phát sẽ hết hiệu lực"))
    codes = StringField(_l("Chỉ in các số thẻ"), validators=[Optional(), Length(max=20000)])


class ConfirmForm(FlaskForm):
    """A bare form: a button that only needs its CSRF token."""
