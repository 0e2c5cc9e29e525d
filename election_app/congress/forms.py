from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..rules import PRESETS
from .models import KIND_LABELS


class CongressForm(FlaskForm):
    name = StringField("Tên đại hội", validators=[DataRequired("Nhập tên đại hội."), Length(max=300)],
                       description="Ví dụ: Đại hội Công đoàn cơ sở Trường Tiểu học Thủ Lệ lần thứ XV, nhiệm kỳ 2023–2028")
    organization = StringField("Công đoàn", validators=[DataRequired("Nhập tên công đoàn."), Length(max=300)],
                               description="Ví dụ: Công đoàn cơ sở Trường Tiểu học Thủ Lệ")
    parent_organization = StringField("Công đoàn cấp trên", validators=[Length(max=300)],
                                      description="Ví dụ: Công đoàn Giáo dục quận Ba Đình")
    ordinal = StringField("Lần thứ", validators=[Length(max=20)], description="Ví dụ: XV")
    term = StringField("Nhiệm kỳ", validators=[DataRequired("Nhập nhiệm kỳ."), Length(max=20)], default="2023–2028")
    kind = SelectField("Hình thức", choices=list(KIND_LABELS.items()))
    date = DateField("Ngày khai mạc", validators=[Optional()])
    place = StringField("Địa danh (dòng ngày tháng)", validators=[Length(max=100)], description="Ví dụ: Ba Đình")
    venue = StringField("Địa điểm", validators=[Length(max=300)])
    preset_code = SelectField("Bộ quy tắc", choices=[(k, p.title) for k, p in PRESETS.items()])
    chair_mode = SelectField("Bầu Chủ tịch", choices=[("by_bch", "Ban Chấp hành bầu tại hội nghị lần thứ nhất"),
                                                      ("direct", "Đại hội bầu trực tiếp (HD 28/HD-TLĐ)")])


class OfficialsForm(FlaskForm):
    presidium = TextAreaField("Đoàn Chủ tịch (mỗi dòng một người: Họ tên - chức danh)")
    secretariat = TextAreaField("Đoàn Thư ký")
    credentials_committee = TextAreaField("Ban Thẩm tra tư cách đại biểu")
    board = TextAreaField("Ban bầu cử")
