from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..rules import PRESETS
from ..formkit import options
from .models import LEVEL_LABELS

# models.OFFICIAL_ROLES are shown translated on the dashboard (``_(label)``); the others are
# form labels below. Listed for `make i18n`; the i18n test checks every one has English.
LABEL_MSGIDS = (_l("Đoàn Chủ tịch"), _l("Tổng Liên đoàn Lao động Việt Nam"), _l("Liên đoàn Lao động tỉnh, thành phố"),
                _l("Công đoàn ngành trung ương"), _l("Công đoàn ngành địa phương"),
                _l("Liên đoàn Lao động quận, huyện"), _l("Công đoàn cấp trên trực tiếp cơ sở khác"),
                _l("Công đoàn cơ sở"))


class CongressForm(FlaskForm):
    name = StringField(_l("Tên đại hội"), validators=[DataRequired(_l("Nhập tên đại hội.")), Length(max=300)],
                       description=_l("Ví dụ: Đại hội Công đoàn cơ sở Trường Tiểu học Thủ Lệ lần thứ XV, nhiệm kỳ 2023–2028"))
    organization = StringField(_l("Công đoàn"), validators=[DataRequired(_l("Nhập tên công đoàn.")), Length(max=300)],
                               description=_l("Ví dụ: Công đoàn cơ sở Trường Tiểu học Thủ Lệ"))
    parent_organization = StringField(_l("Công đoàn cấp trên"), validators=[Length(max=300)],
                                      description=_l("Ví dụ: Công đoàn Giáo dục quận Ba Đình"))
    ordinal = StringField(_l("Lần thứ"), validators=[Length(max=20)], description=_l("Ví dụ: XV"))
    term = StringField(_l("Nhiệm kỳ"), validators=[DataRequired(_l("Nhập nhiệm kỳ.")), Length(max=20)], default="2023–2028")
    # Công đoàn cơ sở first: the usual congress.
    level = SelectField(_l("Cấp công đoàn"), choices=options([(k, _l(v)) for k, v in reversed(LEVEL_LABELS.items())]),
                        default="cdcs",
                        description=_l("Công đoàn tổ chức đại hội. Chỉ công đoàn cơ sở (kể cả nghiệp đoàn cơ sở) mới có "
                                       "đại hội toàn thể; công đoàn khu công nghiệp, tổng công ty… là «cấp trên trực "
                                       "tiếp cơ sở khác»."))
    kind = SelectField(_l("Hình thức"), choices=options([("delegates", _l("Đại hội đại biểu")), ("all_members", _l("Đại hội toàn thể"))]))
    date = DateField(_l("Ngày khai mạc"), validators=[Optional()])
    place = StringField(_l("Địa danh (dòng ngày tháng)"), validators=[Length(max=100)], description=_l("Ví dụ: Ba Đình"))
    venue = StringField(_l("Địa điểm"), validators=[Length(max=300)])
    preset_code = SelectField(_l("Bộ quy tắc"), choices=options([(k, p.title) for k, p in PRESETS.items()]))
    chair_mode = SelectField(_l("Bầu Chủ tịch"), choices=options([("by_bch", _l("Ban Chấp hành bầu tại hội nghị lần thứ nhất")),
                                                      ("direct", _l("Đại hội bầu trực tiếp (HD 28/HD-TLĐ)"))]))


class OfficialsForm(FlaskForm):
    presidium = TextAreaField(_l("Đoàn Chủ tịch (mỗi dòng một người: Họ tên - chức danh)"))
    secretariat = TextAreaField(_l("Đoàn Thư ký"))
    credentials_committee = TextAreaField(_l("Ban Thẩm tra tư cách đại biểu"))
    board = TextAreaField(_l("Ban bầu cử"))
